"""Plain records for what the content files hold. No I/O, no behaviour beyond naming."""

from __future__ import annotations

from dataclasses import dataclass, field

from .dates import When

ACTOR_KINDS = ("person", "organization")
LOCATION_KINDS = ("city", "region", "country", "other")


@dataclass
class Source:
    """Where an article came from, so a reader can check it."""

    file: str = ""
    sha256: str = ""
    url: str = ""
    publisher: str = ""
    author: str = ""


@dataclass
class Event:
    """Something that happened on a date, with the sentence that says so."""

    id: str
    date: When | None
    text: str
    sentence: str = ""
    actors: list[str] = field(default_factory=list)
    locations: list[str] = field(default_factory=list)
    dossier: str | None = None  # slug of the dossier it came from
    expression: str = ""  # the words the date was read from ("on Friday")
    paragraph: int | None = None
    sources: list[str] = field(default_factory=list)  # for hand-written events
    tags: list[str] = field(default_factory=list)
    headline: bool = False
    path: str = ""
    index: int | None = None  # position in its file's 'events' list, for messages
    # what a page showing it depends on (``deps.event_tokens``), worked out once for the
    # event object of an assembled site (each has its own: ``site._canonical_event``)
    dep_tokens: tuple[str, ...] | None = field(default=None, init=False, repr=False, compare=False)


@dataclass
class Quote:
    speaker: str | None
    text: str
    dossier: str | None = None
    paragraph: int | None = None


@dataclass
class Dossier:
    slug: str
    path: str
    title: str
    published: When | None
    body: str = ""
    source: Source = field(default_factory=Source)
    summary: str = ""
    actors: list[str] = field(default_factory=list)
    locations: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)


@dataclass
class Actor:
    """A person or organisation; ``path`` is None when no actor file describes it."""

    name: str
    kind: str = "person"
    aliases: list[str] = field(default_factory=list)
    role: str = ""
    body: str = ""
    path: str | None = None
    slug: str = ""


@dataclass
class Location:
    name: str
    kind: str = "other"
    aliases: list[str] = field(default_factory=list)
    country: str = ""
    lat: float | None = None
    lon: float | None = None
    body: str = ""
    path: str | None = None
    slug: str = ""
