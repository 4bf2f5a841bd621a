"""YAML read safely and with positions: the line and column of every key and item.

Aliases are refused before anything is built (a "billion laughs" document is a few
lines of aliases), tags beyond YAML's plain types are refused by the safe loader, and
duplicate keys, which YAML silently collapses, are reported.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

Path = tuple[str | int, ...]
"""A place in a YAML document: `("contributing_factors", 1, "category")`."""


@dataclass(frozen=True)
class ReadProblem:
    """A problem with a file itself, found while reading it."""

    kind: str
    """unreadable, no-front-matter, yaml-syntax, not-a-mapping, duplicate-key, alias, catalog."""
    message: str
    line: int
    col: int = 1


@dataclass
class YamlResult:
    value: Any = None
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)
    problems: list[ReadProblem] = field(default_factory=list)
    failed: bool = False
    """True when no value could be built (syntax error, alias)."""


def nearest_position(
    positions: dict[Path, tuple[int, int]], path: Path, default: tuple[int, int]
) -> tuple[int, int]:
    """The position of `path`, or of its nearest ancestor that has one."""
    for end in range(len(path), 0, -1):
        found = positions.get(tuple(path[:end]))
        if found:
            return found
    return default


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's loader when PyYAML has it: several times faster, same nodes and marks."""


class _AliasFound(Exception):
    pass


def read_yaml(text: str, first_line: int = 1) -> YamlResult:
    """Parse one YAML document; `first_line` is the file line the text starts on."""
    result = YamlResult()
    where = _Locator(text, first_line)
    loader = None
    node = None
    try:
        loader = _Loader(text)  # the reader refuses control characters right here
        node = loader.get_single_node()
        if node is not None:
            _record_positions(node, where, result)
            try:
                result.value = _construct(node, loader)
            except _Unusual:
                result.value = loader.construct_document(node)
    except _AliasFound:
        result.problems = [
            ReadProblem(
                "alias",
                "YAML aliases (`*name`) are not allowed here; write the value out",
                *where.of_index(_first_alias_index(text)),
            )
        ]
        result.failed = True
    except yaml.reader.ReaderError as exc:
        character = exc.character if isinstance(exc.character, int) else ord(exc.character)
        reason = f"control character U+{character:04X} is not allowed; delete it"
        result.problems.append(
            ReadProblem("yaml-syntax", f"invalid YAML: {reason}", *where.of_index(exc.position))
        )
        result.failed = True
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = exc.problem or exc.context or "invalid YAML"
        position = where.of_index(mark.index) if mark else (first_line, 1)
        result.problems.append(ReadProblem("yaml-syntax", f"invalid YAML: {reason}", *position))
        result.failed = True
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        # A value YAML recognises but cannot build (2026-13-45, a 5,000-digit number):
        # find the scalar that fails, to point at it.
        failing = _failing_scalar(loader, node, where) if node is not None else None
        result.problems.append(
            ReadProblem("yaml-syntax", f"invalid YAML value: {exc}", *(failing or (first_line, 1)))
        )
        result.failed = True
    finally:
        if loader is not None:
            loader.dispose()
    return result


_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_UTC_TIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z")


def _plain_timestamp(text: str) -> dt.date | dt.datetime | None:
    """What PyYAML's constructor builds for the two timestamp shapes front-matter is
    written in (`2026-06-20`, `2026-06-20T14:00:00Z`), without its generic regex and
    bookkeeping; None for any other shape or an impossible date (the constructor
    builds those, or raises its own error)."""
    found = _UTC_TIME.fullmatch(text)
    try:
        if found is not None:
            year, month, day, hour, minute, second = map(int, found.groups())
            return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)
        found = _DATE.fullmatch(text)
        if found is not None:
            year, month, day = map(int, found.groups())
            return dt.date(year, month, day)
    except ValueError:
        return None
    return None


_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


class _Unusual(Exception):
    """A node `_construct` leaves to PyYAML's own constructor (merge keys, sets, …)."""


