"""Assemble the site graph: one actor per person whatever the spelling, slugs without
collisions, the chronology, and who appears with whom, where.

Pure: takes what ``content.py`` read, returns a ``Site``; problems go to the collector.
"""

from __future__ import annotations

import bisect
import copy
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields, replace
from typing import Any

from .dates import When
from .errors import Problems
from .model import Actor, Dossier, Event, Location, Quote
from .names import name_key, slugify


class Registry:
    """Canonical entities by every name they go by (case- and accent-insensitive)."""

    def __init__(self, make, label: str):
        self.make = make  # name -> new implicit entity
        self.label = label
        self.by_key: dict[str, object] = {}
        self.entities: list = []
        self._implicit: dict[str, Counter] = defaultdict(Counter)

    def add_file(self, entity, problems: Problems) -> None:
        """An entity described by a file; its name and aliases become its keys."""
        owner = self.by_key.get(name_key(entity.name))
        if owner is not None:
            problems.error(
                entity.path, f"{self.label} {entity.name!r} is already defined in {owner.path}", 1
            )
            return
        self.entities.append(entity)
        for name in [entity.name, *entity.aliases]:
            key = name_key(name)
            owner = self.by_key.get(key)
            if owner is not None and owner is not entity:
                problems.error(
                    entity.path,
                    f"alias {name!r} is claimed by two {self.label}s: {owner.name!r} "
                    f"({owner.path}) and {entity.name!r}",
                    _alias_line(entity, name),
                )
                continue
            self.by_key[key] = entity

    def mention(self, name: str) -> None:
        """Count a spelling of a name no file describes, to pick its display form later."""
        key = name_key(name)
        if key and key not in self.by_key:
            self._implicit[key][name] += 1

    def settle(self) -> None:
        """Create implicit entities, each under its most frequent spelling."""
        for key in sorted(self._implicit):
            if key in self.by_key:
                continue
            spellings = self._implicit[key]
            name = sorted(spellings, key=lambda s: (-spellings[s], s))[0]
            entity = self.make(name)
            self.entities.append(entity)
            self.by_key[key] = entity

    def get(self, name: str):
        return self.by_key.get(name_key(name))

    def canonical(self, names: list[str]) -> list[str]:
        out: list[str] = []
        for name in names:
            entity = self.get(name)
            if entity is not None and entity.name not in out:
                out.append(entity.name)
        return out


def _alias_line(entity, alias: str) -> int | None:
    """Best-effort line of an alias in its file: the front matter is short, so scan it."""
    try:
        with open(entity.path, encoding="utf-8") as fh:
            for number, line in enumerate(fh, 1):
                if alias in line and number > 1:
                    return number
    except OSError:
        pass
    return None


def assign_slugs(entities: list, label: str, problems: Problems) -> dict[str, object]:
    """Slugs from file names (or names); a collision gets ``-2``, ``-3``… and a warning."""
    by_slug: dict[str, object] = {}
    ordered = sorted(
        entities, key=lambda e: (e.path is None, e.path or "", name_key(e.name), e.name)
    )
    for entity in ordered:
        base = slugify(entity.path.rsplit("/", 1)[-1][:-3] if entity.path else entity.name, label)
        slug, n = base, 1
        while slug in by_slug:
            n += 1
            slug = f"{base}-{n}"
        if slug != base:
            other = by_slug[base]
            problems.warn(
                entity.path or (other.path or "content"),
                f"{label}s {other.name!r} and {entity.name!r} share the slug {base!r}; "
                f"{entity.name!r} gets {slug!r}",
            )
        entity.slug = slug
        by_slug[slug] = entity
    return by_slug


@dataclass
class Profile:
    """What one actor's or place's page shows, gathered once."""

    mentions: int = 0
    events: list[Event] = field(default_factory=list)
    dossiers: list[Dossier] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    actors: list[tuple[Actor, int]] = field(default_factory=list)
    locations: list[tuple[Location, int]] = field(default_factory=list)


@dataclass
class Site:
    dossiers: list[Dossier]
    actors: list[Actor]
    locations: list[Location]
    events: list[Event]  # dated, in chronological order
    undated: list[Event]
    quotes: list[Quote]
    actor_profiles: dict[str, Profile]
    location_profiles: dict[str, Profile]
    tags: dict[str, list[Dossier]]
    actor_by_name: dict[str, Actor]
    location_by_name: dict[str, Location]
    dossier_by_slug: dict[str, Dossier]
    tally: Tally | None = field(default=None, repr=False, compare=False)


