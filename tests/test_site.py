"""The site graph: one actor per person whatever the spelling, and slugs that never collide."""

from __future__ import annotations

import pytest

from generator.build import collect
from generator.config import load_config


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The site of a generated corpus of 300 dossiers (``benchmarks/make_site.py``), with
    dates of every precision, read and assembled once for the tests that need one."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
    from make_site import make_site

    root = tmp_path_factory.mktemp("generated") / "big"
    make_site(root, 300)
    site, _ = collect(load_config(root))
    return site


def test_aliases_and_accents_make_one_actor(site_root):
    site, problems = collect(load_config(site_root))
    names = [a.name for a in site.actors]
    assert "Vladimir Putin" in names and "Putin" not in names
    assert names.count("Volodymyr Zelensky") == 1 and "Volodymyr Zelenský" not in names
    putin = site.actor_by_name["Vladimir Putin"]
    profile = site.actor_profiles[putin.slug]
    assert [e.text for e in profile.events] == [
        "Russia annexes Crimea.",  # hand-written event
        "Russia launches its full-scale invasion of Ukraine.",
        "Putin sets out demands, including that Ukraine abandon NATO ambitions.",  # as "Putin"
    ]
    rubio = site.actor_profiles[site.actor_by_name["Marco Rubio"].slug]
    assert [q.speaker for q in rubio.quotes] == ["Marco Rubio"]  # quoted as "Rubio"


def test_slug_collision_gets_distinct_pages_and_a_warning(site_root):
    (site_root / "content/actors/jose.md").write_text("---\nname: José\n---\n")
    dossier = site_root / "content/dossiers/invasion.md"
    text = dossier.read_text().replace(
        "actors: [Vladimir Putin]", "actors: [Vladimir Putin, Jose!]", 1
    )
    dossier.write_text(text)
    site, problems = collect(load_config(site_root))
    slugs = {a.name: a.slug for a in site.actors}
    assert slugs["José"] == "jose" and slugs["Jose!"] == "jose-2"
    assert any("share the slug 'jose'" in str(w) for w in problems.warnings)


def test_cooccurrence_counts_dossiers_together(site_root):
    site, _ = collect(load_config(site_root))
    putin = site.actor_profiles[site.actor_by_name["Vladimir Putin"].slug]
    together = {a.name: n for a, n in putin.actors}
    assert together["Marco Rubio"] == 1  # one dossier names both
    places = {p.name: n for p, n in putin.locations}
    assert places["Ukraine"] == 2  # the invasion dossier and the Miami dossier


def test_timeline_order_puts_month_after_its_days(site_root):
    site, _ = collect(load_config(site_root))
    order = [str(e.date) for e in site.events]
    assert order.index("2022-02-24") < order.index("2022-02")
    assert order == sorted(order, key=lambda s: order.index(s))
    assert order[-1] == "2026~"


def test_strip_bars_with_year_only_and_month_events_in_one_year():
    from generator.dates import When
    from generator.model import Event
    from generator.pages import month_counts

    events = [
        Event(id=str(i), date=When.parse(d), text="x")
        for i, d in enumerate(["2024", "2024-03", "2024-03-02", "2024-05"])
    ]
    events.sort(key=lambda e: e.date.sort_key())  # in timeline order, as the site keeps them
    bars = month_counts(events)  # a year-only date spans the year: the axis covers it
    assert bars[0] == (2024, 1, 0) and bars[2] == (2024, 3, 2) and bars[4] == (2024, 5, 1)
    assert len(bars) == 13 and bars[-1] == (2024, None, 1)


def test_grouping_by_period_by_bisection_matches_reading_every_event(generated):
    """``group_by_period`` and ``event_years`` jump through the events in timeline order;
    on a generated site with every precision they give what reading each event gives."""
    from generator.site import event_years, group_by_period

    site = generated
    years: dict = {}
    for e in site.events:
        years.setdefault(e.date.year, {}).setdefault(e.date.month, []).append(e)
    expected = [
        (year, sorted(months.items(), key=lambda kv: kv[0] or 13))
        for year, months in sorted(years.items())
    ]
    assert group_by_period(site.events) == expected
    assert event_years(site.events) == sorted(years)
    assert any(m is None for _, months in expected for m, _ in months)  # year-only events too
    assert len(expected) > 3


def test_strip_bars_of_every_profile_match_counting_each_event(generated):
    """``month_counts`` counts by year, not by month, when its bars are years; on a
    generated site every actor's and place's bars are those counting each event gives."""
    from collections import Counter

    from generator.pages import month_bars, month_counts
    from generator.site import by_year

    site = generated
    profiles = [*site.actor_profiles.values(), *site.location_profiles.values()]
    by_years = set()
    for profile in profiles:
        events = profile.events
        expected = month_bars(Counter((e.date.year, e.date.month) for e in events))
        assert month_counts(events) == expected
        assert month_counts(events, by_year(events)) == expected
        by_years.add(all(month is None for _, month, _ in expected))
    assert by_years == {True, False}  # bars by year and bars by month both checked
    assert month_counts(site.events) == month_bars(
        Counter((e.date.year, e.date.month) for e in site.events)
    )


def test_fold_strips_accents_and_curly_quotes_and_leaves_ascii_as_it_is():
    from generator.names import fold, name_key

    assert fold("Zelenský’s ‘aide’") == "Zelensky's 'aide'"
    assert fold("Plain O'Brien \t x") == "Plain O'Brien \t x"
    assert name_key("  Volodymyr   ZELENSKÝ ") == name_key("volodymyr zelensky")
