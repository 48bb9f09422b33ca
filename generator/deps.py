"""What each page was built from, and a fingerprint of it: the dependency record that lets a
rebuild render only the pages an edit can change.

A page's dependencies are tokens:

- a content path (``content/dossiers/x.md``): what that file holds but its Markdown body;
- ``body:<content path>``: the Markdown body of that file (shown on its own page only);
- ``actor:<slug>`` / ``location:<slug>``: how an entity is named and linked (name, slug,
  aliases), which can change without any file naming it changing;
- ``tags``: the list of all tags (the timeline's tag filter);
- ``dossier-list``: what the list of dossiers shows of each (title, date, publisher,
  number of events, summary) and whether there are tags;
- ``graph``: everything but Markdown bodies (list pages, the overview, the exports);
- ``*``: everything;
- literal tokens, which hold what they stand for in their name (the names are hashed
  with the set): ``years:<before>:<after>`` (the years a page by year links),
  ``counts:<digest>`` (the numbers an entity's page past ``list_split`` shows).

A page's fingerprint hashes its path, its template (with every template it extends or
imports), the site-wide values every page shows (the config, whether the timeline is
split by year), the generator's code, and the value of
each dependency token. The token *set* is part of the fingerprint, so when an edit removes
an actor from a dossier, that actor's page loses the dossier's path from its dependencies
and is rebuilt too: the pages of names before and after an edit are both covered.

Pages of templates this module does not know, or with context it does not expect, or whose
template (or a template it uses) is the site's own rather than the packaged one, depend on
everything: unknown means rebuild, never stale.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterable
from itertools import chain, repeat
from operator import attrgetter
from pathlib import Path

import jinja2
from jinja2 import meta

from .cache import digest
from .model import Actor
from .site import Site, event_years, listed_row, neighbours

MACROS = "_macros.html"
FRAGMENT_GLOBALS = re.compile(
    r"\b(?:events?_html|dossiers?_html|dossier_rows_html|quotes_html|entity_rows)\b"
)
EVERYTHING = "*"
GRAPH = "graph"
DOSSIER_LIST = "dossier-list"

# template -> the context keys whose dependencies deps_for() knows how to read
KNOWN = {
    "dossier.html": {"dossier", "name_links"},
    "actor.html": {"actor", "profile", "months", "years", "dossiers"},
    "actor_feed.xml": {"actor", "profile"},
    "location.html": {"place", "profile", "months", "years", "dossiers"},
    "profile_year.html": {"entity", "kind", "year", "events", "dossiers", "around"},
    "tag.html": {"tag", "dossiers", "events"},
    "timeline.html": {"groups", "year", "around", "months", "facets", "undated"},
    "404.html": set(),
    "index.html": {"latest", "top_actors", "top_locations", "recent", "months"},
    "timeline_overview.html": {"years", "months", "groups"},
    "actors.html": {"entities", "order", "profiles", "kind"},
    "dossiers.html": {"years", "latest", "undated"},
    "dossiers_year.html": {"year", "dossiers", "around"},
    "tags.html": set(),
    "feed.xml": set(),
}
GRAPH_PAGES = {  # templates that show the site's graph (lists, counts), no Markdown body
    "index.html",
    "timeline_overview.html",
    "actors.html",
    "tags.html",
    "feed.xml",
}
COMMON = {"site", "config", "links"}


def event_tokens(e, site: Site) -> tuple[str, ...]:
    """The tokens of what a page showing event ``e`` depends on, kept on the event object:
    an event of an assembled site never changes (an edit gives its dossier new ones) and
    the long pages of a site list the same events again and again."""
    if e.dep_tokens is not None:
        return e.dep_tokens
    out = [e.path] if e.path else []
    if e.dossier and e.dossier in site.dossier_by_slug:
        out.append(site.dossier_by_slug[e.dossier].path)
    out += [f"actor:{site.actor_by_name[n].slug}" for n in e.actors]
    out += [f"location:{site.location_by_name[n].slug}" for n in e.locations]
    e.dep_tokens = tuple(out)
    return e.dep_tokens


def _events(events: Iterable, site: Site, out: set[str]) -> None:
    found = list(map(attrgetter("dep_tokens"), events))  # pages list thousands: no loop
    if None in found:
        found = [t or event_tokens(e, site) for e, t in zip(events, found, strict=True)]
    out.update(chain.from_iterable(found))


def _profile(entity, kind: str, profile, site: Site) -> set[str]:
    out = {f"{kind}:{entity.slug}"}
    if entity.path:
        out.add(entity.path)
    out.update(map(attrgetter("path"), profile.dossiers))
    _events(profile.events, site, out)
    _quotes(profile.quotes, site, out)
    out.update(f"actor:{a.slug}" for a, _ in profile.actors)
    out.update(f"location:{p.slug}" for p, _ in profile.locations)
    return out


def _quotes(quotes, site: Site, out: set[str]) -> None:
    for q in quotes:
        if q.dossier in site.dossier_by_slug:
            out.add(site.dossier_by_slug[q.dossier].path)


PROFILE_LATEST = 10  # events an entity's page past list_split shows (``profile_years``)
FEED_LATEST = 50  # events an actor's feed shows (``actor_feed.xml``)
RANKED = 20  # names an entity's page shows that it appears with


def _split_profile(entity, kind: str, context: dict, site: Site) -> set[str]:
    """An actor's or place's own page past ``list_split`` (its events and dossiers on pages
    by year): what it shows, not the whole profile. The busiest actors' whole profiles
    were ~20,000 tokens, gathered and hashed again at each edit naming them. What the
    page counts (mentions, events, quotes, the bars by period and by year, the names it
    appears with and how often) is in one literal token, as numbers."""
    profile = context["profile"]
    out = {f"{kind}:{entity.slug}"}
    if entity.path:
        out.add(entity.path)
    _events(profile.events[-PROFILE_LATEST:], site, out)
    out.update(map(attrgetter("path"), context["dossiers"]))
    _quotes(profile.quotes, site, out)
    actors, places = profile.actors[:RANKED], profile.locations[:RANKED]
    out.update(f"actor:{a.slug}" for a, _ in actors)
    out.update(f"location:{p.slug}" for p, _ in places)
    counts = (
        profile.mentions,
        len(profile.events),
        len(profile.quotes),
        context["months"],
        context["years"],
        [(a.slug, n) for a, n in actors],
        [(p.slug, n) for p, n in places],
    )
    out.add(f"counts:{digest(repr(counts))}")
    return out


def deps_for(template: str, context: dict, site: Site, packaged: bool = True) -> set[str]:
    """The dependency tokens of one page, read from what its context holds; ``packaged``:
    the page's template and all it uses are the packaged ones (not the site's own)."""
    known = KNOWN.get(template)
    if known is None or not packaged or set(context) - COMMON - known:
        return {EVERYTHING}
    if template in GRAPH_PAGES:
        return {GRAPH}
    if template == "dossiers.html":
        return {DOSSIER_LIST}
    if template == "dossier.html":
        d = context["dossier"]
        out = {d.path, f"body:{d.path}"}
        out.update(f"actor:{site.actor_by_name[n].slug}" for n in d.actors)
        out.update(f"location:{site.location_by_name[n].slug}" for n in d.locations)
        out.update(f"actor:{site.actor_by_name[q.speaker].slug}" for q in d.quotes if q.speaker)
        _events(d.events, site, out)
        return out
    if template in ("actor.html", "location.html"):
        kind = "actor" if template == "actor.html" else "location"
        entity = context["actor" if kind == "actor" else "place"]
        if context["years"]:
            out = _split_profile(entity, kind, context, site)
        else:
            out = _profile(entity, kind, context["profile"], site)
        if entity.path:
            out.add(f"body:{entity.path}")
        return out
    if template == "actor_feed.xml":
        out = {f"actor:{context['actor'].slug}"}
        _events(context["profile"].events[-FEED_LATEST:], site, out)
        return out
    if template == "dossiers_year.html":
        before, after = context["around"]
        out = {d.path for d in context["dossiers"]}  # what a row shows is in the front matter
        out.add(f"years:{before}:{after}")
        return out
    if template == "profile_year.html":
        # the entity's name, its events that year, and the years next to it: those are
        # in the token itself (planned again whenever the entity's events change)
        before, after = context["around"]
        out = {f"{context['kind']}:{context['entity'].slug}", f"years:{before}:{after}"}
        _events(context["events"], site, out)
        out.update(d.path for d in context["dossiers"])
        return out
    if template == "tag.html":
        out = {d.path for d in context["dossiers"]}
        _events(context["events"], site, out)
        return out
    if template == "timeline.html":
        if not context.get("year") or context.get("undated"):
            return {GRAPH}
        out = {"tags", around_token(context["year"])}  # the years next to this one
        for _, months in context["groups"]:
            for _, events in months:
                _events(events, site, out)
        for name, _ in context["facets"].get("actors", []):
            out.add(f"actor:{site.actor_by_name[name].slug}")
        for name, _ in context["facets"].get("locations", []):
            out.add(f"location:{site.location_by_name[name].slug}")
        return out
    return set()  # 404.html: only what every page shows


def token_values(
    site: Site, file_digests: dict[str, str], graphs: dict[str, str], bodies: dict[str, str]
) -> dict[str, str]:
    """The value of every token: ``file_digests`` (path -> bytes), ``graphs`` (path -> all
    but the body) and ``bodies`` (path -> body) are the content files'."""
    values: dict[str, str] = dict(graphs)
    values.update((f"body:{path}", value) for path, value in bodies.items())
    values.update(map(entity_value, site.actors))
    values.update(map(entity_value, site.locations))
    values["tags"] = digest(repr(list(site.tags)))
    values.update(around_values(site))
    values[DOSSIER_LIST] = dossier_list(site)
    values[GRAPH] = mapping_digest(graphs)
    values[EVERYTHING] = mapping_digest(file_digests)
    return values


