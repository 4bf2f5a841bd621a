"""Postmortem bodies are user input: their rendered HTML keeps Markdown's output only.

Markdown lets raw HTML through, so a `<script>` in an action-item cell would run in every
reader's browser. nh3 (the ammonia sanitiser) keeps the tags and attributes Markdown and
its extensions produce and drops scripts, event handlers and `javascript:` URLs.
"""

from __future__ import annotations

import nh3

_TAGS = nh3.ALLOWED_TAGS | {"div", "span", "details", "summary", "figure", "figcaption"}
_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height", "loading"},
    "th": {"style", "align", "colspan", "rowspan"},
    "td": {"style", "align", "colspan", "rowspan"},
    "ol": {"start"},
    "details": {"open"},
    "code": {"class"},
}


def sanitize_body(content: str) -> str:
    """Rendered Markdown with anything executable removed."""
    return nh3.clean(
        content,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        filter_style_properties={"text-align"},
        link_rel=None,
        strip_comments=True,
    )
