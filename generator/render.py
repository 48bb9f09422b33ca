"""Jinja2 environment: autoescaped, strict about undefined names, with the site's filters.

A site's own ``templates/`` overrides the default templates file by file. The defaults are
the project's top-level ``templates/``, installed inside the package (``generator/templates``).
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import secrets
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup as Safe
from markupsafe import escape

from . import routes
from .dates import When, month_name
from .markup import Markup


def _default_templates() -> Path:
    """Inside the installed package; in a source checkout, the project's ``templates/``."""
    inside = Path(__file__).parent / "templates"
    installed = (inside / "_macros.html").is_file()
    return inside if installed else Path(__file__).parent.parent / "templates"


PACKAGE_TEMPLATES = _default_templates()


def _when(value: When | None, default: str = "date unknown") -> str:
    return value.display() if value else default


relative = routes.relative


@jinja2.pass_context
def _url(ctx, target: str) -> str:
    return relative(ctx["page_path"], target)


@jinja2.pass_context
def _strip_html(ctx, months: list[tuple[int, int | None, int]], label: str) -> Safe:
    """The ``strip`` macro's chart of events over time (bars from ``pages.month_bars``):
    made in Python, as a template loop over a hundred bars cost more than the rest of an
    actor's page. The same bytes as the loop it replaced (a test keeps that loop)."""
    if not months:
        return Safe("")
    page, period = ctx["page_path"], ctx["links"].period
    maxn = max(n for _, _, n in months) or 1
    bar = 14 if len(months) <= 40 else 8
    width = len(months) * bar
    has_months = any(m for _, m, _ in months)
    label = escape(label)  # the rest is numbers, month names and paths made here
    out = [
        '<figure class="strip">\n'
        f'<svg role="group" aria-label="{label}" viewBox="0 0 {width} 60" width="{width}" '
        'height="60" preserveAspectRatio="xMinYMid meet">\n'
    ]
    for i, (y, m, n) in enumerate(months):
        x = i * bar
        if n:
            h = max(round(40 * n / maxn, 1), 2)
            what = f"{month_name(m) + ' ' if m else ''}{y}: {n} event{'' if n == 1 else 's'}"
            out.append(
                f'<a href="{escape(relative(page, period(y, m)))}" aria-label="{what}">\n'
                f'<rect x="{x + 1}" y="{44 - h}" width="{bar - 2}" height="{h}" '
                f'class="{"bar-year" if m is None and has_months else "bar"}">'
                f"<title>{what}</title></rect>\n</a>\n"
            )
        else:
            out.append(
                f'<rect x="{x + 1}" y="43" width="{bar - 2}" height="1" class="bar-empty"/>\n'
            )
        if (
            (m is None and i == 0)
            or m == 1
            or (i == 0 and m)
            or (m is None and i % 5 == 0 and not has_months)
        ):
            out.append(f'<text x="{x + 1}" y="57" class="tick">{y}</text>\n')
    first, last = months[0][0], months[-1][0]
    span = f"{first}–{last}" if last != first else f"{first}"
    out.append(f"</svg>\n<figcaption>{label}, {span}</figcaption>\n</figure>\n")
    return Safe("".join(out))


@dataclass(slots=True)
class TimeParts:
    """What the ``when`` macro shows of a date, worked out in Python (one call, not ten)."""

    classes: str
    datetime: str
    title: str  # "" when the date is a plain day
    text: str


def _escape_plain(text: str) -> str:
    return str(escape(text))


try:  # markupsafe's own C escaping, as ``escape`` does it, without a ``Markup`` made of it
    from markupsafe._speedups import _escape_inner as _escape_str
except ImportError:  # no C speedups, or a markupsafe that keeps them elsewhere
    _escape_str = _escape_plain


def _esc(value) -> str:
    """``escape(value)``, as a plain string: the macros made in Python (``PackagedMacros``)
    escape about twenty values an event, and making a ``Markup`` of each cost them more
    than the escaping (a test compares the two)."""
    return _escape_str(value) if type(value) is str else str(escape(value))


