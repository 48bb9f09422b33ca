"""Dates on news text we wrote ourselves, scored TempEval-3 style (value F1).

``tests/fixtures/ingest/dates_news.jsonl`` holds wire-style sentences (our own text), each
with a document creation time (``dct``, the publication day) and the date expressions a
careful annotator would mark, with their value in the project's notation. Only dates count
(TimeML DATE): durations ("for 18 months", "the past decade"), clock times, counts, money and
names ("the 1975 Act") have no entry, and a value predicted for them is a false positive.

Scoring: a found expression with a value matches a gold one when their spans overlap
(relaxed extent, as TempEval-3) and the values are equal. Vague finds (``value=None``) are
not predictions. Precision = right values / dated finds, recall = right values / gold.

Two splits: ``dev`` (written first, used while improving the rules) and ``held-out``
(written at the same time, not looked at until the rules were done). Print the numbers and
every disagreement with::

    .venv/bin/python tests/test_ingest_dates_news.py [dev|held-out]
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "ingest" / "dates_news.jsonl"
THRESHOLD = {"dev": 0.85, "held-out": 0.80}


def load(split: str | None = None) -> list[dict]:
    items = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    return [i for i in items if split is None or i["split"] == split]


def evaluate(items: list[dict]) -> dict:
    from generator.ingest.temporal import DateFinder

    gold_n = found_n = right = extent = 0
    errors = []
    for item in items:
        text = item["text"]
        finder = DateFinder(dt.date.fromisoformat(item["dct"]))
        found = [d for d in finder.find(text) if d.value is not None]
        gold = []
        for g in item["dates"]:
            start = text.index(g["text"])
            gold.append((start, start + len(g["text"]), g["value"], g["text"]))
        gold_n += len(gold)
        found_n += len(found)
        used: set[int] = set()
        for a, b, value, expr in gold:
            hit = None
            for k, d in enumerate(found):
                if k not in used and d.start < b and a < d.end:
                    hit = k
                    break
            if hit is None:
                errors.append((item["id"], "missed", expr, value, None))
                continue
            used.add(hit)
            extent += 1
            if found[hit].value == value:
                right += 1
            else:
                errors.append((item["id"], "value", expr, value, found[hit].value))
        for k, d in enumerate(found):
            if k not in used:
                errors.append((item["id"], "spurious", d.text, None, d.value))
    p = right / found_n if found_n else 1.0
    r = right / gold_n if gold_n else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    ep, er = extent / found_n if found_n else 1.0, extent / gold_n if gold_n else 1.0
    return {
        "items": len(items),
        "gold": gold_n,
        "found": found_n,
        "right": right,
        "precision": p,
        "recall": r,
        "f1": f1,
        "extent_f1": 2 * ep * er / (ep + er) if ep + er else 0.0,
        "errors": errors,
    }


def test_fixture_is_well_formed() -> None:
    from generator.dates import When

    items = load()
    assert len(items) >= 150
    assert len({i["id"] for i in items}) == len(items)
    for item in items:
        dt.date.fromisoformat(item["dct"])
        for g in item["dates"]:
            assert g["text"] in item["text"], item["id"]
            assert str(When.parse(g["value"])) == g["value"], (item["id"], g["value"])


@pytest.mark.parametrize("split", ["dev", "held-out"])
def test_value_f1(split: str) -> None:
    score = evaluate(load(split))
    assert score["f1"] >= THRESHOLD[split], (round(score["f1"], 3), score["errors"][:20])


def main() -> None:
    splits = sys.argv[1:] or ["dev", "held-out"]
    for split in splits:
        score = evaluate(load(split))
        print(
            f"{split}: {score['items']} sentences, {score['gold']} gold dates, "
            f"{score['found']} found; value P {score['precision']:.3f} R {score['recall']:.3f} "
            f"F1 {score['f1']:.3f} (extent F1 {score['extent_f1']:.3f})"
        )
        for e in score["errors"]:
            print("  ", *e)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
