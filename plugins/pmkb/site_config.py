"""Read pmkb's part of `mkdocs.yml` without MkDocs: the docs directory and plugin options.

The CLI must be fast (it runs in pre-commit hooks), so it reads the file itself. Tags
such as `!!python/name:` (Material's emoji options) or `!ENV` are tolerated and ignored.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from pmkb.check.rules import RULES
from pmkb.know import urls
from pmkb.settings import Settings

PLUGIN_NAME = "postmortems"


class ConfigError(Exception):
    """mkdocs.yml or the plugin options are wrong; the message says where and how."""


@dataclass(frozen=True)
class SiteConfig:
    config_file: Path
    docs_dir: Path
    settings: Settings
    site_url: str = ""
    has_plugin: bool = True
    """Whether `plugins:` lists pmkb's plugin (`pmkb init` says so when it does not)."""
    theme_name: str | None = "material"
    site_name: str = ""
    directory_urls: bool = True
    """MkDocs' `use_directory_urls`: pages at `x/` rather than `x.html`."""

    @property
    def rules_url(self) -> str | None:
        """The published rule reference, when the site's URL is known."""
        return rules_url(self.site_url)


def rules_url(site_url: str) -> str | None:
    """The published rule reference of a site at `site_url` (None when it is not known)."""
    return f"{site_url.rstrip('/')}/{urls.url_of(urls.RULES)}" if site_url else None


class _TolerantLoader(yaml.SafeLoader):
    """SafeLoader that reads any unknown tag as None instead of failing."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def load_site_config(config_file: Path) -> SiteConfig:
    """Read mkdocs.yml: its docs_dir and the `postmortems` plugin's options."""
    try:
        text = config_file.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"{config_file}: cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{config_file}: not UTF-8 text") from exc
    try:
        data = yaml.load(text, Loader=_TolerantLoader) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{config_file}: invalid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{config_file}: expected a mapping of settings")
    docs_dir = config_file.parent / str(data.get("docs_dir") or "docs")
    options = plugin_options(data.get("plugins"), default={}) or {}
    settings = settings_from_options(options, str(config_file))
    theme = data.get("theme")
    return SiteConfig(
        config_file,
        docs_dir,
        settings,
        str(data.get("site_url") or ""),
        has_plugin=plugin_options(data.get("plugins"), default=None) is not None,
        theme_name=str(theme.get("name")) if isinstance(theme, dict) else (str(theme) if theme else None),
        site_name=str(data.get("site_name") or ""),
        directory_urls=data.get("use_directory_urls") is not False,
    )


def plugin_options(plugins: Any, default: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """The options given to the postmortems plugin in a `plugins:` list or mapping
    (`default` when the plugin is not listed)."""
    entries = (
        plugins.items()
        if isinstance(plugins, dict)
        else (
            (next(iter(p.items())) if isinstance(p, dict) and len(p) == 1 else (p, None))
            for p in (plugins or [])
        )
    )
    for name, options in entries:
        if name == PLUGIN_NAME:
            return dict(options or {}) if isinstance(options, dict) else {}
    return default


def settings_from_options(options: dict[str, Any], where: str) -> Settings:
    """Validate plugin options into Settings, or raise ConfigError naming each bad option."""
    try:
        settings = Settings.model_validate(options)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            key = ".".join(str(part) for part in error["loc"])
            message = "unknown option" if error["type"] == "extra_forbidden" else error["msg"]
            problems.append(f"{where}: plugins.{PLUGIN_NAME}.{key}: {message}")
        raise ConfigError("\n".join(problems)) from exc
    problems = [
        f"{where}: plugins.{PLUGIN_NAME}.{key}: {message}" for key, message in unknown_rule_codes(settings)
    ]
    if problems:
        raise ConfigError("\n".join(problems))
    return settings


def unknown_rule_codes(settings: Settings) -> list[tuple[str, str]]:
    """(option, message) for each option that names a rule code or prefix no rule has.

    Checked here, against the registry, rather than in Settings: the rules depend on
    settings, so settings importing the rules would be an import circle.
    """
    named = {"rules": list(settings.rules), "drafts.relaxed_rules": settings.drafts.relaxed_rules}
    found = []
    for key, codes in named.items():
        unknown = [code for code in codes if not any(known.startswith(code) for known in RULES)]
        if unknown:
            listed = ", ".join(_with_suggestion(code) for code in unknown)
            found.append(
                (
                    key,
                    f"unknown rule code(s) {listed}; codes look like PM309 (or PM3 for the whole "
                    "family); `pmkb rule` lists them",
                )
            )
    return found


def _with_suggestion(code: str) -> str:
    close = difflib.get_close_matches(code.upper(), list(RULES), n=1, cutoff=0.8)
    return f"{code} (did you mean {close[0]}?)" if close else code
