"""The site's files as MkDocs sees them: postmortems moved under `/postmortems/`, what must
not be published dropped, and a virtual file for each page pmkb generates."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

from pmkb.check.knowledge_base import is_postmortem_path
from pmkb.know import urls

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

    from pmkb.know.site import SiteModel


def own_pages(files: Files) -> frozenset[str]:
    """The knowledge base's own Markdown pages (the home page among them, if it has one)."""
    return frozenset(file.src_uri for file in files.documentation_pages())


def place_site(files: Files, config: MkDocsConfig, site: SiteModel) -> Files:
    """Move postmortems under `postmortems/`, drop what must not be published, add the
    generated pages.

    The docs directory *is* the folder of postmortems, so MkDocs alone would publish
    `postmortems/2026/x.md` at `/2026/x/`; DESIGN.md promises `/postmortems/2026/x/`.
    """
    private = {site.settings.services_file}
    for file in list(files):
        uri = file.src_uri
        hidden = any(part.startswith("_") for part in PurePosixPath(uri).parts)
        if hidden or uri in private or uri in site.unpublished:
            files.remove(file)
        elif is_postmortem_path(uri, site.settings):
            _move(file, f"{urls.POSTMORTEMS}/{file.dest_uri}")
    for src_uri in site.pages:
        if files.get_file_from_path(src_uri) is not None:
            raise PluginError(f"{src_uri} in the docs directory collides with a page pmkb generates")
        files.append(File.generated(config, src_uri, content=""))
    return files


def _move(file: File, dest_uri: str) -> None:
    file.dest_uri = dest_uri
    for derived in ("url", "abs_dest_path"):
        file.__dict__.pop(derived, None)
