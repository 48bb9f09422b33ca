"""Which pages the site has, and what each one shows.

Each ``Page`` names its output path, its template and its context, plus the content files
it reads (``deps``), so a rebuild can tell which pages an edit touches.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from itertools import chain, compress, count, repeat
from operator import attrgetter, is_, or_

from . import routes
from .chunks import Chunks
from .config import Config
from .model import Event
from .names import name_key, slugify
from .site import Site, by_published_year, by_year, group_by_period, neighbours

LATEST = 10
LATEST_DOSSIERS = 50  # on the list of dossiers, once it has a page for each year
TOP = 12


@dataclass
class Page:
    path: str
    template: str
    context: dict
    deps: set[str] = field(default_factory=set)  # content paths it reads; "*" = everything


class Links:
    """Targets (site-root paths) for things a template links to; ``url()`` makes them relative."""

    def __init__(self, site: Site, split: bool):
        self.site = site
        self.split = split
        self.fragments: dict = {}  # rendered pieces shared by pages, for this build only
        self.store: dict = {}  # event fragments by what they show, kept across builds
        self.shown: dict = {}  # (id(event), depth) -> (event, fragment, …), while these links serve
        self.lines: dict = {}  # dossier lines by object, likewise (see ``dossier_fragment``)
        self.chunks = Chunks()  # long lists of those, in pieces, likewise
        self.splices: list | None = None  # lists left to put in the page being rendered

    def actor(self, name: str) -> str:
        return routes.actor(self.site.actor_by_name[name].slug)

    def location(self, name: str) -> str:
        return routes.location(self.site.location_by_name[name].slug)

    def dossier(self, slug: str) -> str:
        return routes.dossier(slug)

    def tag(self, tag: str) -> str:
        return tag_page(tag)

    def period(self, year: int, month: int | None = None) -> str:
        """A year or month heading on the timeline."""
        anchor = f"y{year}" + (f"-{month:02d}" if month else "")
        page = routes.timeline_year(year) if self.split else routes.TIMELINE
        return f"{page}#{anchor}"

    def event(self, event: Event) -> str:
        year = event.date.year if event.date else None
        page = routes.timeline_year(year) if (self.split and year) else routes.TIMELINE
        return f"{page}#{event.id}"


def links_of(pages: list[Page]) -> Links | None:
    """The ``Links`` the pages of one planning share (None without pages)."""
    links = pages[0].context.get("links") if pages else None
    return links if isinstance(links, Links) else None


def tag_page(tag: str) -> str:
    return routes.tag(slugify(tag, "tag"))


def period_counts(groups) -> Counter:
    """Events of each (year, month or None), from ``site.group_by_period``'s groups."""
    return Counter({(year, m): len(evs) for year, months in groups for m, evs in months})


def year_counts(groups) -> list[tuple[int, int]]:
    """(year, events) from ``site.group_by_period``'s groups."""
    return [(year, sum(len(events) for _, events in months)) for year, months in groups]


MAX_MONTH_BARS = 36


def month_counts(
    events: list[Event], years: list[tuple[int, list[Event]]] | None = None
) -> list[tuple[int, int | None, int]]:
    """Bars for the overview strip: (year, month or None, events), one per period, empty
    periods included so the strip is a true time axis. Months when the events span three
    years or less, else years. An event known only to its year counts in the year's bar.
    ``events``: dated, in timeline order (as ``site.events`` and profiles keep them);
    ``years``: their ``by_year``, when the caller has it. Bars by year are counted by
    year, not by month first (an actor's thousands of events, at each edit naming them)."""
    if not events:
        return []
    first, last = events[0].date.year, events[-1].date.year  # type: ignore[union-attr]
    if (last - first + 1) * 12 <= MAX_MONTH_BARS:
        return month_bars(period_counts(group_by_period(events)))
    sizes = {year: len(run) for year, run in (by_year(events) if years is None else years)}
    return [(year, None, sizes.get(year, 0)) for year in range(first, last + 1)]