@dataclass
class Tally:
    """What ``assemble`` counted on the way, kept so one dossier's edit can be applied to
    the site without assembling it again (``patch_dossier``)."""

    actors: Registry
    places: Registry
    mentions: dict[str, tuple[list[str], list[str]]]  # dossier path -> names as written
    pair_actors: dict[str, Counter]
    actor_places: dict[str, Counter]
    place_actors: dict[str, Counter]
    place_places: dict[str, Counter]


def event_order(event: Event, dossiers: dict[str, Dossier]) -> tuple:
    dossier = dossiers.get(event.dossier or "")
    published = dossier.published.sort_key() if dossier and dossier.published else ()
    return (event.date.sort_key() if event.date else (), published, event.dossier or "", event.id)


def assemble(
    dossiers: list[Dossier],
    actor_files: list[Actor],
    location_files: list[Location],
    hand_events: list[Event],
    problems: Problems,
    locate: Callable[[str, tuple], int | None] = lambda path, keys: None,
) -> Site:
    """``locate(path, keys)`` finds the line of a front-matter key, for messages."""
    actors = Registry(lambda n: Actor(name=n, kind=""), "actor")
    places = Registry(lambda n: Location(name=n, kind="other"), "location")
    for actor in actor_files:
        if actor.name:
            actors.add_file(actor, problems)
    for place in location_files:
        if place.name:
            places.add_file(place, problems)
    mentions = {}
    for dossier in dossiers:
        said = mentions[dossier.path] = _mentions(dossier)
        for name in said[0]:
            actors.mention(name)
        for name in said[1]:
            places.mention(name)
    for event in hand_events:
        for name in event.actors:
            actors.mention(name)
        for name in event.locations:
            places.mention(name)
    actors.settle()
    places.settle()

    _check_dossier_slugs(dossiers, problems)
    dossiers = sorted(dossiers, key=_dossier_order)
    by_slug = {d.slug: d for d in dossiers}
    for dossier in dossiers:
        _check_event_names(dossier, actors, places, problems, locate)
        _canonical_dossier(dossier, actors, places)
    hand = [_canonical_event(e, actors, places) for e in hand_events]

    actor_slugs = assign_slugs(actors.entities, "actor", problems)
    place_slugs = assign_slugs(places.entities, "location", problems)
    all_events = [e for d in dossiers for e in d.events] + hand
    dated = sorted((e for e in all_events if e.date), key=lambda e: event_order(e, by_slug))
    undated = [e for e in all_events if not e.date]
    quotes = [q for d in dossiers for q in d.quotes]

    actor_by_name = {a.name: a for a in actors.entities}
    place_by_name = {p.name: p for p in places.entities}
    actor_profiles = {slug: Profile() for slug in actor_slugs}
    place_profiles = {slug: Profile() for slug in place_slugs}
    counters = _profile(
        dossiers, dated, hand, quotes, actor_by_name, place_by_name, actor_profiles, place_profiles
    )

    tags: dict[str, list[Dossier]] = defaultdict(list)
    for dossier in dossiers:
        for tag in dossier.tags:
            tags[tag].append(dossier)
    return Site(
        dossiers=dossiers,
        actors=sorted(actors.entities, key=lambda a: (name_key(a.name), a.slug)),
        locations=sorted(places.entities, key=lambda p: (name_key(p.name), p.slug)),
        events=dated,
        undated=undated,
        quotes=quotes,
        actor_profiles=actor_profiles,
        location_profiles=place_profiles,
        tags=dict(sorted(tags.items(), key=lambda kv: name_key(kv[0]))),
        actor_by_name=actor_by_name,
        location_by_name=place_by_name,
        dossier_by_slug=by_slug,
        tally=Tally(actors, places, mentions, *counters),
    )


def _spot(items: list, item: Any, key: tuple, order: Callable) -> int | None:
    """Where ``item`` is in ``items`` (kept in ``order``; ``key`` its order): looked for
    from where bisection puts its key on; None when it is not there or after."""
    at = bisect.bisect_left(items, key, key=order)
    while at < len(items) and items[at] is not item:
        at += 1
    return at if at < len(items) else None


