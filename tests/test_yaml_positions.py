"""The YAML reader's fast paths give what PyYAML's own give: values built without its
generator machinery equal `construct_document`'s, and positions from node marks equal
the ones counted from character offsets."""

from __future__ import annotations

import random

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from pmkb.read import yaml_reader
from pmkb.read.yaml_reader import _construct, _Locator, _Unusual, read_yaml

FRAGMENTS = [
    "id: PM-1",
    "title: Ünïcode — “x” 🔥",
    "date: 2026-06-20",
    "when: 2026-06-20T14:00:00Z",
    "n: 12",
    "hex: 0x1F",
    "sexagesimal: 1:30",
    "f: 1.5e3",
    "b: yes",
    "nothing: ~",
    "empty:",
    "list: [a, b, c]",
    "list2:\n  - a\n  - b: 1\n    c: 2",
    "'quoted key': v",
    '"dq": "x\\ty"',
    "folded: >-\n  line one\n  line two",
    "literal: |\n  a\n  b",
    "merge:\n  <<: {a: 1}\n  b: 2",
    "set: !!set {a, b}",
    "omap: !!omap [a: 1]",
    "? complex\n: value",
    "dup: 1",
    "dup: 2",
    "tabbed:\tvalue",
    "x: 'it''s'",
    "bin: !!binary aGVsbG8=",
    "str: !!str 123",
    "1: intkey",
    "true: boolkey",
    "2026-01-01: datekey",
    "é: 1\né2: 2",
    "flow: {a: [1, {b: 2}]}",
    "contributing_factors:\n  - category: technical\n    description: Bob forgot.",
    "deep: " + "[" * 80 + "]" * 80,
    "k: a\u2028b",
    "k: a\x85b",
]


def _documents(count: int) -> list[str]:
    chooser = random.Random(10)
    return ["\n".join(chooser.choice(FRAGMENTS) for _ in range(chooser.randint(1, 7))) for _ in range(count)]


def _reference(text: str) -> object:
    loader = yaml_reader._Loader(text)
    try:
        node = loader.get_single_node()
        value = loader.construct_document(node)
    finally:
        loader.dispose()
    return value


@pytest.mark.parametrize("text", _documents(600))
def test_values_and_positions_match_pyyaml(text: str) -> None:
    try:
        expected = _reference(text)
    except (yaml.YAMLError, ValueError, TypeError):
        return
    loader = yaml_reader._Loader(text)
    try:
        node = loader.get_single_node()
        try:
            value = _construct(node, loader)
        except _Unusual:
            value = expected
    finally:
        loader.dispose()
    assert repr(value) == repr(expected)
    where = _Locator(text, 2)
    stack = [node]
    while stack:
        current = stack.pop()
        assert where.of(current) == where.of_index(current.start_mark.index)
        if isinstance(current, yaml.MappingNode):
            stack.extend(item for pair in current.value for item in pair)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    assert repr(read_yaml(text, 2).value) == repr(expected)


@given(
    st.integers(0, 9999),
    st.integers(0, 13),
    st.integers(0, 32),
    st.one_of(st.none(), st.tuples(st.integers(0, 25), st.integers(0, 61), st.integers(0, 61))),
    st.sampled_from(["Z", "", "+02:00", ".5Z"]),
)
def test_timestamps_read_as_pyyaml_builds_them(
    year: int, month: int, day: int, clock: tuple[int, int, int] | None, zone: str
) -> None:
    text = f"{year:04d}-{month:02d}-{day:02d}"
    if clock is not None:
        text += "T{:02d}:{:02d}:{:02d}".format(*clock) + zone
    try:
        expected: object = yaml.load(f"at: {text}", Loader=yaml.CSafeLoader)
    except ValueError as exc:
        expected = f"invalid YAML value: {exc}"
    result = read_yaml(f"at: {text}")
    got = result.problems[0].message if result.failed else result.value
    assert got == expected
    if not result.failed:
        assert type(got["at"]) is type(expected["at"])  # type: ignore[index]
        assert repr(getattr(got["at"], "tzinfo", None)) == repr(getattr(expected["at"], "tzinfo", None))  # type: ignore[index]
