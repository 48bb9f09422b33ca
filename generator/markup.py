"""Markdown to HTML that is safe for text that came from an article.

Raw HTML is shown as text, never passed through; links keep only http(s), mailto and
relative targets; images from other hosts become plain links, so no page loads anything from
elsewhere. Known actor and place names can be linked on their first mention in a paragraph.
"""

from __future__ import annotations

import functools
import hashlib
import re
import xml.etree.ElementTree as etree
from collections.abc import Iterator

import markdown
from markdown import util
from markdown.treeprocessors import InlineProcessor, Treeprocessor

SAFE_SCHEMES = ("http:", "https:", "mailto:")
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):")


def safe_href(url: str) -> str | None:
    """The URL if it may be followed from a page, else None."""
    match = _SCHEME.match(url or "")
    if match is None:
        return url  # relative
    return url if (match.group(1).lower() + ":") in SAFE_SCHEMES else None


class _Sanitise(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            for i, el in enumerate(list(parent)):
                if el.tag == "a":
                    href = safe_href(el.get("href", ""))
                    if href is None:
                        el.attrib.pop("href", None)
                    elif _SCHEME.match(href):
                        el.set("rel", "nofollow noopener noreferrer")
                elif el.tag == "img":
                    src = el.get("src", "")
                    if _SCHEME.match(src) or src.startswith("//"):
                        link = etree.Element("a")
                        if safe_href(src):
                            link.set("href", src)
                            link.set("rel", "nofollow noopener noreferrer")
                        link.text = el.get("alt") or src
                        link.tail = el.tail
                        parent[i] = link


_SPACES = re.compile(r"\s+")


_WORD = re.compile(r"\w")


@functools.cache
def _form_regex(form: str) -> re.Pattern:
    """One name form as a pattern for a whole word at its end (any run of spaces between its
    words). The start is checked by ``_search``: a lookbehind in front of the name keeps the
    regex engine from skipping ahead to the name's first letters, and scans ~50x slower."""
    words = re.escape(form).replace(r"\ ", r"\s+")
    return re.compile(rf"{words}(?!\w)")


def _search(pattern: re.Pattern, text: str, pos: int = 0) -> re.Match | None:
    """The first match of ``pattern`` from ``pos`` that starts a word (not preceded by one)."""
    while True:
        match = pattern.search(text, pos)
        if match is None or not (start := match.start()) or not _WORD.match(text, start - 1):
            return match
        pos = start + 1


class NameLinks:
    """First mentions of known names. Scans like one regular expression of every form,
    longest form first, would (leftmost match wins; at one place, the longest form), but
    with one small pattern per form, compiled once per process: compiling a pattern of a
    page's names for each page cost more than converting its Markdown."""

    def __init__(self, pairs: list[tuple[str, str]]):
        self.href: dict[str, str] = {}
        for form, href in pairs:
            self.href.setdefault(_SPACES.sub(" ", form), href)
        self.forms = sorted(self.href, key=lambda f: (-len(f), f))
        self.patterns = [_form_regex(form) for form in self.forms]
        self.heads = [form.split(" ", 1)[0] for form in self.forms]  # a cheap test first

    def matches(self, text: str) -> Iterator[tuple[re.Match, str]]:
        """(match, href) left to right, never overlapping, as the one pattern would."""
        # (start, form's index, match) of the forms found ahead; a text holds few of them.
        # At one start the lower index wins: the longer form, as in the one pattern.
        ahead = []
        for i, (pattern, head) in enumerate(zip(self.patterns, self.heads, strict=True)):
            if head in text and (match := _search(pattern, text)) is not None:
                ahead.append((match.start(), i, match))
        while ahead:
            _, best, match = min(ahead)
            yield match, self.href[self.forms[best]]
            pos = match.end()
            kept = []
            for start, i, m in ahead:  # forms overlapping this match: their next one
                if start < pos:
                    m = _search(self.patterns[i], text, pos)
                    if m is None:
                        continue
                    start = m.start()
                kept.append((start, i, m))
            ahead = kept

    def split(self, text: str, done: set[str]) -> list:
        """[text before, (label, href, text after), …] for first mentions not yet linked."""
        pieces: list = []
        last = 0
        for match, href in self.matches(text):
            if href in done:
                continue
            done.add(href)
            if pieces:
                label, prev_href, _ = pieces[-1]
                pieces[-1] = (label, prev_href, text[last : match.start()])
            else:
                pieces.append(text[: match.start()])
            pieces.append((match.group(), href, ""))
            last = match.end()
        if not pieces:
            return [text]
        label, href, _ = pieces[-1]
        pieces[-1] = (label, href, text[last:])
        return pieces


class _LinkNames(Treeprocessor):
    """Link the first mention of each known name in every paragraph."""

    def __init__(self, md, names: NameLinks):
        super().__init__(md)
        self.names = names

    def run(self, root: etree.Element) -> None:
        for block in root.iter():
            if block.tag in ("p", "li"):
                self._link_block(block)

    def _link_block(self, block: etree.Element) -> None:
        done: set[str] = set()
        # only text directly in the block and in tails, never inside existing links
        nodes = [(block, "text")] + [(child, "tail") for child in block if child.tag != "a"]
        for node, attr in nodes:
            text = getattr(node, attr)
            if not text:
                continue
            pieces = self.names.split(text, done)
            if len(pieces) == 1:
                continue
            setattr(node, attr, pieces[0])
            insert_at = 0 if attr == "text" else list(block).index(node) + 1
            for offset, (label, href, tail) in enumerate(pieces[1:]):
                link = etree.Element("a", {"href": href, "class": "mention"})
                link.text = label
                link.tail = tail
                block.insert(insert_at + offset, link)


# What each of Python-Markdown's own inline patterns cannot match without: its expression
# needs one of these strings in the text (backtick: a backtick, escape: a backslash, …).
_NEEDS = {
    "backtick": ("`",),
    "escape": ("\\",),
    "reference": ("[",),
    "link": ("[",),
    "image_link": ("![",),
    "image_reference": ("![",),
    "short_reference": ("[",),
    "short_image_ref": ("![",),
    "autolink": ("<",),
    "automail": ("<",),
    "linebreak": ("  \n",),
    "entity": ("&",),
    "em_strong": ("*", "_"),
    "em_strong2": ("_",),
    "not_strong": ("*", "_"),
    "strong": ("*",),
    "emphasis": ("*",),
    "emphasis2": ("_",),
}


class _QuickInline(InlineProcessor):
    """Python-Markdown's inline pass, minus the patterns that cannot match a text: most
    article text holds no backtick, bracket, ampersand or asterisk, yet every pattern was
    tried on every piece of it (a third of the time spent converting an article). Matching
    only ever replaces text, so a string a text lacks is lacking in every piece of it too.
    Same output as the stock pass (a test compares them)."""

    @staticmethod
    def fits() -> bool:
        """This Python-Markdown has the internals the pass builds on (else: the stock one)."""
        return all(
            hasattr(InlineProcessor, name)
            for name in ("_InlineProcessor__handleInline", "_InlineProcessor__applyPattern")
        ) and hasattr(markdown.util.Registry(), "_priority")

    def run(self, tree, ancestors=None):
        self._patterns = list(self.inlinePatterns)
        names = [item.name for item in self.inlinePatterns._priority]
        self._needs = [_NEEDS.get(name) for name in names]
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802
        if isinstance(data, util.AtomicString):
            return data
        apply = self._InlineProcessor__applyPattern
        patterns, needs = self._patterns, self._needs
        start = 0
        for index in range(patternIndex, len(patterns)):
            need = needs[index]  # one or two strings: tested inline, faster than any()
            if need is not None and need[0] not in data and (len(need) < 2 or need[1] not in data):
                continue
            matched = True
            while matched:  # the stock loop: the same pattern again until it finds no more
                data, matched, start = apply(patterns[index], data, index, start)
        return data


def _hr_marks(block: str) -> bool:
    """A rule needs three of one mark on a line, at most two spaces apart."""
    return any(mark in block for mark in _HR_PAIRS)


_HR_PAIRS = tuple(c + gap + c for c in "-_*" for gap in ("", " ", "  "))

# What each of Python-Markdown's own block processors cannot claim a block without: its
# test (for ``reference``, its run, as its test always passes) needs this to hold.
_BLOCK_NEEDS = {
    "hashheader": lambda block: "#" in block,
    "setextheader": lambda block: "\n=" in block or "\n-" in block,
    "hr": _hr_marks,
    "quote": lambda block: ">" in block,
    "table": lambda block: "|" in block,
}


def _quick_blocks(md: markdown.Markdown) -> None:
    """Skip the block processors that cannot claim a block: each block of an article was
    tried against the patterns of every processor in turn (a third of the time spent
    converting it), yet most are plain paragraphs with no ``#``, ``>`` or ``|``. Each
    check is a string a processor's own expression needs, so the output is the stock one
    (a test compares them)."""
    for name, need in _BLOCK_NEEDS.items():
        if name in md.parser.blockprocessors:
            processor = md.parser.blockprocessors[name]
            test = processor.test
            processor.test = lambda parent, block, test=test, need=need: (
                need(block) and test(parent, block)
            )
    if "reference" in md.parser.blockprocessors:
        processor = md.parser.blockprocessors["reference"]
        run = processor.run
        processor.run = lambda parent, blocks, run=run: "]:" in blocks[0] and run(parent, blocks)


class _NumberBlocks(Treeprocessor):
    """``id="pN"`` on each block (paragraph, heading, list item, quotation), so events and
    quotes can link to the paragraph they came from (``paragraph`` in the front matter)."""

    def run(self, root: etree.Element) -> None:
        n = 0
        for block in root:
            targets = list(block) if block.tag in ("ul", "ol") else [block]
            for el in targets:
                if el.tag in ("p", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "pre"):
                    n += 1
                    el.set("id", f"p{n}")


class Markup:
    """Converts Markdown with one reused parser and a cache keyed by content hash."""

    def __init__(self, cache: dict[str, str] | None = None):
        self.cache = cache if cache is not None else {}
        self._md = self._parser()

    @staticmethod
    def _parser() -> markdown.Markdown:
        md = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
        if _QuickInline.fits():
            md.treeprocessors.register(_QuickInline(md), "inline", 20)
        _quick_blocks(md)
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_Sanitise(md), "sanitise", 0)
        return md

    def convert(
        self,
        text: str,
        links: list[tuple[str, str]] | None = None,
        number_blocks: bool = False,
    ) -> str:
        """HTML for ``text``; ``links`` (name, href) link the first mention of each known
        name in a paragraph; ``number_blocks`` adds ``id="pN"`` to each block."""
        key = hashlib.sha1(text.encode("utf-8")).hexdigest() + ("#" if number_blocks else "")
        if links:
            key += hashlib.sha1(repr(links).encode()).hexdigest()
        html = self.cache.get(key)
        if html is None:
            self._md.reset()
            extra = []
            if links:
                extra.append((_LinkNames(self._md, NameLinks(links)), "names", 1))
            if number_blocks:
                extra.append((_NumberBlocks(self._md), "numbers", 2))
            for processor, name, priority in extra:
                self._md.treeprocessors.register(processor, name, priority)
            try:
                html = self._md.convert(text)
            finally:
                for _, name, _ in extra:
                    self._md.treeprocessors.deregister(name)
            self.cache[key] = html
        return html
