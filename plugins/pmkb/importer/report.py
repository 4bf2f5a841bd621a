"""The report of one imported file: what was mapped from where, what is left to do."""

from __future__ import annotations

from pathlib import Path

from pmkb.importer.convert import ImportResult


def report_lines(result: ImportResult, origin: str, target: Path, copied: dict[str, str]) -> list[str]:
    """`<target>: <id> (status: draft), imported from <source>`, then the details."""
    lines = [f"{target}: {result.id} (status: draft), imported from {origin}"]
    lines += [f"  {item}" for item in result.mapped]
    lines.append(
        "  headings: "
        + ("; ".join(f"{h.original} → {h.section or 'kept as is'}" for h in result.headings) or "none")
    )
    if result.assets:
        lines.append("  relative links and images (they break once the file moves):")
        for asset in result.assets:
            what = copied.get(asset.url, "not copied: pass --copy-assets, or fix the link")
            lines.append(f"    line {asset.line}: {asset.url} ({what})")
    lines.append("  still to supply:")
    lines += [f"  - [ ] {item}" for item in result.todo]
    return lines
