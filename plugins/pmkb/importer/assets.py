"""Relative images and links of a source: they break once the file moves, so the report
lists them, and `--copy-assets` copies the files beside the new postmortem."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from pmkb.importer.source import Line
from pmkb.read.document import markdown_tokens

_SCHEME = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|#|/|\{\{|\{%)", re.I)
_HTML = re.compile(r"""<(?:img|a)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']+)["']""", re.I)


@dataclass(frozen=True)
class Asset:
    """A relative link or image: as written, the file it names, and its source line."""

    url: str
    path: str
    line: int
    image: bool


def relative_assets(lines: list[Line]) -> list[Asset]:
    """The relative images and links of some body lines, in order, each once."""
    found: dict[str, Asset] = {}
    for token in markdown_tokens("\n".join(line.text for line in lines)):
        if token.type != "inline" or not token.map:
            continue
        block = lines[token.map[0] : token.map[1]]
        urls = [
            (str(child.attrs.get("src" if child.type == "image" else "href", "")), child.type == "image")
            for child in token.children or []
            if child.type in ("image", "link_open")
        ]
        urls += [
            (url, url.lower().endswith((".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")))
            for url in _HTML.findall(token.content)
        ]
        for url, image in urls:
            path = unquote(url.split("#")[0].split("?")[0])
            if url and path and not _SCHEME.match(url) and url not in found:
                number = next(
                    (line.number for line in block if url in line.text), block[0].number if block else 0
                )
                found[url] = Asset(url, path, number, image)
    return list(found.values())


def copy_asset(asset: Asset, source_dir: Path, target_dir: Path) -> str:
    """Copy one asset beside the new file (same relative path); never overwrites.
    Returns what happened, for the report."""
    origin = (source_dir / asset.path).resolve()
    destination = (target_dir / asset.path).resolve()
    if not destination.is_relative_to(target_dir.resolve()):
        return f"not copied: {asset.path} points outside the new file's folder; move it by hand"
    if not origin.is_file():
        return f"not copied: {origin} does not exist"
    if destination.exists():
        return f"not copied: {destination} already exists"
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(origin, destination)
    return f"copied to {destination}"
