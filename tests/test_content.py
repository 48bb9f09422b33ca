"""Every validation message, with the file and line a person needs to fix it."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_site

from generator.build import collect
from generator.config import load_config


def problems_of(root: Path) -> list[str]:
    _, problems = collect(load_config(root))
    return [str(p) for p in problems.sorted()]


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_fixture_site_is_clean(site_root):
    found = problems_of(site_root)
    assert not [p for p in found if ": error:" in p], found


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "---\ntitle: ok\nactors: [a, b\npublished: 2025-01-01\n---\nbody\n",
            "content/dossiers/bad.md:4: error: bad YAML in front matter",
        ),
        (
            "---\npublished: 2025-01-01\n---\nbody\n",
            "content/dossiers/bad.md:2: error: missing required 'title'",
        ),
        (
            "---\ntitle: t\npublished: 2025-02-30\n---\n",
            "content/dossiers/bad.md:3: error: unparseable date in 'published'",
        ),
        (
            "---\ntitle: t\nevents:\n  - text: x\n    date: someday\n---\n",
            "content/dossiers/bad.md:5: error: unparseable date in 'date'",
        ),
        (
            "---\ntitle: t\n",
            "content/dossiers/bad.md:1: error: front matter opened with '---' is never closed",
        ),
        ("just text\n", "content/dossiers/bad.md:1: error: no front matter"),
        (
            "---\ntitle: t\nactors: [A]\nevents:\n  - text: x\n    date: 2020\n    actors: [B]\n---\n",
            "content/dossiers/bad.md:7: error: event actor 'B' is not in the dossier's 'actors' list",
        ),
        ("---\ntitle: [1, 2]\n---\n", "content/dossiers/bad.md:2: error: 'title' must be text"),
    ],
)
def test_dossier_messages_name_file_and_line(site_root, text, expected):
    write(site_root, "content/dossiers/bad.md", text)
    found = problems_of(site_root)
    assert any(p.startswith(expected) for p in found), found


def test_alias_claimed_by_two_actors(site_root):
    write(
        site_root, "content/actors/other.md", "---\nname: Other Person\naliases:\n  - Putin\n---\n"
    )
    found = problems_of(site_root)
    assert any(
        p.startswith("content/actors/vladimir-putin.md")
        or p.startswith("content/actors/other.md:4")
        for p in found
        if "alias 'Putin' is claimed by two actors" in p
    ), found


def test_duplicate_dossier_slugs(site_root):
    write(site_root, "content/dossiers/Invasion.md", "---\ntitle: Same slug\n---\n")
    found = problems_of(site_root)
    assert any("duplicate slug 'invasion'" in p for p in found), found


def test_hand_written_event_needs_sources_and_date(site_root):
    write(site_root, "content/events/bad.md", "---\ntext: Something happened.\n---\n")
    found = problems_of(site_root)
    assert any(p.startswith("content/events/bad.md") and "needs a 'date'" in p for p in found)
    assert any(p.startswith("content/events/bad.md") and "needs 'sources'" in p for p in found)


def test_bad_actor_kind(site_root):
    write(site_root, "content/actors/x.md", "---\nname: X\nkind: robot\n---\n")
    found = problems_of(site_root)
    assert any(p.startswith("content/actors/x.md:3: error: kind must be one of") for p in found)


def test_relative_date_resolves_once_published_is_filled_in(site_root):
    path = site_root / "content/dossiers/undated-report.md"
    site, _ = collect(load_config(site_root))
    assert [e.id for e in site.undated] == ["e-undated"]
    path.write_text(path.read_text().replace("published: null", "published: 2025-12-20"))
    site, _ = collect(load_config(site_root))
    event = next(e for e in site.events if e.id == "e-undated")
    assert str(event.date) == "2025-12-19"  # the Friday before Saturday 20 December


def test_new_md_proposals_are_not_loaded(site_root):
    write(site_root, "content/dossiers/invasion.new.md", "---\ntitle: proposal\n---\n")
    site, problems = collect(load_config(site_root))
    assert "proposal" not in [d.title for d in site.dossiers]
    assert not problems.errors


def test_headline_event_takes_the_publication_date_once_known(site_root):
    write(
        site_root,
        "content/dossiers/late.md",
        "---\ntitle: Late\npublished: null\nevents:\n  - text: Late\n    date: null\n    headline: true\n---\n",
    )
    site, _ = collect(load_config(site_root))
    assert "Late" in [e.text for e in site.undated]
    path = site_root / "content/dossiers/late.md"
    path.write_text(path.read_text().replace("published: null", "published: 2024-05"))
    site, _ = collect(load_config(site_root))
    assert [str(e.date) for e in site.events if e.text == "Late"] == ["2024-05"]


# -- the quick YAML constructor gives what PyYAML's gives -------------------------------------

YAML_CASES = [
    "",
    "# only a comment\n",
    "title: plain\nn: 3\nx: 1.5\nok: yes\nno_value:\nnull_word: ~\n",
    "hex: 0x1F\noct: 0o17\nold_oct: 017\nsep: 1_000\nsexagesimal: 1:30\nbig: 6.8523015e+5\n",
    "inf: .inf\nnan_text: .NaN\nneg: -.inf\nbools: [on, Off, TRUE, n, y]\n",
    "date: 2024-06-19\nwhen: 2024-06\nstamp: 2001-12-14t21:59:43.10-05:00\n",
    "quoted: '3'\ndouble: \"4\"\nblock: |\n  two\n  lines\nfolded: >\n  one\n  line\n",
    "events:\n  - date: '2024'\n    actors: [A, B]\n    text: It happened.\n  - {date: 2023, text: x}\n",
    "1: one\n2.5: float key\nnull: null key\ntrue: bool key\n",
    "dup: 1\ndup: 2\n",
    "tagged: !!str 12\nint: !!int '7'\nfloat: !!float '2'\nnothing: !!null ''\n",
    "bin: !!binary aGVsbG8=\n",
    "set: !!set {a, b}\n",
    "pairs: !!omap [a: 1, b: 2]\n",
    "stamp: !!timestamp 2024-01-02\n",
    "custom: !thing x\n",
    "base: &b {a: 1}\nother:\n  <<: *b\n  c: 2\n",
    "same: &x [1, 2]\nagain: *x\n",
    "loop: &l [*l]\n",
    "? [a, b]\n: complex key\n",
    "? {a: 1}\n: mapping key\n",
    "wrong: !!str {a: 1}\n",
    "wrong: !!map [1, 2]\n",
    "wrong: !!seq {a: 1}\n",
    "- a list\n- at the top\n",
    "just text\n",
    "key: [unclosed\n",
    "a: b: c\n",
    "tab:\t'x'\n",
    "ampersand: AT&T and Q&A\n",
    "url: https://example.com/a?b=1&c=2#d\n",
    "empty: ''\nnothing:\ntilde: ~\nnull: null\nNull: Null\n",
    "bools: [yes, No, on, OFF, true, False, y, n]\n",
    "ints: [0, -1, +2, 0x1F, 0o17, 0b101, 1_000, 012, '3', \"4\"]\n",
    "floats: [1.5, -.5, .inf, -.Inf, .nan, 1e3, 6.02e+23, 1_0.5]\n",
    "dates: [2024-06-01, 2024-06, June 2024, 2001-12-14t21:59:43.10-05:00]\n",
    "odd: [<<, =, '!', '&x', '*y', -, +, ., 0., -0, 08, 1:20]\n",
    "? null\n: key\n? 1\n: one\n? true\n: yes\n",
    "block: |\n  1\nfolded: >\n  true\nquoted: 'null'\n",
]


def _loaded(load, text):
    """What loading gives: the value with its types, or the error's type and message."""
    import yaml

    try:
        value = load(text)
    except yaml.YAMLError as exc:
        return ("error", type(exc).__name__, str(exc))

    def typed(v):
        if isinstance(v, dict):
            return {typed(k): typed(x) for k, x in v.items()}
        if isinstance(v, list):
            return [typed(x) for x in v]
        if isinstance(v, float) and v != v:
            return ("nan",)
        return (type(v).__name__, v) if not isinstance(v, (set, tuple)) else v

    try:
        return typed(value)
    except (TypeError, RecursionError):  # a mapping or list as a key; a list in itself
        return repr(value)


def _stock_load(text):
    """PyYAML's loader as it comes (the C one if built), with ``_LOADER``'s resolvers
    (dates left as text) but its own way of choosing among them."""
    import yaml

    from generator.content import _LOADER

    class Stock(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        yaml_implicit_resolvers = _LOADER.yaml_implicit_resolvers

    assert Stock.resolve is yaml.resolver.BaseResolver.resolve
    return yaml.load(text, Loader=Stock)


@pytest.mark.parametrize("text", YAML_CASES)
def test_quick_yaml_matches_pyyaml(text):
    from generator.content import load_yaml

    assert _loaded(load_yaml, text) == _loaded(_stock_load, text)


def test_quick_yaml_matches_pyyaml_on_real_front_matter(site_root, tmp_path):
    """Every content file of the test site and of a generated one (the benchmarks')."""

    from generator.content import load_yaml, split_document

    make_site(tmp_path / "made", 60)
    roots = [site_root, tmp_path / "made"]
    files = [f for root in roots for f in sorted((root / "content").rglob("*.md"))]
    assert len(files) > 60
    for file in files:
        fm, _, offset = split_document(file.read_text(encoding="utf-8"), str(file))
        if offset:
            assert load_yaml(fm) == _stock_load(fm), file
