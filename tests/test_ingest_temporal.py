"""Date expressions: found by our rules, normalised against the publication day."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.ingest.temporal import DateFinder, find_dates

PUB = dt.date(2025, 12, 20)  # Saturday


def one(text: str, published: dt.date | None = PUB):
    found = find_dates(text, published)
    assert len(found) == 1, [(d.text, d.value) for d in found]
    d = found[0]
    assert text[d.start : d.end] == d.text
    return d


@pytest.mark.parametrize(
    ("text", "expr", "value", "precision"),
    [
        ("It began on 24 February 2022.", "24 February 2022", "2022-02-24", "day"),
        ("It began on Feb. 24, 2022, at dawn.", "Feb. 24, 2022", "2022-02-24", "day"),
        ("It began in February 2022.", "February 2022", "2022-02", "month"),
        ("It began in 2022.", "2022", "2022", "year"),
        ("Filed on 2022-02-24 in court.", "2022-02-24", "2022-02-24", "day"),
        ("Tensions grew in the 1990s.", "the 1990s", "1990/1999", "year"),
        ("Planned for spring 2024.", "spring 2024", "2024-03/2024-05", "month"),
        ("Revenue fell in Q3 2024.", "Q3 2024", "2024-07/2024-09", "month"),
        ("It stalled in mid-2023.", "mid-2023", "2023-05/2023-08", "month"),
        ("Due in late 2024.", "late 2024", "2024-09/2024-12", "month"),
        ("Signed in the first half of 2021.", "the first half of 2021", "2021-01/2021-06", "month"),
    ],
)
def test_absolute(text: str, expr: str, value: str, precision: str) -> None:
    d = one(text)
    assert (d.text, d.value, d.precision) == (expr, value, precision)


def test_month_stays_month_without_day() -> None:
    d = one("It began in February 2022.")
    assert d.value == "2022-02" and "-01" not in d.value


@pytest.mark.parametrize(
    ("text", "expr", "value"),
    [
        ("Friday’s talks reported progress.", "Friday’s talks", "2025-12-19"),
        ("He spoke to reporters on Friday.", "on Friday", "2025-12-19"),
        ("Talks will resume on Friday.", "on Friday", "2025-12-26"),
        ("Saturday’s Florida talks represent progress.", "Saturday’s Florida talks", "2025-12-20"),
        ("He arrived yesterday.", "yesterday", "2025-12-19"),
        ("They meet tomorrow.", "tomorrow", "2025-12-21"),
        ("Prices rose last month.", "last month", "2025-11"),
        ("Talks continue next week.", "next week", "2025-12-22/2025-12-28"),
        ("It was agreed three days ago.", "three days ago", "2025-12-17"),
        ("It was signed earlier this month.", "earlier this month", "2025-12-01/2025-12-19"),
        ("A deal could come before year’s end.", "before year’s end", "../2025-12-31"),
        ("Growth slowed this year.", "this year", "2025"),
    ],
)
def test_relative_to_publication(text: str, expr: str, value: str) -> None:
    d = one(text)
    assert (d.text, d.value) == (expr, value)


def test_before_modifier() -> None:
    d = one("A deal could come before year’s end.")
    assert d.modifier == "before" and d.precision == "day"


def test_story_relative_anchors_on_last_date() -> None:
    finder = DateFinder(PUB)
    finder.find("The conflict began in February 2022 when Russia invaded.")
    (d,) = finder.find("Nearly four years later, the war goes on.")
    assert (d.text, d.value, d.precision, d.modifier) == (
        "Nearly four years later",
        "2026~",
        "year",
        "approximate",
    )


def test_unknown_publication_leaves_relative_unresolved() -> None:
    d = one("Talks were held on Friday.", published=None)
    assert d.value is None and d.text == "on Friday" and d.modifier != "vague"


@pytest.mark.parametrize("text", ["in the near future", "Prices have risen recently."])
def test_vague(text: str) -> None:
    d = one(text)
    assert d.value is None and d.precision is None and d.modifier == "vague"


@pytest.mark.parametrize(
    "text",
    [
        "Negotiations may ultimately prove unsuccessful.",
        "We agreed with our partners.",
        "Troops may march on the capital.",
        "They withdrew from four regions.",
        "It claimed hundreds of thousands of lives.",
        "The deal is worth $2024 million.",
        "Support stood at 2021 percent.",
        "The meeting starts at 20:15.",
        "Section 2022 of the act applies.",
        "The largest conflict since World War II.",
        "During his annual press conference.",
        "The 2000 troops arrived by bus.",
        "March organisers expect crowds.",
    ],
)
def test_traps(text: str) -> None:
    assert [(d.text, d.value) for d in find_dates(text, PUB) if d.value] == []


def test_may_the_month_still_found() -> None:
    d = one("The talks were held in May 2024.")
    assert d.value == "2024-05"