def _construct(node: yaml.Node, loader: Any, depth: int = 0) -> Any:
    """What `loader.construct_document(node)` builds, for plain maps, lists and scalars,
    without its generator machinery: strings are taken as they are, every other scalar
    goes through the loader's own constructor for its tag (ints, dates, booleans …)."""
    kind = type(node)
    if depth > _MAX_DEPTH:
        raise _Unusual  # PyYAML's constructor is not recursive
    if kind is yaml.ScalarNode:
        if node.tag == _STR:
            return node.value
        if node.tag == _TIMESTAMP:
            value = _plain_timestamp(node.value)
            if value is not None:
                return value
        return loader.construct_object(node, deep=True)
    if kind is yaml.MappingNode and node.tag == _MAP:
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if type(key_node) is not yaml.ScalarNode or key_node.tag not in _PLAIN_KEYS:
                raise _Unusual  # a merge key, a complex key: PyYAML's rules apply
            mapping[_construct(key_node, loader)] = _construct(value_node, loader, depth + 1)
        return mapping
    if kind is yaml.SequenceNode and node.tag == _SEQ:
        return [_construct(item, loader, depth + 1) for item in node.value]
    raise _Unusual


_MAX_DEPTH = 50
_PLAIN_KEYS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "bool", "null", "float", "timestamp")
)

_OTHER_BREAKS = ("\x85", "\u2028", "\u2029", "\ufeff")


class _Locator:
    """File positions from character offsets.

    PyYAML also counts U+0085, U+2028 and U+2029 as line breaks; the rest of pmkb (and
    every editor) counts only newlines, so positions are computed from the offset. When
    the text has none of them, a node's own mark (line and column) says the same.
    """

    def __init__(self, text: str, first_line: int) -> None:
        self._text = text
        self._first_line = first_line
        self._marks_agree = not any(other in text for other in _OTHER_BREAKS)

    def of_index(self, index: int) -> tuple[int, int]:
        index = max(0, min(index, len(self._text)))
        line = self._text.count("\n", 0, index) + self._first_line
        col = index - (self._text.rfind("\n", 0, index) + 1) + 1
        return line, col

    def of(self, node: yaml.Node) -> tuple[int, int]:
        mark = node.start_mark
        if self._marks_agree:
            return mark.line + self._first_line, mark.column + 1
        return self.of_index(mark.index)


def _failing_scalar(loader: Any, root: yaml.Node, where: _Locator) -> tuple[int, int] | None:
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            try:
                loader.construct_object(node, deep=True)
            except (yaml.YAMLError, ValueError, TypeError, OverflowError):
                return where.of(node)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(item for pair in reversed(node.value) for item in reversed(pair))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
    return None


def _first_alias_index(text: str) -> int:
    """The character offset of the first alias."""
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if isinstance(token, yaml.AliasToken):
                index: int = token.start_mark.index
                return index
    except yaml.YAMLError:
        pass
    return 0


def _record_positions(root: yaml.Node, where: _Locator, result: YamlResult) -> None:
    """Record where every key and sequence item is; report duplicate keys.

    An alias is the same node object reached twice; meeting one stops the walk before
    anything is constructed, so a "billion laughs" document costs nothing.
    """
    stack: list[tuple[yaml.Node, Path]] = [(root, ())]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        if id(node) in seen:
            raise _AliasFound
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first_lines: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value)
                line, col = where.of(key_node)
                if key in first_lines:
                    result.problems.append(
                        ReadProblem(
                            "duplicate-key",
                            f"key `{key}` appears twice (first on line {first_lines[key]}); keep one",
                            line,
                            col,
                        )
                    )
                else:
                    first_lines[key] = line
                    result.positions[(*path, key)] = (line, col)
                stack.append((value_node, (*path, key)))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                result.positions[(*path, index)] = where.of(item)
                stack.append((item, (*path, index)))
