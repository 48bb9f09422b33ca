"""generator.relative: relative expressions against an anchor day (stdlib only)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from generator.relative import resolve

SAT = dt.date(2025, 12, 20)  # a Saturday


@pytest.mark.parametrize(
    ("expression", "tense", "expected"),
    [
        ("Friday’s talks", "past", "2025-12-19"),
        ("on Friday", "past", "2025-12-19"),
        ("on Friday", "future", "2025-12-26"),
        ("Saturday's meeting", "past", "2025-12-20"),
        ("on Saturday", "future", "2025-12-20"),
        ("last Saturday", None, "2025-12-13"),
        ("next Monday", None, "2025-12-22"),
        ("yesterday", None, "2025-12-19"),
        ("today", None, "2025-12-20"),
        ("tomorrow", None, "2025-12-21"),
        ("last week", None, "2025-12-08/2025-12-14"),
        ("this week", None, "2025-12-15/2025-12-21"),
        ("next week", None, "2025-12-22/2025-12-28"),
        ("last month", None, "2025-11"),
        ("next month", None, "2026-01"),
        ("this year", None, "2025"),
        ("last year", None, "2024"),
        ("next year", None, "2026"),
        ("three days ago", None, "2025-12-17"),
        ("2 months ago", None, "2025-10"),
        ("earlier this month", None, "2025-12-01/2025-12-19"),
        ("before year’s end", None, "../2025-12-31"),
        ("by the end of the year", None, "../2025-12-31"),
        ("year-end", None, "2025-12-31"),
        ("four years later", None, "2029"),
        ("Nearly four years later", None, "2029~"),
        ("the following week", None, "2025-12-22/2025-12-28"),
        ("in June", "past", "2025-06"),
        ("in June", "future", "2026-06"),
        ("20 December", None, "2025-12-20"),
        ("since last month", None, "2025-11/.."),
    ],
)
def test_resolve(expression: str, tense: str | None, expected: str) -> None:
    when = resolve(expression, SAT, tense=tense)
    assert when is not None, expression
    assert str(when) == expected


@pytest.mark.parametrize(
    "expression", ["the near future", "recently", "at some point", "", "World War II"]
)
def test_vague_or_unknown_is_none(expression: str) -> None:
    assert resolve(expression, SAT) is None


def test_year_precision_is_kept() -> None:
    when = resolve("four years later", dt.date(2022, 2, 1))
    assert when is not None and when.precision == "year" and str(when) == "2026"


def test_pure_standard_library() -> None:
    code = (
        "import sys, generator.relative; "
        "print(any(m in sys.modules for m in ('spacy', 'dateparser', 'trafilatura', 'yaml')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