def _profiles_of(site: Site, event: Event) -> Iterator[Profile]:
    """The profiles whose events hold ``event`` (those of its actors and places)."""
    for names, by_name, profiles in (
        (event.actors, site.actor_by_name, site.actor_profiles),
        (event.locations, site.location_by_name, site.location_profiles),
    ):
        for name in names:
            entity = by_name.get(name)
            prof = profiles.get(entity.slug) if entity is not None else None
            if prof is not None:
                yield prof


def _without(items: list, spots: list[int]) -> list:
    """A copy of ``items`` without those at ``spots``, made of slices (C-level copies)."""
    out: list = []
    start = 0
    for at in sorted(set(spots)):
        out += items[start:at]
        start = at + 1
    out += items[start:]
    return out


def _mentions(dossier: Dossier) -> tuple[list[str], list[str]]:
    """The actor and place names a dossier mentions, as written, in ``assemble``'s order."""
    actors = [*dossier.actors, *(q.speaker for q in dossier.quotes if q.speaker)]
    places = list(dossier.locations)
    for event in dossier.events:
        actors += event.actors
        places += event.locations
    return actors, places


def _dossier_order(dossier: Dossier) -> tuple:
    """Newest first; undated last; then by title."""
    key = dossier.published.sort_key() if dossier.published else (0,)
    return (
        dossier.published is None,
        tuple(-x if isinstance(x, int) else x for x in key[:3]),
        name_key(dossier.title),
        dossier.slug,
    )


def _check_dossier_slugs(dossiers: list[Dossier], problems: Problems) -> None:
    seen: dict[str, Dossier] = {}
    for dossier in sorted(dossiers, key=lambda d: d.path):
        if dossier.slug in seen:
            problems.error(
                dossier.path,
                f"duplicate slug {dossier.slug!r}: {seen[dossier.slug].path} has it already",
                hint="rename one of the files",
            )
        else:
            seen[dossier.slug] = dossier


def _check_event_names(
    dossier: Dossier, actors: Registry, places: Registry, problems: Problems, locate
) -> None:
    listed = {
        "actor": set(actors.canonical(dossier.actors)),
        "location": set(places.canonical(dossier.locations)),
    }
    for event in dossier.events:
        for label, names, registry in (
            ("actor", event.actors, actors),
            ("location", event.locations, places),
        ):
            for name in names:
                entity = registry.get(name)
                if entity is None or entity.name not in listed[label]:
                    problems.error(
                        dossier.path,
                        f"event {label} {name!r} is not in the dossier's '{label}s' list",
                        locate(dossier.path, ("events", event.index, f"{label}s")),
                        hint=f"add it to '{label}s' or fix the spelling",
                    )


def _canonical_dossier(dossier: Dossier, actors: Registry, places: Registry) -> None:
    """Every name in the dossier as its entity's own (in place: a dossier as read is a
    copy of the cached one)."""
    dossier.actors = actors.canonical(dossier.actors)
    dossier.locations = places.canonical(dossier.locations)
    dossier.events = [_canonical_event(e, actors, places) for e in dossier.events]
    dossier.quotes = [
        replace(q, speaker=actors.canonical([q.speaker])[0]) if q.speaker else q
        for q in dossier.quotes
    ]


def _canonical_event(event: Event, actors: Registry, places: Registry) -> Event:
    """A copy with canonical names: each assembled site has its own event objects (see
    ``Event.dep_tokens``). Copied by hand: ``dataclasses.replace`` runs every field
    through ``__init__``, and this runs for every event of every full build."""
    new = object.__new__(Event)
    new.__dict__.update(event.__dict__)
    new.actors = actors.canonical(event.actors)
    new.locations = places.canonical(event.locations)
    new.dep_tokens = None
    return new


