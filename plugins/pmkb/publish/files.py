"""Write the machine-readable exports into the built site."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from pmkb.know import urls
from pmkb.publish.exports import (
    atom_feed,
    postmortem_schema,
    write_action_items_csv,
    write_postmortems_json,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TextIO

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

    # Written one at a time, each as it is made: the largest (the JSON and the CSV) are
    # never whole in memory.
    exports: dict[str, Callable[[TextIO], object]] = {
        urls.EXPORTS["json"]: lambda handle: write_postmortems_json(handle, index, url_of),
        urls.EXPORTS["csv"]: lambda handle: write_action_items_csv(handle, index, url_of),
        urls.EXPORTS["feed"]: lambda handle: handle.write(atom_feed(index, url_of, site_url, site_name)),
        urls.EXPORTS["schema"]: lambda handle: handle.write(schema()),
    }
    written = []
    for name, write in exports.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8", newline="") as handle:
            write(handle)
        written.append(target)
    return written
