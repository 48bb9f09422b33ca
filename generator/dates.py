"""Dates with precision: the one notation used everywhere (``docs/format.md``).

``2022`` is a year, ``2022-02`` a month, ``2022-02-24`` a day. A trailing ``~`` marks an
approximate date, ``?`` an uncertain one, ``%`` both (as in EDTF). ``A/B`` is an interval;
``../B`` is open at the start ("by B") and ``A/..`` open at the end ("from A").

Ordering rule: a date sorts at the *last* day it may stand for within its own anchor period,
so a month-only date comes after every dated day of that month and a year-only date after
every month of that year ("sometime in June" is listed once June's days are through). The
anchor is the start of an interval, the end of an open-start ("by") date. Ties go to the more
precise date, then the narrower span.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

MONTHS = [calendar.month_name[i] for i in range(13)]
PRECISIONS = ("year", "month", "day")

_POINT = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?(?P<q>[~?%])?$")


@dataclass(frozen=True, order=False)
class Point:
    """A calendar date known to year, month or day."""

    year: int
    month: int | None = None
    day: int | None = None
    approximate: bool = False
    uncertain: bool = False

    @property
    def precision(self) -> str:
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> dt.date:
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return dt.date(self.year, month, day)

    def notation(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        if self.approximate and self.uncertain:
            text += "%"
        elif self.approximate:
            text += "~"
        elif self.uncertain:
            text += "?"
        return text

    def plain(self) -> str:
        """Human form without qualifiers: "Friday 19 December 2025", "February 2022"."""
        if self.day is not None:
            day = self.first_day()
            return f"{calendar.day_name[day.weekday()]} {self.day} {MONTHS[self.month]} {self.year}"
        if self.month is not None:
            return f"{MONTHS[self.month]} {self.year}"
        return str(self.year)

    def display(self, weekday: bool = True) -> str:
        """ "Friday 19 December 2025", "c. 2026", "2026 (uncertain)"; ``weekday=False``
        drops the weekday, which reads better inside a phrase ("by 31 December 2025")."""
        if weekday or self.day is None:
            text = self.plain()
        else:
            text = f"{self.day} {MONTHS[self.month]} {self.year}"  # type: ignore[index]
        if self.approximate:
            text = "c. " + text
        if self.uncertain:
            text += " (uncertain)"
        return text

    def sort_tuple(self) -> tuple[int, int, int]:
        return (self.year, self.month or 13, self.day or 32)


def parse_point(text: str) -> Point:
    match = _POINT.match(text)
    if not match:
        raise ValueError(f"not a date in YYYY, YYYY-MM or YYYY-MM-DD form: {text!r}")
    year, month, day = match["y"], match["m"], match["d"]
    qual = match["q"] or ""
    point = Point(
        int(year),
        int(month) if month else None,
        int(day) if day else None,
        approximate=qual in "~%" and qual != "",
        uncertain=qual in "?%" and qual != "",
    )
    if point.month is not None and not 1 <= point.month <= 12:
        raise ValueError(f"month {point.month} out of range in {text!r}")
    if point.day is not None:
        try:
            point.first_day()
        except ValueError:
            raise ValueError(f"no such day: {text!r}") from None
    return point


@dataclass(frozen=True)
class When:
    """A date, an interval, or an open-ended range, in the project's notation."""

    start: Point | None
    end: Point | None = None
    interval: bool = False
    # the anchor's year and month, read for every event on many pages: plain attributes
    year: int = field(init=False, repr=False, compare=False)
    month: int | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        anchor = self.start if self.start is not None else self.end
        if anchor is not None:
            object.__setattr__(self, "year", anchor.year)
            object.__setattr__(self, "month", anchor.month)

    @classmethod
    def parse(cls, value: object) -> When:
        """Parse the notation; also accepts what YAML makes of it (date, int)."""
        if isinstance(value, When):
            return value
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return cls(Point(value.year, value.month, value.day))
        if isinstance(value, int) and not isinstance(value, bool):
            value = f"{value:04d}"
        if not isinstance(value, str):
            raise ValueError(f"not a date: {value!r}")
        text = value.strip()
        if "/" not in text:
            return cls(parse_point(text))
        left, _, right = text.partition("/")
        start = None if left == ".." else parse_point(left)
        end = None if right == ".." else parse_point(right)
        if start is None and end is None:
            raise ValueError("an interval needs at least one end: '../..'")
        if start and end and start.first_day() > end.last_day():
            raise ValueError(f"interval ends before it starts: {text!r}")
        return cls(start, end, interval=True)

    @classmethod
    def maybe(cls, value: object) -> When | None:
        return None if value in (None, "") else cls.parse(value)

    # -- what it is -------------------------------------------------------------------------
    @property
    def anchor(self) -> Point:
        return self.start if self.start is not None else self.end  # type: ignore[return-value]

    @property
    def precision(self) -> str:
        return self.anchor.precision

    @property
    def kind(self) -> str:
        if not self.interval:
            return "date"
        if self.start is None:
            return "before"
        if self.end is None:
            return "after"
        return "interval"

    @property
    def approximate(self) -> bool:
        return any(p.approximate for p in (self.start, self.end) if p)

    @property
    def uncertain(self) -> bool:
        return any(p.uncertain for p in (self.start, self.end) if p)

    def first_day(self) -> dt.date:
        return (self.start or self.end).first_day()  # type: ignore[union-attr]

    def last_day(self) -> dt.date:
        return (self.end or self.start).last_day()  # type: ignore[union-attr]

    def __getstate__(self) -> dict:
        """Pickled without what ``sort_key`` and ``display`` keep (the caches hold tens of
        thousands)."""
        state = dict(self.__dict__)
        state.pop("_sort_key", None)
        state.pop("_display", None)
        return state

    def sort_key(self) -> tuple:
        """See the module docstring for the rule. Kept once worked out (a dossier's date is
        asked for it by each of its events when the timeline is sorted)."""
        key = self.__dict__.get("_sort_key")
        if key is None:
            rank = PRECISIONS.index(self.anchor.precision)
            span = (self.last_day() - self.first_day()).days
            key = (*self.anchor.sort_tuple(), -rank, span, str(self))
            object.__setattr__(self, "_sort_key", key)
        return key

    # -- how it reads -----------------------------------------------------------------------
    def __str__(self) -> str:
        if not self.interval:
            return self.start.notation()  # type: ignore[union-attr]
        left = self.start.notation() if self.start else ".."
        right = self.end.notation() if self.end else ".."
        return f"{left}/{right}"

    def display(self) -> str:
        """ "February 2022", "Friday 19 December 2025", "c. 2026", "by 31 December 2025".
        Kept once made: an event's date is shown by its page, its fragment and each export."""
        text = self.__dict__.get("_display")
        if text is None:
            text = self._display()
            object.__setattr__(self, "_display", text)
        return text

    def _display(self) -> str:
        if not self.interval:
            return self.start.display()  # type: ignore[union-attr]
        if self.start is None:
            return "by " + _short(self.end)  # type: ignore[arg-type]
        if self.end is None:
            return "from " + _short(self.start)
        return _range(self.start, self.end)

    def iso_range(self) -> tuple[str, str]:
        return self.first_day().isoformat(), self.last_day().isoformat()


def _short(point: Point) -> str:
    return point.display(weekday=False)


def _range(a: Point, b: Point) -> str:
    qualified = a.approximate or a.uncertain or b.approximate or b.uncertain
    if not qualified and a.precision == b.precision and a.year == b.year:
        if a.precision == "day" and a.month == b.month:
            return f"{a.day}–{b.day} {MONTHS[a.month]} {a.year}"  # type: ignore[index]
        if a.precision == "month":
            return f"{MONTHS[a.month]}–{MONTHS[b.month]} {a.year}"  # type: ignore[index]
    return f"{_short(a)} – {_short(b)}"


def month_name(month: int) -> str:
    return MONTHS[month]
