"""pmkb's part of the theme, shipped in the package: templates, styles, scripts.

The plugin puts its `theme/` folder on Material's template search path after the site's
own `custom_dir` (which still overrides any file) and before Material's, so a bare
`plugins: [postmortems]` gives the full site. MkDocs copies the non-template files of
every theme folder into the site, which is how `assets/pmkb/` gets published.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from pmkb.know import urls
from pmkb.know.pages import default_nav
from pmkb.mkdocs.nav_cache import install_nav_cache

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig

THEME_DIR = Path(__file__).parent / "theme"
STYLESHEET = "assets/pmkb/pmkb.css"
SCRIPT = "assets/pmkb/pmkb.js"
PAGEFIND_STYLESHEET = "pagefind/pagefind-ui.css"
PAGEFIND_SCRIPT = "pagefind/pagefind-ui.js"


def install_theme(config: MkDocsConfig, *, search: bool) -> None:
    """Add pmkb's templates and assets to the site's theme, and its nav when the site has
    none (idempotent: `mkdocs serve` rebuilds)."""
    if config.nav is None:
        # MkDocs' automatic nav would list every postmortem on every page: quadratic.
        config.nav = default_nav()
        config.validation.nav.omitted_files = logging.DEBUG
    dirs = config.theme.dirs
    if str(THEME_DIR) not in dirs:
        dirs.insert(1 if config.theme.custom_dir else 0, str(THEME_DIR))
    styles = [PAGEFIND_STYLESHEET, STYLESHEET] if search else [STYLESHEET]
    scripts = [PAGEFIND_SCRIPT, SCRIPT] if search else [SCRIPT]
    # pmkb's first, so that the site's own extra_css can override its styles.
    config.extra_css[:0] = [s for s in styles if s not in config.extra_css]
    present = {str(script) for script in config.extra_javascript}
    config.extra_javascript[:0] = [s for s in scripts if s not in present]


def install_globals(env: Environment, config: MkDocsConfig, *, search: bool) -> None:
    """What pmkb's theme templates (search box, 404 page, navigation) ask of the site."""
    env.globals.update(
        pmkb_search=search,
        pmkb_urls=urls,
        pmkb_url=lambda src: urls.url_of(src, directory_urls=config.use_directory_urls),
    )
    install_nav_cache(env, config, THEME_DIR)


def with_feed_link(output: str, *, feed_url: str, site_name: str) -> str:
    """The page's HTML with the Atom feed announced in its <head> (for feed readers).

    Done on the output rather than in a template so that a site's own `main.html` does
    not lose it.
    """
    link = (
        f'<link rel="alternate" type="application/atom+xml" '
        f'title="{html.escape(site_name)}: new postmortems" href="{html.escape(feed_url)}">'
    )
    head_end = output.find("</head>")
    if head_end < 0:
        return output
    return output[:head_end] + link + "\n" + output[head_end:]


def with_document_title(output: str, title: str) -> str:
    """The page's HTML with `title` as its <title> (the browser tab, bookmarks, history).

    Postmortem tabs lead with the incident ID; done on the output so that a site's own
    `main.html` keeps it.
    """
    start = output.find("<title>")
    end = output.find("</title>", start)
    if start < 0 or end < 0:
        return output
    return output[: start + len("<title>")] + html.escape(title) + output[end:]