def _profile(
    dossiers, dated, hand, quotes, actor_by_name, place_by_name, actor_profiles, place_profiles
) -> None:
    def a(name):
        return actor_profiles[actor_by_name[name].slug]

    def p(name):
        return place_profiles[place_by_name[name].slug]

    documents = [(d, d.actors, d.locations) for d in dossiers]
    documents += [(None, e.actors, e.locations) for e in hand]
    # who is named with whom: every list a name is in, counted once at the end (a name is
    # in each of its lists once, canonical names being unique in a list; then dropped)
    seen: list[defaultdict[str, list[str]]] = [defaultdict(list) for _ in range(4)]
    with_actors, actors_places, places_actors, with_places = seen
    for dossier, names, places in documents:
        for name in names:
            prof = a(name)
            prof.mentions += 1
            if dossier is not None:
                prof.dossiers.append(dossier)
            with_actors[name] += names
            actors_places[name] += places
        for place in places:
            prof = p(place)
            prof.mentions += 1
            if dossier is not None:
                prof.dossiers.append(dossier)
            places_actors[place] += names
            with_places[place] += places
    pair_actors, actor_places, place_actors, place_places = counted = [
        defaultdict(Counter, {key: Counter(names) for key, names in lists.items()})
        for lists in seen
    ]
    for pairs in (pair_actors, place_places):
        for key, counter in pairs.items():
            del counter[key]
    del counted
    for event in dated:
        for name in event.actors:
            a(name).events.append(event)
        for place in event.locations:
            p(place).events.append(event)
    for quote in quotes:
        if quote.speaker:
            prof = a(quote.speaker)
            prof.quotes.append(quote)
            prof.mentions += 1

    for name, actor in actor_by_name.items():
        prof = actor_profiles[actor.slug]
        prof.actors = _top(pair_actors[name], actor_by_name)
        prof.locations = _top(actor_places[name], place_by_name)
    for name, place in place_by_name.items():
        prof = place_profiles[place.slug]
        prof.actors = _top(place_actors[name], actor_by_name)
        prof.locations = _top(place_places[name], place_by_name)
    return pair_actors, actor_places, place_actors, place_places


def _top(counter: Counter, lookup) -> list:
    """Who is named with someone, most often first. (A name no longer anyone's is still
    counted while ``add_aliases``'s merge applies its dossiers again one by one.)"""
    ranked = sorted(counter.items(), key=lambda kv: (-kv[1], name_key(kv[0])))
    return [(lookup[name], count) for name, count in ranked if name in lookup]


def _runs(events: list[Event], key) -> Iterator[tuple[Any, int, int]]:
    """(key, start, end) of each run of events with one ``key`` value: ``events`` in
    timeline order (as ``site.events`` is kept) and ``key`` a prefix of that order, so each
    run is found by bisection, not by reading every event (this runs for every edit)."""
    start = 0
    while start < len(events):
        value = key(events[start])
        end = bisect.bisect_right(events, value, lo=start, key=key)
        yield value, start, end
        start = end


def _year_month(event: Event) -> tuple[int, int]:
    when: When = event.date  # type: ignore[assignment]
    return when.year, when.month or 13  # year-only events after December, as they sort


def group_by_period(events: list[Event]) -> list[tuple[int, list[tuple[int | None, list[Event]]]]]:
    """[(year, [(month or None, events)])] of events in timeline order (``site.events``);
    None = only the year is known."""
    years: list[tuple[int, list[tuple[int | None, list[Event]]]]] = []
    for (year, month), start, end in _runs(events, _year_month):
        if not years or years[-1][0] != year:
            years.append((year, []))
        years[-1][1].append((None if month == 13 else month, events[start:end]))
    return years


def event_years(events: list[Event]) -> list[int]:
    """The years of events in timeline order (``site.events``), each once, in order."""
    return [year for year, _, _ in _runs(events, _year)]


def by_year(events: list[Event]) -> list[tuple[int, list[Event]]]:
    """(year, its events) of dated events in timeline order, by bisection (``_runs``)."""
    return [(year, events[start:end]) for year, start, end in _runs(events, _year)]


def _year(event: Event) -> int:
    return event.date.year  # type: ignore[union-attr]


def by_published_year(dossiers: list[Dossier]) -> tuple[list[tuple[int, list[Dossier]]], list]:
    """(year, its dossiers) of dossiers in the site's order (newest first, undated last),
    by bisection; and the undated ones."""
    runs = [(key, dossiers[start:end]) for key, start, end in _runs(dossiers, _published_key)]
    years = [(-key[1], run) for key, run in runs if not key[0]]
    undated = [d for key, run in runs if key[0] for d in run]
    return years, undated


