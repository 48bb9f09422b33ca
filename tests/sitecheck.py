"""Read a built site the way a browser would: every internal link, every remote reference."""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if value and (name in ("href", "src") or (tag == "form" and name == "action")):
                self.refs.append((tag, value))


def parse(path: Path) -> _Refs:
    parser = _Refs()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def check_links(out: Path) -> tuple[list[str], list[str]]:
    """(broken internal links, references to other hosts) across all HTML pages."""
    broken, remote = [], []
    pages = sorted(out.rglob("*.html"))
    parsed = {p: parse(p) for p in pages}
    for page, refs in parsed.items():
        rel_page = page.relative_to(out).as_posix()
        for tag, ref in refs.refs:
            parts = urlsplit(ref)
            if parts.scheme in ("http", "https") or ref.startswith("//"):
                # links to sources are fine; anything the page would load is not
                if tag != "a":
                    remote.append(f"{rel_page}: <{tag}> loads {ref}")
                continue
            if parts.scheme:  # mailto: and the like
                continue
            if not parts.path:  # same-page anchor
                if parts.fragment and parts.fragment not in refs.ids:
                    broken.append(f"{rel_page}: #{parts.fragment} has no target")
                continue
            target = posixpath.normpath(
                posixpath.join(posixpath.dirname(rel_page), unquote(parts.path))
            )
            file = out / target
            if target.startswith("..") or not file.is_file():
                broken.append(f"{rel_page}: {ref} -> {target} is missing")
            elif parts.fragment and file.suffix == ".html":
                ids = parsed[file].ids if file in parsed else parse(file).ids
                if parts.fragment not in ids:
                    broken.append(f"{rel_page}: {ref} has no #{parts.fragment}")
    return broken, remote
