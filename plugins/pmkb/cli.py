"""The `pmkb` command: check postmortems with the same engine as the site build."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import click

from pmkb.check.cache import ResultCache, cache_dir_for
from pmkb.check.diagnostics import FORMATS, render
from pmkb.check.knowledge_base import CheckResult, KnowledgeBase
from pmkb.check.rules import RULES
from pmkb.publish.exports import postmortem_schema
from pmkb.site_config import ConfigError, SiteConfig, load_site_config
from pmkb.starter import TEMPLATE, kit_text
from pmkb.starter.scaffold import ScaffoldError, fill_template, next_free_id, target_path

SCHEMA_PATH = "_schema/postmortem.schema.json"
"""Inside the docs directory; names starting with `_` are never published or checked."""

CONFIG_OPTION = click.option(
    "--config",
    "-f",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("mkdocs.yml"),
    show_default=True,
    help="The MkDocs config to read settings from.",
)


def _site(config_file: Path) -> SiteConfig:
    """The site's config, or a usage error (exit 2) that says what is wrong."""
    if not config_file.is_file():
        raise click.UsageError(f"no {config_file} here; run in the site's directory or pass --config")
    try:
        return load_site_config(config_file)
    except ConfigError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="pmkb")
def main() -> None:
    """pmkb: a blameless-postmortem knowledge base."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text for people, github for workflow annotations, json for tools.",
)
@CONFIG_OPTION
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too (like mkdocs build --strict).")
@click.option(
    "--hook",
    is_flag=True,
    help="PATHS are changed files (pre-commit): check those inside the knowledge "
    "base's docs_dir, name the Markdown files outside it.",
)
@click.option(
    "--list-suppressions",
    is_flag=True,
    help="List every pmkb-disable comment, its reason and what it silences, instead.",
)
def check(
    paths: tuple[Path, ...],
    output_format: str,
    config_file: Path,
    strict: bool,
    hook: bool,
    list_suppressions: bool,
) -> None:
    """Validate postmortems (default: all of the knowledge base). Exit 1 on errors."""
    site = _site(config_file)
    if hook:
        paths = _inside_knowledge_base(paths, site)
        if not paths:
            return
    folders_named_md = [p for p in paths if p.is_dir() and p.suffix.lower() == ".md"]
    for folder in folders_named_md:
        click.echo(
            f"{folder}: a directory, not a Markdown file; name the files inside it "
            "or the directory without its .md",
            err=True,
        )
    if folders_named_md:
        sys.exit(2)
    if list_suppressions:  # the audit reads each file's text: whole postmortems, no cache
        knowledge_base = KnowledgeBase(site.docs_dir, site.settings)
    else:
        cache = ResultCache(cache_dir_for(site.config_file))
        knowledge_base = KnowledgeBase(
            site.docs_dir, site.settings, cache=cache, slim=True, whole_postmortems=False
        )
    report_on = knowledge_base.select(list(paths)) if paths else None
    result = knowledge_base.check(report_on)
    if list_suppressions:
        click.echo(_suppression_report(result, site, report_on, output_format))
        return
    click.echo(render(result.diagnostics, output_format, result.files_checked, site.rules_url))
    failed = result.errors or (strict and result.warnings)
    sys.exit(1 if failed else 0)


def _inside_knowledge_base(paths: tuple[Path, ...], site: SiteConfig) -> tuple[Path, ...]:
    """The paths inside the docs directory; the others are named, so none passes silently."""
    docs = site.docs_dir.resolve()
    inside = tuple(p for p in paths if p.resolve().is_relative_to(docs))
    outside = [p for p in paths if p not in inside]
    if outside:
        click.echo(
            f"pmkb: not checked, outside the knowledge base ({site.docs_dir}/, the docs_dir of "
            f"{site.config_file}): {', '.join(str(p) for p in outside)}",
            err=True,
        )
    if not inside:
        click.echo("pmkb: no changed file inside the knowledge base", err=True)
    return inside


@main.command()
@click.argument("title")
@click.option("--severity", "-s", required=True, help="A level of the configured scale, e.g. SEV2.")
@click.option(
    "--service", "services", multiple=True, required=True, help="An affected service (repeat for several)."
)
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day the incident started (YYYY-MM-DD); default today.",
)
@click.option(
    "--author",
    "authors",
    multiple=True,
    help="Who writes it (repeat for several); default: git config user.name.",
)
@CONFIG_OPTION
def new(
    title: str,
    severity: str,
    services: tuple[str, ...],
    day: dt.datetime | None,
    authors: tuple[str, ...],
    config_file: Path,
) -> None:
    """Start a postmortem from the template with the next free ID. Never overwrites."""
    site = _site(config_file)
    settings = site.settings
    if severity not in settings.severities:
        raise click.BadParameter(
            f"unknown severity {severity!r}; use one of: {', '.join(settings.severities)}",
            param_hint="--severity",
        )
    knowledge_base = KnowledgeBase(site.docs_dir, settings)
    catalog = knowledge_base.catalog()
    if catalog is not None and catalog.services:
        unknown = [s for s in services if s not in catalog.services]
        if unknown:
            hints = [
                f"`{s}` (did you mean `{catalog.suggest(s)}`?)" if catalog.suggest(s) else f"`{s}`"
                for s in unknown
            ]
            raise click.BadParameter(
                f"unknown service(s) {', '.join(hints)}; services in {catalog.path}: "
                f"{', '.join(sorted(catalog.services))}",
                param_hint="--service",
            )
    authors = authors or tuple(filter(None, [_git_user_name()]))
    if not authors:
        raise click.UsageError('no author: pass --author "Your Name" (or set git user.name)')
    template = _template_text(site)
    when = (day or dt.datetime.now()).date()
    existing = knowledge_base.ids()
    try:
        incident_id = next_free_id(existing, when.year, settings.id_pattern, settings.id_format)
        text = fill_template(
            template,
            incident_id=incident_id,
            title=title,
            day=when,
            severity=severity,
            services=list(services),
            authors=list(authors),
        )
    except ScaffoldError as exc:
        raise click.UsageError(str(exc)) from exc
    target = target_path(site.docs_dir, when, title)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8") as handle:  # "x": never overwrite
            handle.write(text)
    except FileExistsError:
        click.echo(f"{target} already exists; pmkb new never overwrites. Pick another title.", err=True)
        sys.exit(1)
    click.echo(str(target))
    click.echo(f"{incident_id} created as a draft. Fill it in, then run `pmkb check {target}`.", err=True)


@main.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=f"Where to write it; default <docs_dir>/{SCHEMA_PATH}.",
)
@click.option(
    "--check", "check_only", is_flag=True, help="Do not write; exit 1 if the file is missing or stale."
)
@CONFIG_OPTION
def schema(output: Path | None, check_only: bool, config_file: Path) -> None:
    """Write the JSON Schema of the front-matter (for editors and tools)."""
    site = _site(config_file)
    target = output or site.docs_dir / SCHEMA_PATH
    text = _schema_text(site)
    current = target.read_text(encoding="utf-8") if target.is_file() else None
    if check_only:
        if current != text:
            click.echo(f"{target} is {'stale' if current else 'missing'}; run `pmkb schema`", err=True)
            sys.exit(1)
        click.echo(f"{target} is up to date")
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    click.echo(str(target))


def _schema_text(site: SiteConfig) -> str:
    catalog = KnowledgeBase(site.docs_dir, site.settings).catalog()
    schema_json = postmortem_schema(site.settings, catalog=catalog)
    return json.dumps(schema_json, indent=2, ensure_ascii=False) + "\n"


@main.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("exports"),
    show_default=True,
    help="The folder to write them into.",
)
@CONFIG_OPTION
def export(out_dir: Path, config_file: Path) -> None:
    """Write postmortems.json, action-items.csv, feed.xml and the schema, without building.

    The same files, byte for byte, as `mkdocs build` publishes (set SOURCE_DATE_EPOCH for
    a fixed date): for dashboards, service catalogs or a spreadsheet. Exit 1 on errors.
    """
    from pmkb.clock import build_date
    from pmkb.know.site import build_site
    from pmkb.publish.files import write_exports

    site = _site(config_file)
    checked = KnowledgeBase(site.docs_dir, site.settings).check()
    if checked.errors:
        click.echo(render(checked.errors, "text", checked.files_checked, site.rules_url), err=True)
        click.echo("Not exported: fix the errors first (the site build refuses them too).", err=True)
        sys.exit(1)
    model = build_site(checked, site.settings, build_date(), site_name=site.site_name)
    written = write_exports(
        out_dir, model, site_url=site.site_url, site_name=site.site_name, directory_urls=site.directory_urls
    )
    for path in written:
        click.echo(str(path))


@main.command()
@click.argument("code", required=False)
def rule(code: str | None) -> None:
    """Explain one rule (`pmkb rule PM309`) or list them all."""
    if code is None:
        for listed in sorted(RULES.values(), key=lambda r: r.code):
            click.echo(f"{listed.code}  {listed.level:<7}  {listed.name}: {listed.summary}")
        return
    entry = RULES.get(code.upper())
    if entry is None:
        raise click.BadParameter(f"no rule {code}; `pmkb rule` lists them", param_hint="CODE")
    click.echo(f"{entry.code} {entry.name} (default: {entry.level})\n")
    click.echo(f"What it checks: {entry.summary}\nWhy it matters: {entry.why}")
    click.echo(f"How to fix it: {entry.fix}")
    for label, example in (("Bad", entry.bad), ("Good", entry.good)):
        if example:
            click.echo(f"\n{label}:\n" + "\n".join(f"    {line}" for line in example.split("\n")))


def _template_text(site: SiteConfig) -> str:
    """The knowledge base's own template, or pmkb's when it has none."""
    own = site.docs_dir / site.settings.template
    if not own.is_file():
        return kit_text(TEMPLATE)
    try:
        return own.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise click.UsageError(f"cannot read the template {own}: {exc}") from exc


def _suppression_report(
    result: CheckResult, site: SiteConfig, report_on: list[Path] | None, output_format: str
) -> str:
    """Every suppression comment of the checked postmortems: where, which codes, why, and
    how many findings it silences (0: it can go)."""
    from pmkb.check.engine import audit_suppressions
    from pmkb.clock import build_date

    shown = (
        None
        if report_on is None
        else {KnowledgeBase(site.docs_dir, site.settings).display(p) for p in report_on}
    )
    catalog = result.catalog if result.catalog and result.catalog.services else None
    found = [
        (postmortem.path, suppression, silenced)
        for postmortem in result.postmortems
        if shown is None or postmortem.path in shown
        for suppression, silenced in audit_suppressions(postmortem, site.settings, catalog, build_date())
    ]
    if output_format == "json":
        return json.dumps(
            [
                {
                    "path": path,
                    "line": s.line,
                    "codes": list(s.codes),
                    "reason": s.reason,
                    "lines": [s.first, s.last],
                    "silenced": silenced,
                    "problem": s.problem,
                }
                for path, s, silenced in found
            ],
            indent=2,
        )
    lines = []
    for path, s, silenced in found:
        span = f"line {s.first}" if s.first == s.last else f"lines {s.first}-{s.last}"
        note = f" [{s.problem}]" if s.problem else ""
        lines.append(
            f"{path}:{s.line}: {','.join(s.codes) or '(no code)'} on {span}, silences "
            f"{silenced}: {s.reason or '(no reason)'}{note}"
        )
    files = len({path for path, _s, _n in found})
    flawed = sum(1 for _p, s, _n in found if s.problem)
    unused = sum(1 for _p, _s, silenced in found if not silenced)
    lines.append(
        f"{len(found)} suppression{'s' if len(found) != 1 else ''} in {files} "
        f"file{'s' if files != 1 else ''}; {flawed} without a code or reason, "
        f"{unused} silencing nothing."
    )
    return "\n".join(lines)


def _git_user_name() -> str | None:
    try:
        result = subprocess.run(
            ["git", "config", "user.name"], capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() or None


@main.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--severity",
    default=None,
    help="Severity of every file imported (default: what the file states, e.g. "
    "`Severity: Major`, mapped to the scale; else TODO).",
)
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The incident's day (YYYY-MM-DD), over what the files say.",
)
@click.option(
    "--out-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write the files here (default: <docs_dir>/<yyyy>/, like pmkb new).",
)
@click.option(
    "--split",
    is_flag=True,
    help="A file holding several incidents (one `#` heading each) makes one draft each.",
)
@click.option(
    "--copy-assets", is_flag=True, help="Copy the relative images and links of each file beside the new one."
)
@CONFIG_OPTION
def import_(
    files: tuple[Path, ...],
    severity: str | None,
    day: dt.datetime | None,
    out_dir: Path | None,
    split: bool,
    copy_assets: bool,
    config_file: Path,
) -> None:
    """Convert postmortems written in other templates into drafts. Never overwrites.

    Prints each file written, what was taken from where, and a checklist of what its
    author still has to supply; exit 1 if a file could not be imported (the others
    still are).
    """
    from pmkb.importer.files import ImportOptions, import_files  # here, so the other commands start fast

    site = _site(config_file)
    if severity is not None and severity not in site.settings.severities:
        raise click.BadParameter(
            f"unknown severity {severity!r}; use one of: {', '.join(site.settings.severities)}",
            param_hint="--severity",
        )
    options = ImportOptions(severity, day.date() if day else None, out_dir, split, copy_assets)
    known = KnowledgeBase(site.docs_dir, site.settings).postmortem_files()
    ok = import_files(
        list(files), site.docs_dir, known, site.settings, options, lambda line, err: click.echo(line, err=err)
    )
    sys.exit(0 if ok else 1)


@main.command()
@click.argument("directory", required=False, default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--docs-dir",
    default=None,
    help="The folder of postmortems (default: the docs_dir of an existing mkdocs.yml, else `postmortems`).",
)
@click.option("--site-name", default=None, help="The site's title (default: from the folder name).")
def init(directory: Path, docs_dir: str | None, site_name: str | None) -> None:
    """Make DIRECTORY (default: here) a postmortem knowledge base. Never overwrites a file.

    Writes mkdocs.yml, the docs folder (index.md, services.yml, _template.md, the
    front-matter schema), requirements.txt, .pre-commit-config.yaml, .gitignore and a
    GitHub Actions workflow; lists what it skipped because it exists.
    """
    from pmkb.starter import config_lines_to_add, plan_init, write_plan

    root = directory
    config_file = root / "mkdocs.yml"
    existing: SiteConfig | None = None
    if config_file.is_file():
        try:
            existing = load_site_config(config_file)
        except ConfigError as exc:
            click.echo(str(exc), err=True)
            sys.exit(2)
        docs_dir = docs_dir or Path(os.path.relpath(existing.docs_dir, root)).as_posix()
    docs_dir = docs_dir or "postmortems"
    name = site_name or f"{(root.resolve().name or 'Team').replace('-', ' ').title()} postmortems"
    plan = plan_init(root, docs_dir=docs_dir, site_name=name, existing_config=existing is not None)
    written = write_plan(plan)
    try:
        site = load_site_config(config_file)
    except ConfigError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    schema_target = site.docs_dir / SCHEMA_PATH
    if schema_target.exists():
        plan.skipped.append(schema_target)
    else:
        schema_target.parent.mkdir(parents=True, exist_ok=True)
        schema_target.write_text(_schema_text(site), encoding="utf-8")
        written.append(schema_target)
    for path in written:
        click.echo(f"created  {path}")
    for path in plan.skipped:
        click.echo(f"skipped  {path} (exists; left as it is)")
    if existing is not None:
        lines = config_lines_to_add(
            has_plugin=existing.has_plugin, theme_is_material=existing.theme_name == "material"
        )
        if lines:
            click.echo(f"\nAdd to {config_file}:\n\n" + "\n".join(f"    {line}" for line in lines))
    click.echo(
        "\nNext: pip install -r requirements.txt && pre-commit install\n"
        '      pmkb new "What broke" --severity SEV2 --service web-frontend\n'
        "      mkdocs serve"
    )
