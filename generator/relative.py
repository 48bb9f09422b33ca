"""Resolve a relative date expression against an anchor day (standard library only).

Ingest uses this for "Friday's talks", "last month", "before year's end", "four years later";
the build uses it for events whose ``date`` is null but carry an ``expression``, once a person
fills in the dossier's ``published`` date. Both sides therefore read an expression the same way.

``resolve(expression, anchor, tense=None)`` returns a :class:`~generator.dates.When` or None
when the expression is vague ("the near future") or not understood. ``tense`` is "past",
"present" or "future" and decides which way a bare weekday, month, season or holiday points:
"past" the latest one not after the anchor, "future" the first one not before it, "present"
(no tense marker) the nearest month, season or holiday (a bare weekday still points back, as
news reports mostly do), ``None`` the past. The anchor's own weekday always means the anchor
day itself.

Weeks are day intervals Monday to Sunday ("two weeks ago" is the week that held the day 14
days back); centuries and decades are year intervals; "the end of" a month, year or week is
its last day; early / mid / late split a year into months 1-4, 5-8, 9-12 and a month into
days 1-10, 11-20, 21-end.
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
BEFORE_WORDS = ("before", "by", "until", "till", "ahead of", "prior to", "no later than", "through")
AFTER_WORDS = ("after", "since", "as early as")
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
    r"^(?:(?:in|on|during|from|until|through)\s+)?"
    r"(?:(?P<rel>in|last|next|this|early|late|on)\s+|(?P<mid>mid)-?\s*)?(?P<month>[a-z]+)\.?"
    r"(?:\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?)?$"
)
_DAY_MONTH = re.compile(
    r"^(?:on\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>[a-z]+)$"
)
_SEASON = re.compile(
    r"^(?:(?P<rel>last|next|this|in|early|late)\s+)?(?:(?P<q>early|mid|late)[- ]?)?"
    r"(?P<season>spring|summer|autumn|fall|winter)$"
)
_PREP = re.compile(r"^(?:(?:in|during|over|on|at|for|around|into)\s+)?(?:the\s+)?")
_QUAL_PERIOD = re.compile(
    r"^(?P<q>early|mid|late)[- ]?(?P<rel>last|next|this)\s+(?P<unit>year|month)$"
)
_END_OF = re.compile(
    r"^(?:the\s+)?end\s+of\s+(?:(?P<rel>last|next|this|the)\s+(?P<unit>year|month|week)|"
    r"(?P<month>[a-z]+)\.?(?:\s+(?P<year>\d{4}))?|(?P<y2>\d{4}))$"
)
_PART = re.compile(
    r"^(?:the\s+)?(?P<nth>first|second|third|fourth|1st|2nd|3rd|4th)\s+(?P<unit>half|quarter)"
    r"(?:\s+of\s+(?:the\s+)?(?P<rel>last|next|this|current|previous)\s+year)?$"
)
_WEEKEND = re.compile(r"^(?:this\s+past\s+)?weekend$")
_BEFORE_AFTER = re.compile(
    r"^(?:the\s+)?(?P<unit>day|week|month|year)\s+(?P<dir>before|after|earlier|later)$"
)
_HOLIDAY = re.compile(
    r"^(?:the\s+)?(?P<name>christmas(?:\s+day|\s+eve)?|new\s+year'?s(?:\s+day|\s+eve)?|"
    r"halloween|valentine'?s\s+day|boxing\s+day|independence\s+day|bastille\s+day|"
    r"(?:st\.?|saint)\s+patrick'?s\s+day|thanksgiving(?:\s+day)?|labou?r\s+day|"
    r"memorial\s+day|easter(?:\s+sunday|\s+monday)?|good\s+friday)(?:\s+(?P<year>\d{4}))?$"
)
_NTH = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
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
        target = anchor + dt.timedelta(weeks=num)
        return _week(target, 0)
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
    if tense == "present":  # no tense to go by: the nearest such month
        ahead = (mon - anchor.month) % 12
        return (
            anchor.year + (mon < anchor.month) if ahead < 6 else anchor.year - (mon > anchor.month)
        )
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
                if word == "since":  # "since January": a month already begun
                    tense = "past"
                text = text[len(word) + 1 :]
                modifier = mod
                break
        if modifier:
            break
    try:
        when = _resolve(text, anchor, tense)
        if when is None:
            when = _more(_PREP.sub("", text, count=1), anchor, tense)
    except (ValueError, OverflowError):  # a date outside the calendar: not understood
        return None
    if when is not None and not all(
        dt.MINYEAR <= p.year <= dt.MAXYEAR for p in (when.start, when.end) if p is not None
    ):
        return None  # "2024 years ago" in the year 2000: before the calendar too
    return _open(when, modifier)


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
        shifted = _shift(anchor, num, m["unit"], bool(m["approx"]))
        return _open(shifted, "before") if text.startswith("within") else shifted
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
        rel = m["rel"] or m["mid"]
        y = _month_near(anchor, mon, rel if rel in ("last", "next") else None, tense)
        if m["day"]:
            return _safe_day(y, mon, int(m["day"]))
        if rel in ("early", "late", "mid"):
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


def _season(anchor: dt.date, rel: str | None, season: str, tense: str | None) -> When:
    lo, hi = SEASONS[season]
    y = anchor.year
    if rel in (None, "in", "early", "late"):
        return _pick([season_interval(y + k, season) for k in (-1, 0, 1)], anchor, tense)
    if rel == "last":
        y -= 1
    elif rel == "next":
        y += 1
    elif rel == "this" and tense == "future" and anchor.month > hi and lo <= hi:
        y += 1
    return season_interval(y, season)


def _pick(options: list[When], anchor: dt.date, tense: str | None) -> When:
    """Of periods in time order, the one the tense points to (see the module docstring)."""
    if tense == "future":
        return next((w for w in options if w.last_day() >= anchor), options[-1])
    if tense == "present":
        for w in options:
            if w.first_day() <= anchor <= w.last_day():
                return w

        def distance(w: When) -> int:
            return min(abs((w.first_day() - anchor).days), abs((w.last_day() - anchor).days))

        return min(options, key=distance)
    return (
        [w for w in options if w.first_day() <= anchor][-1]
        if options[0].first_day() <= anchor
        else options[0]
    )


def easter(y: int) -> dt.date:
    """Western Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = y % 19, y // 100, y % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month_, day_ = divmod(h + l_ - 7 * m + 114, 31)
    return dt.date(y, month_, day_ + 1)