def time_parts(value: When) -> TimeParts:
    precision, kind = value.precision, value.kind
    classes = f"when when-{precision}"
    if kind != "date":
        classes += f" when-{kind}"
    if value.approximate:
        classes += " when-approx"
    if value.uncertain:
        classes += " when-uncertain"
    if precision == "day":
        stamp = value.first_day().isoformat()
    else:
        stamp = value.anchor.notation().rstrip("~?%")
    title = ""
    if precision != "day" or kind != "date":
        first, last = value.first_day(), value.last_day()
        title = f"{first.strftime('%-d %B %Y')} to {last.strftime('%-d %B %Y')}"
    return TimeParts(classes, stamp, title, value.display())


@dataclass(slots=True)
class EventParts:
    """What the ``event_item`` macro shows of an event, with every link already relative
    to the page: an event is shown on many pages, and a template call for each piece of it
    cost more than the rest of the page."""

    actor_slugs: str
    location_slugs: str
    tags: str
    start: str
    end: str
    permalink: str
    actors: list[tuple[str, str]]  # (name, href)
    locations: list[tuple[str, str]]
    source: str  # href of its dossier (and paragraph), "" when it has none
    source_title: str


@functools.lru_cache(maxsize=1 << 14)
def _first_day(when: When) -> str:
    """The first day a date covers, ISO; kept by value (see ``_when_html``)."""
    return when.first_day().isoformat()


@functools.lru_cache(maxsize=1 << 14)
def _last_day(when: When) -> str:
    return when.last_day().isoformat()


@jinja2.pass_context
def _event_parts(ctx, event) -> EventParts:
    return event_parts(ctx["page_path"], ctx["links"], event)


def event_parts(page: str, links, event) -> EventParts:
    """What the ``event_open`` macro shows of ``event`` on ``page``."""
    site = links.site
    actors = [(n, site.actor_by_name[n].slug) for n in event.actors]
    places = [(n, site.location_by_name[n].slug) for n in event.locations]
    dossier = site.dossier_by_slug[event.dossier] if event.dossier else None
    when = event.date
    source = ""
    if dossier is not None:
        source = relative(page, routes.dossier(dossier.slug))
        if event.paragraph:
            source += f"#p{event.paragraph}"
    return EventParts(
        actor_slugs=" ".join(slug for _, slug in actors),
        location_slugs=" ".join(slug for _, slug in places),
        tags="|".join([*event.tags, *(dossier.tags if dossier else [])]),
        start=_first_day(when) if when else "",
        end=_last_day(when) if when else "",
        permalink=relative(page, links.event(event)),
        actors=[(n, relative(page, routes.actor(slug))) for n, slug in actors],
        locations=[(n, relative(page, routes.location(slug))) for n, slug in places],
        source=source,
        source_title=dossier.title if dossier else "",
    )


def fragment_key(event, links, depth: int, show_source: bool) -> bytes:
    """Everything the ``event_item`` macro shows of one event at one page depth (its links
    read the same from every page at one depth): equal keys, equal HTML."""
    site = links.site
    dossier = site.dossier_by_slug[event.dossier] if event.dossier else None
    return store_key(
        (
            depth,
            show_source,
            links.split,
            event.id,
            _when_key(event.date),
            event.text,
            event.sentence,
            event.paragraph,
            event.expression,
            event.dossier,
            (dossier.title, tuple(dossier.tags)) if dossier else None,
            tuple(event.tags),
            tuple(event.sources),
            tuple((n, site.actor_by_name[n].slug) for n in event.actors),
            tuple((n, site.location_by_name[n].slug) for n in event.locations),
        )
    )


