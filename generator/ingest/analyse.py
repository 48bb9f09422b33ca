"""Everything ingest reads out of an article: dates, actors, places, events, quotes.

:func:`analyse_batch` runs the name pipeline once over the blocks of many articles
(``nlp.pipe``), then works article by article. Analysis runs on normalised text; every offset
it reports points into ``Article.text``, the file's decoded text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..names import name_key, slugify
from . import events as ev
from . import quotes as qt
from .entities import Mention, Registry, byline_author, clean_mentions, raw_entities
from .normalize import Normalized, normalize, split_sentences
from .readers import Article, Block
from .temporal import DateFinder, DateMention

EXTRACTOR_VERSION = 2  # bump when extraction changes: unchanged articles are read again
_PRONOUN = re.compile(r"\b(?:he|she|He|She)\b")


@dataclass
class Extraction:
    article: Article
    slug: str
    dates: list[dict] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    quotes: list[dict] = field(default_factory=list)
    summary: str = ""
    mode: str = "spacy"

    def names(self, category: str) -> list[str]:
        """Canonical names in order of first mention, each once."""
        seen: dict[str, str] = {}
        for m in sorted(self.mentions, key=lambda m: m.start):
            if m.category == category:
                seen.setdefault(name_key(m.name), m.name)
        return list(seen.values())


@dataclass
class _Part:
    index: int  # block index, -1 for the title
    block: Block | None
    norm: Normalized
    start: int  # offset in the article text

    def span(self, a: int, b: int) -> tuple[int, int]:
        x, y = self.norm.span(a, b)
        return self.start + x, self.start + y


def parts_of(article: Article) -> list[_Part]:
    parts = []
    if article.title_start is not None:
        end = article.title_start + len(article.title)
        if article.text[article.title_start : end] == article.title:
            parts.append(_Part(-1, None, normalize(article.title), article.title_start))
    for i, block in enumerate(article.blocks):
        parts.append(_Part(i, block, normalize(block.text), block.start))
    return parts


def analyse_batch(
    articles: list[Article],
    nlp,
    registry: Registry,
    slugs: list[str] | None = None,
    n_process: int = 1,
) -> list[Extraction]:
    all_parts = [parts_of(a) for a in articles]
    # Headings take no part in name finding: "Russia's Unchanged Position" is not a person.
    texts = [p.norm.text for parts in all_parts for p in parts if _ner_part(p)]
    ents = raw_entities(nlp, texts, n_process=n_process)
    out = []
    k = 0
    for i, (article, parts) in enumerate(zip(articles, all_parts, strict=True)):
        n = sum(1 for p in parts if _ner_part(p))
        slug = slugs[i] if slugs else slugify(article.title, "article")
        out.append(_analyse(article, parts, ents[k : k + n], registry, slug, nlp is not None))
        k += n
    return out


def _ner_part(part: _Part) -> bool:
    return part.block is None or part.block.kind != "heading"


def _analyse(
    article: Article, parts: list[_Part], ents: list, registry: Registry, slug: str, spacy: bool
) -> Extraction:
    if not article.author:  # "By Jane Doe, Reuters": the writers are the source, not actors
        for block in article.blocks[:3]:
            if author := byline_author(block.text):
                article.author = author
                break
    ner_parts = [p for p in parts if _ner_part(p)]
    analysed = [(p.index, p.norm.text, p.span, e) for p, e in zip(ner_parts, ents, strict=True)]
    mentions = clean_mentions(analysed, registry, article.text)
    result = Extraction(article, slug, mentions=mentions, mode="spacy" if spacy else "rules")
    finder = DateFinder(article.published_date)
    last_subject: str | None = None
    people_by_part: dict[int, list[qt.Person]] = {}
    for m in mentions:
        if m.category == "actor" and m.kind == "person":
            people_by_part.setdefault(m.block, []).append(qt.Person(m.name, m.start, m.end))
    prev_sentence: tuple[_Part, int, int] | None = None
    for part in parts:
        if part.block is not None and part.block.kind == "heading":
            prev_sentence = None
            for d in finder.find(part.norm.text):
                result.dates.append(_date_dict(article, part, d))
            continue
        dates = finder.find(part.norm.text)
        for d in dates:
            result.dates.append(_date_dict(article, part, d))
        if part.block is None:
            continue  # the title: dates yes, events and quotes no
        text = part.norm.text
        people = people_by_part.get(part.index, [])
        # Offsets of people relative to this block's normalised text.
        local = [qt.Person(p.name, *_local(part, p.start, p.end)) for p in people]
        sentences = split_sentences(text)
        if not result.summary and part.block.kind == "paragraph" and sentences:
            a, b = part.span(*sentences[0])
            result.summary = " ".join(article.text[a:b].split())
        # Quotations.
        if part.block.kind == "quote":
            inner = _strip_marks(part.block.text)
            who = None
            if sentences:
                s0, s1 = sentences[0]
                who = qt.speaker(text[s0:s1], s0, local, last_subject)
            if who is None and prev_sentence is not None:
                who = _speaker_at(prev_sentence, people_by_part, last_subject)
            result.quotes.append({"speaker": who, "text": inner, "paragraph": part.block.paragraph})
        else:
            for a, b in qt.inline_quotes(text):
                s = next(((x, y) for x, y in sentences if x <= a < y), None)
                who = None
                if s is not None:
                    who = qt.speaker(text[s[0] : s[1]], s[0], local, last_subject)
                    if who is None:
                        idx = sentences.index(s)
                        if idx > 0:
                            who = _speaker_at(
                                (part, *sentences[idx - 1]), people_by_part, last_subject
                            )
                        elif prev_sentence is not None:
                            who = _speaker_at(prev_sentence, people_by_part, last_subject)
                oa, ob = part.span(a, b)
                result.quotes.append(
                    {"speaker": who, "text": article.text[oa:ob], "paragraph": part.block.paragraph}
                )
        # Events and subjects, sentence by sentence.
        for s0, s1 in sentences:
            in_sentence = [d for d in dates if s0 <= d.start < s1]
            oa, ob = part.span(s0, s1)
            sentence = article.text[oa:ob]
            for d in in_sentence:
                if d.kind == "vague":
                    continue
                if d.value is None and d.kind == "absolute":
                    continue
                da, db = part.span(d.start, d.end)
                actors, places = _names_between(mentions, oa, ob)
                if (
                    last_subject
                    and last_subject not in actors
                    and _PRONOUN.search(qt.blank_quotes(text[s0:s1]))
                ):
                    actors.append(last_subject)
                result.events.append(
                    ev.make_event(
                        slug,
                        d.value,
                        article.text[da:db],
                        sentence,
                        part.block.paragraph,
                        actors,
                        places,
                    )
                )
            found = qt.subjects(text[s0:s1], s0, local)
            if found:
                last_subject = found[-1]
            prev_sentence = (part, s0, s1)
    first = next((p for p in parts if p.block is not None and p.block.kind == "paragraph"), None)
    actors: list[str] = []
    places: list[str] = []
    if first is not None:
        actors, places = _names_between(mentions, first.start, first.start + len(first.block.text))
    headline = ev.make_event(
        slug,
        article.published,
        "",
        article.title,
        first.block.paragraph if first is not None and first.block else None,
        actors,
        places,
        headline=True,
    )
    result.events.insert(0, headline)
    return result


def _local(part: _Part, start: int, end: int) -> tuple[int, int]:
    """Article offsets back to the part's normalised text (identity unless NFC moved them)."""
    a, b = start - part.start, end - part.start
    if part.norm.offsets is None:
        return a, b
    offs = part.norm.offsets
    la = next((i for i, o in enumerate(offs) if o >= a), len(offs))
    lb = next((i for i, o in enumerate(offs) if o >= b), len(offs))
    return la, lb


