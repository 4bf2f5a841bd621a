"""Reading lists: curated, ordered postmortems, each with a note on why to read it.

A reading list is a Markdown file in the docs directory's `reading-lists/` folder. Its
front-matter names the list and its items; its body is the introduction:

    ---
    title: "Start here: on-call essentials"
    audience: Engineers joining the on-call rotation
    items:
      - id: PM-2025-001
        note: A connection leak that only shows when retries are frequent.
    ---

    Why this list exists, in a paragraph or two.

Like postmortems, lists are checked in two steps: `read_reading_list` checks one file on
its own (PM701, PM702, PM704), and `check_reading_list_ids` checks the items against the
IDs of the knowledge base (PM703), which are known only once every postmortem is read.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from .document import read_document
from .model import Text
from .rules.reading_lists import DUPLICATE_ITEM, EMPTY_LIST, INVALID_LIST, UNKNOWN_ID

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

    from .document import FrontMatter
    from .rules.registry import Finding

READING_LISTS_DIR = "reading-lists"
"""The folder of the docs directory that holds reading lists."""


class ReadingListItem(BaseModel):
    """One entry of a reading list: a postmortem and why to read it."""

    model_config = ConfigDict(extra="forbid")

    id: Text = Field(description="The postmortem's ID, e.g. PM-2025-007.")
    note: Text = Field(description="Why to read it, in a sentence or two.")


class ReadingList(BaseModel):
    """The front-matter of a reading list."""

    model_config = ConfigDict(extra="forbid")

    title: Text = Field(description="The list's title, shown as its page heading.")
    audience: Text | None = Field(None, description="Who the list is for.")
    items: list[ReadingListItem] = Field(description="The postmortems to read, in order.")


_KEYS = list(ReadingList.model_fields)
_ITEM_KEYS = list(ReadingListItem.model_fields)
_TEXT = TypeAdapter(Text)


@dataclass
class LoadedReadingList:
    """One reading-list file, read. `model` is None when the front-matter is unusable."""

    rel_path: str
    """The path relative to the docs directory, `/`-separated: `reading-lists/new-on-call.md`."""
    slug: str
    """The file's stem, the last segment of the list's URL (`/reading-lists/<slug>/`)."""
    path: str
    """The path shown in diagnostics."""
    model: ReadingList | None = None
    intro: str = ""
    """The Markdown body: the list's introduction."""
    item_lines: list[int] = field(default_factory=list)
    """The file line of each item of `model.items` (the line of its `id`)."""
    item_columns: list[int] = field(default_factory=list)
    """The column of each item's `id` key, for diagnostics."""

    @property
    def title(self) -> str:
        return self.model.title if self.model is not None else self.slug

    @property
    def items(self) -> list[ReadingListItem]:
        return self.model.items if self.model is not None else []


def reading_list_files(docs_dir: Path) -> list[Path]:
    """The reading-list files of a docs directory (`reading-lists/*.md`), sorted.

    Names starting with `_` or `.` are skipped, like the postmortem template.
    """
    folder = docs_dir / READING_LISTS_DIR
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.iterdir()
        if path.suffix.lower() == ".md"
        and not path.name.startswith(("_", "."))
        and path.is_file()
    )


def load_reading_lists(
    docs_dir: Path, display: Callable[[Path], str] = Path.as_posix
) -> tuple[list[LoadedReadingList], list[tuple[str, Finding]]]:
    """Read every reading list of a docs directory: the lists and (path, finding) pairs.

    `display` turns a file's path into the path shown in diagnostics.
    """
    lists: list[LoadedReadingList] = []
    findings: list[tuple[str, Finding]] = []
    for path in reading_list_files(docs_dir):
        shown = display(path)
        rel_path = path.relative_to(docs_dir).as_posix()
        try:
            raw = path.read_bytes()
        except OSError as exc:
            reason = exc.strerror or str(exc)
            lists.append(LoadedReadingList(rel_path, path.stem, shown))
            findings.append((shown, INVALID_LIST.at(1, 1, f"cannot read file: {reason}")))
            continue
        loaded, found = read_reading_list(shown, rel_path, raw)
        lists.append(loaded)
        findings += [(shown, finding) for finding in found]
    return lists, findings


def read_reading_list(
    display_path: str, rel_path: str, raw: bytes
) -> tuple[LoadedReadingList, list[Finding]]:
    """Read one reading list; never raises. Findings: PM701, PM702, PM704."""
    document = read_document(display_path, raw)
    loaded = LoadedReadingList(
        rel_path=rel_path,
        slug=PurePosixPath(rel_path).stem,
        path=display_path,
        intro="\n".join(document.body_lines).strip() if document.source else "",
    )
    findings = [INVALID_LIST.at(p.line, p.col, p.message) for p in document.problems]
    front_matter = document.front_matter
    unusable = any(p.kind != "duplicate-key" for p in document.problems)
    if front_matter is None or unusable:
        return loaded, findings
    findings += _read_model(front_matter, loaded)
    if loaded.model is not None:
        findings += _duplicate_findings(loaded)
    return loaded, findings


