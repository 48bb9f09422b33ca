"""Events: every sentence with a timeline date becomes one; each dossier has a headline event.

An event keeps the date (in the project's notation, or None with the ``expression`` when it
cannot be resolved yet), the source sentence verbatim, the actors and places mentioned in it,
its 1-based paragraph, and a stable id: a hash of the dossier slug, the sentence and the
expression, so ids survive re-ingest and permalinks keep working.
"""

from __future__ import annotations

import hashlib
import re


def event_id(slug: str, sentence: str, expression: str) -> str:
    digest = hashlib.sha1(f"{slug}\x1f{sentence}\x1f{expression}".encode()).hexdigest()
    return "e-" + digest[:8]


def tidy(sentence: str) -> str:
    """The sentence as event text: one line, list markers and stray quotes removed."""
    text = re.sub(r"\s+", " ", sentence).strip()
    return text


def make_event(
    slug: str,
    date: str | None,
    expression: str,
    sentence: str,
    paragraph: int | None,
    actors: list[str],
    locations: list[str],
    *,
    headline: bool = False,
) -> dict:
    sentence = tidy(sentence)
    event = {
        "id": event_id(slug, sentence, expression),
        "date": date,
        "expression": expression,
        "text": sentence,
        "sentence": sentence,
        "paragraph": paragraph,
        "actors": actors,
        "locations": locations,
    }
    if headline:
        event["headline"] = True
    return event
