"""What pmkb adds to each page MkDocs renders: titles, incident-ID links, the generated
pages' HTML, the postmortem header and footer, the breadcrumb, the lit nav tab."""

from __future__ import annotations

import gc
import html
import posixpath
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup
from mkdocs.utils import get_relative_url

from pmkb.know import urls
from pmkb.know.site import HOME_RECENT
from pmkb.mkdocs.body_renderer import render_with_markdown_it
from pmkb.mkdocs.page_toc import toc_of
from pmkb.mkdocs.parked import ParkedPages, kept_meta
from pmkb.mkdocs.render import Links, Renderer
from pmkb.mkdocs.theming import with_document_title, with_feed_link
from pmkb.publish.crosslinks import id_regex, link_incident_ids
from pmkb.publish.files import write_exports
from pmkb.publish.sanitize import sanitize_body
from pmkb.publish.sitemap import index_sitemap

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

    from pmkb.know.site import SiteModel
    from pmkb.publish.body_html import HeadingOptions


class SitePages:
    """The site model, drawn into MkDocs' pages."""

    def __init__(
        self,
        site: SiteModel,
        renderer: Renderer,
        files: Files,
        headings: HeadingOptions | None = None,
        *,
        process_ends: bool = False,
    ) -> None:
        """`process_ends`: the process ends with this build (`mkdocs build`, not `serve`).
        Then the site model, made by now and kept to the end, is frozen out of Python's
        garbage collector: its full collections during the build (0.1 s at 1,000
        postmortems) and the interpreter's last one at exit (0.25-0.3 s) skip it."""
        self.site = site
        self.renderer = renderer
        self.process_ends = process_ends
        self.page_urls = {file.src_uri: file.url for file in files}
        """Source path → URL of every page, as MkDocs placed them."""
        self.id_regex = id_regex(site.settings.id_pattern)
        self.headings = headings
        """How postmortem bodies' headings are drawn by markdown-it; None: by MkDocs."""
        self.sanitized: set[str] = set()
        """Postmortems whose HTML was made safe as it was rendered."""
        self.lit_tab: Page | None = None
        """The nav page marked active while a page below it renders (its tab lights up)."""
        self.parked = ParkedPages()
        """Postmortem pages' texts while the other pages are converted."""
        if process_ends:
            gc.freeze()

    def links(self, page: Page) -> Links:
        return Links(page.url, self.page_urls, self.site.index)

    def markdown(self, markdown: str, page: Page) -> str:
        """Escaped titles (Material prints them unescaped) and linked incident IDs."""
        src = page.file.src_uri
        view = self.site.pages.get(src)
        postmortem = self.site.postmortems.get(src)
        if view is not None or postmortem is not None or src in self.site.reading_lists:
            page.meta.setdefault("hide", ["navigation"])  # no section nav: the content gets the width
        if view is not None:
            page.meta["title"] = html.escape(view.title)
            return markdown
        if postmortem is not None:
            page.meta["title"] = html.escape(postmortem.meta.title or "")
            if self.headings is not None:
                render_with_markdown_it(page, self.headings, self.sanitized)
        elif isinstance(page.meta.get("title"), str):
            page.meta["title"] = html.escape(page.meta["title"])
        return link_incident_ids(markdown, self.id_regex, lambda i: self._link_to(i, src))

    def _link_to(self, incident_id: str, src: str) -> str | None:
        """A Markdown link target (source-relative, so MkDocs validates it) for an ID."""
        target = self.site.index.by_id.get(incident_id)
        if target is None or target.rel_path == src:
            return None
        return posixpath.relpath(target.rel_path, posixpath.dirname(src) or ".")

    def content(self, content: str, page: Page) -> str:
        """A postmortem's or reading list's body, sanitised; the home page's recent list."""
        src = page.file.src_uri
        if src in self.site.pages:
            return ""  # drawn in `context`, once every postmortem page is written (see there)
        if src in self.site.postmortems:
            return content if src in self.sanitized else sanitize_body(content)
        reading_list = self.site.reading_lists.get(src)
        if reading_list is not None:
            return sanitize_body(content) + self.renderer.render(
                "reading_list.html",
                links=self.links(page),
                index=self.site.index,
                reading_list=reading_list,
            )
        if page.is_homepage:
            return content + self.renderer.render(
                "home.html", links=self.links(page), index=self.site.index, recent=HOME_RECENT
            )
        return content

    def park(self, content: str, page: Page) -> str:
        """A postmortem's converted page, held compressed until it is written."""
        if page.file.src_uri in self.site.postmortems:
            return self.parked.park(content, page)
        return content

    def restore(self, context: dict[str, Any], page: Page) -> dict[str, Any]:
        """The page's texts back from `park`, before the page is drawn."""
        self.parked.restore(page)
        return context

    def context(self, context: dict[str, Any], page: Page, nav: Navigation) -> dict[str, Any]:
        """The breadcrumb, and a postmortem's header and footer, for the theme's partials;
        a generated page's HTML.

        A generated page is drawn here rather than with the other pages' content: MkDocs
        converts every page before it renders any template, and the generated pages come
        last, so drawing them here lets Pagefind write its bundle (once the last
        postmortem page is out) while they are drawn, instead of after.
        """
        src = page.file.src_uri
        links = self.links(page)
        view = self.site.pages.get(src)
        if view is not None:
            page.content = self.renderer.render(view.template, links=links, **view.context)
            page.toc = toc_of(page.content)
            if not page.toc.items:  # no empty side column
                page.meta["hide"] = [*page.meta.get("hide", []), "toc"]
        trail = self.site.breadcrumb(src)
        if trail:
            self._light_tab(nav, trail[1][1] if len(trail) > 2 else None)
            context["pmkb_breadcrumb"] = Markup(
                self.renderer.render(
                    "breadcrumb.html",
                    crumbs=[(label, links.page(uri) if uri else None) for label, uri in trail],
                )
            )
        postmortem = self.site.postmortems.get(src)
        if postmortem is not None:
            index = self.site.index
            context["pmkb_postmortem"] = True
            context["pmkb_header"] = Markup(
                self.renderer.render(
                    "postmortem_header.html",
                    links=links,
                    postmortem=postmortem,
                    index=index,
                    memberships=self.site.memberships.get(postmortem.meta.id or "", []),
                )
            )
            context["pmkb_footer"] = Markup(
                self.renderer.render(
                    "postmortem_footer.html",
                    links=links,
                    postmortem=postmortem,
                    index=index,
                    related=index.related(postmortem),
                    similar=index.similar(postmortem),
                )
            )
        return context

    def _light_tab(self, nav: Navigation, section: str | None) -> None:
        """Mark the nav entry of the page's section active, for this page only."""
        for nav_page in nav.pages if section is not None else []:
            if nav_page.file.src_uri == section:
                nav_page.active = True
                self.lit_tab = nav_page
                return

    def finish(self, output: str, page: Page, site_name: str) -> str:
        """The written HTML: the incident ID in the tab title, the feed announced."""
        if page.file.src_uri in self.site.pages or page.file.src_uri in self.site.postmortems:
            page.content = None  # written now: no need to hold its HTML to the end
            page.markdown = ""  # nor its source ("", not None: MkDocs reads None as unread)
            page.meta = kept_meta(page.meta)  # nor its front matter, but for MkDocs' and Material's keys
        if self.lit_tab is not None:
            self.lit_tab.active, self.lit_tab = False, None
        postmortem = self.site.postmortems.get(page.file.src_uri)
        if postmortem is not None and postmortem.meta.id:
            title = f"{postmortem.meta.id}: {postmortem.meta.title} - {site_name}"
            output = with_document_title(output, title)
        feed_url = get_relative_url(urls.EXPORTS["feed"], page.url)
        return with_feed_link(output, feed_url=feed_url, site_name=site_name)

    def write_files(self, config: MkDocsConfig) -> None:
        """The sitemap index and the exports, beside the built pages (then, if the process
        ends with the build, what was made since is frozen too: see `__init__`)."""
        site_dir = Path(config.site_dir)
        index_sitemap(site_dir, config.site_url or "")
        write_exports(
            site_dir,
            self.site,
            site_url=config.site_url or "",
            site_name=config.site_name,
            directory_urls=config.use_directory_urls,
        )
        if self.process_ends:
            gc.freeze()