def _published_key(dossier: Dossier) -> tuple[bool, int]:
    published = dossier.published
    return (published is None, -published.year if published is not None else 0)


def neighbours(years: list[int]) -> list[tuple[int | None, int | None]]:
    """(the year before, the year after) each of ``years`` (sorted), None at the ends."""
    return list(zip([None, *years], [*years[1:], None], strict=False))[: len(years)]


@dataclass
class Patched:
    """What ``patch_dossier`` changed: the pages showing these may need planning again."""

    actors: set[str] = field(default_factory=set)  # canonical names, before and after
    places: set[str] = field(default_factory=set)
    years: set[int | None] = field(default_factory=set)  # of its events, before and after
    dossiers: set[str] = field(default_factory=set)  # slugs
    tags: set[str] = field(default_factory=set)  # of it and its events, before and after
    dossier: Dossier | None = None  # the object changed in place, added or taken out
    rows: list[tuple[str, str | None, str | None]] = field(default_factory=list)  # its
    # ``listed_row`` before and after (None: not in the list), when it changed
    new: bool = False  # an actor or place appeared (nobody named it before)
    gone: set[tuple[str, str]] = field(default_factory=set)  # (kind, slug) nobody names now


def _recount(registry: Registry, before: list[str], after: list[str]) -> tuple | None:
    """Move a dossier's mentions of implicit entities (no file describes them) from
    ``before`` to ``after``, as ``mention`` and ``settle`` count them: (the entities this
    creates, the entities nobody mentions any more, taken out); None when it would rename
    one (its most frequent spelling, which names it, changed)."""
    delta = Counter(after)
    delta.subtract(before)
    touched = set()
    for name, change in delta.items():
        key = name_key(name)
        if not change or not key:
            continue
        if key in registry._implicit or key not in registry.by_key:
            counts = registry._implicit[key]
            counts[name] += change
            if counts[name] <= 0:
                del counts[name]
            touched.add(key)
    created, gone = [], []
    for key in sorted(touched):
        counts = registry._implicit[key]
        entity = registry.by_key.get(key)
        if not counts:
            del registry._implicit[key]
            if entity is not None:
                del registry.by_key[key]
                registry.entities.remove(entity)
                gone.append(entity)
            continue
        spelling = min(counts, key=lambda s: (-counts[s], s))
        if entity is None:
            entity = registry.by_key[key] = registry.make(spelling)
            registry.entities.append(entity)
            created.append(entity)
        elif spelling != entity.name:
            return None
    return created, gone


def _numbered_near(slug: str, taken: set[str]) -> bool:
    """Whether ``slug`` is among numbered slugs (``x``, ``x-2``, ``x-3``…): they have it as
    their base, or it looks like one of them (``assign_slugs`` numbers names that share a
    slug in an order a patch does not keep: one that comes or goes may move the others)."""
    if any(s.startswith(f"{slug}-") and s[len(slug) + 1 :].isdigit() for s in taken):
        return True
    base, _, number = slug.rpartition("-")
    if not base or not number.isdigit():
        return False
    return base in taken or any(
        s != slug and s.startswith(f"{base}-") and s[len(base) + 1 :].isdigit() for s in taken
    )


def _enter(site: Site, created: list, gone: list, kind: str) -> bool:
    """Give the site the entities ``_recount`` created (each its slug, an empty profile)
    and take out those it took out, as ``assemble`` would have; False when a slug would
    then differ from what ``assign_slugs`` gives (a slug shared, or freed for another)."""
    entities = site.actors if kind == "actor" else site.locations
    by_name = site.actor_by_name if kind == "actor" else site.location_by_name
    profiles = site.actor_profiles if kind == "actor" else site.location_profiles
    taken = set(profiles)
    for entity in gone:
        if entity.slug != slugify(entity.name, kind) or _numbered_near(entity.slug, taken):
            return False
    for entity in created:
        entity.slug = slugify(entity.name, kind)
        if entity.slug in taken:  # (numbered or not: one free now is its own anyway)
            return False
        taken.add(entity.slug)
    for entity in gone:
        entities.remove(entity)
        del by_name[entity.name]
        del profiles[entity.slug]
    for entity in created:
        bisect.insort(entities, entity, key=lambda e: (name_key(e.name), e.slug))
        by_name[entity.name] = entity
        profiles[entity.slug] = Profile()
    return True


