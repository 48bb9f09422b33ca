"""Pieces of pages made in Python rather than in a template give the template's bytes."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import jinja2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup as Safe

from generator import routes
from generator.dates import month_name
from generator.markup import Markup
from generator.pages import Links
from generator.render import make_environment

# The ``strip`` macro as it was before it moved to Python (``render._strip_html``).
OLD_STRIP = """{% macro strip(months, label) -%}
{% if months %}
{% set maxn = months|map(attribute=2)|max or 1 %}
{% set bar = 14 if months|length <= 40 else 8 %}
{% set width = months|length * bar %}
{% set has_months = months|selectattr(1)|list|length > 0 %}
<figure class="strip">
<svg role="group" aria-label="{{ label }}" viewBox="0 0 {{ width }} 60" width="{{ width }}" height="60" preserveAspectRatio="xMinYMid meet">
{% for y, m, n in months %}
{% set x = loop.index0 * bar %}
{% if n %}
{% set h = [(40 * n / maxn)|round(1), 2]|max %}
<a href="{{ url(links.period(y, m)) }}" aria-label="{{ (month_name(m) ~ ' ' if m else '') ~ y }}: {{ n }} event{{ '' if n == 1 else 's' }}">
<rect x="{{ x + 1 }}" y="{{ 44 - h }}" width="{{ bar - 2 }}" height="{{ h }}" class="{{ 'bar-year' if m is none and has_months else 'bar' }}"><title>{{ (month_name(m) ~ ' ' if m else '') ~ y }}: {{ n }} event{{ '' if n == 1 else 's' }}</title></rect>
</a>
{% else %}
<rect x="{{ x + 1 }}" y="43" width="{{ bar - 2 }}" height="1" class="bar-empty"/>
{% endif %}
{% if (m is none and loop.first) or m == 1 or (loop.first and m) or (m is none and loop.index0 % 5 == 0 and not has_months) %}
<text x="{{ x + 1 }}" y="57" class="tick">{{ y }}</text>
{% endif %}
{% endfor %}
</svg>
<figcaption>{{ label }}, {{ months|first|first }}{% if (months|last|first) != (months|first|first) %}–{{ months|last|first }}{% endif %}</figcaption>
</figure>
{% endif %}
{%- endmacro %}"""

CALL = '{% from "_macros.html" import strip with context %}[{{ strip(months, label) }}]'


def _render(macros: str, months, label: str, split: bool) -> str:
    packaged = make_environment([], Markup())
    env = jinja2.Environment(
        loader=jinja2.DictLoader({"_macros.html": macros, "page.html": CALL}),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(packaged.globals)
    env.globals["month_name"] = month_name
    links = Links(SimpleNamespace(), split)
    page = "actors/someone/" + routes.INDEX
    return env.get_template("page.html").render(
        months=months, label=label, links=links, page_path=page
    )


def _new_macros() -> str:
    return make_environment([], Markup()).loader.get_source(None, "_macros.html")[0]


bars = st.lists(
    st.tuples(
        st.integers(1900, 2030), st.one_of(st.none(), st.integers(1, 12)), st.integers(0, 500)
    ),
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(months=bars, label=st.text(max_size=12), split=st.booleans())
def test_strip_made_in_python_matches_the_template_loop(months, label, split):
    months = sorted(months, key=lambda b: (b[0], b[1] or 13))
    assert _render(_new_macros(), months, label, split) == _render(OLD_STRIP, months, label, split)


def test_strip_of_a_real_spread_of_months():
    months = [
        (2024, m, n)
        for m, n in zip(range(1, 13), [0, 3, 1, 0, 7, 2, 0, 0, 9, 1, 4, 1], strict=True)
    ]
    months.append((2024, None, 5))
    out = _render(_new_macros(), months, 'Events of "Q" & co', True)
    assert out == _render(OLD_STRIP, months, 'Events of "Q" & co', True)
    assert "Events of &#34;Q&#34; &amp; co" in out and "bar-year" in out


ODD = ["a & b", "<script>x</script>", "\"quoted\" 'single'", "“curly” — ünïcode", ""]


@pytest.mark.parametrize(
    "value",
    [
        "",
        "plain",
        "<script>alert('x')</script>",
        "a \"quoted\" & 'single'",
        "é “curly” ü 😀",
        "&amp; already",
        7,
        0,
        None,
        Safe("<b>safe</b>"),
        Safe("a & b"),
    ],
)
def test_plain_escaping_matches_markupsafe(value, monkeypatch):
    """The macros made in Python escape to plain strings: as ``markupsafe.escape`` does,
    with markupsafe's C escaping and without it."""
    from markupsafe import escape

    from generator import render

    for escape_str in (render._escape_str, render._escape_plain):
        monkeypatch.setattr(render, "_escape_str", escape_str)
        assert render._esc(value) == str(escape(value)) and type(render._esc(value)) is str