def store_key(shown: tuple) -> bytes:
    """What a fragment of ``links.store`` shows (plain values: str, int, bool, None and
    tuples of them), as a 16-byte digest. The store keeps tens of thousands across builds
    and in the disk cache; keyed by the tuples themselves, read back from the disk they
    were copies of every text they held, and took more memory than the HTML (at 10,000
    dossiers ~40 MB more). Marshal format 2 writes equal values as equal bytes, shared
    objects or not (later formats mark shared ones)."""
    return hashlib.blake2b(marshal.dumps(shown, 2), digest_size=16).digest()


def _when_key(when: When | None) -> tuple | None:
    """A date as plain values (see ``store_key``)."""
    if when is None:
        return None
    return (when.interval, _point_key(when.start), _point_key(when.end))


def _point_key(p) -> tuple | None:
    return None if p is None else (p.year, p.month, p.day, p.approximate, p.uncertain)


class Macros:
    """``_macros.html`` as a module: a macro a site's own copy lacks is a template error
    that names it (not a traceback)."""

    def __init__(self, module):
        self._module = module

    def __getattr__(self, name: str):
        try:
            return getattr(self._module, name)
        except AttributeError:
            raise jinja2.TemplateRuntimeError(
                f"_macros.html has no macro {name!r}, which the pages call"
            ) from None

    def has(self, name: str) -> bool:
        return hasattr(self._module, name)


class PackagedMacros(Macros):
    """The packaged ``_macros.html``, the macros every event and dossier of a site is
    rendered by made in Python: the same bytes as the macros (a test compares them for
    every kind of event and dossier), for a fraction of a template call's cost (they
    took a tenth of a cold build's time). A site's own ``_macros.html`` is used as it is."""

    def __init__(self, module, variables: dict):
        super().__init__(module)
        self._page, self._links = variables["page_path"], variables["links"]

    def event_open(self, e) -> Safe:
        v = event_parts(self._page, self._links, e)
        out = [
            f'<li class="event" id="{_esc(e.id)}" data-actors="{_esc(v.actor_slugs)}" '
            f'data-locations="{_esc(v.location_slugs)}" data-tags="{_esc(v.tags)}" '
            f'data-start="{_esc(v.start)}" data-end="{_esc(v.end)}">\n'
            f'  <p class="event-date">{_when_html(e.date)} <a class="permalink" '
            f'href="{_esc(v.permalink)}" aria-label="Permalink to this event">#</a></p>\n'
            f'  <p class="event-text">{_esc(e.text)}</p>\n'
        ]
        if e.sentence and e.sentence != e.text:
            out.append(
                f'<blockquote class="event-sentence"><p>“{_esc(e.sentence)}”</p></blockquote>'
            )
        if v.actors or v.locations:
            out.append('  <p class="event-meta">\n')
            for names, kind, label in ((v.actors, "who", "Who"), (v.locations, "where", "Where")):
                if names:
                    linked = ", ".join(f'<a href="{_esc(h)}">{_esc(n)}</a>' for n, h in names)
                    out.append(
                        f'<span class="{kind}"><span class="label">{label}:</span> {linked}</span>'
                    )
            out.append("  </p>\n")
        return Safe("".join(out))

    def event_source(self, e) -> Safe:
        out = ['<p class="event-source">\n']
        if e.dossier:
            href = self._dossier_href(e.dossier)
            anchor = f"#p{_esc(e.paragraph)}" if e.paragraph else ""
            title = _esc(self._links.site.dossier_by_slug[e.dossier].title)
            out.append(f'Source: <a href="{href}{anchor}">{title}</a>{_expression(e)}')
        else:
            sources = [
                f'<a href="{_esc(s)}" rel="nofollow noopener noreferrer">{_esc(s)}</a>'
                if s.startswith("http://") or s.startswith("https://")
                else _esc(s)
                for s in e.sources
            ]
            out.append("Sources: " + "; ".join(sources))
        out.append("  </p>\n</li>")
        return Safe("".join(out))

    def _dossier_href(self, slug: str) -> str:
        return _esc(relative(self._page, routes.dossier(slug)))

    def dossier_item(self, d, dated: bool = True) -> Safe:
        href = self._dossier_href(d.slug)
        date = ""
        if dated and d.published:
            date = f' <span class="muted">{_esc(d.published.display())}</span>'
        return Safe(f'<li><a href="{href}">{_esc(d.title)}</a>{date}</li>')

    def dossier_row(self, d) -> Safe:
        href = self._dossier_href(d.slug)
        when = d.published.display() if d.published else "publication date unknown"
        publisher = f" · {_esc(d.source.publisher)}" if d.source.publisher else ""
        count = len(d.events)
        summary = f"<p>{_esc(d.summary)}</p>" if d.summary else ""
        return Safe(
            f'<li><a href="{href}">{_esc(d.title)}</a>\n<span class="muted">{_esc(when)}'
            f"{publisher} · {count} event{'' if count == 1 else 's'}</span>\n{summary}</li>\n"
        )

    def event_in_article(self, e) -> Safe:
        if not e.paragraph:
            return Safe("</li>")
        return Safe(
            f'<p class="event-source"><a href="#p{_esc(e.paragraph)}">In the article</a>'
            f"{_expression(e)}</p>\n</li>"
        )


