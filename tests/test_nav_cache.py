"""Material's navigation (tabs and drawer) is drawn once for the pages that draw it alike,
and every page gets exactly what Material draws for it."""

from __future__ import annotations

import json
from pathlib import Path

import material
from conftest import VALID
from test_site_build import mkdocs_build, tiny_site

NAV_ITEM = Path(material.__file__).parent / "templates" / "partials" / "nav-item.html"

COUNTING_HOOK = """
import json
from mkdocs.plugins import event_priority

drawn = {"nav": 0, "tabs": 0, "pages in the nav": 0}

@event_priority(-100)  # after pmkb's on_env has made the cache
def on_env(env, config, files):
    cache = env.globals["pmkb_nav"]
    keep = cache.keep

    def counted(key, html):
        drawn[key[0] if key is not None else "pages in the nav"] += 1
        return keep(key, html)

    cache.keep = counted
    return env

def on_post_build(config):
    with open("drawn.json", "w") as handle:
        json.dump(drawn, handle)
"""


def _site(root: Path, *, nav_item: str | None = None, hook: str | None = None) -> Path:
    other = VALID.replace("PM-2026-014", "PM-2026-015").replace("Checkout errors", "Search lag")
    older = VALID.replace("PM-2026-014", "PM-2025-003").replace("Checkout errors", "Cart outage")
    tiny_site(root, {"2026/checkout.md": VALID, "2026/search.md": other, "2025/cart.md": older})
    config = (root / "mkdocs.yml").read_text()
    config = config.replace("  name: material\n", "  name: material\n  features: [navigation.tabs]\n")
    if nav_item is not None:
        (root / "overrides" / "partials").mkdir(parents=True)
        (root / "overrides" / "partials" / "nav-item.html").write_text(nav_item)
        config = config.replace("  name: material\n", "  name: material\n  custom_dir: overrides\n")
    if hook is not None:
        (root / "hook.py").write_text(hook)
        config += "hooks:\n  - hook.py\n"
    (root / "mkdocs.yml").write_text(config)
    result = mkdocs_build(root, "--strict")
    assert result.returncode == 0, result.stderr
    return root / "site"


def _pages(site: Path) -> dict[str, str]:
    return {str(p.relative_to(site)): p.read_text(encoding="utf-8") for p in sorted(site.rglob("*.html"))}


def test_every_page_gets_the_navigation_material_draws_for_it(tmp_path: Path) -> None:
    cached = _pages(_site(tmp_path / "cached", hook=COUNTING_HOOK))
    # The same nav-item template as Material's, but the site's own: drawn on every page.
    drawn_each_time = _pages(_site(tmp_path / "each", nav_item=NAV_ITEM.read_text()))
    assert cached.keys() == drawn_each_time.keys()
    assert len(cached) > 20
    for name, html in cached.items():
        assert html == drawn_each_time[name], name
    checkout = cached["postmortems/2026/checkout/index.html"]
    assert 'class="md-tabs"' in checkout and 'class="md-nav md-nav--primary' in checkout
    drawn = json.loads((tmp_path / "cached" / "drawn.json").read_text())
    # Drawn once per way a page can see the nav, not once per page.
    assert 0 < drawn["nav"] < len(cached) / 2 and 0 < drawn["tabs"] < len(cached) / 2
    assert drawn["pages in the nav"] > 0  # drawn for each: the page is marked in it


def test_a_site_that_draws_nav_entries_itself_gets_them_drawn_on_every_page(tmp_path: Path) -> None:
    opening = "{% macro render(nav_item, path, level, parent) %}"
    marked = NAV_ITEM.read_text().replace(opening, opening + "<!-- nav entry on {{ page.title }} -->")
    assert marked != NAV_ITEM.read_text()
    pages = _pages(_site(tmp_path, nav_item=marked))
    checkout = pages["postmortems/2026/checkout/index.html"]
    search = pages["postmortems/2026/search/index.html"]
    assert "nav entry on Checkout errors after payments deploy" in checkout
    assert "nav entry on Search lag after payments deploy" in search
    assert "nav entry on Checkout" not in search
