"""Where postmortem files land in the built site: `/postmortems/<path>/`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mkdocs.structure.files import File, Files

URL_PREFIX = "postmortems"


def place_postmortems(
    files: Files,
    *,
    is_postmortem: Callable[[str], bool],
    unpublished: set[str],
    private: set[str],
) -> Files:
    """Move postmortems under `postmortems/`, drop what must not be published.

    The docs directory *is* `postmortems/`, so MkDocs alone would publish
    `postmortems/2026/x.md` at `/2026/x/`; DESIGN.md promises `/postmortems/2026/x/`.
    """
    for file in list(files):
        uri = file.src_uri
        hidden = any(part.startswith("_") for part in PurePosixPath(uri).parts)
        if hidden or uri in private or uri in unpublished:
            files.remove(file)
        elif is_postmortem(uri):
            _move(file, f"{URL_PREFIX}/{file.dest_uri}")
    return files


def _move(file: File, dest_uri: str) -> None:
    file.dest_uri = dest_uri
    for derived in ("url", "abs_dest_path"):
        file.__dict__.pop(derived, None)