@functools.lru_cache(maxsize=1 << 14)
def _when_html(value: When | None) -> str:
    """The ``when`` macro (see ``PackagedMacros``); kept by date value: at 10,000 dossiers
    thirty thousand events have a few thousand dates between them."""
    if not value:
        return '<span class="when when-unknown">date unknown</span>'
    t = time_parts(value)
    title = f' title="{_esc(t.title)}"' if t.title else ""
    return (
        f'<time class="{_esc(t.classes)}" datetime="{_esc(t.datetime)}"{title}>'
        f"{_esc(t.text)}</time>"
    )


def _expression(e) -> str:
    return f' <span class="expression">(“{_esc(e.expression)}”)</span>' if e.expression else ""


def macros_module(env: jinja2.Environment, links, depth: int, variables) -> Macros:
    """``_macros.html`` as a module for pages at ``depth`` (one per build and depth).
    ``variables``: the page's, or a function giving them (called only to make the module)."""
    macros = links.fragments.get(("macros", depth))
    if macros is None:
        template = env.get_template("_macros.html")
        given = variables() if callable(variables) else variables
        module = template.make_module(vars=given)
        if template.filename == str(PACKAGE_TEMPLATES / "_macros.html"):
            macros = PackagedMacros(module, given)
        else:
            macros = Macros(module)
        links.fragments[("macros", depth)] = macros
    return macros


def event_fragment(
    env: jinja2.Environment, links, event, depth: int, variables, key: bytes | None = None
) -> tuple[str, int | None]:
    """An event as shown on pages at ``depth`` with its source (timeline, actor, place and
    tag pages), from ``links.store`` (kept by the builder across builds) when it has it;
    and when it was rendered here, where its ``event_open`` part ends (None otherwise).
    ``variables``: as for ``macros_module``; ``key``: its ``fragment_key``, when known."""
    key = key or fragment_key(event, links, depth, True)
    html = links.store.get(key)
    if html is not None:
        return html, None
    macros = macros_module(env, links, depth, variables)
    if not all(macros.has(name) for name in _EVENT_PARTS):
        # a site's own ``_macros.html`` from before ``event_item`` came in parts
        html = links.store[key] = str(macros.event_item(event, True))
        return html, None
    opened = str(macros.event_open(event))
    html = links.store[key] = opened + str(macros.event_source(event))
    return html, len(opened)


_EVENT_PARTS = ("event_open", "event_source", "event_in_article")  # see ``event_item``


def shown_fragment(env: jinja2.Environment, links, event, depth: int, variables) -> str:
    """``event_fragment`` by event object first, for as long as these links serve: an event
    object is never changed (an edit applied in place gives its dossier new ones).
    ``variables``: as for ``dossier_fragment``."""
    return _shown(env, links, event, depth, variables)[1]