def entity_value(entity) -> tuple[str, str]:
    """(token, value) of an actor or place: how pages that name it link it (its aliases
    too: articles link them). Whether a file describes it, and what the file says (kind,
    role, country, coordinates, biography), shows only on its own page, which depends on
    the file, and in the lists of all of them (``graph``)."""
    label = "actor" if isinstance(entity, Actor) else "location"
    return f"{label}:{entity.slug}", digest(repr((entity.name, entity.slug, entity.aliases)))


_MOD = 1 << 128


def _item_number(key: str, value: str) -> int:
    return int.from_bytes(hashlib.blake2b(f"{key}\0{value}".encode(), digest_size=16).digest())


def mapping_digest(mapping: dict[str, str]) -> str:
    """A digest of a mapping's items in no order: the sum of each item's digest (modulo
    2**128), so an edit updates it by one item (``mapping_digest_changed``) instead of
    reading every content file's entry again."""
    total = sum(map(_item_number, mapping.keys(), mapping.values()))
    return f"{total % _MOD:032x}"


def mapping_digest_changed(value: str, key: str, old: str | None, new: str | None) -> str:
    """``mapping_digest`` of the mapping once ``key``'s value went from ``old`` to ``new``
    (None: absent)."""
    total = int(value, 16)
    if old is not None:
        total -= _item_number(key, old)
    if new is not None:
        total += _item_number(key, new)
    return f"{total % _MOD:032x}"


