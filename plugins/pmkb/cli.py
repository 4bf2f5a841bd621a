"""The `pmkb` command: check postmortems with the same engine as the site build."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import click

from .core.cache import ResultCache, cache_dir_for
from .core.corpus import KnowledgeBase
from .core.diagnostics import FORMATS, render
from .core.exports import postmortem_schema
from .core.rules import RULES
from .core.scaffold import ScaffoldError, fill_template, next_free_id, target_path
from .site_config import ConfigError, SiteConfig, load_site_config

TEMPLATE_NAME = "_template.md"
SCHEMA_PATH = "_schema/postmortem.schema.json"
"""Inside the docs directory; names starting with `_` are never published or checked."""

CONFIG_OPTION = click.option(
    "--config", "-f", "config_file", type=click.Path(dir_okay=False, path_type=Path),
    default=Path("mkdocs.yml"), show_default=True, help="The MkDocs config to read settings from.",
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
    "--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True,
    help="text for people, github for workflow annotations, json for tools.",
)
@CONFIG_OPTION
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too (like mkdocs build --strict).")
def check(paths: tuple[Path, ...], output_format: str, config_file: Path, strict: bool) -> None:
    """Validate postmortems (default: all of the knowledge base). Exit 1 on errors."""
    site = _site(config_file)
    cache = ResultCache(cache_dir_for(site.config_file))
    knowledge_base = KnowledgeBase(
        site.docs_dir, site.settings, cache=cache, slim=True, whole_postmortems=False
    )
    report_on = knowledge_base.select(list(paths)) if paths else None
    result = knowledge_base.check(report_on)
    click.echo(render(result.diagnostics, output_format, result.files_checked, site.rules_url))
    failed = result.errors or (strict and result.warnings)
    sys.exit(1 if failed else 0)


@main.command()
@click.argument("title")
@click.option("--severity", "-s", required=True, help="A level of the configured scale, e.g. SEV2.")
@click.option("--service", "services", multiple=True, required=True,
              help="An affected service (repeat for several).")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day the incident started (YYYY-MM-DD); default today.")
@click.option("--author", "authors", multiple=True,
              help="Who writes it (repeat for several); default: git config user.name.")
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
    result = knowledge_base.check(report_on=[])  # front-matter only: the IDs and the catalog
    catalog = result.catalog
    if catalog is not None and catalog.services:
        unknown = [s for s in services if s not in catalog.services]
        if unknown:
            hints = [f"`{s}` (did you mean `{catalog.suggest(s)}`?)" if catalog.suggest(s)
                     else f"`{s}`" for s in unknown]
            raise click.BadParameter(
                f"unknown service(s) {', '.join(hints)}; services in {catalog.path}: "
                f"{', '.join(sorted(catalog.services))}",
                param_hint="--service",
            )
    authors = authors or tuple(filter(None, [_git_user_name()]))
    if not authors:
        raise click.UsageError("no author: pass --author \"Your Name\" (or set git user.name)")
    template = site.docs_dir / TEMPLATE_NAME
    if not template.is_file():
        raise click.UsageError(f"no template at {template}; pmkb new copies it")
    when = (day or dt.datetime.now()).date()
    existing = [p.meta.id for p in result.postmortems if p.meta.id]
    try:
        incident_id = next_free_id(existing, when.year, settings.id_pattern)
        text = fill_template(
            template.read_text(encoding="utf-8"),
            incident_id=incident_id, title=title, day=when, severity=severity,
            services=list(services), authors=list(authors),
        )
    except ScaffoldError as exc:
        raise click.UsageError(str(exc)) from exc
    target = target_path(site.docs_dir, when, title)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8") as handle:  # "x": never overwrite
            handle.write(text)
    except FileExistsError:
        click.echo(f"{target} already exists; pmkb new never overwrites. Pick another title.",
                   err=True)
        sys.exit(1)
    click.echo(str(target))
    click.echo(f"{incident_id} created as a draft. Fill it in, then run `pmkb check {target}`.",
               err=True)


@main.command()
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=f"Where to write it; default <docs_dir>/{SCHEMA_PATH}.")
@click.option("--check", "check_only", is_flag=True,
              help="Do not write; exit 1 if the file is missing or stale.")
@CONFIG_OPTION
def schema(output: Path | None, check_only: bool, config_file: Path) -> None:
    """Write the JSON Schema of the front-matter (for editors and tools)."""
    site = _site(config_file)
    knowledge_base = KnowledgeBase(site.docs_dir, site.settings)
    catalog = knowledge_base.check(report_on=[]).catalog
    target = output or site.docs_dir / SCHEMA_PATH
    text = json.dumps(
        postmortem_schema(site.settings, catalog=catalog), indent=2, ensure_ascii=False
    ) + "\n"
    current = target.read_text(encoding="utf-8") if target.is_file() else None
    if check_only:
        if current != text:
            click.echo(f"{target} is {'stale' if current else 'missing'}; run `pmkb schema`",
                       err=True)
            sys.exit(1)
        click.echo(f"{target} is up to date")
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    click.echo(str(target))


@main.command()
@click.argument("code", required=False)
def rule(code: str | None) -> None:
    """Explain a rule (e.g. `pmkb rule PM309`), or list them all."""
    if code is None:
        for entry in sorted(RULES.values(), key=lambda r: r.code):
            click.echo(f"{entry.code}  {entry.level:<7}  {entry.name}: {entry.summary}")
        return
    entry = RULES.get(code.upper())
    if entry is None:
        raise click.BadParameter(f"no rule {code}; `pmkb rule` lists them", param_hint="CODE")
    click.echo(f"{entry.code} {entry.name} (default: {entry.level})\n")
    click.echo(f"What it checks: {entry.summary}\nWhy it matters: {entry.why}")
    for label, example in (("Bad", entry.bad), ("Good", entry.good)):
        if example:
            click.echo(f"\n{label}:\n" + "\n".join(f"    {line}" for line in example.split("\n")))


def _git_user_name() -> str | None:
    try:
        result = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True,
                                timeout=5, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() or None


@main.command("import")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--severity", default=None,
              help="Severity of every file imported (default: a `Severity: SEV2` or `Sev 2` "
                   "in the text, else TODO).")
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write the files here (default: <docs_dir>/<yyyy>/, like pmkb new).")
@CONFIG_OPTION
def import_(files: tuple[Path, ...], severity: str | None, out_dir: Path | None,
            config_file: Path) -> None:
    """Convert postmortems written in other templates into drafts. Never overwrites.

    Prints each file written and what its author still has to supply; exit 1 if a file
    could not be imported (the others still are).
    """
    from .core.importer import convert, ids_in  # here, so the other commands start fast

    site = _site(config_file)
    if severity is not None and severity not in site.settings.severities:
        raise click.BadParameter(
            f"unknown severity {severity!r}; use one of: {', '.join(site.settings.severities)}",
            param_hint="--severity",
        )
    taken = ids_in(KnowledgeBase(site.docs_dir, site.settings).postmortem_files())
    failed = False
    for source in files:
        try:
            text = source.read_bytes().decode("utf-8-sig")
            result = convert(
                text, source.name, site.settings, severity=severity,
                next_id=lambda year: next_free_id(taken, year, site.settings.id_pattern),
            )
        except (OSError, UnicodeDecodeError, ScaffoldError) as exc:
            reason = "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else exc
            click.echo(f"{source}: not imported: {reason}", err=True)
            failed = True
            continue
        target = (out_dir or site.docs_dir / str(result.year)) / result.file_name
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("x", encoding="utf-8") as handle:  # "x": never overwrite
                handle.write(result.text)
        except FileExistsError:
            click.echo(f"{source}: not imported: {target} already exists; pmkb import never "
                       "overwrites (move it away or pass --out-dir)", err=True)
            failed = True
            continue
        except OSError as exc:
            click.echo(f"{source}: not imported: cannot write {target}: {exc}", err=True)
            failed = True
            continue
        taken.add(result.id)
        click.echo(f"{target}: {result.id} (status: draft), imported from {source}")
        click.echo("  headings: " + ("; ".join(
            f"{h.original} → {h.section or 'kept as is'}" for h in result.headings) or "none"))
        click.echo("  still to supply:")
        for item in result.todo:
            click.echo(f"  - {item}")
    sys.exit(1 if failed else 0)
