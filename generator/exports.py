"""Machine-readable exports of the timeline: TimelineJS3 JSON, CSV, iCalendar, sitemap.

Pure functions from the site to bytes (the big files as parts in order, written without
being joined); deterministic (no clocks, sorted everything).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterator

from . import routes
from .chunks import Chunks
from .config import Config
from .dates import Point
from .model import Event
from .pages import Links, Page
from .site import Site


def _parts(point: Point) -> dict:
    """Only the parts the precision has: a month stays a month in TimelineJS too."""
    parts = {"year": point.year}
    if point.month is not None:
        parts["month"] = point.month
    if point.day is not None:
        parts["day"] = point.day
    return parts


_EVENTS = "\0events\0"  # stands for the events in the JSON text until they are joined in


def _spliced(head: str, pieces: list[bytes], sep: bytes, tail: str) -> list[bytes]:
    """``head + sep.join(pieces) + tail`` encoded, as parts in order: never joined, a file
    of many megabytes is written from them (``output.stage_file``)."""
    if not pieces:  # (a site with no dated events: the head and tail alone)
        return [head.encode(), tail.encode()]
    out = [sep] * (2 * len(pieces) + 1)
    out[0], out[-1] = head.encode(), tail.encode()
    out[1:-1:2] = pieces
    return out


def timeline_json(site: Site, config: Config, pieces: list[bytes] | None = None) -> list[bytes]:
    """``pieces``: the events' part, from ``Rows.columns`` (made here if not given)."""
    if pieces is None:
        pieces = [",\n".join(_json_item(e, site, config) for e in site.events).encode()]
        pieces = pieces if site.events else []
    events = bool(pieces)
    data = {
        "title": {
            "text": {
                "headline": _html_escape(config.title),
                "text": _html_escape(config.description),
            }
        },
        "events": [_EVENTS] if events else [],
    }
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if not events:
        return [text.encode()]
    head, tail = text.split(f"  {json.dumps(_EVENTS, ensure_ascii=False)}", 1)
    return _spliced(head, pieces, b",\n", tail)


def _json_item(e: Event, site: Site, config: Config | None) -> str:
    """One event of ``timeline.json``, as ``json.dumps(..., indent=1, sort_keys=True)`` of
    the whole file writes it (a test compares the two): written out directly, as the
    standard library's encoder is pure Python once it indents, and this runs for each of
    tens of thousands of events in a full build."""
    when = e.date
    assert when is not None
    start = when.start or when.end
    assert start is not None
    out = ['  {\n   "display_date": ', _ENCODE(when.display()), ",\n"]
    if when.start and when.end:
        out += ['   "end_date": ', _json_point(when.end), ",\n"]
    dossier = site.dossier_by_slug.get(e.dossier or "")
    if dossier:
        out += ['   "group": ', _ENCODE(dossier.title), ",\n"]
    out += [
        '   "start_date": ',
        _json_point(start),
        ',\n   "text": {\n    "headline": ',
        _ENCODE(_headline(e)),
        ',\n    "text": ',
        _ENCODE(_html_escape(e.text)),
        '\n   },\n   "unique_id": ',
        _ENCODE(e.id),
        "\n  }",
    ]
    return "".join(out)


_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


def _json_point(point: Point) -> str:
    """``_parts(point)`` as the event's JSON writes it (keys sorted: day, month, year)."""
    parts = sorted(_parts(point).items())
    return "{\n" + ",\n".join(f'    "{k}": {v}' for k, v in parts) + "\n   }"


def _headline(event: Event) -> str:
    names = event.actors[:3] or event.locations[:2]
    return _html_escape(", ".join(names) if names else event.date.display())  # type: ignore


