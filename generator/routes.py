"""The one place that knows every output path, and how one page links to another.

Links are always relative and always name the file (``../actors/x/index.html``), so one
build works at a domain root, in a sub-folder, and opened straight from disk.
"""

from __future__ import annotations

INDEX = "index.html"
TIMELINE = "timeline/index.html"
ACTORS = "actors/index.html"
ACTORS_BY_MENTIONS = "actors/by-mentions/index.html"
LOCATIONS = "locations/index.html"
LOCATIONS_BY_MENTIONS = "locations/by-mentions/index.html"
DOSSIERS = "dossiers/index.html"
TAGS = "tags/index.html"
SEARCH = "search/index.html"
NOT_FOUND = "404.html"
FEED = "feed.xml"
TIMELINE_JSON = "timeline.json"
EVENTS_CSV = "events.csv"
EVENTS_ICS = "events.ics"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
ASSETS = "assets"


def actor(slug: str) -> str:
    return f"actors/{slug}/index.html"


def actor_feed(slug: str) -> str:
    return f"actors/{slug}/feed.xml"


def actor_year(slug: str, year: int) -> str:
    """A busy actor's events of one year (``list_split``): beside its page, at the same
    depth, so that the events' fragments rendered for one serve the other."""
    return f"actors/{slug}/{year}.html"


def location(slug: str) -> str:
    return f"locations/{slug}/index.html"


def location_year(slug: str, year: int) -> str:
    return f"locations/{slug}/{year}.html"


DOSSIER = "dossiers/{}/index.html"  # (``DOSSIER.format``: a C-level call for ten thousand)


def dossier(slug: str) -> str:
    return DOSSIER.format(slug)


def dossiers_year(year: int) -> str:
    """The dossiers published in one year, once there are many (``list_split``)."""
    return f"dossiers/{year}.html"


def tag(slug: str) -> str:
    return f"tags/{slug}/index.html"


def timeline_year(year: int) -> str:
    return f"timeline/{year}/index.html"


def asset(name: str) -> str:
    return f"{ASSETS}/{name}"


def prefix(from_page: str) -> str:
    """The way up from a page to the site root: ``""``, ``"../"``, ``"../../"``…"""
    return "../" * from_page.count("/")


def relative(from_page: str, target: str) -> str:
    """Link from one output file to another (``target`` may carry ``#anchor``).

    Always up to the root, then down (``../../actors/x/index.html``), even between
    neighbours: every page at one depth then links to a target with the same text, so a
    fragment rendered for one page serves all its neighbours.
    """
    if target.startswith("#"):
        return target
    return prefix(from_page) + target


def relative_pairs(from_page: str, pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(name, target) pairs with each target made relative to ``from_page``."""
    return [(name, relative(from_page, target)) for name, target in pairs]


def pretty(path: str) -> str:
    """Public URL path for a page (``actors/x/``), for sitemaps and feeds with a base URL."""
    return path[: -len(INDEX)] if path.endswith(INDEX) else path