def around_token(year: int) -> str:
    return f"around:{year}"


def around_values(site: Site) -> dict[str, str]:
    """The value of ``around:<year>`` for each year with events: the years before and
    after it, which its timeline page links."""
    years = event_years(site.events)
    return {
        around_token(y): digest(repr(pair))
        for y, pair in zip(years, neighbours(years), strict=True)
    }


def dossier_list(site: Site) -> str:
    """The value of ``dossier-list``: all that ``dossiers.html`` shows: whether there are
    tags, and each dossier's row (``site.listed_row``), as a mapping digest: the rows fix
    the order too, and an edit changes the value by its own row (``dossier_list_changed``)
    instead of reading 10,000 rows again."""
    rows = mapping_digest({d.slug: listed_row(d) for d in site.dossiers})
    return f"{bool(site.tags)}:{rows}"


def dossier_list_changed(value: str, site: Site, rows: list) -> str:
    """``dossier_list`` after ``rows`` (slug, row before, row after; None: not listed)."""
    digest_ = value.split(":", 1)[1]
    for slug, before, after in rows:
        digest_ = mapping_digest_changed(digest_, slug, before, after)
    return f"{bool(site.tags)}:{digest_}"


def _same_text(file: Path, text: str) -> bool:
    try:
        return file.read_text(encoding="utf-8") == text
    except (OSError, UnicodeDecodeError):
        return False