def _html_escape(text: str) -> str:
    """TimelineJS renders text as HTML: article text must arrive as text."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


CSV_HEADER = [
    "id",
    "date",
    "display_date",
    "first_day",
    "last_day",
    "precision",
    "text",
    "actors",
    "locations",
    "dossier",
    "source_url",
]


_CSV_SPECIAL = re.compile(r'[,"\r\n]')


def _csv_line(values: list[str]) -> str:
    """One CSV record as ``csv.writer`` writes it; fields that need no quoting (most, and
    a full build writes one record per event) are joined directly."""
    if len(values) > 1 and not _CSV_SPECIAL.search("".join(values)):
        return ",".join(values) + "\r\n"
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(values)
    return out.getvalue()


def events_csv(site: Site, pieces: list[bytes] | None = None) -> list[bytes]:
    """``pieces``: the dated events' rows, from ``Rows.columns`` (made here if not given);
    the undated ones follow."""
    if pieces is None:
        pieces = ["".join(_csv_row(e, site, None) for e in site.events).encode()]
    undated = "".join(_csv_row(e, site, None) for e in site.undated)
    return _spliced(_csv_line(CSV_HEADER), pieces, b"", undated)


def _csv_row(e: Event, site: Site, config: Config | None) -> str:
    dossier = site.dossier_by_slug.get(e.dossier or "")
    first, last = e.date.iso_range() if e.date else ("", "")
    return _csv_line(
        [
            e.id,
            str(e.date or ""),
            e.date.display() if e.date else "",
            first,
            last,
            e.date.precision if e.date else "",
            e.text,
            "; ".join(e.actors),
            "; ".join(e.locations),
            e.dossier or "",
            dossier.source.url if dossier else "; ".join(e.sources),
        ]
    )


def _ics_text(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """RFC 5545: lines of at most 75 octets, continued with a leading space."""
    if len(line) <= 75 and line.isascii():
        return line
    if line.isascii():  # one byte a character: plain slices
        return "\r\n ".join([line[:75]] + [line[i : i + 74] for i in range(75, len(line), 74)])
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        b = char.encode("utf-8")
        if len(current) + len(b) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += b
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _ics_lines(lines: list[str]) -> str:
    return "".join([_fold(line) + "\r\n" for line in lines])


def _ics_date(day: dt.date) -> str:
    """``f"{day:%Y%m%d}"`` without ``strftime`` (four of them for each event)."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def events_ics(site: Site, config: Config, pieces: list[bytes] | None = None) -> list[bytes]:
    """``pieces``: the events' part, from ``Rows.columns`` (made here if not given)."""
    if pieces is None:
        pieces = ["".join(_ics_event(e, site, config) for e in site.events).encode()]
    head = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Dossier//Timeline//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_ics_text(config.title)}",
    ]
    return _spliced(_ics_lines(head), pieces, b"", _ics_lines(["END:VCALENDAR"]))


def _ics_event(e: Event, site: Site, config: Config) -> str:
    first, last = e.date.first_day(), e.date.last_day()  # type: ignore[union-attr]
    dossier = site.dossier_by_slug.get(e.dossier or "")
    stamp = dossier.published.first_day() if dossier and dossier.published else first
    summary = e.date.display() + ": " + e.text  # type: ignore[union-attr]
    lines = [
        "BEGIN:VEVENT",
        f"UID:{e.id}@dossier",
        f"DTSTAMP:{_ics_date(stamp)}T000000Z",
        f"DTSTART;VALUE=DATE:{_ics_date(first)}",
        f"DTEND;VALUE=DATE:{_ics_date(last + dt.timedelta(days=1))}",
        f"SUMMARY:{_ics_text(summary[:200])}",
        f"DESCRIPTION:{_ics_text(e.sentence or e.text)}",
    ]
    if e.locations:
        lines.append(f"LOCATION:{_ics_text(', '.join(e.locations))}")
    if config.base_url:
        links = Links(site, len(site.events) > config.timeline_split)
        lines.append(f"URL:{config.base_url}{links.event(e)}")
    lines.append("END:VEVENT")
    return _ics_lines(lines)


PIECE = 13  # events in a piece of an export: an edit makes every part of its pieces again


