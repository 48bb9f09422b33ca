"""A small standard-library HTML reader, used only when trafilatura cannot be imported.

It keeps headings, paragraphs, list items and block quotes, and drops what is never article
text: scripts, styles, navigation, headers, footers, asides, forms, and elements whose class
or id says ad, banner, cookie, menu, share, social, promo or related.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIP = {
    "script",
    "style",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "noscript",
    "svg",
    "iframe",
    "template",
    "button",
    "select",
}
_NOISE = re.compile(
    r"\b(?:ads?|advert\w*|banner|cookie\w*|menu|share|social|promo\w*|related|"
    r"newsletter|subscribe|sidebar|comments?)\b",
    re.I,
)
_BLOCKS = {
    "p": "paragraph",
    "li": "item",
    "blockquote": "quote",
    "h1": "heading",
    "h2": "heading",
    "h3": "heading",
    "h4": "heading",
    "h5": "heading",
    "h6": "heading",
}
_VOID = {"br", "img", "hr", "meta", "link", "input", "wbr", "source", "area", "base", "col"}


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.skipping = 0
        self.title = ""
        self.in_title = False
        self.current: tuple[str, list[str]] | None = None
        self.blocks: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        names = " ".join(v or "" for k, v in attrs if k in ("class", "id", "role"))
        skip = tag in _SKIP or bool(names and _NOISE.search(names))
        self.stack.append((tag, skip))
        if skip:
            self.skipping += 1
        if tag == "title":
            self.in_title = True
        if tag in _BLOCKS and not self.skipping:
            self._flush()
            self.current = (_BLOCKS[tag], [])

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        while self.stack:
            name, skip = self.stack.pop()
            if skip:
                self.skipping -= 1
            if name == tag:
                break
        if tag == "title":
            self.in_title = False
        if tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data
        elif not self.skipping and self.current is not None:
            self.current[1].append(data)

    def _flush(self) -> None:
        if self.current is not None:
            kind, parts = self.current
            text = " ".join("".join(parts).split())
            if text:
                self.blocks.append((kind, text))
        self.current = None


def extract_blocks(html: str) -> tuple[str, list[tuple[str, str]]]:
    """(title, [(kind, text), ...]) with kind in heading, paragraph, item, quote."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    reader._flush()
    title = " ".join(reader.title.split())
    headings = [t for k, t in reader.blocks if k == "heading"]
    if headings and (not title or headings[0] in title):
        title = headings[0]
    return title, reader.blocks
