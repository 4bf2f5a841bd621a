"""The `pmkb` command: check postmortems with the same engine as the site build."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .core.corpus import KnowledgeBase
from .core.diagnostics import FORMATS, render
from .site_config import ConfigError, load_site_config


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
@click.option(
    "--config", "-f", "config_file", type=click.Path(dir_okay=False, path_type=Path),
    default=Path("mkdocs.yml"), show_default=True, help="The MkDocs config to read settings from.",
)
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too (like mkdocs build --strict).")
def check(paths: tuple[Path, ...], output_format: str, config_file: Path, strict: bool) -> None:
    """Validate postmortems (default: all of the knowledge base). Exit 1 on errors."""
    if not config_file.is_file():
        raise click.UsageError(f"no {config_file} here; run in the site's directory or pass --config")
    try:
        site = load_site_config(config_file)
    except ConfigError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    knowledge_base = KnowledgeBase(site.docs_dir, site.settings)
    report_on = knowledge_base.select(list(paths)) if paths else None
    result = knowledge_base.check(report_on)
    click.echo(render(result.diagnostics, output_format, result.files_checked))
    failed = result.errors or (strict and result.warnings)
    sys.exit(1 if failed else 0)