def _nth_weekday(y: int, mon: int, weekday_: int, n: int) -> dt.date:
    """The n-th given weekday of a month (n = -1: the last)."""
    if n > 0:
        first = dt.date(y, mon, 1)
        return first + dt.timedelta(days=(weekday_ - first.weekday()) % 7 + 7 * (n - 1))
    last = dt.date(y, mon, calendar.monthrange(y, mon)[1])
    return last - dt.timedelta(days=(last.weekday() - weekday_) % 7)


def holiday(name: str, y: int) -> dt.date | None:
    """The date of a named holiday in year ``y`` (US dates for US holidays), or None."""
    name = re.sub(r"\s+", " ", clean(name).replace("saint ", "st ").replace("st. ", "st "))
    name = name.replace("'", "").removeprefix("the ")
    fixed = {
        "christmas": (12, 25),
        "christmas day": (12, 25),
        "christmas eve": (12, 24),
        "new years eve": (12, 31),
        "new years day": (1, 1),
        "new years": (1, 1),
        "halloween": (10, 31),
        "valentines day": (2, 14),
        "boxing day": (12, 26),
        "independence day": (7, 4),
        "bastille day": (7, 14),
        "st patricks day": (3, 17),
    }
    if name in fixed:
        return dt.date(y, *fixed[name])
    if name.startswith("thanksgiving"):
        return _nth_weekday(y, 11, 3, 4)
    if name in ("labor day", "labour day"):
        return _nth_weekday(y, 9, 0, 1)
    if name == "memorial day":
        return _nth_weekday(y, 5, 0, -1)
    if name.startswith("easter"):
        return easter(y) + dt.timedelta(days=1 if name.endswith("monday") else 0)
    if name == "good friday":
        return easter(y) - dt.timedelta(days=2)
    return None


