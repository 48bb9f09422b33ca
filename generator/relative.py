"""Resolve a relative date expression against an anchor day (standard library only).

Ingest uses this for "Friday's talks", "last month", "before year's end", "four years later";
the build uses it for events whose ``date`` is null but carry an ``expression``, once a person
fills in the dossier's ``published`` date. Both sides therefore read an expression the same way.

``resolve(expression, anchor, tense=None)`` returns a :class:`~generator.dates.When` or None
when the expression is vague ("the near future") or not understood. ``tense`` is "past",
"present" or "future" and decides which way a bare weekday or month points; the anchor's own
weekday always means the anchor day itself.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from .dates import Point, When

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTH_NAMES = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTH_NAMES.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTH_NAMES["sept"] = 9
NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "a couple of": 2,
    "a dozen": 12,
}
APPROX_WORDS = (
    "nearly",
    "almost",
    "about",
    "around",
    "some",
    "roughly",
    "approximately",
    "more than",
    "less than",
    "over",
    "under",
    "just over",
    "just under",
    "close to",
)
BEFORE_WORDS = ("before", "by", "until", "till", "ahead of", "prior to")
AFTER_WORDS = ("after", "since")
UNIT = r"(?P<unit>days?|weeks?|months?|years?|decades?)"
_NUM = r"(?P<num>\d+|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + ")"
_APPROX = r"(?:(?P<approx>" + "|".join(sorted(APPROX_WORDS, key=len, reverse=True)) + r")\s+)?"
_AGO = re.compile(rf"^{_APPROX}{_NUM}\s+{UNIT}\s+(?P<dir>ago|earlier|before|later|after|on)$")
_IN = re.compile(rf"^(?:in|within)\s+{_APPROX}{_NUM}\s+{UNIT}(?:'?\s*time)?$")
_WEEKDAY = re.compile(
    r"^(?:(?P<rel>on|last|next|this|this coming|coming|past|early|late)\s+)?"
    r"(?P<day>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"(?:'s\b.*|\s+(?:morning|afternoon|evening|night))?$"
)
_PERIOD = re.compile(
    r"^(?:(?P<pre>earlier|later)\s+)?(?P<rel>last|next|this|past|previous|coming|the following|"
    r"the next|the previous|the preceding|the same)\s+(?P<unit>week|weekend|month|year|day)$"
)
_END = re.compile(
    r"^(?:the\s+)?(?:(?P<unit>year|month|week)'s\s+end|(?P<unit2>year|month|week)[- ]end|"
    r"end\s+of\s+(?:the|this)\s+(?P<unit3>year|month|week))$"
)
_MONTH = re.compile(
    r"^(?:(?P<rel>in|last|next|this|early|late|mid-?|on)\s+)?(?P<month>[a-z]+)\.?"
    r"(?:\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?)?$"
)
_DAY_MONTH = re.compile(
    r"^(?:on\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>[a-z]+)$"
)
_SEASON = re.compile(
    r"^(?P<rel>last|next|this|in|early|late)\s+(?P<season>spring|summer|autumn|fall|winter)$"
)
SEASONS = {
    "spring": (3, 5),
    "summer": (6, 8),
    "autumn": (9, 11),
    "fall": (9, 11),
    "winter": (12, 2),
}


def clean(expression: str) -> str:
    text = expression.strip().lower()
    for a, b in (("\u2019", "'"), ("\u2018", "'"), ("\u2013", "-"), ("\u2014", "-"), ("\xa0", " ")):
        text = text.replace(a, b)
    return re.sub(r"\s+", " ", text).strip(" ,.;:")


def day(d: dt.date, approximate: bool = False) -> When:
    return When(Point(d.year, d.month, d.day, approximate=approximate))


def month(year: int, mon: int, approximate: bool = False) -> When:
    return When(Point(year, mon, approximate=approximate))


def year(y: int, approximate: bool = False) -> When:
    return When(Point(y, approximate=approximate))


def days(a: dt.date, b: dt.date) -> When:
    return When(Point(a.year, a.month, a.day), Point(b.year, b.month, b.day), interval=True)


def add_months(y: int, m: int, n: int) -> tuple[int, int]:
    total = y * 12 + (m - 1) + n
    return total // 12, total % 12 + 1


def _shift(anchor: dt.date, num: int, unit: str, approx: bool) -> When:
    unit = unit.rstrip("s")
    if unit == "day":
        return day(anchor + dt.timedelta(days=num), approx)
    if unit == "week":
        return day(anchor + dt.timedelta(weeks=num), True)
    if unit == "month":
        y, m = add_months(anchor.year, anchor.month, num)
        return month(y, m, approx)
    if unit == "decade":
        return year(anchor.year + 10 * num, True)
    return year(anchor.year + num, approx)


def _number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    return NUMBER_WORDS.get(text)


def weekday(anchor: dt.date, target: int, rel: str | None, tense: str | None) -> dt.date:
    """The date of weekday ``target`` (0 = Monday) near ``anchor``."""
    back = (anchor.weekday() - target) % 7
    ahead = (target - anchor.weekday()) % 7
    if rel in ("last", "past"):
        return anchor - dt.timedelta(days=back or 7)
    if rel in ("next", "coming", "this coming"):
        return anchor + dt.timedelta(days=ahead or 7)
    if rel == "this":
        return (
            anchor + dt.timedelta(days=ahead)
            if tense == "future"
            else anchor - dt.timedelta(days=back)
        )
    if back == 0:
        return anchor
    if tense == "future":
        return anchor + dt.timedelta(days=ahead)
    return anchor - dt.timedelta(days=back)


def _week(anchor: dt.date, offset: int) -> When:
    start = anchor - dt.timedelta(days=anchor.weekday()) + dt.timedelta(weeks=offset)
    return days(start, start + dt.timedelta(days=6))


def _month_near(anchor: dt.date, mon: int, rel: str | None, tense: str | None) -> int:
    """The year of month ``mon`` nearest the anchor in the direction the text points."""
    if rel == "last":
        return anchor.year if mon < anchor.month else anchor.year - 1
    if rel == "next":
        return anchor.year if mon > anchor.month else anchor.year + 1
    if mon == anchor.month:
        return anchor.year
    if tense == "future":
        return anchor.year if mon > anchor.month else anchor.year + 1
    return anchor.year if mon < anchor.month else anchor.year - 1


def _open(when: When | None, modifier: str | None) -> When | None:
    if when is None or modifier is None:
        return when
    if modifier == "before":
        return When(None, when.end or when.start, interval=True)
    return When(when.start or when.end, None, interval=True)


def resolve(expression: str, anchor: dt.date, *, tense: str | None = None) -> When | None:
    """Read ``expression`` relative to ``anchor``; None when vague or not understood."""
    text = clean(expression)
    modifier = None
    for words, mod in ((BEFORE_WORDS, "before"), (AFTER_WORDS, "after")):
        for word in words:
            if text.startswith(word + " "):
                text = text[len(word) + 1 :]
                modifier = mod
                break
        if modifier:
            break
    return _open(_resolve(text, anchor, tense), modifier)


def _resolve(text: str, anchor: dt.date, tense: str | None) -> When | None:
    if text.startswith("the ") and not text.startswith(("the following", "the next", "the prev")):
        if not text.startswith(("the end", "the same")):
            text = text[4:]
    if text in ("today", "tonight", "this morning", "this afternoon", "this evening", "now"):
        return day(anchor)
    if text in ("yesterday", "last night", "yesterday's"):
        return day(anchor - dt.timedelta(days=1))
    if text in ("tomorrow", "tomorrow's"):
        return day(anchor + dt.timedelta(days=1))
    if text.startswith(("today's", "tonight's")):
        return day(anchor)
    if text.startswith("yesterday's"):
        return day(anchor - dt.timedelta(days=1))
    if text.startswith("tomorrow's"):
        return day(anchor + dt.timedelta(days=1))
    if m := _WEEKDAY.match(text):
        rel = m["rel"] if m["rel"] not in ("on", "early", "late") else None
        return day(weekday(anchor, WEEKDAYS.index(m["day"]), rel, tense))
    if m := _AGO.match(text):
        num = _number(m["num"])
        if num is None:
            return None
        sign = 1 if m["dir"] in ("later", "after", "on") else -1
        return _shift(anchor, sign * num, m["unit"], bool(m["approx"]))
    if m := _IN.match(text):
        num = _number(m["num"])
        if num is None:
            return None
        return _shift(anchor, num, m["unit"], bool(m["approx"]))
    if m := _END.match(text):
        unit = m["unit"] or m["unit2"] or m["unit3"]
        if unit == "year":
            return day(dt.date(anchor.year, 12, 31))
        if unit == "month":
            last = calendar.monthrange(anchor.year, anchor.month)[1]
            return day(dt.date(anchor.year, anchor.month, last))
        return day(anchor + dt.timedelta(days=6 - anchor.weekday()))
    if m := _PERIOD.match(text):
        return _period(anchor, m["pre"], m["rel"], m["unit"])
    if m := _SEASON.match(text):
        return _season(anchor, m["rel"], m["season"], tense)
    if m := _DAY_MONTH.match(text):
        mon = MONTH_NAMES.get(m["month"])
        if mon is None:
            return None
        y = _month_near(anchor, mon, None, tense)
        return _safe_day(y, mon, int(m["day"]))
    if m := _MONTH.match(text):
        mon = MONTH_NAMES.get(m["month"])
        if mon is None:
            return None
        rel = m["rel"]
        y = _month_near(anchor, mon, rel if rel in ("last", "next") else None, tense)
        if m["day"]:
            return _safe_day(y, mon, int(m["day"]))
        if rel in ("early", "late") or (rel or "").startswith("mid"):
            last = calendar.monthrange(y, mon)[1]
            lo, hi = {"early": (1, 10), "late": (21, last)}.get(rel, (11, 20))
            return days(dt.date(y, mon, lo), dt.date(y, mon, hi))
        return month(y, mon)
    return None


def _safe_day(y: int, mon: int, d: int) -> When | None:
    try:
        return day(dt.date(y, mon, d))
    except ValueError:
        return None


def _period(anchor: dt.date, pre: str | None, rel: str, unit: str) -> When | None:
    offset = {
        "last": -1,
        "past": -1,
        "previous": -1,
        "the previous": -1,
        "the preceding": -1,
        "next": 1,
        "coming": 1,
        "the following": 1,
        "the next": 1,
        "this": 0,
        "the same": 0,
    }[rel]
    if unit == "day":
        return day(anchor + dt.timedelta(days=offset))
    if unit == "weekend":
        sat = anchor + dt.timedelta(days=(5 - anchor.weekday()) % 7)
        if offset < 0 or (offset == 0 and anchor.weekday() < 5 and pre == "earlier"):
            sat -= dt.timedelta(weeks=1)
        elif offset > 0 and anchor.weekday() >= 5:
            sat += dt.timedelta(weeks=1)
        return days(sat, sat + dt.timedelta(days=1))
    if unit == "week":
        week = _week(anchor, offset)
        if offset == 0 and pre == "earlier":
            first = week.start.first_day()  # type: ignore[union-attr]
            end = max(first, anchor - dt.timedelta(days=1))
            return days(first, end)
        if offset == 0 and pre == "later":
            last = week.end.last_day()  # type: ignore[union-attr]
            return days(min(last, anchor + dt.timedelta(days=1)), last)
        return week
    if unit == "month":
        y, m = add_months(anchor.year, anchor.month, offset)
        if offset == 0 and pre == "earlier":
            first = dt.date(y, m, 1)
            return days(first, max(first, anchor - dt.timedelta(days=1)))
        if offset == 0 and pre == "later":
            last = dt.date(y, m, calendar.monthrange(y, m)[1])
            return days(min(last, anchor + dt.timedelta(days=1)), last)
        return month(y, m)
    if offset == 0 and pre == "earlier" and anchor.month > 1:
        return When(Point(anchor.year, 1), Point(anchor.year, anchor.month), interval=True)
    if offset == 0 and pre == "later" and anchor.month < 12:
        return When(Point(anchor.year, anchor.month), Point(anchor.year, 12), interval=True)
    return year(anchor.year + offset)


def _season(anchor: dt.date, rel: str, season: str, tense: str | None) -> When:
    lo, hi = SEASONS[season]
    y = anchor.year
    if rel == "last":
        y -= 1
    elif rel == "next":
        y += 1
    elif rel == "this" and tense == "future" and anchor.month > hi and lo <= hi:
        y += 1
    return season_interval(y, season)


def season_interval(y: int, season: str) -> When:
    lo, hi = SEASONS[season]
    end_year = y + 1 if hi < lo else y
    return When(Point(y, lo), Point(end_year, hi), interval=True)