def _read_model(front_matter: FrontMatter, loaded: LoadedReadingList) -> list[Finding]:
    """Validate the front-matter; keep every valid item so the rest of the list still works."""
    data: dict[str, Any] = dict(front_matter.data)
    if "items" in data and data["items"] is None:
        data["items"] = []  # `items:` with nothing under it is an empty list
    findings: list[Finding] = []
    try:
        ReadingList.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            line, col = front_matter.position(loc)
            findings.append(INVALID_LIST.at(line, col, _describe(error, loc)))
    title = _text_or_none(data.get("title"))
    if title is None:
        return findings  # no usable title: the list cannot be shown
    raw_items = data.get("items")
    if not isinstance(raw_items, list):
        return findings
    items: list[ReadingListItem] = []
    for index, raw_item in enumerate(raw_items):
        try:
            items.append(ReadingListItem.model_validate(raw_item))
        except ValidationError:
            continue
        line, col = front_matter.position(("items", index, "id"))
        loaded.item_lines.append(line)
        loaded.item_columns.append(col)
    audience = _text_or_none(data.get("audience"))
    loaded.model = ReadingList(title=title, audience=audience, items=items)
    if not raw_items:
        findings.append(
            EMPTY_LIST.at(
                *front_matter.position(("items",)),
                "the reading list has no items; add `- id: PM-…` with a `note` on why to read it",
            )
        )
    return findings


def _text_or_none(value: Any) -> str | None:
    try:
        return _TEXT.validate_python(value)
    except ValidationError:
        return None


def _describe(error: ErrorDetails, loc: tuple[str | int, ...]) -> str:
    """Pydantic's error, said for someone editing the list's YAML."""
    kind = error["type"]
    if loc and loc[0] == "items" and len(loc) >= 2 and isinstance(loc[1], int):
        return _describe_item(kind, loc[1] + 1, loc[2:])
    key = ".".join(str(part) for part in loc)
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(key, _KEYS, n=1)
        hint = f"did you mean `{close[0]}`? " if close else ""
        return f"unknown key `{key}`; {hint}a reading list has only {_keys(_KEYS)}"
    if kind == "missing":
        if key == "items":
            return "missing required key `items`: a list of `- id: PM-…` with a `note` each"
        return f"missing required key `{key}`"
    if key == "items":
        return "`items` must be a list of `- id: PM-…` entries, each with a `note`"
    if kind in ("string_type", "string_too_short"):
        return f"`{key}` must be non-empty text"
    return f"`{key}`: {str(error['msg']).lower()}"


def _describe_item(kind: str, number: int, rest: tuple[str | int, ...]) -> str:
    key = ".".join(str(part) for part in rest)
    if kind in ("model_type", "dict_type") or not rest:
        return (
            f"item {number} must be a mapping with `id` and `note`, e.g. "
            "`- id: PM-2025-001` and `note: why to read it` on the next line"
        )
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(key, _ITEM_KEYS, n=1)
        hint = f"did you mean `{close[0]}`? " if close else ""
        known = _keys(_ITEM_KEYS)
        return f"item {number} has an unknown key `{key}`; {hint}an item has only {known}"
    if key == "note":
        what = "has no `note`" if kind == "missing" else "has an empty `note`"
        return f"item {number} {what}; say in a sentence or two why to read it"
    if kind == "missing":
        return f"item {number} has no `{key}`; name the postmortem, e.g. `id: PM-2025-001`"
    return f"item {number}: `{key}` must be non-empty text"


def _keys(names: list[str]) -> str:
    """`title`, `audience` and `items`."""
    quoted = [f"`{name}`" for name in names]
    return f"{', '.join(quoted[:-1])} and {quoted[-1]}" if len(quoted) > 1 else quoted[0]


def _duplicate_findings(loaded: LoadedReadingList) -> list[Finding]:
    findings = []
    first: dict[str, tuple[int, int]] = {}
    for number, (item, line, col) in enumerate(
        zip(loaded.items, loaded.item_lines, loaded.item_columns, strict=False), start=1
    ):
        if item.id in first:
            earlier, earlier_line = first[item.id]
            findings.append(
                DUPLICATE_ITEM.at(
                    line, col,
                    f"`{item.id}` is already item {earlier} of this list (line {earlier_line}); "
                    "list each postmortem once",
                )
            )
        else:
            first[item.id] = (number, line)
    return findings


def check_reading_list_ids(
    lists: Iterable[LoadedReadingList], known_ids: set[str]
) -> list[tuple[str, Finding]]:
    """PM703: (path, finding) for every item whose `id` is not a known postmortem ID."""
    known = sorted(known_ids)
    findings: list[tuple[str, Finding]] = []
    for loaded in lists:
        for item, line, col in zip(loaded.items, loaded.item_lines, loaded.item_columns, strict=False):
            if item.id in known_ids:
                continue
            close = difflib.get_close_matches(item.id, known, n=1, cutoff=0.8)
            hint = f"did you mean `{close[0]}`?" if close else "check the ID in the postmortem"
            message = f"`{item.id}` is not a postmortem of this knowledge base; {hint}"
            findings.append((loaded.path, UNKNOWN_ID.at(line, col, message)))
    return findings


def positions_in_lists(
    lists: Iterable[LoadedReadingList],
) -> dict[str, list[tuple[LoadedReadingList, int]]]:
    """For each postmortem ID, the lists it is in and its 0-based position in each.

    The position indexes `loaded.items`, so `items[position - 1]` and
    `items[position + 1]` are the previous and next reads. A postmortem listed twice in
    one list (PM704) counts at its first place only.
    """
    positions: dict[str, list[tuple[LoadedReadingList, int]]] = {}
    for loaded in lists:
        seen: set[str] = set()
        for position, item in enumerate(loaded.items):
            if item.id not in seen:
                seen.add(item.id)
                positions.setdefault(item.id, []).append((loaded, position))
    return positions
