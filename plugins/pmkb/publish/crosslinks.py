"""Incident IDs mentioned in prose ("see PM-2025-007") become links to that postmortem.

Only plain text is touched: fenced and inline code, existing links, raw HTML tags and
autolinks are left exactly as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_PROTECTED = re.compile(
    r"(`+)[^`]*?\1"  # inline code
    r"|!?\[[^\]]*\]\([^)]*\)"  # [text](target) and images
    r"|!?\[[^\]]*\]\[[^\]]*\]"  # [text][ref]
    r"|<[^>\n]+>"  # HTML tags and <autolinks>
)


def id_regex(id_pattern: str) -> re.Pattern[str]:
    """The configured ID pattern, unanchored, matching whole words only."""
    core = re.sub(r"^\^|\$$", "", id_pattern)
    return re.compile(rf"(?<![\w/#-])(?:{core})(?![\w-])")


def link_incident_ids(markdown: str, ids: re.Pattern[str], target: Callable[[str], str | None]) -> str:
    """Replace each ID in plain text with `[ID](target(ID))` when target knows it."""
    if ids.search(markdown) is None:
        return markdown
    lines = markdown.split("\n")
    fence: str | None = None
    for number, line in enumerate(lines):
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            continue
        if line.startswith(("    ", "\t")) and not line.lstrip().startswith("|"):
            continue  # indented code block (or list continuation: left alone, to be safe)
        if ids.search(line) is not None:
            lines[number] = _link_line(line, ids, target)
    return "\n".join(lines)


def _link_line(line: str, ids: re.Pattern[str], target: Callable[[str], str | None]) -> str:
    def replace(match: re.Match[str]) -> str:
        url = target(match.group(0))
        return f"[{match.group(0)}]({url})" if url else match.group(0)

    out: list[str] = []
    position = 0
    for protected in _PROTECTED.finditer(line):
        out.append(ids.sub(replace, line[position : protected.start()]))
        out.append(protected.group(0))
        position = protected.end()
    out.append(ids.sub(replace, line[position:]))
    return "".join(out)
