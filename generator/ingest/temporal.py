"""Find date expressions in normalised text and give each a value in the project's notation.

Expressions are found by our own rules (regular expressions with context checks, so "may" the
verb, "We", counts, money, percentages, clock times and section numbers never become dates).
Absolute calendar dates are normalised with dateparser (always with ``languages=['en']``);
expressions relative to the publication day or to the story go through
:func:`generator.relative.resolve`, the same code the build uses later.

A month stays a month and a year a year: no day is invented. Seasons, quarters, halves,
early/mid/late, decades, centuries, day ranges ("March 3-5") and year ranges ("2019-21")
become intervals; "by", "until", "through" and "before" make an open start (``../X``),
"since", "after" and "as early as" an open end (``X/..``). Vague references ("the near
future", "recently", "in recent years") and durations ("for 18 months", "the past decade")
are kept with ``value=None`` and ``modifier="vague"`` or not found at all; they never date an
event. Numeric dates read month first with slashes or hyphens (US wire style: 05/03/2024 is
3 May) and day first with dots, unless a number over 12 says otherwise. Holidays use their
US dates where countries differ (Thanksgiving, Labor Day).

Which way a bare "Friday", "in June", "in the fall" or "Christmas" points depends on the
tense of its clause (:func:`tense_at`: the nearest tense marker, "would be lifted" counts as
future); with no marker a month, season or holiday is the nearest one to the publication day.

Measured on ``tests/fixtures/ingest/dates_news.jsonl`` (see ``tests/test_ingest_dates_news.py``).
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
_WD_PREFIX = rf"(?:(?:\b[Oo]n\s+)?(?P<wd>{WEEKDAY}),?\s+)?"
# A year before one of these nouns is the date of that event: "the 2020 election".
_EVENT_NOUN = re.compile(
    r"\s+(?:[a-z]+[- ])?(?:elections?|votes?|referendum|census|campaigns?|budget|olympics|"
    r"Olympics|Games|World\s+Cup|final|season|war|invasion|uprising|revolution|coup|crisis|"
    r"crash|recession|earthquake|floods?|tsunami|hurricane|attacks?|bombings?|protests|riots|"
    r"summit|talks|agreement|deal|accords?|law|treaty|ceasefire|levels|figures|report|survey|"
    r"race|primary|primaries|midterms|pandemic|drought|heat\s*wave|wildfires?|"
    r"outbreak|merger|takeover|ipo|IPO|deadline|target|peak)\b"
)
_SEASON_CONTEXT = re.compile(
    r"(?i:\b(?:in|by|during|over|until|till|through|before|after|since|from)\s+$)"
)
_COUNT_CONTEXT = re.compile(
    r"(?i:\b(?:about|around|some|nearly|almost|over|more than|roughly)\s*)$"
)

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
        "numeric",
        re.compile(
            rf"(?<![\d./-])(?P<a>[0-3]?\d)(?P<sep>[/.-])(?P<b>[0-3]?\d)(?P=sep)(?P<y>{YEAR})"
            r"(?![\d/-]|\.\d)"
        ),
    ),
    (
        "dmy",
        re.compile(
            rf"{_WD_PREFIX}\b(?P<d>{DAYNUM})\s+(?:of\s+)?(?P<mon>{MONTH}),?\s+(?P<y>{YEAR})\b{_END}"
        ),
    ),
    (
        "mdy",
        re.compile(rf"{_WD_PREFIX}\b(?P<mon>{MONTH})\s+(?P<d>{DAYNUM}),?\s+(?P<y>{YEAR})\b{_END}"),
    ),
    (
        "md_range",
        re.compile(
            rf"\b(?P<mon>{MONTH})\s+(?P<d>{DAYNUM})\s*(?:-|to|through|and)\s*(?P<d2>{DAYNUM})"
            rf"(?:,?\s+(?P<y>{YEAR}))?\b(?![\d:%]|\s*(?:%|percent\b))"
        ),
    ),
    (
        "dm_range",
        re.compile(
            rf"\b(?P<d>{DAYNUM})\s*(?:-|to)\s*(?P<d2>{DAYNUM})\s+(?:of\s+)?(?P<mon>{MONTH})"
            rf"(?:,?\s+(?P<y>{YEAR}))?\b{_END}"
        ),
    ),
    ("year_range", re.compile(rf"(?<![\d.,/$-])\b(?P<y>{YEAR})\s*-\s*(?P<y2>{YEAR}|\d\d)\b{_END}")),
    (
        "holiday",
        re.compile(
            r"\b(?P<name>Christmas(?:\s+Day|\s+Eve)?|New\s+Year['\u2019]?s(?:\s+Day|\s+Eve)?|"
            r"Halloween|Valentine['\u2019]?s\s+Day|Boxing\s+Day|Independence\s+Day|"
            r"Bastille\s+Day|(?:St\.?|Saint)\s+Patrick['\u2019]?s\s+Day|Thanksgiving(?:\s+Day)?|"
            r"Labou?r\s+Day|Memorial\s+Day|Easter(?:\s+Sunday|\s+Monday)?|Good\s+Friday)"
            rf"(?:,?\s+(?P<y>{YEAR})\b)?(?!\s+[A-Z\d])"
        ),
    ),
    (
        "century",
        re.compile(
            r"(?i:\b(?:the\s+)?(?:(?P<q>early|mid|late)[- ])?(?P<n>1[0-9]|2[01])(?:st|nd|rd|th)"
            r"[- ]century\b)"
        ),
    ),
    (
        "qual_my",
        re.compile(rf"(?i:\b(?P<q>early|mid|late))[- ](?P<mon>{MONTH})\s+(?P<y>{YEAR})\b{_END}"),
    ),
    ("my", re.compile(rf"\b(?P<mon>{MONTH})(?:\s+of)?,?\s+(?P<y>{YEAR})\b{_END}")),
    (
        "dm",
        re.compile(
            rf"{_WD_PREFIX}(?:\bthe\s+)?\b(?P<d>{DAYNUM})\s+(?:of\s+)?(?P<mon>{MONTH})\b"
            r"(?!\s*,?\s*\d)"
        ),
    ),
    ("md", re.compile(rf"{_WD_PREFIX}\b(?P<mon>{MONTH})\s+(?P<d>{DAYNUM})\b(?![\d:%]|,?\s+\d)")),
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
    (
        "deictic",
        re.compile(
            r"(?i:\b(?:yesterday|today|tomorrow|tonight|last\s+night|"
            r"this\s+(?:morning|afternoon|evening))\b)"
        ),
    ),
    ("weekend", re.compile(r"(?i:\bthe\s+weekend\b)")),
    (
        "season_bare",
        re.compile(
            r"(?i:\b(?:the\s+)?"
            r"(?:(?:early|mid|late)[- ]?)?(?:spring|summer|autumn|fall|winter)\b)(?!\s+of\b)"
        ),
    ),
    (
        "qual_rel",
        re.compile(r"(?i:\b(?P<q>early|mid|late)[- ](?:last|next|this)\s+(?:year|month)\b)"),
    ),
    (
        "part",
        re.compile(
            r"(?i:\b(?:the\s+)?(?:first|second|third|fourth|1st|2nd|3rd|4th)\s+"
            r"(?:quarter\b(?:\s+of\s+(?:the\s+)?(?:last|next|this|current|previous)\s+year\b)?|"
            r"half\s+of\s+(?:the\s+)?(?:last|next|this|current|previous)\s+year\b))"
            r"(?!\s+of\b)"
        ),
    ),
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
            r"(?:the|this|last|next)\s+(?:year|month|week)\b|\byear[- ]end\b)"
        ),
    ),
    (
        "end",
        re.compile(rf"\b(?i:the\s+)?(?i:end)\s+of\s+(?:{MONTH}(?:\s+{YEAR})?|{YEAR})\b{_END}"),
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
    (
        "story",
        re.compile(
            r"(?i:\bthe\s+(?:day|week|month|year)\s+(?:before|after|earlier|later)\b)"
            r"(?!\s+(?:the|a|an|his|her|their|its|this|that|[\w-]+'s)\b)"
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

_DIGITS = re.compile(r"\d+")
_MARGIN = 48  # characters around a digit or month name that a match may reach


def _windows(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    """Merged stretches of ``text`` around every match of ``pattern``."""
    out: list[tuple[int, int]] = []
    for m in pattern.finditer(text):
        lo, hi = max(0, m.start() - _MARGIN), min(len(text), m.end() + _MARGIN)
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


# What a rule's match must contain: (a digit, a month name, one of these lowercase words).
_MONTH_HINT = re.compile(r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec", re.I)
_SEASONS = ("spring", "summer", "autumn", "fall", "winter")
_DIGIT_RULES = ("iso", "numeric", "year_range", "decade", "year", "century", "qual_y", "half")
_DAY_RULES = ("dmy", "mdy", "md_range", "dm_range", "qual_my", "my", "dm", "md")
_NEEDS: dict[str, tuple[bool, bool, tuple[str, ...]]] = {
    **dict.fromkeys(_DIGIT_RULES, (True, False, ())),
    **dict.fromkeys(_DAY_RULES, (True, True, ())),
    "season": (True, False, _SEASONS),
    "quarter": (True, False, ("q", "quarter")),
    "month": (False, True, ()),
    "holiday": (
        False,
        False,
        ("christmas", "new year", "halloween", "valentine", "boxing", "independence", "bastille",
         "patrick", "thanksgiving", "labor", "labour", "memorial", "easter", "good friday"),
    ),
    "weekday": (False, False, ("day",)),
    "deictic": (False, False, ("yesterday", "today", "tomorrow", "tonight", "night", "this ")),
    "weekend": (False, False, ("weekend",)),
    "season_bare": (False, False, _SEASONS),
    "season_rel": (False, False, _SEASONS),
    "qual_rel": (False, False, ("early", "mid", "late")),
    "part": (False, False, ("quarter", "half")),
    "period": (False, False, ("week", "month", "year")),
    "ago": (False, False, ("ago",)),
    "in_n": (False, False, ("in ",)),
    "end": (False, False, ("end",)),
    "story": (False, False, ("day", "week", "month", "year", "decade")),
    "vague": (
        False,
        False,
        ("future", "recent", "soon", "coming", "past", "point", "these days", "nowadays"),
    ),
}  # fmt: skip

_ALL_WORDS = frozenset(w for _, _, words in _NEEDS.values() for w in words)

_MODIFIER_BEFORE = re.compile(
    r"(?i:\b(?P<w>no\s+later\s+than|ahead\s+of|prior\s+to|before|by|until|till|as\s+early\s+as|"
    r"after|since|through|around|about|circa|approximately|c\.|some\s+time\s+in|"
    r"sometime\s+in))\s+$"
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
    "through": "before",
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


# Tense markers for :func:`tense_at`. A modal or "be due/set/expected to" starts a future verb
# group that runs over its auxiliaries ("would be lifted"), so a participle inside it is not
# read as a past tense.
_FUT_MARK = re.compile(
    r"(?i:\b(?:will|won't|shall|would|could|might|(?-i:may)|must|should|'ll|going\s+to|"
    r"(?:is|are|be)\s+(?:due|set|scheduled|expected|planned|slated|poised)|due\s+to|set\s+to|"
    r"set\s+for|scheduled|expects?|expected\s+to|plans?\s+to|planned|aims?\s+to|hopes?\s+to|"
    r"intends?\s+to|upcoming|(?:is|are)\s+to)\b(?:\s+(?:not|n't|be|have|been|also|likely|"
    r"probably|only|then|still|soon|now|again|finally)\b)*(?:\s+\w+)?)"
)
_PAST_MARK = re.compile(
    r"(?i:\b(?:was|were|had|did|said|told|ago|began|met|took|made|came|went|saw|gave|found|left|"
    r"held|won|lost|fell|rose|led|fled|broke|spoke|wrote|thought|knew|struck|sent|spent|built|"
    r"brought|bought|caught|fought|sought|taught|stood|kept|felt|paid|sold|shot|became|ran|"
    r"grew|drew|flew|threw|chose|froze|woke|wore|swore|tore|forgot|got|hid|rode|drove|shook|"
    r"died|[a-z]+[^e\W]ed|[a-z]*[a-z]ied)\b)"
)
_NOT_PAST = {"need", "indeed", "hundred", "speed", "united", "proceed", "exceed", "succeed"}
_CLAUSE = re.compile(r"[,;:()\[\]]|\s-\s|\s--\s")


@lru_cache(maxsize=256)  # the dates of one sentence share its markers
def _markers(text: str, lo: int, hi: int) -> list[tuple[int, int, str]]:
    fut = [(m.start(), m.end(), "future") for m in _FUT_MARK.finditer(text, lo, hi)]
    out = list(fut)
    for m in _PAST_MARK.finditer(text, lo, hi):
        if m.group(0).lower() in _NOT_PAST:
            continue
        if not any(a <= m.start() < b for a, b, _ in fut):
            out.append((m.start(), m.end(), "past"))
    return out


def tense_at(text: str, start: int, end: int) -> str:
    """The tense that governs the date at ``text[start:end]``: the nearest tense marker in its
    clause, else in its sentence; "present" when there is none (resolvers then take the
    nearest month, season or holiday)."""
    s_lo = 0
    for m in _SENTENCE_END.finditer(text, 0, start):
        s_lo = m.end()
    m = _SENTENCE_END.search(text, end)
    s_hi = m.start() + 1 if m else len(text)
    c_lo = s_lo
    for m in _CLAUSE.finditer(text, s_lo, start):
        c_lo = m.end()
    m = _CLAUSE.search(text, end, s_hi)
    c_hi = m.start() if m else s_hi
    for lo, hi in ((c_lo, c_hi), (s_lo, s_hi)):
        found = [x for x in _markers(text, lo, hi) if x[0] < start or x[0] >= end]
        if found:

            def gap(x: tuple[int, int, str]) -> int:
                return max(0, start - x[1]) if x[0] < start else x[0] - end

            return min(found, key=gap)[2]
    return "present"


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
        low = text.lower()
        present = {w for w in _ALL_WORDS if w in low}
        whole = [(0, len(text))]
        digits = _windows(_DIGITS, text)
        months = _windows(_MONTH_HINT, text)
        for kind, pattern in RULES:
            need_digit, need_month, words = _NEEDS.get(kind, (False, False, ()))
            # Cheap tests first: most rules cannot match most paragraphs, and a rule that
            # needs a month name (or a digit) only runs on the text around one.
            windows = months if need_month else digits if need_digit else whole
            if not windows or (need_digit and not digits):
                continue
            if words and present.isdisjoint(words):
                continue
            for lo, hi in windows:
                for m in pattern.finditer(text, lo, hi):
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
        if kind in ("year", "year_range"):
            if _NOT_YEAR_BEFORE.search(before):
                return False
            if _EVENT_NOUN.match(text, m.end()) or text.startswith("'s", m.end()):
                return True  # "the 2020 election", "2023's floods"
            after = text[m.end() : m.end() + 12]
            if _COUNT_CONTEXT.search(before) and re.match(r"\s+[a-z]", after):
                return False  # "about 2000 protesters"
            if re.match(r"\s*(?:[,.;:)!?\"']|$|and\b|or\b|to\b|-\s*\d)", after) and not re.match(
                r"[.,]\d", after
            ):
                return True
            return bool(_DATE_CONTEXT.search(before))
        if kind == "weekday" and re.search(r"(?i:\b(?:a|an|every|each|any|one)\s+)$", before):
            return False  # "falls on a Thursday", "every Friday": no particular day
        if kind == "in_n":
            if m.group(0).lower().startswith("within"):
                return True
            return tense_at(text, m.start(), m.end()) == "future"
        if kind == "season_bare":  # "in the fall", never "prices fall"
            return bool(_SEASON_CONTEXT.search(before))
        if kind == "holiday" and m["name"] == "Easter" and not m["y"]:
            return bool(_MONTH_CONTEXT.search(before))  # "Easter" alone is often a name part
        return True

    # -- giving it a value -----------------------------------------------------------------------
    def _value(
        self, kind: str, m: re.Match[str], text: str, start: int, end: int
    ) -> DateMention | None:
        modifier = None
        mod = _MODIFIER_BEFORE.search(text, max(0, start - 20), start)
        word = re.sub(r"\s+", " ", mod["w"].lower()) if mod else ""
        if mod and kind not in ("vague", "story", "ago", "in_n"):
            modifier = _MODIFIERS[word]
            start = mod.start()
        q = m.groupdict().get("q")
        if q and not modifier:
            modifier = _QUAL[q.lower().rstrip("-")]
        tense = tense_at(text, start, end)
        if word in ("since", "after") and tense == "present":
            tense = "past" if word == "since" else "future"
        elif word in ("until", "till", "by", "through") and tense == "past":
            tense = "present"  # "postponed until April": a bound usually lies ahead
        if kind == "weekday" and "'s" in m.group(0) and text[start:].lower().startswith("on "):
            start += 3  # "on Saturday's meeting": the expression is "Saturday's meeting"
        span = text[start:end]
        when: When | None
        resolved_kind = "absolute"
        if kind == "vague":
            return DateMention(span, start, end, None, None, "vague", "vague", tense)
        if kind == "numeric":
            a, b, y = int(m["a"]), int(m["b"]), int(m["y"])
            # Slashes and hyphens read month first (US wire style) unless the first number
            # cannot be a month; dots read day first (European style) likewise.
            month_first = m["sep"] != "."
            if a > 12 or (b <= 12 and not month_first and a <= 12):
                month_first = False
            if b > 12:
                month_first = True
            mon, d = (a, b) if month_first else (b, a)
            try:
                parsed = dt.date(y, mon, d)
            except ValueError:
                return None
            when = When(Point(parsed.year, parsed.month, parsed.day))
        elif kind == "holiday" and m["y"]:
            hday = relative.holiday(m["name"], int(m["y"]))
            if hday is None:
                return None
            when = When(Point(hday.year, hday.month, hday.day))
        elif kind == "century":
            base = (int(m["n"]) - 1) * 100
            lo, hi = {"early": (0, 39), "mid": (40, 69), "late": (70, 99)}.get(
                (q or "").lower(), (0, 99)
            )
            when = _interval(Point(base + lo), Point(base + hi))
        elif kind == "year_range":
            y = int(m["y"])
            y2 = int(m["y2"]) if len(m["y2"]) == 4 else y // 100 * 100 + int(m["y2"])
            if y2 <= y:
                return None
            when = _interval(Point(y), Point(y2))
        elif kind in ("md_range", "dm_range"):
            d1, d2 = (int(re.match(r"\d+", m[g]).group(0)) for g in ("d", "d2"))  # type: ignore[union-attr]
            if d2 <= d1:
                return None
            mon = _month_num(m["mon"])
            if m["y"]:
                y = int(m["y"])
            elif self.published is not None:
                y = relative._month_near(self.published, mon, None, tense)
                resolved_kind = "relative"
            else:
                return DateMention(span, start, end, None, None, modifier, "relative", tense)
            try:
                when = When(
                    Point(y, mon, d1), Point(y, mon, dt.date(y, mon, d2).day), interval=True
                )
                dt.date(y, mon, d1)
            except ValueError:
                return None
        elif kind in ("iso", "dmy", "mdy"):
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
            expr = text[m.start() : end]  # the modifier is applied below
            if m.groupdict().get("wd"):  # "Friday, March 22": the date says it all
                expr = text[m.end("wd") : end].lstrip(", ")
            if anchor_when is not None:
                when = relative.resolve(expr, anchor_when.first_day(), tense=tense)
                if when is not None:
                    when = _coarsen(when, anchor_when.precision)
            elif self.published is not None:
                when = relative.resolve(expr, self.published, tense=tense)
            elif re.search(r"\d{4}", expr):  # names its year: no anchor needed
                when = relative.resolve(expr, dt.date(2000, 1, 1), tense=tense)
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
