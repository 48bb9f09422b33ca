"""Name keys and slugs: how two spellings of one name are found to be the same."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_WORD = re.compile(r"[^a-z0-9]+")
_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Strip accents and normalise typographic quotes; keeps case."""
    if text.isascii():  # (most names and titles: nothing to strip or replace)
        return text
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.replace("\u2019", "'").replace("\u2018", "'")


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """Case-, accent- and spacing-insensitive key: "Zelenský" and "zelensky" match."""
    return _SPACE.sub(" ", fold(name).casefold()).strip()


def slugify(text: str, fallback: str = "item") -> str:
    """ASCII, lower-case, hyphenated; never empty."""
    slug = _NON_WORD.sub("-", fold(text).lower()).strip("-")
    return slug[:80].rstrip("-") or fallback
