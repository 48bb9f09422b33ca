"""Find date expressions in normalised text and give each a value in the project's notation.

Expressions are found by our own rules (regular expressions with context checks, so "may" the
verb, "We", counts, money, percentages, clock times and section numbers never become dates).
Absolute calendar dates are normalised with dateparser (always with ``languages=['en']``);
expressions relative to the publication day or to the story go through
:func:`generator.relative.resolve`, the same code the build uses later.

A month stays a month and a year a year: no day is invented. Seasons, quarters, halves,
early/mid/late and decades become intervals. Vague references ("the near future",
"recently") are kept with ``value=None`` and ``modifier="vague"``; they never date an event.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from .. import relative
from ..dates import Point, When

_MONTHS_FULL = [m for m in calendar.month_name if m]
_MONTHS_ABBR = ["Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec"]
MONTH = r"(?:" + "|".join(_MONTHS_FULL + [a + r"\.?" for a in _MONTHS_ABBR]) + r")"
_MONTH_NUM = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTH_NUM.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTH_NUM["sept"] = 9
WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
YEAR = r"(?:1[5-9]\d\d|20\d\d)"
DAYNUM = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_NUMWORDS = "|".join(sorted(relative.NUMBER_WORDS, key=len, reverse=True))
_APPROX = "|".join(sorted(relative.APPROX_WORDS, key=len, reverse=True))
_END = r"(?![\d%]|[.,]\d|:\d|\s*(?:%|percent\b|per cent\b))"

# Words before a month or year that make it a date rather than a name, verb or count.
_DATE_CONTEXT = re.compile(
    r"(?i:\b(?:in|since|until|till|by|from|during|before|after|through|throughout|between|and|"
    r"or|of|early|late|mid|last|next|this|around|about|circa|until|year|fiscal|spring|summer|"
    r"autumn|fall|winter|'s|on|as of|to|ago)\s*-?\s*)$"
)
_MONTH_CONTEXT = re.compile(
    r"(?i:\b(?P<w>in|since|until|till|by|during|from|through|last|next|this|early|late|mid|of|"
    r"before|after|between|and|or|to|until)\s*-?\s*)$"
)
_WEAK_CONTEXT = {"of", "and", "or", "to", "from", "by"}
_NOT_YEAR_BEFORE = re.compile(
    r"(?i:(?:[$£€¥#]|\bno\.|\bnumber|\bsection|\barticle|\bclause|\bparagraph|\bchapter|"
    r"\bresolution|\bflight|\broute|\brule|\bbill|\bpage|\bgrade|\bversion|\bmodel|\bunit|\broom|"
    r"\bcode|\bhighway|\bcategory|\bs\.)\s*)$"
)

RULES: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(rf"\b(?P<y>{YEAR})-(?P<m>0[1-9]|1[0-2])-(?P<d>[0-3]\d)\b")),
    (
        "dmy",
        re.compile(rf"\b(?P<d>{DAYNUM})\s+(?:of\s+)?(?P<mon>{MONTH}),?\s+(?P<y>{YEAR})\b{_END}"),
    ),
    ("mdy", re.compile(rf"\b(?P<mon>{MONTH})\s+(?P<d>{DAYNUM}),?\s+(?P<y>{YEAR})\b{_END}")),
    (
        "qual_my",
        re.compile(rf"(?i:\b(?P<q>early|mid|late))[- ](?P<mon>{MONTH})\s+(?P<y>{YEAR})\b{_END}"),
    ),
    ("my", re.compile(rf"\b(?P<mon>{MONTH})(?:\s+of)?,?\s+(?P<y>{YEAR})\b{_END}")),
    ("dm", re.compile(rf"\b(?P<d>{DAYNUM})\s+(?:of\s+)?(?P<mon>{MONTH})\b(?!\s*,?\s*\d)")),
    ("md", re.compile(rf"\b(?P<mon>{MONTH})\s+(?P<d>{DAYNUM})\b(?![\d:%]|,?\s+\d)")),
    (
        "season",
        re.compile(
            rf"(?i:\b(?:(?P<q>early|mid|late)[- ]?)?(?P<season>spring|summer|autumn|fall|winter)"
            rf"(?:\s+of)?,?)\s+(?P<y>{YEAR})\b{_END}"
        ),
    ),
    ("quarter", re.compile(rf"\bQ(?P<n>[1-4])\s*(?P<y>{YEAR})\b{_END}")),
    (
        "quarter",
        re.compile(
            rf"(?i:\b(?:the\s+)?(?P<nth>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter"
            rf"(?:\s+of)?)\s+(?P<y>{YEAR})\b{_END}"
        ),
    ),
    (
        "half",
        re.compile(
            rf"(?i:\b(?:the\s+)?(?P<nth>first|second)\s+half(?:\s+of)?)\s+(?P<y>{YEAR})\b{_END}"
        ),
    ),
    (
        "decade",
        re.compile(r"(?i:\b(?:the\s+)?(?:(?P<q>early|mid|late)[- ])?)(?P<y>1[5-9]\d0|20\d0)s\b"),
    ),
    ("qual_y", re.compile(rf"(?i:\b(?P<q>early|mid|late))[- ](?P<y>{YEAR})\b{_END}")),
    ("month", re.compile(rf"(?i:\b(?P<q>early|mid|late)[- ])?(?P<mon>{MONTH})\b(?!\s+\d)")),
    ("year", re.compile(rf"(?<![\d.,/-])\b(?P<y>{YEAR})\b{_END}(?!-\d)")),
    # -- relative to the publication day ------------------------------------------------------
    (
        "weekday",
        re.compile(
            r"(?:(?i:\b(?:on|last|next|this\s+coming|this|coming|past|early|late))\s+)?"
            rf"\b{WEEKDAY}(?:['’]s(?:\s+[A-Z][\w-]*){{0,2}}\s+[a-z][\w-]*|"
            r"\s+(?:morning|afternoon|evening|night)|['’]s)?\b"
        ),
    ),
    ("deictic", re.compile(r"(?i:\b(?:yesterday|today|tomorrow|tonight)\b)")),
    ("period", re.compile(r"(?i:\b(?:earlier|later)\s+this\s+(?:week|month|year)\b)")),
    ("period", re.compile(r"(?i:\b(?:last|next|this|coming)\s+(?:week|weekend|month|year)\b)")),
    (
        "season_rel",
        re.compile(r"(?i:\b(?:last|next|this)\s+(?:spring|summer|autumn|fall|winter)\b)"),
    ),
    (
        "ago",
        re.compile(
            rf"(?i:\b(?:(?:{_APPROX})\s+)?(?:\d+|{_NUMWORDS})\s+(?:days?|weeks?|months?|years?|"
            r"decades?)\s+ago\b)"
        ),
    ),
    (
        "in_n",
        re.compile(
            rf"(?i:\b(?:in|within)\s+(?:(?:{_APPROX})\s+)?(?:\d+|{_NUMWORDS})\s+(?:days?|weeks?|"
            r"months?|years?)(?:'?\s*time)?\b)"
        ),
    ),
    (
        "end",
        re.compile(
            r"(?i:\b(?:the\s+)?(?:year|month|week)['’]s\s+end\b|\b(?:the\s+)?end\s+of\s+"
            r"(?:the|this)\s+(?:year|month|week)\b|\byear[- ]end\b)"
        ),
    ),
    # -- relative to the story: the last date mentioned before ---------------------------------
    (
        "story",
        re.compile(
            rf"(?i:\b(?:(?:{_APPROX})\s+)?(?:\d+|{_NUMWORDS})\s+(?:days?|weeks?|months?|years?|"
            r"decades?)\s+(?:later|earlier|on)\b)"
        ),
    ),
    (
        "story",
        re.compile(
            r"(?i:\bthe\s+(?:following|next|previous|preceding|same)\s+(?:day|week|month|year)\b)"
        ),
    ),
    # -- vague: kept, never dated ------------------------------------------------------------
    (
        "vague",
        re.compile(
            r"(?i:\bthe\s+(?:near|distant|foreseeable|immediate)\s+future\b|\brecently\b|"
            r"\bsoon\b|\bin\s+(?:the\s+)?(?:coming|recent|past)\s+(?:few\s+)?(?:days|weeks|"
            r"months|years)\b|\bin\s+the\s+future\b|\bat\s+some\s+point\b|\bthese\s+days\b|"
            r"\bnowadays\b|\bthe\s+past\s+(?:few\s+)?(?:days|weeks|months|years|week|month|year)\b)"
        ),
    ),
]

_MODIFIER_BEFORE = re.compile(
    r"(?i:\b(?P<w>no\s+later\s+than|ahead\s+of|prior\s+to|before|by|until|till|as\s+early\s+as|"
    r"after|since|around|about|circa|approximately|c\.|some\s+time\s+in|sometime\s+in))\s+$"
)
_MODIFIERS = {
    "before": "before",
    "by": "before",
    "until": "before",
    "till": "before",
    "ahead of": "before",
    "prior to": "before",
    "no later than": "before",
    "after": "after",
    "since": "after",
    "as early as": "after",
    "around": "approximate",
    "about": "approximate",
    "circa": "approximate",
    "approximately": "approximate",
    "c.": "approximate",
}
_QUAL = {"early": "start", "mid": "mid", "late": "end"}
_FUTURE = re.compile(
    r"(?i:\b(?:will|won't|shall|is\s+set\s+to|are\s+set\s+to|is\s+due|are\s+due|"
    r"scheduled|plans?\s+to|planned|expected\s+to|is\s+expected|are\s+expected|going\s+to|"
    r"upcoming|next|would\s+be\s+held|hopes?\s+to)\b|'ll\b)"
)
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|\n")


@dataclass
class DateMention:
    """One date expression. Offsets are into the text given to :meth:`DateFinder.find`."""

    text: str
    start: int
    end: int
    value: str | None
    precision: str | None
    modifier: str | None
    kind: str  # absolute | relative | story | vague
    tense: str | None = None

    @property
    def when(self) -> When | None:
        return When.parse(self.value) if self.value else None


def tense_of(sentence: str) -> str:
    return "future" if _FUTURE.search(sentence) else "past"


def sentence_around(text: str, start: int, end: int) -> str:
    lo = 0
    for m in _SENTENCE_END.finditer(text, 0, start):
        lo = m.end()
    m = _SENTENCE_END.search(text, end)
    hi = m.start() + 1 if m else len(text)
    return text[lo:hi]


_PARSERS: dict[str, object] = {}


@lru_cache(maxsize=4096)
def _dateparser_day(text: str, order: str) -> dt.date | None:
    """Normalise a day expression our rules could not read, with dateparser (English only)."""
    parser = _PARSERS.get(order)
    if parser is None:
        from dateparser.date import DateDataParser

        settings = {"DATE_ORDER": order, "PREFER_DAY_OF_MONTH": "first", "STRICT_PARSING": True}
        parser = _PARSERS[order] = DateDataParser(languages=["en"], settings=settings)
    parsed = parser.get_date_data(text).date_obj  # type: ignore[attr-defined]
    return parsed.date() if parsed else None


def _month_num(name: str) -> int:
    return _MONTH_NUM[name.rstrip(".").lower()]


def _interval(a: Point, b: Point) -> When:
    return When(a, b, interval=True)


def _qual_months(q: str) -> tuple[int, int]:
    return {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}[q.lower()]


def _coarsen(when: When, precision: str) -> When:
    """Cut ``when`` to at most ``precision`` (a story date cannot be finer than its anchor)."""
    order = ("year", "month", "day")

    def cut(p: Point | None) -> Point | None:
        if p is None or order.index(p.precision) <= order.index(precision):
            return p
        month = p.month if precision == "month" else None
        return Point(p.year, month, None, approximate=p.approximate, uncertain=p.uncertain)

    if not when.interval:
        return When(cut(when.start))
    start, end = cut(when.start), cut(when.end)
    if start and end and start == end:
        return When(start)
    return When(start, end, interval=True)


class DateFinder:
    """Finds dates paragraph after paragraph, remembering the last date for story references."""

    def __init__(self, published: dt.date | None):
        self.published = published
        self.last: When | None = None

    def find(self, text: str) -> list[DateMention]:
        found: list[tuple[int, int, str, re.Match[str]]] = []
        for kind, pattern in RULES:
            for m in pattern.finditer(text):
                if self._plausible(kind, m, text):
                    found.append((m.start(), m.end(), kind, m))
        found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
        chosen: list[tuple[int, int, str, re.Match[str]]] = []
        for item in found:
            if chosen and item[0] < chosen[-1][1]:
                continue
            chosen.append(item)
        mentions = []
        for start, end, kind, m in chosen:
            mention = self._value(kind, m, text, start, end)
            if mention is None:
                continue
            mentions.append(mention)
            if mention.value and mention.kind != "vague":
                self.last = When.parse(mention.value)
        return mentions

    # -- deciding what is a date -----------------------------------------------------------------
    def _plausible(self, kind: str, m: re.Match[str], text: str) -> bool:
        before = text[max(0, m.start() - 30) : m.start()]
        if kind == "month":
            if m["q"]:
                return True
            # A month alone needs a date word before it: "in June", never "May" the verb.
            ctx = _MONTH_CONTEXT.search(before)
            if not ctx:
                return False
            return m["mon"] not in ("May", "March") or ctx["w"].lower() not in _WEAK_CONTEXT
        if kind in ("md", "dm") and m["mon"] in ("May", "March", "Mar"):
            return True
        if kind == "year":
            if _NOT_YEAR_BEFORE.search(before):
                return False
            after = text[m.end() : m.end() + 12]
            if re.match(r"\s*(?:[,.;:)!?\"']|$|and\b|or\b|to\b|-\s*\d)", after) and not re.match(
                r"[.,]\d", after
            ):
                return True
            return bool(_DATE_CONTEXT.search(before))
        if kind == "in_n":
            return tense_of(sentence_around(text, m.start(), m.end())) == "future"
        return True

    # -- giving it a value -----------------------------------------------------------------------
    def _value(
        self, kind: str, m: re.Match[str], text: str, start: int, end: int
    ) -> DateMention | None:
        modifier = None
        mod = _MODIFIER_BEFORE.search(text, max(0, start - 20), start)
        if mod and kind not in ("vague", "story", "ago", "in_n"):
            modifier = _MODIFIERS[re.sub(r"\s+", " ", mod["w"].lower())]
            start = mod.start()
        q = m.groupdict().get("q")
        if q and not modifier:
            modifier = _QUAL[q.lower().rstrip("-")]
        sentence = sentence_around(text, start, end)
        tense = tense_of(sentence)
        if kind == "weekday" and "'s" in m.group(0) and text[start:].lower().startswith("on "):
            start += 3  # "on Saturday's meeting": the expression is "Saturday's meeting"
        span = text[start:end]
        when: When | None
        resolved_kind = "absolute"
        if kind == "vague":
            return DateMention(span, start, end, None, None, "vague", "vague", tense)
        if kind in ("iso", "dmy", "mdy"):
            y, mon, d = int(m["y"]), _month_num(m["mon"]) if kind != "iso" else int(m["m"]), m["d"]
            order = "DMY" if kind == "dmy" else "MDY" if kind == "mdy" else "YMD"
            day = int(re.match(r"\d+", d).group(0))  # type: ignore[union-attr]
            try:
                parsed = dt.date(y, mon, day)
            except ValueError:
                # Our components do not make a calendar day: let dateparser judge.
                parsed = _dateparser_day(m.group(0), order)
                if parsed is None:
                    return None
            when = When(Point(parsed.year, parsed.month, parsed.day))
        elif kind == "my":
            when = When(Point(int(m["y"]), _month_num(m["mon"])))
        elif kind == "qual_my":
            y, mon = int(m["y"]), _month_num(m["mon"])
            last = calendar.monthrange(y, mon)[1]
            lo, hi = {"early": (1, 10), "mid": (11, 20), "late": (21, last)}[q.lower()]
            when = _interval(Point(y, mon, lo), Point(y, mon, hi))
        elif kind == "season":
            when = relative.season_interval(int(m["y"]), m["season"].lower())
            if q:
                lo = when.start
                assert lo is not None
                shift = {"early": 0, "mid": 1}.get(q.lower(), 2)
                when = When(Point(*relative.add_months(lo.year, lo.month or 1, shift)))
        elif kind == "quarter":
            nth = m.groupdict().get("nth")
            if nth is None:
                n = int(m["n"])
            elif nth[0].isdigit():
                n = int(nth[0])
            else:
                n = ("first", "second", "third", "fourth").index(nth.lower()) + 1
            y = int(m["y"])
            when = _interval(Point(y, 3 * n - 2), Point(y, 3 * n))
        elif kind == "half":
            y = int(m["y"])
            first = m["nth"].lower() == "first"
            when = _interval(Point(y, 1 if first else 7), Point(y, 6 if first else 12))
        elif kind == "decade":
            y = int(m["y"])
            lo, hi = {"early": (0, 3), "mid": (4, 6), "late": (7, 9)}.get((q or "").lower(), (0, 9))
            when = _interval(Point(y + lo), Point(y + hi))
        elif kind == "qual_y":
            y = int(m["y"])
            lo, hi = _qual_months(q)
            when = _interval(Point(y, lo), Point(y, hi))
        elif kind == "year":
            when = When(Point(int(m["y"])))
        else:
            resolved_kind = "story" if kind == "story" else "relative"
            anchor_when = self.last if kind == "story" else None
            expr = span
            if anchor_when is not None:
                when = relative.resolve(expr, anchor_when.first_day(), tense=tense)
                if when is not None:
                    when = _coarsen(when, anchor_when.precision)
            elif self.published is not None:
                when = relative.resolve(expr, self.published, tense=tense)
            else:
                return DateMention(span, start, end, None, None, modifier, resolved_kind, tense)
            if when is None:
                return DateMention(span, start, end, None, None, "vague", "vague", tense)
        if modifier in ("before", "after"):
            if modifier == "before":
                when = When(None, when.end or when.start, interval=True)
            else:
                when = When(when.start or when.end, None, interval=True)
        if when.approximate and modifier is None:
            modifier = "approximate"
        elif modifier == "approximate" and not when.interval and not when.approximate:
            p = when.start
            assert p is not None
            when = When(Point(p.year, p.month, p.day, approximate=True))
        return DateMention(
            span, start, end, str(when), when.precision, modifier, resolved_kind, tense
        )


def find_dates(text: str, published: dt.date | None = None) -> list[DateMention]:
    """All date expressions in one text (convenience for tests and one-off use)."""
    return DateFinder(published).find(text)
