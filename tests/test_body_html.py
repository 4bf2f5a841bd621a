"""Postmortem bodies rendered by markdown-it look as MkDocs' Python-Markdown renders them."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest
from conftest import REPO, VALID
from pmkb.publish.body_html import HeadingOptions, render_body, renders_alike
from test_site_build import mkdocs_build, tiny_site

DEMO = sorted((REPO / "postmortems").glob("20*/*.md"))
EXTENSIONS = ["toc", "tables", "fenced_code", "admonition", "attr_list"]


def python_markdown(text: str) -> tuple[str, list[dict[str, object]]]:
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs={"toc": {"permalink": True}})
    return md.convert(text), md.toc_tokens  # type: ignore[attr-defined]


def normalised(html: str) -> str:
    """Whitespace between and inside tags aside, and how quotes and alignment are spelt."""
    html = html.replace("&quot;", '"')
    html = html.replace("text-align: left;", "text-align:left").replace(
        "text-align: right;", "text-align:right"
    )
    return re.sub(r"\s+", " ", re.sub(r">\s+", ">", re.sub(r"\s+<", "<", html))).strip()


def body_of(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("---", 2)[2]


@pytest.mark.parametrize("path", DEMO, ids=lambda p: p.stem)
def test_every_demo_postmortem_renders_as_python_markdown_does(path: Path) -> None:
    text = body_of(path)
    assert renders_alike(text)
    expected, expected_toc = python_markdown(text)
    body = render_body(text, HeadingOptions(permalink=True), lambda url: url)
    assert normalised(body.html) == normalised(expected)
    assert body.toc_tokens == expected_toc


def test_duplicate_and_punctuated_headings_get_python_markdowns_ids() -> None:
    text = "## Timeline\n\n## Timeline\n\n## What went *wrong* & why?\n\n### `pool` <limits>\n"
    expected, expected_toc = python_markdown(text)
    body = render_body(text, HeadingOptions(permalink=True), lambda url: url)
    assert normalised(body.html) == normalised(expected)
    assert [t["id"] for t in body.toc_tokens] == ["timeline", "timeline_1", "what-went-wrong-why"]
    assert body.toc_tokens == expected_toc
    assert body.anchor_ids == {"timeline", "timeline_1", "what-went-wrong-why", "pool"}


def test_links_and_images_go_through_the_resolver_escaped() -> None:
    seen: list[str] = []

    def resolve(url: str) -> str:
        seen.append(url)
        return url.replace(".md", "/") + "&x=<1>"

    body = render_body("[prev](../a.md?q=1&r=2#h) ![graph](img.png)\n", HeadingOptions(), resolve)
    assert seen == ["../a.md?q=1&r=2#h", "img.png"]
    assert '<a href="../a/?q=1&amp;r=2#h&amp;x=&lt;1&gt;">prev</a>' in body.html
    assert '<img src="img.png&amp;x=&lt;1&gt;"' in body.html


@pytest.mark.parametrize(
    "text",
    [
        '!!! note "Pool sizes"\n    Forty per pod.\n',
        "## Timeline { #when }\n",
        "A paragraph.\n{: .lead }\n",
        "[TOC]\n\n## Summary\n",
        '<a href="x.md">raw</a>\n',
        "<h2>Raw heading</h2>\n",
    ],
)
def test_syntax_commonmark_reads_otherwise_is_left_to_python_markdown(text: str) -> None:
    assert not renders_alike(text)


def test_a_page_with_an_admonition_still_renders_it_in_the_build(tmp_path: Path) -> None:
    postmortem = VALID.replace(
        "## Impact\n", '## Impact\n\n!!! note "Pool sizes"\n    Forty connections per pod.\n\n'
    )
    root = tiny_site(tmp_path, {"2026/checkout.md": postmortem})
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text() + "markdown_extensions:\n  - admonition\n  - toc:\n      permalink: true\n"
    )
    build = mkdocs_build(root, "--strict")
    assert build.returncode == 0, build.stderr
    page = (root / "site" / "postmortems" / "2026" / "checkout" / "index.html").read_text()
    assert '<div class="admonition note">' in page
    assert '<h2 id="impact">Impact<a class="headerlink" href="#impact"' in page


def test_broken_link_in_a_postmortem_is_still_reported_by_mkdocs(tmp_path: Path) -> None:
    postmortem = VALID.replace("## Impact\n", "## Impact\n\nSee [the runbook](../runbooks/pool.md).\n")
    root = tiny_site(tmp_path, {"2026/checkout.md": postmortem})
    build = mkdocs_build(root, "--strict")
    assert build.returncode != 0
    assert (
        "contains a link '../runbooks/pool.md', but the target 'runbooks/pool.md' is not found"
        in build.stderr
    )


def test_link_to_another_postmortem_resolves_to_its_page(tmp_path: Path) -> None:
    other = VALID.replace("PM-2026-014", "PM-2026-015").replace("Checkout errors", "Search errors")
    postmortem = VALID.replace("## Impact\n", "## Impact\n\nAs in [the search outage](search.md#timeline).\n")
    root = tiny_site(tmp_path, {"2026/checkout.md": postmortem, "2026/search.md": other})
    build = mkdocs_build(root, "--strict")
    assert build.returncode == 0, build.stderr
    page = (root / "site" / "postmortems" / "2026" / "checkout" / "index.html").read_text()
    assert '<a href="../search/#timeline">the search outage</a>' in page


def test_a_site_with_other_markdown_extensions_keeps_python_markdown(tmp_path: Path) -> None:
    postmortem = VALID.replace("## Impact\n", "## Impact\n\nH~2~O and ~~struck~~.\n")
    root = tiny_site(tmp_path, {"2026/checkout.md": postmortem})
    config = root / "mkdocs.yml"
    config.write_text(config.read_text() + "markdown_extensions:\n  - pymdownx.tilde\n")
    build = mkdocs_build(root, "--strict")
    assert build.returncode == 0, build.stderr
    page = (root / "site" / "postmortems" / "2026" / "checkout" / "index.html").read_text()
    assert "<del>struck</del>" in page  # pymdownx.tilde, which only Python-Markdown runs


def test_fast_markdown_false_renders_with_python_markdown(tmp_path: Path) -> None:
    postmortem = VALID.replace("## Impact\n", "## Impact\n\nLine one\n- not a list in Python-Markdown\n")
    fast = tiny_site(tmp_path / "fast", {"2026/checkout.md": postmortem})
    slow = tiny_site(tmp_path / "slow", {"2026/checkout.md": postmortem}, "fast_markdown: false\n")
    for root in (fast, slow):
        build = mkdocs_build(root, "--strict")
        assert build.returncode == 0, build.stderr
    page = "site/postmortems/2026/checkout/index.html"
    assert "<li>not a list in Python-Markdown</li>" in (fast / page).read_text()
    assert "<li>not a list in Python-Markdown</li>" not in (slow / page).read_text()


@pytest.mark.parametrize(
    "markdown_text",
    [
        "[x](javascript:alert(1)) [y](JAVASCRIPT:alert(1)) [e](&#106;avascript:alert(1))",
        "[v](vbscript:msgbox(1)) ![i](data:text/html;base64,PHNjcmlwdD4=)",
        "A <script>alert(1)</script> and <img src=x onerror=alert(1)>",
        "<javascript:alert(1)> and <a href='javascript:alert(1)'>x</a>",
    ],
)
def test_nothing_executable_survives_in_a_built_postmortem(tmp_path: Path, markdown_text: str) -> None:
    postmortem = VALID.replace("## Impact\n", f"## Impact\n\n{markdown_text}\n")
    root = tiny_site(tmp_path, {"2026/checkout.md": postmortem})
    build = mkdocs_build(root)
    assert build.returncode == 0, build.stderr
    page = (root / "site" / "postmortems" / "2026" / "checkout" / "index.html").read_text()
    article = page.split("<article", 1)[1].split("</article>", 1)[0].lower()
    assert not re.search(r'(href|src)="\s*(javascript|vbscript|data:text)', article)
    assert "<script" not in article
    assert "onerror" not in article
