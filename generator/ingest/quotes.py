"""Quotations and who said them.

A quotation is a paragraph wholly inside quotation marks, or a quoted stretch of four words or
more inside a sentence. Its speaker is the person named with a speech verb ("said", "told",
"announced", "emphasized", ...) in the same sentence or, failing that, the sentence before;
"he"/"she" next to the verb stands for the last person who was a subject (not a possessive,
not inside a quotation, not a modifier as in "the Trump administration"). When nobody can be
named with confidence the speaker is None: no speaker is better than a wrong one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SPEECH = re.compile(
    r"\b(?:said|says|say|saying|told|tells|announced|announces|announcing|emphasi[sz]ed|"
    r"emphasi[sz]es|stressed|stresses|wrote|writes|added|adds|noted|notes|declared|declares|"
    r"stated|states|insisted|insists|warned|warns|explained|explains|argued|argues|claimed|"
    r"claims|posted|tweeted|asked|asks|replied|replies|responded|urged|urges|commented|"
    r"remarked|recalled|acknowledged|conceded|admitted|vowed|pledged|promised|continued|"
    r"according\s+to)\b"
)
_INLINE = re.compile(r'"([^"\n]{2,}?)"')
_MODIFIER_NOUNS = re.compile(
    r"^\s*(?:'s\b|'\s|administration|government|campaign|team|family|aides?|allies|camp|"
    r"officials?|era|presidency|doctrine|plan|foundation|organi[sz]ation|tower|ally)"
)
_GAP_BEFORE = re.compile(r"^\s*(?:,[^,\"]{0,80},\s*)?(?:\w+ly\s+)?(?:(?:has|had|have)\s+)?$")
_GAP_AFTER = re.compile(r"^\s*$")
_PRONOUN = re.compile(r"\b(?:he|she|He|She)\s+(?:\w+ly\s+)?(?:(?:has|had)\s+)?$")
_PRONOUN_AFTER = re.compile(r"^\s+(?:he|she)\b")


@dataclass
class Person:
    name: str
    start: int  # offsets in the normalised text of the sentence's block
    end: int


def blank_quotes(text: str) -> str:
    """The text with quoted stretches replaced by spaces (same length)."""
    return _INLINE.sub(lambda m: " " * len(m.group(0)), text)


def inline_quotes(text: str) -> list[tuple[int, int]]:
    """Spans (inside the marks) of quotations of four words or more."""
    return [(m.start(1), m.end(1)) for m in _INLINE.finditer(text) if len(m.group(1).split()) >= 4]


def speaker(
    sentence: str, offset: int, people: list[Person], last_subject: str | None
) -> str | None:
    """The person named with a speech verb in ``sentence`` (which starts at ``offset``)."""
    plain = blank_quotes(sentence)
    inside = [p for p in people if offset <= p.start and p.end <= offset + len(sentence)]
    for verb in SPEECH.finditer(plain):
        v0, v1 = verb.start() + offset, verb.end() + offset
        if verb.group(0).startswith("according"):
            after = [p for p in inside if p.start >= v1 and p.start - v1 <= 4]
            if after:
                return after[0].name
            continue
        before = [p for p in inside if p.end <= v0]
        if before:
            p = before[-1]
            gap = plain[p.end - offset : v0 - offset]
            if _GAP_BEFORE.match(gap):
                return p.name
        after = [p for p in inside if p.start >= v1]
        if after:
            p = after[0]
            gap = plain[v1 - offset : p.start - offset]
            if _GAP_AFTER.match(gap) or re.match(r"^\s+(?:on\s+\w+\s+)?$", gap):
                return p.name
        if _PRONOUN.search(plain[: verb.start()]) or _PRONOUN_AFTER.match(plain[verb.end() :]):
            return last_subject
    return None


def subjects(sentence: str, offset: int, people: list[Person]) -> list[str]:
    """People in the sentence who can be the antecedent of a later he/she, in order."""
    plain = blank_quotes(sentence)
    out = []
    for p in people:
        if not (offset <= p.start and p.end <= offset + len(sentence)):
            continue
        local = p.start - offset
        if plain[local : local + 1] == " " and sentence[local : local + 1] != " ":
            continue  # inside a quotation
        if _MODIFIER_NOUNS.match(sentence[p.end - offset :]):
            continue
        out.append(p.name)
    return out
