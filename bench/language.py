"""The language rules on their labelled evaluation set, and what they cost per postmortem.

    .venv/bin/python bench/language.py            # confusion tables and ms per postmortem
    .venv/bin/python bench/language.py --misses   # also list every wrong verdict

The set is `tests/language_eval/` (sentences for PM501-PM503, action items for PM309);
`tests/test_language_eval.py` asserts the precision and recall printed here.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pmkb.check.language.blame import find_blame
from pmkb.check.language.passages import passage
from pmkb.check.language.people import People
from pmkb.check.rules import action_items, language
from pmkb.check.rules.context import CheckContext
from pmkb.read.document import read_document
from pmkb.read.postmortem import read_postmortem
from pmkb.settings import Settings

REPO = Path(__file__).resolve().parent.parent
EVAL = REPO / "tests" / "language_eval"
BLAME_RULES = {"phrase": "PM501", "person": "PM502", "counterfactual": "PM503"}


@dataclass
class Scores:
    """A confusion table: true/false positives and negatives, and the items judged wrong."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    wrong: list[str] = field(default_factory=list)

    def add(self, expected: bool, predicted: bool, item: str) -> None:
        if expected and predicted:
            self.tp += 1
        elif predicted:
            self.fp += 1
            self.wrong.append(f"false alarm: {item}")
        elif expected:
            self.fn += 1
            self.wrong.append(f"missed:      {item}")
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def row(self, name: str) -> str:
        return (
            f"{name:<10} {self.tp:>4} {self.fp:>4} {self.fn:>4} {self.tn:>4}   "
            f"{self.precision:9.3f} {self.recall:7.3f}"
        )


def _rows(name: str) -> list[list[str]]:
    lines = [line for line in (EVAL / name).read_text().splitlines() if not line.startswith("#")]
    return list(csv.reader(lines[1:], delimiter="\t", quoting=csv.QUOTE_NONE))


def blame_codes(text: str, context: str, settings: Settings) -> set[str]:
    """The PM50x codes the rules raise on one sentence, read without front-matter."""
    found = passage([(1, 1, text)], "factor" if context == "factor" else "prose")
    if found is None:
        return set()
    hits = find_blame(found, People(), tuple(settings.blame_phrases))
    return {BLAME_RULES[hit.rule] for hit in hits}


def is_vague(action: str, settings: Settings) -> bool:
    return any(True for _ in action_items.action_text_findings(settings, action, 1))


def evaluate(settings: Settings | None = None) -> dict[str, Scores]:
    """Scores for `blame` (any PM50x), each PM50x code, and `vague` (PM309)."""
    settings = settings or Settings()
    scores = {name: Scores() for name in ("blame", "PM501", "PM502", "PM503", "vague")}
    for context, label, text in _rows("blame.tsv"):
        expected = set() if label == "none" else set(label.split(","))
        raised = blame_codes(text, context, settings)
        item = f"[{context}, {label}, raised {','.join(sorted(raised)) or 'none'}] {text}"
        scores["blame"].add(bool(expected), bool(raised), item)
        for code in ("PM501", "PM502", "PM503"):
            if code in expected or code in raised:
                # A blameful sentence flagged under a sibling code is not a false alarm.
                if code in raised and expected and code not in expected:
                    continue
                scores[code].add(code in expected, code in raised, item)
            else:
                scores[code].tn += 1
    for label, text in _rows("actions.tsv"):
        scores["vague"].add(label == "vague", is_vague(text, settings), f"[{label}] {text}")
    return scores


def ms_per_postmortem(rounds: int = 20, repeats: int = 7) -> tuple[float, float]:
    """CPU milliseconds per demo postmortem, best of `repeats` (the machine may be shared):
    the PM5xx rules plus PM309's text judgement, and the whole per-file check."""
    from pmkb.check.engine import check_postmortem

    settings = Settings()
    files = sorted((REPO / "postmortems").glob("20*/*.md"))
    postmortems = [read_postmortem(read_document(str(path), path.read_bytes()), settings) for path in files]
    today = dt.date(2026, 12, 31)
    contexts = [CheckContext(p, settings, None, today) for p in postmortems]

    def language_rules() -> None:
        for context in contexts:
            list(language.check(context))
            for item in context.postmortem.action_items:
                list(action_items.action_text_findings(settings, item.action, item.line))

    def whole_check() -> None:
        for p in postmortems:
            check_postmortem(p, settings, None, today)

    def best(action: Callable[[], None]) -> float:
        times = []
        for _ in range(repeats):
            start = time.process_time()
            for _ in range(rounds):
                action()
            times.append(time.process_time() - start)
        return min(times) * 1000 / (rounds * len(contexts))

    return best(language_rules), best(whole_check)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--misses", action="store_true", help="list every wrong verdict")
    args = parser.parse_args()
    scores = evaluate()
    counts = Counter(label for _c, label, _t in _rows("blame.tsv"))
    print(
        f"blame.tsv: {sum(counts.values())} sentences; actions.tsv: {len(_rows('actions.tsv'))} action items"
    )
    print(f"{'rule':<10} {'TP':>4} {'FP':>4} {'FN':>4} {'TN':>4}   precision  recall")
    for name, score in scores.items():
        print(score.row(name))
    language_ms, whole_ms = ms_per_postmortem()
    print(
        f"\nlanguage rules: {language_ms:.3f} ms per postmortem "
        f"(whole per-file check: {whole_ms:.3f} ms); CPU time, best of 7, demo postmortems"
    )
    if args.misses:
        for name in ("blame", "vague"):
            for line in scores[name].wrong:
                print(f"{name}: {line}")


if __name__ == "__main__":
    main()