def test_macros_made_in_python_match_the_packaged_macros(tmp_path):
    """``PackagedMacros`` gives the packaged ``_macros.html``'s bytes for every event and
    dossier of the fixture site and of a generated one (dated, undated, hand-written with
    sources, with and without sentences, actors, places, paragraphs, expressions,
    publishers, summaries), at every page depth, and for events and dossiers holding text
    that must be escaped; a site's own ``_macros.html`` is used as it is."""
    import copy
    from pathlib import Path

    from conftest import make_site

    from generator.build import Builder
    from generator.config import load_config
    from generator.pages import links_of
    from generator.render import Macros, PackagedMacros, macros_module

    generated = tmp_path / "generated"
    make_site(generated, 40)
    fixture = Path(__file__).parent / "fixtures" / "site"
    checked = 0
    for root in (fixture, generated):
        builder = Builder(load_config(root), cache_dir=None)
        builder.render(trust_output=False, parallel=False)
        state = builder._pending[3]
        site, links = state.site, links_of(state.pages)
        events = site.events + site.undated
        odd = []
        for i, text in enumerate(ODD * 3):
            e = copy.copy(events[i % len(events)])
            e.text, e.sentence, e.expression = text, ODD[(i + 1) % len(ODD)], ODD[i % 4]
            e.paragraph = (None, 0, 3)[i % 3]
            e.sources = [f"https://x.org/?a=1&b={text}", text, "http://y"][: i % 4]
            e.date = None if i % 5 == 0 else e.date
            e.dossier = None if i % 2 else e.dossier  # then its sources are shown
            if i % 4 == 0:
                e.actors, e.locations = [], []
            odd.append(e)
        odd_dossiers = []
        for i, text in enumerate(ODD * 2):
            d = copy.copy(site.dossiers[i % len(site.dossiers)])
            d.title, d.summary = text or "untitled", ODD[(i + 2) % len(ODD)]
            d.source = copy.copy(d.source)
            d.source.publisher = ODD[(i + 1) % len(ODD)]
            d.published = None if i % 3 == 0 else d.published
            d.events = d.events[: i % 3]
            odd_dossiers.append(d)
        for depth in range(4):
            variables = {
                "site": site,
                "config": builder.config,
                "links": links,
                "page_path": "x/" * depth + "index.html",
            }
            module = state.env.get_template("_macros.html").make_module(vars=variables)
            python = PackagedMacros(module, variables)
            for e in events + odd:
                for name in ("event_open", "event_source", "event_in_article"):
                    made, macro = getattr(python, name)(e), getattr(module, name)(e)
                    assert str(made) == str(macro), (name, e.id, depth)
                    checked += 1
            for d in site.dossiers + odd_dossiers:
                assert str(python.dossier_row(d)) == str(module.dossier_row(d)), d.slug
                for dated in (True, False):
                    made, macro = python.dossier_item(d, dated), module.dossier_item(d, dated)
                    assert str(made) == str(macro), (d.slug, dated)
                checked += 1
        links.fragments = {}
        assert type(macros_module(state.env, links, 1, variables)) is PackagedMacros
    assert checked > 1000

    own = tmp_path / "own"
    (own / "templates").mkdir(parents=True)
    packaged = Path(__file__).parents[1] / "templates" / "_macros.html"
    (own / "templates" / "_macros.html").write_text(packaged.read_text())
    (own / "dossier.toml").write_text((fixture / "dossier.toml").read_text())
    builder = Builder(load_config(own), cache_dir=None)
    builder.render(trust_output=False, parallel=False)
    state = builder._pending[3]
    links = links_of(state.pages)
    links.fragments = {}
    assert type(macros_module(state.env, links, 1, variables)) is Macros


# The actor feed's entries as its template wrote them before they moved to Python
# (``render._feed_entries``).
OLD_FEED_ENTRIES = """{% for e in recent[:50] %}
<entry>
<title>{{ e.date.display() }}: {{ e.text|truncate(120) }}</title>
<id>{{ config.base_url or 'urn:dossier:' }}{{ links.event(e) }}</id>
<link rel="alternate" type="text/html" href="{{ config.base_url ~ links.event(e) if config.base_url else url(links.event(e)) }}"/>
<updated>{{ e.date.last_day().isoformat() }}T00:00:00Z</updated>
<summary>{{ e.sentence or e.text }}</summary>
</entry>
{% endfor %}
"""