def add_entity_file(site: Site, record: Actor | Location) -> tuple[Any, set[str]] | None:
    """An actor's or place's file added, applied to the site in place as ``assemble``
    would have read it: the entity it describes is new (nobody names it or any of its
    aliases yet), or one no file described, named exactly as the file names it (it then
    gains the file's kind, role, biography and aliases). Returns the site's entity and
    the slugs of the dossiers whose name links change (those naming it, when it brings
    aliases); None when the file is beyond that: a name of it is another entity's (who is
    who would change), or its slug is not what assembly would give it."""
    tally = site.tally
    if tally is None or not record.name:
        return None
    actor = isinstance(record, Actor)
    kind = "actor" if actor else "location"
    registry = tally.actors if actor else tally.places
    entities = site.actors if actor else site.locations
    by_name = site.actor_by_name if actor else site.location_by_name
    profiles = site.actor_profiles if actor else site.location_profiles
    own = name_key(record.name)
    keys = [name_key(n) for n in (record.name, *record.aliases)]
    if not all(keys):
        return None  # a name of marks alone: kept under "" by assembly, as a patch does not
    slug = slugify((record.path or "").rsplit("/", 1)[-1][:-3], kind)
    named = registry.by_key.get(own)
    if named is not None and (
        own not in registry._implicit or named.name != record.name or named.slug != slug
    ):
        return None  # another file's, or named otherwise, or its page would move
    for key in keys:
        owner = registry.by_key.get(key)
        if owner is not None and owner is not named:
            return None
    if named is None and slug in profiles:
        return None
    if _numbered_near(slug, set(profiles)):
        return None
    entity = named if named is not None else copy.copy(record)
    for f in fields(record):
        if f.name != "slug":
            setattr(entity, f.name, getattr(record, f.name))
    entity.slug = slug
    linked: set[str] = set()
    if named is None:
        registry.entities.append(entity)
        bisect.insort(entities, entity, key=lambda e: (name_key(e.name), e.slug))
        by_name[entity.name] = entity
        profiles[slug] = Profile()
    else:
        del registry._implicit[own]  # counted no more: a file names it
        if record.aliases:
            linked = {d.slug for d in profiles[slug].dossiers}
    for key in keys:
        registry.by_key[key] = entity
    return entity, linked


def add_aliases(site: Site, entity, record) -> set[str] | None:
    """An actor's or place's file given new aliases (its name and the rest of them kept),
    applied to the site in place: an alias nobody else goes by is only another way to
    write it; one that names someone no file describes merges them into it (two
    spellings of one name, the commonest edit there is). Returns the paths of the
    dossiers to apply again (those naming the merged ones, whose names now read as
    this one's), after which the merged ones are gone; None when the change is beyond
    that (an alias dropped, or another file's, or a merged one named outside dossiers or
    among numbered slugs)."""
    tally = site.tally
    if tally is None:
        return None
    actor = isinstance(entity, Actor)
    registry = tally.actors if actor else tally.places
    by_name = site.actor_by_name if actor else site.location_by_name
    profiles = site.actor_profiles if actor else site.location_profiles
    entities = site.actors if actor else site.locations
    before = {name_key(n) for n in (entity.name, *entity.aliases)}
    after = {name_key(n) for n in (record.name, *record.aliases)}
    if not before <= after or not all(after):
        return None
    merged = []  # (key, entity): an implicit entity goes by its name's key alone
    for key in sorted(after - before):
        owner = registry.by_key.get(key)
        if owner is None:
            continue
        if key not in registry._implicit:
            return None  # another file's name
        profile = profiles[owner.slug]
        if any(e.dossier is None for e in profile.events):
            return None  # named by a hand-written event too
        if owner.slug != slugify(owner.name, "actor" if actor else "location"):
            return None
        if _numbered_near(owner.slug, set(profiles)):
            return None
        merged.append((key, owner))
    again = set()
    for key, owner in merged:
        profile = profiles.pop(owner.slug)
        again.update(d.path for d in profile.dossiers)
        again.update(
            site.dossier_by_slug[q.dossier].path
            for q in profile.quotes
            if q.dossier in site.dossier_by_slug
        )
        registry.entities.remove(owner)
        entities.remove(owner)
        del by_name[owner.name]
        del registry._implicit[key]  # (its key is the entity's now, below)
    entity.aliases = record.aliases
    for key in after:
        registry.by_key[key] = entity
    return again