def template_digests(
    env: jinja2.Environment, known: dict[str, set[str]], packaged_dir: Path | None = None
) -> tuple[dict[str, str], set[str]]:
    """Per template name: a digest of its source and of every template it uses; and the
    names of the templates that, with all they use, come from ``packaged_dir`` (or are
    the same text as the one there: a site's copy of a default left as it is).

    ``known``: the templates each source (by digest) references, so unchanged templates are
    not parsed again; updated in place.
    """
    sources: dict[str, str] = {}
    refs: dict[str, set[str]] = {}
    own: set[str] = set()  # templates not from packaged_dir
    for name in env.list_templates():
        source, filename, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
        sources[name] = source
        if packaged_dir is None or (
            Path(filename or "").parent != packaged_dir
            and not _same_text(packaged_dir / name, source)
        ):
            own.add(name)
        key = digest(source)
        if key not in known:
            parsed = env.parse(source, name, filename)
            known[key] = {r for r in meta.find_referenced_templates(parsed) if r}
            if FRAGMENT_GLOBALS.search(source):  # they render macros of _macros.html
                known[key].add(MACROS)
        refs[name] = known[key]
    out: dict[str, str] = {}
    packaged: set[str] = set()
    for name in sources:
        seen, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current in seen or current not in sources:
                continue
            seen.add(current)
            todo.extend(refs[current])
        out[name] = digest("\0".join(f"{n}\0{sources[n]}" for n in sorted(seen)))
        if not seen & own:
            packaged.add(name)
    return out, packaged


_ORDERED: dict[int, tuple[Collection[str], tuple[str, ...]]] = {}
_ORDERED_MOST = 1_000_000  # tokens kept in all (the sets of pages planned again go too)
_ordered_tokens = 0


def _ordered(deps: Collection[str]) -> tuple[str, ...]:
    """``deps`` sorted, kept by the set object (a page keeps its set until planned again;
    the most mentioned actors' pages have thousands)."""
    global _ordered_tokens
    if len(deps) < 64:
        return tuple(sorted(deps))
    hit = _ORDERED.get(id(deps))
    if hit is None or hit[0] is not deps:
        if _ordered_tokens + len(deps) > _ORDERED_MOST:
            _ORDERED.clear()
            _ordered_tokens = 0
        hit = _ORDERED[id(deps)] = (deps, tuple(sorted(deps)))
        _ordered_tokens += len(deps)
    return hit[1]


def fingerprint(
    path: str, template_digest: str, common: str, deps: Collection[str], values: dict[str, str]
) -> str:
    """What a page's bytes depend on, as one digest: each token of ``deps`` and its value
    (in token order), the page's path and template and the settings every page shows."""
    tokens = _ordered(deps)
    found = map(values.get, tokens, repeat("-"))
    pairs = "\0".join(chain.from_iterable(zip(tokens, found, strict=True)))
    text = (
        f"{path}\0{template_digest}\0{common}\0{pairs}\0"
        if tokens
        else f"{path}\0{template_digest}\0{common}\0"
    )
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
