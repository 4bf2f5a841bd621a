"""Write the machine-readable exports into the built site."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from pmkb.know import urls
from pmkb.publish.exports import action_items_csv, atom_feed, postmortem_schema, postmortems_json

if TYPE_CHECKING:
    from collections.abc import Callable

    from pmkb.know.site import SiteModel
    from pmkb.read.postmortem import Postmortem


def write_exports(
    folder: Path, site: SiteModel, *, site_url: str, site_name: str, directory_urls: bool = True
) -> list[Path]:
    """postmortems.json, action-items.csv, feed.xml and the front-matter JSON Schema, as
    the site publishes them; the paths written. Links are absolute when `site_url` is set."""
    index, settings = site.index, site.settings

    def url_of(postmortem: Postmortem) -> str:
        return urljoin(site_url, urls.postmortem_url(postmortem.rel_path, directory_urls=directory_urls))

    def schema() -> str:
        schema_id = urljoin(site_url, urls.EXPORTS["schema"]) if site_url else urls.EXPORTS["schema"]
        schema = postmortem_schema(settings, schema_id=schema_id, catalog=index.catalog)
        return json.dumps(schema, indent=2) + "\n"

    # Made and written one at a time: each is let go before the next is made.
    exports: dict[str, Callable[[], str]] = {
        urls.EXPORTS["json"]: lambda: postmortems_json(index, url_of),
        urls.EXPORTS["csv"]: lambda: action_items_csv(index, url_of),
        urls.EXPORTS["feed"]: lambda: atom_feed(index, url_of, site_url, site_name),
        urls.EXPORTS["schema"]: schema,
    }
    written = []
    for name, make in exports.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(make(), encoding="utf-8", newline="")
        written.append(target)
    return written
