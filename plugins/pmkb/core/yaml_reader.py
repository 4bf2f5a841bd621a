"""YAML read safely and with positions: the line and column of every key and item.

Aliases are refused before anything is built (a "billion laughs" document is a few
lines of aliases), tags beyond YAML's plain types are refused by the safe loader, and
duplicate keys, which YAML silently collapses, are reported.
"""

from __future__ import annotations

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
    loader = None
    try:
        loader = _Loader(text)  # the reader refuses control characters right here
        node = loader.get_single_node()
        if node is not None:
            _record_positions(node, first_line, result)
            result.value = loader.construct_document(node)
    except _AliasFound:
        line, col = _first_alias(text) or (0, 0)
        result.problems = [
            ReadProblem(
                "alias",
                "YAML aliases (`*name`) are not allowed here; write the value out",
                line + first_line,
                col + 1,
            )
        ]
        result.failed = True
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + first_line, mark.column + 1) if mark else (first_line, 1)
        reason = exc.problem or exc.context or "invalid YAML"
        result.problems.append(ReadProblem("yaml-syntax", f"invalid YAML: {reason}", line, col))
        result.failed = True
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        result.problems.append(ReadProblem("yaml-syntax", f"invalid YAML: {exc}", first_line))
        result.failed = True
    finally:
        if loader is not None:
            loader.dispose()
    return result


def _first_alias(text: str) -> tuple[int, int] | None:
    """The 0-based line and column of the first alias, if any."""
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if isinstance(token, yaml.AliasToken):
                return token.start_mark.line, token.start_mark.column
    except yaml.YAMLError:
        return None  # the composer reports the syntax error with its position
    return None


def _record_positions(root: yaml.Node, first_line: int, result: YamlResult) -> None:
    """Record where every key and sequence item is; report duplicate keys.

    An alias is the same node object reached twice; meeting one stops the walk before
    anything is constructed, so a "billion laughs" document costs nothing.
    """
    stack: list[tuple[yaml.Node, Path]] = [(root, ())]
    seen: set[int] = set()
    while stack:
        node, where = stack.pop()
        if id(node) in seen:
            raise _AliasFound
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first_lines: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value)
                line = key_node.start_mark.line + first_line
                col = key_node.start_mark.column + 1
                if key in first_lines:
                    result.problems.append(
                        ReadProblem(
                            "duplicate-key",
                            f"key `{key}` appears twice (first on line {first_lines[key]}); "
                            "keep one",
                            line,
                            col,
                        )
                    )
                else:
                    first_lines[key] = line
                    result.positions[(*where, key)] = (line, col)
                stack.append((value_node, (*where, key)))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                position = (item.start_mark.line + first_line, item.start_mark.column + 1)
                result.positions[(*where, index)] = position
                stack.append((item, (*where, index)))