def _shown(env: jinja2.Environment, links, event, depth: int, variables) -> tuple:
    """(event, fragment, end of its ``event_open`` part or None): see ``shown_fragment``."""
    hit = links.shown.get((id(event), depth))
    if hit is None or hit[0] is not event:
        html, opened = event_fragment(env, links, event, depth, variables)
        hit = links.shown[(id(event), depth)] = (event, html, opened)
    return hit


@jinja2.pass_context
def _event_html(ctx, event, show_source: bool = True) -> Safe:
    """One event as the ``event_item`` macro renders it, rendered once for each page depth
    and reused: an event shows on the timeline and on the page of each of its actors,
    places and tags. With its source, the fragment also outlives the build (``Links.store``,
    keyed by what it shows). Without (on its dossier's own page, shown only there), it is
    the same fragment's ``event_open`` part when this build rendered it, and the
    paragraph's link: rendering the part again cost a fifth of a dossier's page."""
    env, links = ctx.environment, ctx["links"]
    depth = ctx["page_path"].count("/")
    _, html, opened = _shown(env, links, event, depth, ctx.get_all)
    if show_source:
        return Safe(html)
    macros = macros_module(env, links, depth, ctx.get_all)
    if opened is None:
        return Safe(str(macros.event_item(event, False)))
    return Safe(html[:opened] + str(macros.event_in_article(event)))


@jinja2.pass_context
def _events_html(ctx, events, show_source: bool = True, splice: bool = False) -> Safe:
    """A run of events, as ``event_html`` renders each, joined: an actor's page may list
    thousands, and one call for the run costs a fraction of one template call for each.
    ``splice``: see ``_joined``."""
    if not show_source:
        return Safe("".join(_event_html(ctx, e, False) for e in events))
    env, links, variables = ctx.environment, ctx["links"], ctx.get_all
    depth = ctx["page_path"].count("/")

    def make(event) -> str:
        return shown_fragment(env, links, event, depth, variables)

    return _joined(links, events, ("event", depth), make, splice)


@jinja2.pass_context
def _feed_entries(ctx, events) -> Safe:
    """Atom entries of events, as the actor feed's template loop wrote each (a test keeps
    that loop): each made once while these links serve, for every feed at one depth, as
    the latest events of the busiest actors are in many feeds; the loop cost a tenth of
    the time spent rendering actors' pages."""
    env, links, config = ctx.environment, ctx["links"], ctx["config"]
    page = ctx["page_path"]
    base = config.base_url
    made = links.fragments
    out = []
    for e in events:
        key = ("feed-entry", id(e), page.count("/"))
        hit = made.get(key)
        if hit is None or hit[0] is not e:
            target = links.event(e)
            href = base + target if base else relative(page, target)
            title = jinja2.filters.do_truncate(env, e.text, 120)
            html = (
                f"<entry>\n<title>{_esc(e.date.display())}: {_esc(title)}</title>\n"
                f"<id>{_esc(base or 'urn:dossier:')}{_esc(target)}</id>\n"
                f'<link rel="alternate" type="text/html" href="{_esc(href)}"/>\n'
                f"<updated>{e.date.last_day().isoformat()}T00:00:00Z</updated>\n"
                f"<summary>{_esc(e.sentence or e.text)}</summary>\n</entry>\n"
            )
            hit = made[key] = (e, html)
        out.append(hit[1])
    return Safe("".join(out))


_SPLICE = f"\0splice-{secrets.token_hex(8)}:"  # no article can guess it


def _joined(links, items, kind: tuple, make, splice: bool) -> Safe:
    """``make`` of each item, joined (from pieces kept across builds: ``Links.chunks``).

    With ``splice`` (for a template that puts the list straight into the page, as the
    packaged ones do), the page gets a marker and ``render_page`` puts the list's encoded
    pieces in its place: the lists of the most mentioned actors run to megabytes, which
    then are neither joined as text nor encoded again. A marker must reach the page as
    it is: a filter applied to it (``|striptags``, ``|length``) would not see the list."""
    splices = links.splices
    if not splice or splices is None:
        return Safe(links.chunks.join(items, kind, make))
    splices.append(links.chunks.columns(items, kind, lambda item: (make(item),), ("",))[0])
    return Safe(f"{_SPLICE}{len(splices) - 1}\0")