def month_bars(counts: Counter) -> list[tuple[int, int | None, int]]:
    """``month_counts`` from the count of events of each (year, month or None)."""
    if not counts:
        return []
    first, last = min(y for y, _ in counts), max(y for y, _ in counts)
    if (last - first + 1) * 12 > MAX_MONTH_BARS:
        years: Counter = Counter()
        for (y, _), n in counts.items():
            years[y] += n
        return [(y, None, years.get(y, 0)) for y in range(first, last + 1)]
    lo = min((y, m or 1) for y, m in counts)
    hi = max((y, m or 12) for y, m in counts)
    bars = []
    year, month = lo
    while (year, month) <= hi:
        bars.append((year, month, counts.get((year, month), 0)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    # year-only events have no month: show them beside their year's months
    bars += [(y, None, n) for (y, m), n in counts.items() if m is None]
    return sorted(bars, key=lambda b: (b[0], b[1] or 13))


def event_facets(events: list[Event]) -> dict:
    """Filter options for the timeline: every actor, place and tag with its event count."""

    def ranked(counter: Counter) -> list[tuple[str, int]]:
        return sorted(counter.items(), key=lambda kv: (-kv[1], name_key(kv[0])))

    def count(field: str) -> Counter:
        return Counter(chain.from_iterable(map(attrgetter(field), events)))

    return {
        "actors": ranked(count("actors")),
        "locations": ranked(count("locations")),
        "tags": ranked(count("tags")),
    }


def plan(
    site: Site,
    config: Config,
    previous: list[Page] | None = None,
    dirty: set[str] | frozenset[str] = frozenset(),
) -> list[Page]:
    """The pages of the site. ``previous``: the pages planned for this same ``Site`` object
    before an edit was applied to it in place (``site.patch_dossier``): the page of each
    actor, place, dossier and year of the timeline is kept from there unless its path is
    in ``dirty``; every other page (lists, counts) is planned again."""
    split = len(site.events) > config.timeline_split
    kept = dict(zip(map(attrgetter("path"), previous), previous, strict=True)) if previous else {}
    dirty_path = dirty.__contains__
    if kept:
        links = next(iter(kept.values())).context["links"]
        assert links.split == split and links.site is site
    else:
        links = Links(site, split)
    common = {"site": site, "config": config, "links": links}
    named: dict = {}  # for ``name_links``
    everything = {"*"}
    pages: list[Page] = []

    def keep(path: str) -> bool:
        """Reuse the previous page at ``path`` when it stands."""
        page = kept.get(path)
        if page is None or dirty_path(path):
            return False
        pages.append(page)
        return True

    def keep_profile(home: str, year_page) -> bool:
        """Reuse an actor's or place's page, and its pages by year, when they stand."""
        page = kept.get(home)
        if page is None or home in dirty:
            return False
        paths = [home, *(year_page(y) for y, _ in page.context.get("years", ()))]
        if any(p not in kept for p in paths):
            return False
        pages.extend(kept[p] for p in paths)
        return True

    def add_profile(home: str, template: str, year_page, entity, kind: str, profile) -> None:
        """An actor's or place's page; past ``list_split`` events, with a page for each
        year of its events and dossiers (the busiest have thousands: megabytes on one
        page), the page itself listing the latest dossiers and the undated."""
        own = {"actor": entity} if kind == "actor" else {"place": entity}
        if len(profile.events) <= config.list_split:
            add(
                home,
                template,
                **own,
                profile=profile,
                months=month_counts(profile.events),
                years=[],
                dossiers=profile.dossiers,
            )
            return
        runs = by_year(profile.events)
        events_of = dict(runs)
        dossiers_of, undated = by_published_year(profile.dossiers)
        published = dict(dossiers_of)
        years = sorted(events_of.keys() | published.keys())
        latest = _latest_dated(profile.dossiers)
        add(
            home,
            template,
            **own,
            profile=profile,
            months=month_counts(profile.events, runs),
            years=[(year, len(events_of.get(year, ()))) for year in years],
            dossiers=latest + undated,
        )
        for year, around in zip(years, neighbours(years), strict=True):
            events, dossiers = events_of.get(year, []), published.get(year, [])
            page = kept.get(year_page(year))
            if (
                page is not None
                and _same_year(page.context, "events", events, around)
                and _same_year(page.context, "dossiers", dossiers, around)
            ):
                pages.append(page)  # an edit touches a year or two of thousands of events
                continue
            add(
                year_page(year),
                "profile_year.html",
                entity=entity,
                kind=kind,
                year=year,
                events=events,
                dossiers=dossiers,
                around=around,
            )

    def add(path: str, template: str, deps: set[str] | None = None, **context) -> None:
        pages.append(Page(path, template, {**common, **context}, deps or everything))

    ranked_actors = sorted(
        site.actors, key=lambda a: (-site.actor_profiles[a.slug].mentions, name_key(a.name))
    )
    ranked_places = sorted(
        site.locations,
        key=lambda p: (-site.location_profiles[p.slug].mentions, name_key(p.name)),
    )
    groups = group_by_period(site.events)  # one pass over every event for the counts too
    all_months = month_bars(period_counts(groups))
    add(
        routes.INDEX,
        "index.html",
        latest=list(reversed(site.events[-LATEST:])),
        top_actors=ranked_actors[:TOP],
        top_locations=ranked_places[:TOP],
        recent=site.dossiers[:LATEST],
        months=all_months,
    )
    if split:
        add(
            routes.TIMELINE,
            "timeline_overview.html",
            years=year_counts(groups),
            months=all_months,
            groups=groups,
        )
        arounds = neighbours([year for year, _ in groups])
        for (year, months), around in zip(groups, arounds, strict=True):
            if keep(routes.timeline_year(year)):
                continue
            year_events = [e for _, evs in months for e in evs]
            add(
                routes.timeline_year(year),
                "timeline.html",
                groups=[(year, months)],
                year=year,
                around=around,
                months=month_bars(period_counts([(year, months)])),
                facets=event_facets(year_events),
                undated=[],
            )
    else:
        add(
            routes.TIMELINE,
            "timeline.html",
            groups=groups,
            year=None,
            around=(None, None),
            months=all_months,
            facets=event_facets(site.events),
            undated=site.undated,
        )

    add(
        routes.ACTORS,
        "actors.html",
        entities=site.actors,
        order="name",
        profiles=site.actor_profiles,
        kind="actors",
    )
    add(
        routes.ACTORS_BY_MENTIONS,
        "actors.html",
        entities=ranked_actors,
        order="mentions",
        profiles=site.actor_profiles,
        kind="actors",
    )
    add(
        routes.LOCATIONS,
        "actors.html",
        entities=site.locations,
        order="name",
        profiles=site.location_profiles,
        kind="locations",
    )
    add(
        routes.LOCATIONS_BY_MENTIONS,
        "actors.html",
        entities=ranked_places,
        order="mentions",
        profiles=site.location_profiles,
        kind="locations",
    )

    def add_dossier_list() -> None:
        """The list of all dossiers; past ``list_split``, with a page for each year."""
        split_list = len(site.dossiers) > config.list_split
        years, undated = by_published_year(site.dossiers) if split_list else ([], [])
        add(
            routes.DOSSIERS,
            "dossiers.html",
            years=[(year, len(dossiers)) for year, dossiers in years],
            latest=_latest_dated(site.dossiers) if split_list else [],
            undated=undated,
        )
        ascending = [year for year, _ in reversed(years)]  # newest first: the years before
        arounds = dict(zip(ascending, neighbours(ascending), strict=True))
        for year, dossiers in years:
            around = arounds[year]
            page = kept.get(routes.dossiers_year(year))
            if page is not None and _same_year(page.context, "dossiers", dossiers, around):
                pages.append(page)
                continue
            add(
                routes.dossiers_year(year),
                "dossiers_year.html",
                year=year,
                dossiers=dossiers,
                around=around,
            )

    for actor in site.actors:
        profile = site.actor_profiles[actor.slug]
        home = routes.actor(actor.slug)
        year_page = partial(routes.actor_year, actor.slug)
        if not keep_profile(home, year_page):
            add_profile(home, "actor.html", year_page, actor, "actor", profile)
        if not keep(routes.actor_feed(actor.slug)):
            add(routes.actor_feed(actor.slug), "actor_feed.xml", actor=actor, profile=profile)
    for place in site.locations:
        home = routes.location(place.slug)
        year_page = partial(routes.location_year, place.slug)
        if not keep_profile(home, year_page):
            profile = site.location_profiles[place.slug]
            add_profile(home, "location.html", year_page, place, "location", profile)
    add_dossier_list()
    # each dossier's page, kept unless new or dirty: found in C-level loops (ten thousand)
    dossiers = site.dossiers
    paths = list(map(routes.DOSSIER.format, map(attrgetter("slug"), dossiers)))
    shown = list(map(kept.get, paths))
    for i in compress(count(), map(or_, map(is_, shown, repeat(None)), map(dirty_path, paths))):
        dossier = dossiers[i]
        context = {"dossier": dossier, "name_links": name_links(site, links, dossier, named)}
        shown[i] = Page(paths[i], "dossier.html", {**common, **context}, {dossier.path, "*actors"})
    pages += shown
    if site.tags:
        order: dict[int, int] = {}
        own_tags: list[Event] = []  # events with tags of their own
        add(routes.TAGS, "tags.html")
        for tag, dossiers in site.tags.items():
            if keep(links.tag(tag)):
                continue
            if not order:
                order = {id(e): i for i, e in enumerate(site.events)}
                own_tags = [e for e in site.events if e.tags]
            tagged = [e for d in dossiers for e in d.events if e.date]
            seen = {id(e) for e in tagged}
            tagged += [e for e in own_tags if tag in e.tags and id(e) not in seen]
            add(
                links.tag(tag),
                "tag.html",
                tag=tag,
                dossiers=dossiers,
                events=sorted(tagged, key=lambda e: order[id(e)]),
            )
    add(routes.NOT_FOUND, "404.html")
    add(routes.FEED, "feed.xml")
    return pages


def _latest_dated(dossiers: list) -> list:
    """What a list of dossiers by year shows first: of the latest ``LATEST_DOSSIERS``
    (newest first, undated last), those with a date."""
    return [d for d in dossiers[:LATEST_DOSSIERS] if d.published]


def _same_year(context: dict, key: str, items: list, around: tuple) -> bool:
    """Does a page by year planned before show these very items (events or dossiers,
    ``key``), with these neighbours? (A dossier edited in place is the same object: its
    page's dependencies tell.)"""
    shown = context[key]
    return context["around"] == around and len(shown) == len(items) and all(map(is_, shown, items))


def name_links(
    site: Site, links: Links, dossier, named: dict | None = None
) -> list[tuple[str, str]]:
    """(surface form, target) for every known name of the dossier's actors and places.
    ``named``: each name's pairs, kept by the caller for the pages of one planning (the
    busiest actors are named by thousands of dossiers)."""
    pairs: list[tuple[str, str]] = []
    named = {} if named is None else named
    for kind, names, lookup, target in (
        ("actor", dossier.actors, site.actor_by_name, links.actor),
        ("location", dossier.locations, site.location_by_name, links.location),
    ):
        for name in names:
            own = named.get((kind, name))
            if own is None:
                entity = lookup[name]
                forms = sorted({entity.name, *entity.aliases}, key=lambda s: (-len(s), s))
                href = target(name)
                own = named[(kind, name)] = [(form, href) for form in forms if len(form) > 2]
            pairs.extend(own)
    return pairs


def dossier_bodies(site: Site, config: Config) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """Each dossier page's body and its name links, relative to that page: what the stock
    ``dossier.html`` converts with ``markdown_linked`` (to convert them ahead of it:
    ``pool.convert_ahead``)."""
    links = Links(site, len(site.events) > config.timeline_split)
    named: dict = {}
    for dossier in site.dossiers:
        pairs = name_links(site, links, dossier, named)
        yield dossier.body or "", routes.relative_pairs(routes.dossier(dossier.slug), pairs)