def _more(text: str, anchor: dt.date, tense: str | None) -> When | None:
    """Holidays, seasons without a year, parts of periods, weekends, "the day before"."""
    if m := _HOLIDAY.match(text):
        if m["year"]:
            d = holiday(m["name"], int(m["year"]))
            return day(d) if d else None
        dates = [holiday(m["name"], anchor.year + k) for k in (-1, 0, 1)]
        return _pick([day(d) for d in dates if d], anchor, tense or "past")
    if m := _SEASON.match(text):
        when = _season(anchor, m["rel"], m["season"], tense)
        q = m["q"] or (m["rel"] if m["rel"] in ("early", "late") else None)
        if q:
            lo = when.start
            assert lo is not None
            shift = {"early": 0, "mid": 1}.get(q, 2)
            return When(Point(*add_months(lo.year, lo.month or 1, shift)))
        return when
    if m := _QUAL_PERIOD.match(text):
        offset = {"last": -1, "next": 1, "this": 0}[m["rel"]]
        if m["unit"] == "year":
            lo, hi = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}[m["q"]]
            y = anchor.year + offset
            return When(Point(y, lo), Point(y, hi), interval=True)
        y, mon = add_months(anchor.year, anchor.month, offset)
        last = calendar.monthrange(y, mon)[1]
        lo, hi = {"early": (1, 10), "mid": (11, 20), "late": (21, last)}[m["q"]]
        return days(dt.date(y, mon, lo), dt.date(y, mon, hi))
    if m := _END_OF.match(text):
        if m["unit"]:
            offset = {"last": -1, "next": 1}.get(m["rel"], 0)
            if m["unit"] == "week":
                return day(anchor + dt.timedelta(days=6 - anchor.weekday() + 7 * offset))
            if m["unit"] == "month":
                y, mon = add_months(anchor.year, anchor.month, offset)
                return day(dt.date(y, mon, calendar.monthrange(y, mon)[1]))
            return day(dt.date(anchor.year + offset, 12, 31))
        if m["y2"]:
            return day(dt.date(int(m["y2"]), 12, 31))
        mon = MONTH_NAMES.get(m["month"])
        if mon is None:
            return None
        y = int(m["year"]) if m["year"] else _month_near(anchor, mon, None, tense)
        return day(dt.date(y, mon, calendar.monthrange(y, mon)[1]))
    if m := _PART.match(text):
        n = _NTH[m["nth"]]
        size = 6 if m["unit"] == "half" else 3
        if n * size > 12:
            return None
        rel = m["rel"]

        def part(y: int) -> When:
            return When(Point(y, size * (n - 1) + 1), Point(y, size * n), interval=True)

        if rel:
            return part(anchor.year + {"last": -1, "previous": -1, "next": 1}.get(rel, 0))
        return _pick([part(anchor.year + k) for k in (-1, 0, 1)], anchor, tense or "past")
    if _WEEKEND.match(text):
        sat = anchor + dt.timedelta(days=(5 - anchor.weekday()) % 7)  # this week's Saturday
        if anchor.weekday() == 6:
            sat = anchor - dt.timedelta(days=1)
        elif tense in ("past", None) and anchor.weekday() < 5:
            sat -= dt.timedelta(weeks=1)
        return days(sat, sat + dt.timedelta(days=1))
    if m := _BEFORE_AFTER.match(text):
        sign = -1 if m["dir"] in ("before", "earlier") else 1
        return _shift(anchor, sign, m["unit"], False)
    return None


def season_interval(y: int, season: str) -> When:
    lo, hi = SEASONS[season]
    end_year = y + 1 if hi < lo else y
    return When(Point(y, lo), Point(end_year, hi), interval=True)