@jinja2.pass_context
def _quotes_html(ctx, quotes, splice: bool = False) -> Safe:
    """Quotes as the ``quote_item`` macro renders each, kept by quote object while these
    links serve (an edit gives its dossier's quotes new ones): the most quoted actors have
    hundreds. ``splice``: see ``_joined``."""
    env, links, variables = ctx.environment, ctx["links"], ctx.get_all
    depth = ctx["page_path"].count("/")

    def make(quote) -> str:
        slot = (id(quote), depth, "quote")
        hit = links.shown.get(slot)
        if hit is None or hit[0] is not quote:
            macros = macros_module(env, links, depth, variables)
            hit = links.shown[slot] = (quote, str(macros.quote_item(quote)))
        return hit[1]

    return _joined(links, quotes, ("quote", depth), make, splice)


@jinja2.pass_context
def _entity_rows(ctx, entities, profiles, kind: str) -> Safe:
    """The rows of the index of actors or places (the ``entity_row`` macro), from
    ``links.store`` (kept across builds) by what each shows: an edit changes a few counts
    of hundreds of rows, on the four index pages."""
    env, links = ctx.environment, ctx["links"]
    depth = ctx["page_path"].count("/")
    store = links.store
    out = []
    for e in entities:
        prof = profiles[e.slug]
        role = e.role if kind == "actors" else None
        key = store_key(
            ("row", kind, depth, e.slug, e.name, role, e.kind, prof.mentions, len(prof.events))
        )
        html = store.get(key)
        if html is None:
            macros = macros_module(env, links, depth, ctx.get_all)
            html = store[key] = str(macros.entity_row(e, prof, kind))
        out.append(html)
    return Safe("".join(out))


def _dossier_key(dossier, dated: bool, depth: int) -> bytes:
    published = _when_key(dossier.published) if dated else None
    return store_key(("dossier", depth, dated, dossier.slug, dossier.title, published))


def dossier_fragment(env, links, dossier, dated: bool, depth: int, variables) -> str:
    """A dossier's line in a list (the ``dossier_item`` macro) as pages at ``depth`` show
    it, from ``links.store`` (kept across builds) by what it shows. ``variables``: the
    template variables, or a function that gives them (only needed to render)."""
    # by dossier object first: an edit applied in place gives it a new title and date
    # objects (read again from the file), so the same ones mean the same line
    slot = (id(dossier), depth, dated)
    hit = links.lines.get(slot)
    if (
        hit is not None
        and hit[0] is dossier
        and hit[1] is dossier.title
        and hit[2] is dossier.published
        and hit[3] is dossier.slug
    ):
        return hit[4]
    key = _dossier_key(dossier, dated, depth)
    html = links.store.get(key)
    if html is None:
        macros = macros_module(env, links, depth, variables)
        html = links.store[key] = str(macros.dossier_item(dossier, dated))
    links.lines[slot] = (dossier, dossier.title, dossier.published, dossier.slug, html)
    return html


@jinja2.pass_context
def _dossier_html(ctx, dossier, dated: bool = True) -> Safe:
    """A dossier's line, rendered once for each page depth: actor pages list thousands of
    dossiers, most of them unchanged by an edit."""
    depth = ctx["page_path"].count("/")
    return Safe(dossier_fragment(ctx.environment, ctx["links"], dossier, dated, depth, ctx.get_all))


@jinja2.pass_context
def _dossiers_html(ctx, dossiers, dated: bool = True, splice: bool = False) -> Safe:
    """A run of dossier lines, as ``dossier_html`` renders each, joined. ``splice``: see
    ``_joined``."""
    depth = ctx["page_path"].count("/")
    env, links, variables = ctx.environment, ctx["links"], ctx.get_all

    def make(dossier) -> str:
        return dossier_fragment(env, links, dossier, dated, depth, variables)

    return _joined(links, dossiers, ("dossier", depth, dated), make, splice)


