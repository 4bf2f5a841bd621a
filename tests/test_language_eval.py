"""The language rules on their labelled evaluation set (tests/language_eval/).

The set holds sentences and action items written for pmkb in the style of real
postmortems: blameful and blameless, vague and specific, with hard negatives (systems
as agents, roles in neutral sentences, names of authors and helpers). The last part of
each file was written after the rules were tuned and was not tuned against.
`bench/language.py --misses` prints the same numbers and every wrong verdict.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from language import _rows, blame_codes, evaluate  # noqa: E402
from pmkb.settings import Settings  # noqa: E402


@pytest.fixture(scope="module")
def scores():
    return evaluate()


def test_the_set_is_large_and_mixed() -> None:
    blame = _rows("blame.tsv")
    actions = _rows("actions.tsv")
    assert len(blame) + len(actions) >= 300
    labels = {label for _context, label, _text in blame}
    assert {"none", "PM501", "PM502", "PM503"} <= labels
    assert {label for label, _text in actions} == {"vague", "specific"}
    assert sum(label == "none" for _c, label, _t in blame) >= 100  # hard negatives


def test_blame_precision_and_recall(scores) -> None:
    blame = scores["blame"]
    assert blame.precision >= 0.95, blame.wrong
    assert blame.recall >= 0.90, blame.wrong


def test_vague_action_precision_and_recall(scores) -> None:
    vague = scores["vague"]
    assert vague.precision >= 0.95, vague.wrong
    assert vague.recall >= 0.90, vague.wrong


@pytest.mark.parametrize(
    ("context", "text", "code"),
    [
        ("factor", "The on-call engineer should have caught it.", "PM503"),
        ("factor", "Alice could have prevented this by checking the dashboard first.", "PM503"),
        ("factor", "A junior engineer who didn't follow the process pushed the change.", "PM502"),
        ("factor", "The DBA ran the migration without a backup.", "PM502"),
        ("prose", "He ignored the alert.", "PM502"),
        ("factor", "Alice's mistake caused the outage.", "PM502"),
        ("factor", "Bob forgot to follow the manual runbook.", "PM502"),
        ("factor", "Dana dropped the index on production.", "PM502"),
        ("factor", "Omar's hotfix removed the null check.", "PM502"),
        ("factor", "The new hire restarted the primary.", "PM502"),
        ("factor", "The page was silenced by the on-call.", "PM502"),
        ("factor", "Had the reviewer looked closer, the typo would not have shipped.", "PM503"),
        ("factor", "@kwame deleted the staging bucket thinking it was unused.", "PM502"),
    ],
)
def test_the_issues_examples_are_caught(context: str, text: str, code: str) -> None:
    assert code in blame_codes(text, context, Settings())


@pytest.mark.parametrize(
    "text",
    [
        "The cron task failed to launch after the node was recycled.",
        "The scheduler ignored the node taint and placed pods on the draining node.",
        "The monitor should have paged at 90% but its threshold was set to 99%.",
        "The on-call engineer was paged at 14:05.",
        "The team decided to roll back rather than fix forward.",
        "Alice led the response and kept the status page current.",
        "Imported records were not validated before the migration ran.",
        "The lazy-loaded settings module failed to initialise on cold starts.",
        "Thanks to Marcus for spotting the correlation with the release.",
    ],
)
def test_hard_negatives_pass(text: str) -> None:
    assert blame_codes(text, "factor", Settings()) == set()


@pytest.mark.parametrize(
    "text",
    ["Sarah Chen and Dmitri Volkov wrote this postmortem.", "Priya rolled back the release at 10:06."],
)
def test_people_doing_things_outside_contributing_factors_pass(text: str) -> None:
    assert blame_codes(text, "prose", Settings()) == set()
