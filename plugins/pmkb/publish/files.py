"""Write the machine-readable exports into the built site."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from pmkb.publish.exports import action_items_csv, atom_feed, postmortem_schema, postmortems_json

if TYPE_CHECKING:
    from pmkb.know.index import KnowledgeIndex
    from pmkb.publish.exports import UrlOf
    from pmkb.settings import Settings

EXPORTS = {
    "json": "postmortems.json",
    "csv": "action-items.csv",
    "feed": "feed.xml",
    "schema": "schema/postmortem.schema.json",
}


def write_exports(
    site_dir: Path,
    index: KnowledgeIndex,
    settings: Settings,
    *,
    url_of: UrlOf,
    site_url: str,
    site_name: str,
) -> None:
    """postmortems.json, action-items.csv, feed.xml and the front-matter JSON Schema."""
    files = {
        EXPORTS["json"]: postmortems_json(index, url_of),
        EXPORTS["csv"]: action_items_csv(index, url_of),
        EXPORTS["feed"]: atom_feed(index, url_of, site_url, site_name),
        EXPORTS["schema"]: json.dumps(
            postmortem_schema(
                settings,
                schema_id=urljoin(site_url, EXPORTS["schema"]) if site_url else EXPORTS["schema"],
                catalog=index.catalog,
            ),
            indent=2,
        )
        + "\n",
    }
    for name, text in files.items():
        target = site_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="")