@jinja2.pass_context
def _dossier_rows_html(ctx, dossiers, splice: bool = False) -> Safe:
    """The rows of the list of all dossiers (the ``dossier_row`` macro), each kept in
    ``links.store`` (across builds) by what it shows, and joined in pieces: a new title
    or event count makes one row again, not ten thousand. ``splice``: see ``_joined``."""
    depth = ctx["page_path"].count("/")
    env, links, variables = ctx.environment, ctx["links"], ctx.get_all
    store = links.store

    def make(d) -> str:
        published = _when_key(d.published)
        key = ("row", "dossier", depth, d.slug, d.title, published, d.source.publisher)
        key = store_key(key + (len(d.events), d.summary))
        html = store.get(key)
        if html is None:
            macros = macros_module(env, links, depth, variables)
            html = store[key] = str(macros.dossier_row(d))
        return html

    return _joined(links, dossiers, ("dossier-row", depth), make, splice)


def make_environment(template_dirs: list[Path], markup: Markup) -> jinja2.Environment:
    loader = jinja2.ChoiceLoader(
        [jinja2.FileSystemLoader(str(d)) for d in template_dirs if d.is_dir()]
        + [jinja2.FileSystemLoader(str(PACKAGE_TEMPLATES))]
    )
    env = jinja2.Environment(
        loader=loader,
        autoescape=jinja2.select_autoescape(["html", "xml", "svg"], default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["when"] = _when
    env.filters["markdown"] = lambda text: Safe(markup.convert(text or ""))

    @jinja2.pass_context
    def linked(ctx, text: str, pairs: list[tuple[str, str]]) -> Safe:
        """An article body: first mentions of known names linked, blocks numbered."""
        links = routes.relative_pairs(ctx["page_path"], pairs)
        return Safe(markup.convert(text or "", links, number_blocks=True))

    env.filters["markdown_linked"] = linked
    env.globals["url"] = _url
    env.globals["event_html"] = _event_html
    env.globals["dossier_html"] = _dossier_html
    env.globals["event_parts"] = _event_parts
    env.globals["time_parts"] = time_parts
    env.globals["strip_html"] = _strip_html
    env.globals["events_html"] = _events_html
    env.globals["feed_entries"] = _feed_entries
    env.globals["dossiers_html"] = _dossiers_html
    env.globals["dossier_rows_html"] = _dossier_rows_html
    env.globals["quotes_html"] = _quotes_html
    env.globals["entity_rows"] = _entity_rows
    env.globals["routes"] = routes
    env.globals["month_name"] = month_name
    return env


def render_page(env: jinja2.Environment, template: str, page_path: str, context: dict) -> bytes:
    """Render one page; ``page_path`` makes every ``url()`` in it relative to that page."""
    links = context.get("links")
    if not hasattr(links, "splices"):
        return env.get_template(template).render(page_path=page_path, **context).encode()
    links.splices = []
    links.chunks.begin_page()
    try:
        html = env.get_template(template).render(page_path=page_path, **context)
        data = _spliced(html, links.splices, template)
        links.chunks.end_page(page_path)
        return data
    finally:
        links.splices = None
        links.chunks.page_pieces = None


def _spliced(html: str, splices: list[list[bytes]], template: str) -> bytes:
    """The page with each marker ``_joined`` left replaced by its list's pieces."""
    parts = html.split(_SPLICE)
    if len(parts) != len(splices) + 1:
        raise jinja2.TemplateError(f"{template}: a list rendered with splice=true was changed")
    out = [parts[0].encode()]
    for part in parts[1:]:
        number, _, rest = part.partition("\0")
        out += splices[int(number)]
        out.append(rest.encode())
    return b"".join(out)