def _speaker_at(where: tuple[_Part, int, int], people_by_part: dict, last: str | None):
    part, s0, s1 = where
    people = people_by_part.get(part.index, [])
    local = [qt.Person(p.name, *_local(part, p.start, p.end)) for p in people]
    return qt.speaker(part.norm.text[s0:s1], s0, local, last)


def _names_between(mentions: list[Mention], start: int, end: int) -> tuple[list[str], list[str]]:
    actors: dict[str, str] = {}
    places: dict[str, str] = {}
    for m in sorted(mentions, key=lambda m: m.start):
        if start <= m.start and m.end <= end:
            target = actors if m.category == "actor" else places
            target.setdefault(name_key(m.name), m.name)
    return list(actors.values()), list(places.values())


def _strip_marks(text: str) -> str:
    t = text.strip()
    if t and t[0] in '\u201c"\u00ab':
        t = t[1:]
    end = t.rstrip(".")
    if end and end[-1] in '\u201d"\u00bb':
        t = end[:-1] + t[len(end) :] if t[len(end) :] else end[:-1]
    return t.strip()


def _date_dict(article: Article, part: _Part, d: DateMention) -> dict:
    a, b = part.span(d.start, d.end)
    return {
        "text": article.text[a:b],
        "start": a,
        "end": b,
        "value": d.value,
        "precision": d.precision,
        "modifier": d.modifier,
        "kind": d.kind,
    }