class Rows:
    """Each event's part of each export, joined in pieces kept across builds (``Chunks``):
    an edit makes the parts of the few pieces it touches again. Assembling makes new event
    objects and an edit applied in place (``site.patch_dossier``) gives the edited
    dossier new ones, so a piece stays good while its events are the same objects and the
    site-wide settings they show (the timeline split, the base URL) are the same. ``parts``
    holds what render workers made for the next exports (``put``)."""

    MAKERS = {"json": _json_item, "csv": _csv_row, "ics": _ics_event}
    KINDS = ("json", "csv", "ics")  # the columns of ``columns``
    SEPS = (",\n", "", "")  # what joins each column's parts in its file

    def __init__(self):
        self.settings: tuple | None = None
        self.parts: dict[int, tuple[Event, dict[str, str]]] = {}
        self.chunks = Chunks(PIECE)

    def begin(self, site: Site, config: Config) -> None:
        settings = (len(site.events) > config.timeline_split, config.base_url, config.title)
        if settings != self.settings:
            self.parts = {}
            self.chunks = Chunks(PIECE)
            self.settings = settings
        self.chunks.next_build()

    def end(self) -> None:
        """The parts are in the joined pieces now: only an edit's new pieces need parts
        again (tens of events), so they are not kept (they are tens of megabytes); and
        every piece still shown was used by this build."""
        self.parts = {}
        self.chunks.sweep()

    @classmethod
    def make(cls, event: Event, site: Site, config: Config) -> dict[str, str]:
        """All of one event's parts (made in a render worker, see ``build``)."""
        return {kind: make(event, site, config) for kind, make in cls.MAKERS.items()}

    def has(self, event: Event) -> bool:
        entry = self.parts.get(id(event))
        return entry is not None and entry[0] is event and len(entry[1]) == len(self.MAKERS)

    def put(self, event: Event, parts: dict[str, str]) -> None:
        self.parts[id(event)] = (event, parts)

    def columns(self, events: list[Event], site: Site, config: Config | None) -> list:
        """The events' parts of ``KINDS``, each in pieces of UTF-8 (``Chunks.columns``)."""
        parts, makers, kinds = self.parts, self.MAKERS, self.KINDS

        def row(event: Event) -> tuple[str, ...]:
            entry = parts.get(id(event))
            made = entry[1] if entry is not None and entry[0] is event else {}
            return tuple(made.get(k) or makers[k](event, site, config) for k in kinds)

        return self.chunks.columns(events, "rows", row, self.SEPS)


def sitemap(pages: list[Page], config: Config) -> bytes:
    urls = sorted(
        routes.pretty(p.path)
        for p in pages
        if p.path.endswith(".html") and p.path != routes.NOT_FOUND
    )
    body = "".join(f"  <url><loc>{config.base_url}{_html_escape(u)}</loc></url>\n" for u in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{body}</urlset>\n"
    ).encode()


def robots(config: Config) -> bytes:
    return f"User-agent: *\nAllow: /\nSitemap: {config.base_url}{routes.SITEMAP}\n".encode()


def exports(
    site: Site, config: Config, pages: list[Page], rows: Rows | None = None
) -> Iterator[tuple[str, bytes | list[bytes]]]:
    """(path, bytes or their parts in order) of each export, one at a time: at 10,000
    dossiers each is about 10 MB, and a caller can put one away before the next is made.
    ``rows``: each event's part of each file, kept from the last build (see ``Rows``)."""
    rows = rows if rows is not None else Rows()
    rows.begin(site, config)
    try:
        json_part, csv_part, ics_part = rows.columns(site.events, site, config)
        yield routes.TIMELINE_JSON, timeline_json(site, config, json_part)
        yield routes.EVENTS_CSV, events_csv(site, csv_part)
        yield routes.EVENTS_ICS, events_ics(site, config, ics_part)
    finally:  # also when the caller fails with one (a full disk): the parts go
        rows.end()
    if config.base_url:
        yield routes.SITEMAP, sitemap(pages, config)
        yield routes.ROBOTS, robots(config)
