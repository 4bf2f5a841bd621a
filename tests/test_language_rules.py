"""PM501-PM503 and PM309 in whole postmortems: where text is read, where it is not, and
what the messages say."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROW1, VALID, check_files, codes, line_of, pmkb, replace

FACTOR_PROSE = (
    "The pool library did not release connections when a query timed out, and nothing alerted on pool usage."
)
LESSON = "Canaries must exercise error paths, not only the happy path."
DESCRIPTION = "    description: No alert on pool usage before exhaustion.\n"


def column_of(text: str, line: int, needle: str) -> int:
    return text.split("\n")[line - 1].index(needle) + 1


def test_folded_description_block_is_read_and_located(kb_dir: Path) -> None:
    block = (
        "    description: >-\n"
        "      The pool alert fired twice during the night, and\n"
        "      Bob forgot to follow the manual runbook.\n"
    )
    text = replace(VALID, DESCRIPTION, block)
    result = check_files(kb_dir, {"pm.md": text})
    line = line_of(text, "Bob forgot")
    assert [(d.code, d.line, d.col) for d in result.diagnostics] == [
        ("PM502", line, column_of(text, line, "Bob"))
    ]
    assert result.diagnostics[0].message.startswith('"Bob forgot to follow" names a person ("Bob")')


def test_names_need_no_front_matter(kb_dir: Path) -> None:
    text = replace(VALID, FACTOR_PROSE, "Dana dropped the index on production.")
    assert codes(check_files(kb_dir, {"pm.md": text})) == [("PM502", line_of(text, "Dana"))]


def test_counterfactual_is_pm503_with_a_rewrite(kb_dir: Path) -> None:
    text = replace(VALID, LESSON, "The on-call engineer should have caught the error spike.")
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM503", line_of(text, "should have caught"))]
    message = result.diagnostics[0].message
    assert '"on-call engineer should have caught" is hindsight about a person ("on-call engineer")' in message
    assert "→ state what was missing at the time" in message


def test_a_sentence_wrapped_over_lines_is_one_sentence(kb_dir: Path) -> None:
    text = replace(VALID, LESSON, "During the rollback the\non-call engineer ignored\nthe disk alert.")
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM502", line_of(text, "on-call engineer ignored"))]


@pytest.mark.parametrize(
    "block",
    [
        "```\nBob forgot to drain the node.\n```",
        "> Bob forgot to drain the node, the channel said.",
        'Someone wrote "Bob forgot to drain the node" in the channel.',
        "The log said `Bob forgot to drain the node`.",
        "<!-- Bob forgot to drain the node. -->",
    ],
    ids=["code-fence", "block-quote", "quotation", "code-span", "comment"],
)
def test_code_quotes_and_comments_are_left_alone(kb_dir: Path, block: str) -> None:
    text = replace(VALID, LESSON, f"{LESSON}\n\n{block}\n")
    assert check_files(kb_dir, {"pm.md": text}).diagnostics == []


def test_chat_rows_of_the_timeline_are_left_alone(kb_dir: Path) -> None:
    chat = "| 14:10 | Bob: I forgot to drain the node, my mistake | Slack #inc-42 |"
    log = "| 14:12 | Bob forgot to drain the node | Deploy log |"
    text = replace(VALID, "| 14:15 | Rollback", f"{chat}\n{log}\n| 14:15 | Rollback")
    assert codes(check_files(kb_dir, {"pm.md": text})) == [("PM502", line_of(text, "14:12"))]


def test_operations_by_people_are_causes_only_in_contributing_factors(kb_dir: Path) -> None:
    sentence = "Dana restarted the primary at 14:10."
    in_lessons = replace(VALID, LESSON, sentence)
    assert check_files(kb_dir, {"pm.md": in_lessons}).diagnostics == []
    in_factors = replace(VALID, FACTOR_PROSE, sentence)
    assert codes(check_files(kb_dir, {"pm.md": in_factors})) == [("PM502", line_of(in_factors, sentence))]


def test_lazy_loaded_is_not_lazy(kb_dir: Path) -> None:
    text = replace(VALID, LESSON, "The lazy-loaded module and the lazy_init flag were fine.")
    assert check_files(kb_dir, {"pm.md": text}).diagnostics == []


def test_owner_column_and_authors_are_not_read_as_blame(kb_dir: Path) -> None:
    text = replace(VALID, "| Sarah Chen | P1 |", "| Bob forgot | P1 |")
    assert "PM5" not in {d.code[:3] for d in check_files(kb_dir, {"pm.md": text}).diagnostics}


@pytest.mark.parametrize(
    "action",
    [
        "Be more attentive during key rotations",
        "Investigate why caching happened and make it better",
        "Make sure this doesn't happen again",
        "Look into the cache misses",
        "Revisit our release process",
        "We need better dashboards",
    ],
)
def test_pm309_vague_by_structure(kb_dir: Path, action: str) -> None:
    text = replace(VALID, ROW1, ROW1.replace("Release pool connections on the query-timeout path", action))
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM309", line_of(text, action))]
    message = result.diagnostics[0].message
    assert f"action `{action}` is vague (" in message and "→" in message


REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "real"


@pytest.mark.skipif(
    not REAL.is_dir(), reason="the real-postmortem corpus (../shared/corpus/real) is not beside the project"
)
def test_real_postmortems_raise_no_false_blame(tmp_path: Path) -> None:
    """Postmortems by other organisations, imported: none of their language is blame."""
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: T\ndocs_dir: postmortems\ntheme:\n  name: material\nplugins:\n  - postmortems\n"
    )
    (tmp_path / "postmortems").mkdir()
    sources = sorted(str(path) for path in REAL.glob("*__*.md"))
    imported = pmkb(tmp_path, "import", "--out-dir", "postmortems/real", *sources)
    assert imported.returncode == 0, imported.stderr
    result = pmkb(tmp_path, "check", "--format", "json")
    language = [d for d in json.loads(result.stdout) if d["code"].startswith("PM5")]
    assert language == []
