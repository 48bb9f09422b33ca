import datetime as dt

import pytest

from generator.dates import When


@pytest.mark.parametrize(
    "text, shown, precision",
    [
        ("2022", "2022", "year"),
        ("2022-02", "February 2022", "month"),
        ("2025-12-19", "Friday 19 December 2025", "day"),
        ("2026~", "c. 2026", "year"),
        ("2026?", "2026 (uncertain)", "year"),
        ("2026%", "c. 2026 (uncertain)", "year"),
        ("2025-12-19/2025-12-21", "19–21 December 2025", "day"),
        ("2024-03/2024-05", "March–May 2024", "month"),
        ("1990/1999", "1990 – 1999", "year"),
        ("../2025-12-31", "by 31 December 2025", "day"),
        ("2024-06/..", "from June 2024", "month"),
    ],
)
def test_notation_round_trips_and_displays(text, shown, precision):
    when = When.parse(text)
    assert str(when) == text
    assert when.display() == shown
    assert when.precision == precision


def test_yaml_values_are_understood():
    assert str(When.parse(dt.date(2025, 12, 20))) == "2025-12-20"
    assert str(When.parse(2022)) == "2022"
    assert When.maybe(None) is None and When.maybe("") is None


@pytest.mark.parametrize(
    "bad", ["2022-13", "2022-02-30", "Feb 2022", "22", "2025-12-21/2025-12-19", "../..", "x"]
)
def test_bad_dates_are_rejected_with_a_reason(bad):
    with pytest.raises(ValueError):
        When.parse(bad)


def test_a_month_is_never_its_first_day():
    month = When.parse("2024-06")
    assert month.first_day() == dt.date(2024, 6, 1)
    assert month.last_day() == dt.date(2024, 6, 30)
    days = [When.parse(d) for d in ("2024-06-01", "2024-06-30")]
    ordered = sorted(
        [month, *days, When.parse("2024"), When.parse("2024-07-01")], key=When.sort_key
    )
    assert [str(w) for w in ordered] == [
        "2024-06-01",
        "2024-06-30",
        "2024-06",
        "2024-07-01",
        "2024",
    ]


def test_open_start_sorts_by_its_end_and_intervals_by_their_start():
    by = When.parse("../2025-12-31")
    assert by.kind == "before" and by.year == 2025 and by.month == 12
    ordered = sorted(
        [by, When.parse("2025-12-19"), When.parse("2025-12-01/2025-12-05")], key=When.sort_key
    )
    assert [str(w) for w in ordered] == ["2025-12-01/2025-12-05", "2025-12-19", "../2025-12-31"]


def test_qualifiers_do_not_move_a_date():
    assert When.parse("2026~").sort_key()[:3] == When.parse("2026").sort_key()[:3]
    assert When.parse("2026~").approximate and not When.parse("2026~").uncertain
