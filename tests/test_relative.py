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


def test_before_the_calendar_is_none() -> None:
    """Found by the fuzz tests: "2024 year ago" read in 2000 gave the year -24, which
    the date notation cannot write (nor read back)."""
    assert resolve("2024 years ago", dt.date(2000, 6, 1)) is None
    assert resolve("before 2024 years ago", dt.date(2000, 6, 1)) is None
    assert str(resolve("1999 years ago", dt.date(2000, 6, 1))) == "0001"


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


@pytest.mark.parametrize(
    ("expression", "tense", "expected"),
    [
        ("two weeks ago", None, "2025-12-01/2025-12-07"),
        ("within six months", "future", "../2026-06"),
        ("Christmas", "past", "2024-12-25"),
        ("Christmas", "present", "2025-12-25"),
        ("Christmas", "future", "2025-12-25"),
        ("New Year's Eve", "future", "2025-12-31"),
        ("Thanksgiving", "past", "2025-11-27"),
        ("Easter 2024", None, "2024-03-31"),
        ("Good Friday", "future", "2026-04-03"),
        ("in the spring", "past", "2025-03/2025-05"),
        ("in the spring", "future", "2026-03/2026-05"),
        ("by late spring", "future", "../2026-05"),
        ("winter", "present", "2025-12/2026-02"),
        ("late last year", None, "2024-09/2024-12"),
        ("early next month", None, "2026-01-01/2026-01-10"),
        ("mid-March", "future", "2026-03-11/2026-03-20"),
        ("the end of October", "past", "2025-10-31"),
        ("the end of next month", None, "2026-01-31"),
        ("the end of 2024", None, "2024-12-31"),
        ("the first quarter", "past", "2025-01/2025-03"),
        ("the fourth quarter", "past", "2025-10/2025-12"),
        ("the second half of next year", None, "2026-07/2026-12"),
        ("the weekend", "past", "2025-12-20/2025-12-21"),
        ("the weekend", "future", "2025-12-20/2025-12-21"),
        ("the day before", None, "2025-12-19"),
        ("the year after", None, "2026"),
        ("as early as Monday", "future", "2025-12-22/.."),
        ("since January", "present", "2025-01/.."),
        ("in February", "present", "2026-02"),
        ("in October", "present", "2025-10"),
    ],
)
def test_resolve_more(expression: str, tense: str | None, expected: str) -> None:
    when = resolve(expression, SAT, tense=tense)
    assert when is not None, expression
    assert str(when) == expected


def test_holiday_dates() -> None:
    from generator.relative import easter, holiday

    assert [easter(y).isoformat() for y in (2024, 2025, 2026)] == [
        "2024-03-31",
        "2025-04-20",
        "2026-04-05",
    ]
    assert holiday("Labor Day", 2025) == dt.date(2025, 9, 1)
    assert holiday("Memorial Day", 2025) == dt.date(2025, 5, 26)
    assert holiday("St. Patrick's Day", 2025) == dt.date(2025, 3, 17)
    assert holiday("Groundhog Day", 2025) is None
