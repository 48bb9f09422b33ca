"""Text normalisation for analysis, keeping a map back to the original offsets.

Analysis (date rules, entity clean-up, quotes) runs on a normalised copy: curly quotes and
apostrophes become straight ones, dashes become ``-``, no-break and thin spaces become plain
spaces, and the text is NFC. Every replacement is one character for one character, so offsets
are shared with the original; only NFC composition can shorten the text, and then
:class:`Normalized` keeps a map so every reported offset still points into the original.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_TABLE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2007": " ",
        "\u2009": " ",
        "\u200a": " ",
        "\u202f": " ",
        "\u2002": " ",
        "\u2003": " ",
    }
)


@dataclass(frozen=True)
class Normalized:
    """``text`` for analysis; ``offsets[i]`` is the original offset of ``text[i]``."""

    original: str
    text: str
    offsets: tuple[int, ...] | None = None  # None: identity map

    def orig(self, index: int) -> int:
        """Original offset for a normalised offset (``len(text)`` maps to ``len(original)``)."""
        if self.offsets is None:
            return index
        if index >= len(self.offsets):
            return len(self.original)
        return self.offsets[index]

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.orig(start), self.orig(end)


def normalize(text: str) -> Normalized:
    """Normalise quotes, dashes, spaces and composition; see the module docstring."""
    mapped = text.translate(_TABLE)
    if unicodedata.is_normalized("NFC", mapped):
        return Normalized(text, mapped)
    out: list[str] = []
    offsets: list[int] = []
    i = 0
    n = len(mapped)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(mapped[j]):
            j += 1
        piece = unicodedata.normalize("NFC", mapped[i:j])
        if len(piece) == j - i:
            out.append(piece)
            offsets.extend(range(i, j))
        else:
            out.append(piece)
            offsets.extend([i] * len(piece))
        i = j
    return Normalized(text, "".join(out), tuple(offsets))


def fold_quotes(text: str) -> str:
    """Only the 1:1 character mapping (no NFC): handy for comparing names and phrases."""
    return text.translate(_TABLE)


_ABBREV = {
    "mr", "mrs", "ms", "dr", "gen", "sen", "rep", "gov", "st", "lt", "col", "capt", "prof", "jr",
    "sr", "no", "vs", "inc", "corp", "ltd", "co", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "adm", "sgt", "maj", "u.s", "u.k", "u.n", "e.g", "i.e",
    "a.m", "p.m", "approx", "est", "dept", "fig", "mt", "ft",
}  # fmt: skip
_BOUNDARY = re.compile(r"[.!?]+[\"')\]]*(?=\s+[\"'(\[]?[A-Z0-9])|\n+")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans in (normalised) text; abbreviations and initials do not end one."""
    spans = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        if text[m.start()] == ".":
            word = re.search(r"([\w.]+)$", text[start : m.start()])
            token = word.group(1).lower() if word else ""
            if token in _ABBREV or (len(token) == 1 and token.isalpha()):
                continue
            if re.fullmatch(r"(?:[a-z]\.)+[a-z]", token):
                continue
        end = m.end()
        if text[start:end].strip():
            spans.append(_trim(text, start, end))
        start = end
    if text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