@pytest.mark.parametrize("base_url", ["", "https://example.org/a&b/"])
def test_actor_feeds_made_in_python_match_the_template_loop(tmp_path, base_url):
    """Every actor's feed of a real site with awkward event texts (markup, quotes,
    ampersands, texts long enough to be cut) is the same with the entries made in Python
    as with the template loop they replaced."""
    import json
    import re

    from conftest import add_settings, differences, make_site

    from generator.build import render_site
    from generator.config import load_config

    root = tmp_path / "site"
    make_site(root, 40)
    if base_url:
        add_settings(root, f'base_url = "{base_url}"\n')
    odd = ODD + ["x" * 130, "word " * 40, "<b>bold & 'q'</b> " * 12]
    for i, text in enumerate(odd):
        dossier = root / "content" / "dossiers" / f"report-{i:05d}.md"
        source = dossier.read_text()
        value = "text: " + json.dumps(text or "empty")
        source = re.sub(r'text: ".*?"', lambda m, v=value: v, source, count=1)
        source = source.replace("date: '", 'sentence: "<i>said</i> & done"\n    date: \'', i % 2)
        dossier.write_text(source)
    new = render_site(load_config(root)).files
    feed = (Path(__file__).parents[1] / "templates" / "actor_feed.xml").read_text()
    old = feed.replace("[-50:]", "").replace("{{ feed_entries(recent) }}", OLD_FEED_ENTRIES)
    assert old != feed and "feed_entries" not in old
    (root / "templates").mkdir()
    (root / "templates" / "actor_feed.xml").write_text(old)
    expected = render_site(load_config(root)).files
    feeds = [p for p in expected if p.startswith("actors/") and p.endswith("/feed.xml")]
    assert len(feeds) > 20
    assert differences({p: new[p] for p in feeds}, {p: expected[p] for p in feeds}) == []
    joined = b"".join(new[p] for p in feeds)
    assert b"&lt;script&gt;" in joined and b"..." in joined and b"&lt;i&gt;said" in joined
    wanted = base_url.replace("&", "&amp;") if base_url else "<id>urn:dossier:timeline/"
    assert wanted.encode() in joined


def test_fragments_are_kept_by_a_digest_of_what_they_show():
    """``links.store`` keys are 16-byte digests of plain values: equal for equal values
    whether their texts are shared objects or copies (as read back from the disk cache),
    and different when anything the fragment shows differs, a date's qualifier included."""
    from generator.dates import Point, When
    from generator.model import Dossier, Event, Source
    from generator.render import fragment_key, store_key

    text = "".join(["Talks ", "resumed"])  # not the same object as the literal
    assert store_key(("a", text, text)) == store_key(("a", "Talks resumed", text))
    assert store_key(("a", None)) != store_key(("a", ""))
    assert len(store_key(())) == 16

    dossier = Dossier(slug="d", path="d.md", title="T", published=None, source=Source())
    site = SimpleNamespace(
        dossier_by_slug={"d": dossier},
        actor_by_name={"Ana": SimpleNamespace(slug="ana")},
        location_by_name={"Kyiv": SimpleNamespace(slug="kyiv")},
    )
    links = Links(site, False)

    def key(**change) -> bytes:
        fields = {
            "id": "e-1",
            "date": When(start=Point(2024, 6, None)),
            "text": "Talks resumed.",
            "actors": ["Ana"],
            "locations": ["Kyiv"],
            "dossier": "d",
        }
        return fragment_key(Event(**{**fields, **change}), links, 1, True)

    assert key() == key(text="".join(["Talks ", "resumed."]))
    others = [
        key(date=When(start=Point(2024, 6, None, approximate=True))),
        key(date=When(start=Point(2024, 6, 1))),
        key(date=When(start=Point(2024, 6, None), end=Point(2024, 7, None), interval=True)),
        key(date=None),
        key(text="Talks stalled."),
        key(actors=[]),
        key(locations=[]),
        key(sentence="Talks resumed, it said."),
    ]
    assert len({key(), *others}) == len(others) + 1
    before = key()
    dossier.title = "Another title"  # shown as the event's source
    assert key() != before
