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

This module only reads: `read_reading_list` keeps what it could not read (`read_problems`,
`schema_problems`) on the list it returns, and the rules that judge a list (PM701–PM704)
live with their declarations in `rules/reading_lists.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from pmkb.read.document import read_document
from pmkb.read.model import Text
from pmkb.read.yaml_reader import ReadProblem

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

    from pmkb.read.document import FrontMatter

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


_KEYS = tuple(ReadingList.model_fields)
_ITEM_KEYS = tuple(ReadingListItem.model_fields)
_TEXT = TypeAdapter(Text)


@dataclass(frozen=True)
class SchemaProblem:
    """A front-matter value the reading-list model rejects, and where it is."""

    line: int
    col: int
    error: ErrorDetails
    """Pydantic's error; its `loc` is the path of the value (`("items", 0, "note")`)."""
    allowed_keys: tuple[str, ...]
    """The keys a list (or, for an item's error, an item) may have."""


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
    read_problems: list[ReadProblem] = field(default_factory=list)
    """Why the file or its front-matter could not be read (or a duplicate key)."""
    schema_problems: list[SchemaProblem] = field(default_factory=list)
    """Values the model rejects; the valid items are kept in `model` all the same."""
    items_listed: int = 0
    """How many entries `items` has, valid or not (when the list has a `model`)."""
    items_position: tuple[int, int] = (1, 1)
    """Where `items` is written (line, column)."""

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
        if path.suffix.lower() == ".md" and not path.name.startswith(("_", ".")) and path.is_file()
    )


def read_reading_lists(
    docs_dir: Path, display: Callable[[Path], str] = Path.as_posix
) -> list[LoadedReadingList]:
    """Read every reading list of a docs directory; never raises.

    `display` turns a file's path into the path shown in diagnostics.
    """
    lists: list[LoadedReadingList] = []
    for path in reading_list_files(docs_dir):
        shown = display(path)
        rel_path = path.relative_to(docs_dir).as_posix()
        try:
            raw = path.read_bytes()
        except OSError as exc:
            reason = exc.strerror or str(exc)
            problem = ReadProblem("unreadable", f"cannot read file: {reason}", 1)
            lists.append(LoadedReadingList(rel_path, path.stem, shown, read_problems=[problem]))
            continue
        lists.append(read_reading_list(shown, rel_path, raw))
    return lists


def read_reading_list(display_path: str, rel_path: str, raw: bytes) -> LoadedReadingList:
    """Read one reading list; never raises. What it cannot read is kept on the list."""
    document = read_document(display_path, raw)
    loaded = LoadedReadingList(
        rel_path=rel_path,
        slug=PurePosixPath(rel_path).stem,
        path=display_path,
        intro="\n".join(document.body_lines).strip() if document.source else "",
        read_problems=list(document.problems),
    )
    front_matter = document.front_matter
    unusable = any(p.kind != "duplicate-key" for p in document.problems)
    if front_matter is not None and not unusable:
        _read_model(front_matter, loaded)
    return loaded


def _read_model(front_matter: FrontMatter, loaded: LoadedReadingList) -> None:
    """Validate the front-matter; keep every valid item so the rest of the list still works."""
    data: dict[str, Any] = dict(front_matter.data)
    if "items" in data and data["items"] is None:
        data["items"] = []  # `items:` with nothing under it is an empty list
    try:
        ReadingList.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            in_item = len(loc) >= 2 and loc[0] == "items" and isinstance(loc[1], int)
            loaded.schema_problems.append(
                SchemaProblem(*front_matter.position(loc), error, _ITEM_KEYS if in_item else _KEYS)
            )
    title = _text_or_none(data.get("title"))
    if title is None:
        return  # no usable title: the list cannot be shown
    raw_items = data.get("items")
    if not isinstance(raw_items, list):
        return
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
    loaded.items_listed = len(raw_items)
    loaded.items_position = front_matter.position(("items",))


def _text_or_none(value: Any) -> str | None:
    try:
        return _TEXT.validate_python(value)
    except ValidationError:
        return None


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
