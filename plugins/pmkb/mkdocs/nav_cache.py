"""Material's site navigation (the tabs and the drawer), drawn once for all the pages that
draw it alike.

Material draws the whole navigation into every page. With a nav of a dozen entries that
was a tenth of a 1,000-postmortem build, on pages whose navigation is the same HTML: a
page that is not itself an entry of the nav draws it from the entries, the links to
them relative to the page, which entries are active, and the way back to the site's
root. Those make the key; pages with the same key get the HTML drawn for the first.
pmkb's theme wraps Material's `partials/nav.html` and `partials/tabs.html` in this
lookup (`theme/partials/`), reaching Material's own under `MATERIAL`.

A page that is in the nav, or a site whose own templates draw nav entries (its
`custom_dir` overriding one of `OWN_PARTS`), is drawn every time, as before.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
from mkdocs.structure.nav import Link, Section
from mkdocs.structure.pages import Page
from mkdocs.utils import normalize_url

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure import StructureItem
    from mkdocs.structure.nav import Navigation

MATERIAL = "pmkb-material"
"""The prefix under which the templates pmkb's theme hides stay reachable."""
OWN_PARTS = (
    "partials/nav-item.html",
    "partials/tabs-item.html",
    "partials/logo.html",
    "partials/source.html",
)
"""Templates the navigation includes: a site that draws one of its own may draw it per page."""

Key = tuple[object, ...]


class NavCache:
    """The navigation's HTML by key, for one build."""

    def __init__(self, logo: str | None = None) -> None:
        self._logo = logo
        self._drawn: dict[Key, str] = {}
        self._last: tuple[Page, str, Key] | None = None
        """The last page's key: the tabs and the nav of a page ask for it in turn."""

    def key(self, part: str, page: Page | None, nav: Navigation | None, base_url: str) -> Key | None:
        """What `part` ("nav" or "tabs") depends on for this page; None: not cached."""
        if not isinstance(page, Page) or nav is None:
            return None
        if self._last is not None and self._last[0] is page and self._last[1] == base_url:
            return (part, *self._last[2])
        if any(item is page for item in nav.pages):
            return None
        entries: list[object] = []

        def walk(items: list[StructureItem]) -> None:
            for item in items:
                if isinstance(item, Section):
                    entries.append(("section", item.active))
                    walk(item.children)
                    entries.append("end")
                elif isinstance(item, Page | Link):
                    url = normalize_url(item.url or "", page, base_url)
                    entries.append((url, getattr(item, "active", False)))

        walk(nav.items)
        homepage = nav.homepage.url if nav.homepage is not None else ""
        logo = normalize_url(self._logo, page, base_url) if self._logo else ""
        key = (id(nav), base_url, normalize_url(homepage, page, base_url), logo, *entries)
        self._last = (page, base_url, key)
        return (part, *key)

    def drawn(self, key: Key | None) -> str | None:
        return self._drawn.get(key) if key is not None else None

    def keep(self, key: Key | None, html: str) -> str:
        if key is not None:
            self._drawn[key] = html
        return html


def install_nav_cache(env: jinja2.Environment, config: MkDocsConfig, theme_dir: Path) -> None:
    """Let pmkb's wrappers reach the templates they hide, and give them this build's cache
    (none when the site draws nav entries itself)."""
    dirs = config.theme.dirs
    if str(theme_dir) not in dirs or dirs.index(str(theme_dir)) + 1 >= len(dirs):
        env.globals["pmkb_nav"] = None
        return
    hidden = jinja2.FileSystemLoader(dirs[dirs.index(str(theme_dir)) + 1 :])
    if env.loader is not None and not _reaches(env.loader, MATERIAL):
        env.loader = jinja2.ChoiceLoader([env.loader, jinja2.PrefixLoader({MATERIAL: hidden})])
    custom = Path(config.theme.custom_dir) if config.theme.custom_dir else None
    drawn_by_site = custom is not None and any((custom / part).is_file() for part in OWN_PARTS)
    logo = config.theme.get("logo")
    env.globals["pmkb_nav"] = None if drawn_by_site else NavCache(logo if isinstance(logo, str) else None)


def _reaches(loader: jinja2.BaseLoader, prefix: str) -> bool:
    if isinstance(loader, jinja2.ChoiceLoader):
        return any(_reaches(inner, prefix) for inner in loader.loaders)
    return isinstance(loader, jinja2.PrefixLoader) and prefix in loader.mapping
