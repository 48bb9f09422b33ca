"""Fuzzing: the date tagger, the resolver, normalisation and the readers never raise on
arbitrary input, and every reported offset points into the text it was given."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.dates import When
from generator.ingest.normalize import normalize, split_sentences
from generator.ingest.readers import ReadError, read_article
from generator.ingest.temporal import DateFinder
from generator.relative import resolve

WORDS = (
    "in on by since until before after the last next this early mid late of a two weeks days "
    "months years ago later earlier following day before weekend Monday Friday Saturday's "
    "January March May Sept. Dec 3 3rd 15 31 29 2024 1999 2030 00 12/31/2024 31.12.2024 "
    "2019-21 3-5 Q3 first second third quarter half of spring fall winter 1990s 19th century "
    "Christmas Easter Thanksgiving New Year's Eve end year month week fiscal said will would "
    'could was $2022 2,022 Room Act , . ; - — ( ) ’ " \n'
).split(" ")

phrases = st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join)
anchors = st.dates(min_value=dt.date(1, 1, 8), max_value=dt.date(9999, 12, 20))
anything = st.text(max_size=300)


def _check(text: str, published: dt.date | None) -> None:
    finder = DateFinder(published)
    for _ in range(2):  # the second paragraph sees the first one's last date
        for d in finder.find(text):
            assert text[d.start : d.end] == d.text
            if d.value is not None:
                assert str(When.parse(d.value)) == d.value


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(phrases, st.one_of(st.none(), anchors))
def test_tagger_on_date_like_text(text: str, published: dt.date | None) -> None:
    _check(text, published)


@settings(max_examples=200, deadline=None)
@given(anything, st.one_of(st.none(), anchors))
def test_tagger_on_any_text(text: str, published: dt.date | None) -> None:
    _check(normalize(text).text, published)


@settings(max_examples=300, deadline=None)
@given(phrases, anchors, st.sampled_from([None, "past", "present", "future"]))
def test_resolve_never_raises(expression: str, anchor: dt.date, tense: str | None) -> None:
    when = resolve(expression, anchor, tense=tense)
    if when is not None:
        assert str(When.parse(str(when))) == str(when)


@settings(max_examples=200, deadline=None)
@given(anything)
def test_normalize_and_sentences(text: str) -> None:
    norm = normalize(text)
    for a, b in split_sentences(norm.text):
        x, y = norm.span(a, b)
        assert 0 <= x <= y <= len(text)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.one_of(st.binary(max_size=600), anything.map(lambda t: t.encode("utf-8", "surrogatepass"))),
    st.sampled_from([".txt", ".md", ".html"]),
)
def test_readers_raise_only_read_error(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    try:
        article = read_article(path)
    except ReadError:
        return
    for block in article.blocks:
        assert article.text[block.start : block.end] == block.text


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.one_of(phrases, anything), min_size=1, max_size=6),
    st.one_of(st.none(), st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1))),
)
def test_analysis_never_raises(paragraphs: list[str], published: dt.date | None) -> None:
    """The whole analysis (rules-only names, dates, events, quotes) on arbitrary blocks."""
    from generator.ingest.analyse import analyse_batch
    from generator.ingest.entities import Registry
    from generator.ingest.readers import Article, Block, number

    text, blocks = "Title\n\n", []
    for i, para in enumerate(paragraphs):
        kind = ("paragraph", "quote", "item", "heading")[i % 4]
        blocks.append(Block(kind, para, len(text)))
        text += para + "\n\n"
    article = Article(Path("f.txt"), text, "Title", 0, number(blocks))
    article.published = published.isoformat() if published else None
    (result,) = analyse_batch([article], None, Registry())
    for m in result.mentions:
        assert text[m.start : m.end] == m.text
    for d in result.dates:
        assert text[d["start"] : d["end"]] == d["text"]
