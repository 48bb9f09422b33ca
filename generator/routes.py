"""The one place that knows every output path, and how one page links to another.

Links are always relative and always name the file (``../actors/x/index.html``), so one
build works at a domain root, in a sub-folder, and opened straight from disk.
"""

from __future__ import annotations

import posixpath

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


def location(slug: str) -> str:
    return f"locations/{slug}/index.html"


def dossier(slug: str) -> str:
    return f"dossiers/{slug}/index.html"


def tag(slug: str) -> str:
    return f"tags/{slug}/index.html"


def timeline_year(year: int) -> str:
    return f"timeline/{year}/index.html"


def asset(name: str) -> str:
    return f"{ASSETS}/{name}"


def relative(from_page: str, target: str) -> str:
    """Link from one output file to another (or to ``target#anchor``)."""
    path, _, anchor = target.partition("#")
    here = posixpath.dirname(from_page) or "."
    rel = posixpath.relpath(path, here) if path else posixpath.basename(from_page)
    return f"{rel}#{anchor}" if anchor else rel


def pretty(path: str) -> str:
    """Public URL path for a page (``actors/x/``), for sitemaps and feeds with a base URL."""
    return path[: -len(INDEX)] if path.endswith(INDEX) else path
