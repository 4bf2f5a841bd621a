"""`pmkb import`: postmortems written in other templates become drafts of ours.

read (`source`: the shared reader, headings, sections) → evidence (`dates`, `severity`,
`front_matter`) → tables (`actions`, `timeline`) → the draft (`convert`) → files and
the report (`files`, `report`). `split` cuts a file that holds several incidents.
"""

from __future__ import annotations

from pmkb.importer.convert import HeadingMapping, ImportResult, convert
from pmkb.importer.source import ImportRefused, decode

__all__ = ["HeadingMapping", "ImportRefused", "ImportResult", "convert", "decode"]