def listed_row(d: Dossier) -> str:
    """What the list of all dossiers shows of one (see ``deps.dossier_list``); its place
    in the list follows from it too (``_dossier_order``)."""
    return repr((d.slug, d.title, str(d.published), d.source.publisher, len(d.events), d.summary))


def _bump(counter: Counter, names, sign: int) -> None:
    for name in names:
        counter[name] += sign
        if not counter[name]:
            del counter[name]


def patch_dossier(
    site: Site, new: Dossier | None, problems: Problems, path: str | None = None
) -> Patched | None:
    """Apply one dossier file's change to an assembled site in place, as ``assemble``
    would have built it from the changed files: ``new`` read again from the same file, a
    new file, or None when the file at ``path`` is gone. None (the site partly patched,
    so to be assembled afresh) when the change is beyond that: an actor or place renamed
    (its most frequent spelling changed) or given a slug another one's decides, the
    dossier's slug taken, or a problem in the dossier."""
    tally = site.tally
    if tally is None:
        return None
    path = new.path if new is not None else path
    if new is not None:
        old = site.dossier_by_slug.get(new.slug)
        if old is not None and old.path != new.path:
            return None  # its slug is another file's (or the file's own slug changed)
    else:
        old = next((d for d in site.dossiers if d.path == path), None)
    if old is None and new is None:
        return None
    if (old is not None) != (path in tally.mentions):
        return None
    actors, places = tally.actors, tally.places
    said = _mentions(new) if new is not None else ([], [])
    before = tally.mentions.get(path, ([], []))  # type: ignore[arg-type]
    counted = _recount(actors, before[0], said[0]), _recount(places, before[1], said[1])
    if None in counted:
        return None
    (new_actors, gone_actors), (new_places, gone_places) = counted  # type: ignore[misc]
    if not _enter(site, new_actors, gone_actors, "actor"):
        return None
    if not _enter(site, new_places, gone_places, "location"):
        return None
    if new is not None:
        local = Problems()
        _check_event_names(new, actors, places, local, lambda path, keys: None)
        if local.items:
            return None
        tally.mentions[path] = said  # type: ignore[index]
        _canonical_dossier(new, actors, places)
    else:
        del tally.mentions[path]  # type: ignore[arg-type]
    present = [d for d in (old, new) if d is not None]
    slug = present[0].slug
    rows = (listed_row(old) if old else None, listed_row(new) if new else None)
    done = Patched(dossiers={slug})
    if rows[0] != rows[1]:
        done.rows.append((slug, *rows))
    for d in present:
        done.actors.update(d.actors)
        done.actors.update(n for e in d.events for n in e.actors)
        done.actors.update(q.speaker for q in d.quotes if q.speaker)
        done.places.update(d.locations)
        done.places.update(n for e in d.events for n in e.locations)
        done.years.update(e.date.year if e.date else None for e in d.events)
        done.tags.update(d.tags)
        done.tags.update(t for e in d.events for t in e.tags)

    # co-occurrence: take the dossier's old names out, put the new ones in
    for d, sign in ((old, -1), (new, 1)):
        if d is None:
            continue
        for name in d.actors:
            _bump(tally.pair_actors[name], (n for n in d.actors if n != name), sign)
            _bump(tally.actor_places[name], d.locations, sign)
        for place in d.locations:
            _bump(tally.place_actors[place], d.actors, sign)
            _bump(tally.place_places[place], (x for x in d.locations if x != place), sign)

    # each list of the site is in an order (``_dossier_order``, ``event_order``): the
    # dossier and its events leave their places while their old keys still find them,
    # and come back at their new places, without reading every dossier and event
    by_slug = site.dossier_by_slug

    def order(e: Event) -> tuple:
        return event_order(e, by_slug)

    old_events = list(old.events) if old is not None else []
    leaving: dict[int, tuple[Profile, list[int]]] = {}  # a profile's events that go
    for event in old_events:
        if event.date:
            key = order(event)
            at = _spot(site.events, event, key, order)
            if at is None:
                return None  # not where its order puts it: assemble the site afresh
            del site.events[at]
            for prof in _profiles_of(site, event):
                at = _spot(prof.events, event, key, order)
                if at is None:
                    return None
                leaving.setdefault(id(prof), (prof, []))[1].append(at)
    for prof, spots in leaving.values():  # (an actor's thousands of events, each edit)
        prof.events = _without(prof.events, spots)
    if old is not None:
        at = next(i for i, d in enumerate(site.dossiers) if d is old)
        del site.dossiers[at]
    had_quotes = bool(old.quotes) if old is not None else False
    had_tags = bool(old.tags) if old is not None else False
    if old is not None and new is not None:
        # the dossier object stays (pages and lists hold it); what it holds is the edit's
        for f in fields(Dossier):
            setattr(old, f.name, getattr(new, f.name))
        dossier = old
    elif new is not None:
        dossier = by_slug[slug] = new
    else:
        dossier = old  # type: ignore[assignment]
        del by_slug[slug]
    if new is not None:
        bisect.insort(site.dossiers, dossier, key=_dossier_order)
        for event in dossier.events:
            if event.date:
                bisect.insort(site.events, event, key=order)
    shown = dossier.events if new is not None else []
    if any(not e.date for e in (*old_events, *shown)):
        hand_undated = [e for e in site.undated if e.dossier is None]
        site.undated[:] = [e for d in site.dossiers for e in d.events if not e.date] + hand_undated
    if had_quotes or (new is not None and dossier.quotes):
        site.quotes[:] = [q for d in site.dossiers for q in d.quotes]
    done.dossier = dossier
    if had_tags or (new is not None and dossier.tags):
        tags: dict[str, list[Dossier]] = defaultdict(list)
        for d in site.dossiers:
            for tag in d.tags:
                tags[tag].append(d)
        site.tags.clear()
        site.tags.update(sorted(tags.items(), key=lambda kv: name_key(kv[0])))

    quote_at: dict[int, int] = {}

    def refresh(prof: Profile, name: str, kind: str) -> None:
        names = "actors" if kind == "actor" else "locations"
        gone = sum(1 for d in prof.dossiers if d is dossier)
        prof.dossiers = [d for d in prof.dossiers if d is not dossier]  # (its events left)
        prof.mentions -= gone
        if new is not None and name in getattr(dossier, names):
            bisect.insort(prof.dossiers, dossier, key=_dossier_order)
            prof.mentions += 1
        for event in shown:
            if event.date and name in getattr(event, names):
                bisect.insort(prof.events, event, key=order)
        if kind == "actor":
            quotes = [q for q in prof.quotes if q.dossier != slug]
            prof.mentions -= len(prof.quotes) - len(quotes)
            mine = [q for q in dossier.quotes if q.speaker == name] if new is not None else []
            prof.mentions += len(mine)
            if mine or len(quotes) != len(prof.quotes):
                if not quote_at:
                    quote_at.update((id(q), i) for i, q in enumerate(site.quotes))
                prof.quotes = sorted(quotes + mine, key=lambda q: quote_at[id(q)])
            prof.actors = _top(tally.pair_actors[name], site.actor_by_name)
            prof.locations = _top(tally.actor_places[name], site.location_by_name)
        else:
            prof.actors = _top(tally.place_actors[name], site.actor_by_name)
            prof.locations = _top(tally.place_places[name], site.location_by_name)

    # names no longer anyone's (nobody names them now, or an alias took them over:
    # ``add_aliases``): no longer counted, nor refreshed
    for names, by_name, counted in (
        (done.actors, site.actor_by_name, (tally.pair_actors, tally.actor_places)),
        (done.places, site.location_by_name, (tally.place_actors, tally.place_places)),
    ):
        vanished = names - by_name.keys()
        for name in vanished:
            for counters in counted:
                counters.pop(name, None)
        names -= vanished
    done.gone = {("actor", e.slug) for e in gone_actors} | {
        ("location", e.slug) for e in gone_places
    }
    done.new = bool(new_actors or new_places)
    for name in done.actors:
        refresh(site.actor_profiles[site.actor_by_name[name].slug], name, "actor")
    for name in done.places:
        refresh(site.location_profiles[site.location_by_name[name].slug], name, "location")
    return done
