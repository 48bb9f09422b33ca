"""Markdown to HTML that is safe for text that came from an article.

Raw HTML is shown as text, never passed through; links keep only http(s), mailto and
relative targets; images from other hosts become plain links, so no page loads anything from
elsewhere. Known actor and place names can be linked on their first mention in a paragraph.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import itertools
import re
import xml.etree.ElementTree as etree
from collections.abc import Iterator

import markdown
from markdown import util
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import NormalizeWhitespace
from markdown.serializers import BOOLEAN_ATTRIBUTES, _escape_attrib_html, _escape_cdata
from markdown.serializers import to_html_string as _stock_serializer
from markdown.treeprocessors import (
    InlineProcessor,
    PrettifyTreeprocessor,
    Treeprocessor,
    UnescapeTreeprocessor,
)

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
        for el in root.iter("a"):
            defuse_link(el)
        if next(root.iter("img"), None) is None:
            return  # (most articles: no walk of every element for their parents)
        for parent in root.iter():
            for i, el in enumerate(list(parent)):
                if el.tag == "img":
                    defuse_image(parent, i, el)


def defuse_link(el: etree.Element) -> None:
    """A link keeps its target only when it may be followed; one elsewhere gets ``rel``."""
    href = safe_href(el.get("href", ""))
    if href is None:
        el.attrib.pop("href", None)
    elif _SCHEME.match(href):
        el.set("rel", "nofollow noopener noreferrer")


def defuse_image(parent: etree.Element, i: int, el: etree.Element) -> None:
    """An image from another host (``parent[i]``) becomes a link to it: no page loads
    anything from elsewhere."""
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
        self.joinable = not any("\0" in form for form in self.forms)  # see ``_LinkNames``

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


class _LinkNames(Treeprocessor):
    """Link the first mention of each known name in every paragraph (of ``names``, set
    for each conversion; None: link nothing)."""

    names: NameLinks | None = None
    html: list[str] = []  # the links' HTML, by mark: set for each conversion
    unescape: _QuickUnescape  # the pass restoring escapes, which the marks would hide from

    def run(self, root: etree.Element) -> None:
        if self.names is None:
            return
        # Only text directly in a block and in tails, never inside existing links: all of
        # it scanned at once, joined by a character neither in a word nor a space, so no
        # name spans two pieces (scanning each piece for every name took longer).
        nodes = []
        for block in root.iter():
            if block.tag in ("p", "li"):
                for node, attr in [(block, "text")] + [(c, "tail") for c in block if c.tag != "a"]:
                    if getattr(node, attr):
                        nodes.append((block, node, attr))
        if not nodes:
            return
        texts = [getattr(node, attr) for _, node, attr in nodes]
        # (a name with that character in it could span two pieces: then each on its own)
        groups = [range(len(nodes))] if self.names.joinable else [[i] for i in range(len(nodes))]
        starts = [0] * len(nodes)  # where each piece starts in what was scanned
        found: list[list] = [[] for _ in nodes]
        done: dict[int, set[str]] = {}  # by block: the names linked in it
        for group in groups:
            at = list(itertools.accumulate((len(texts[i]) + 1 for i in group), initial=0))
            for i, start in zip(group, at, strict=False):
                starts[i] = start
            for match, href in self.names.matches("\0".join(texts[i] for i in group)):
                i = group[bisect.bisect_right(at, match.start()) - 1]
                linked = done.setdefault(id(nodes[i][0]), set())
                if href not in linked:
                    linked.add(href)
                    found[i].append((match, href))
        for (_, node, attr), text, start, mentions in zip(nodes, texts, starts, found, strict=True):
            if mentions:
                setattr(node, attr, self._marked(text, start, mentions))

    def _marked(self, text: str, start: int, mentions: list) -> str:
        """``text`` (at ``start`` in what was scanned) with each mention replaced by a mark
        for its link's HTML, which ``_PutMentions`` puts in the page: a link element for
        each would cost more to make, sanitise and serialize than the rest of the linking.
        The HTML is what that element would have been, once sanitised (a test compares)."""
        out = []
        at = 0
        for match, href in mentions:
            name = match.group()
            if self.unescape.wanted:  # as the element's text and target would have been
                name, href = self.unescape.unescape(name), self.unescape.unescape(href)
            out.append(text[at : match.start() - start])
            out.append(_MENTION_MARK % len(self.html))
            self.html.append(f"{_mention_tag(href)}{_escape_cdata(name)}</a>")
            at = match.end() - start
        out.append(text[at:])
        return "".join(out)


_MENTION_MARK = util.STX + "mention:%d" + util.ETX  # not the digits alone of an escape
_MENTION = re.compile(util.STX + r"mention:(\d+)" + util.ETX)


@functools.lru_cache(maxsize=4096)
def _mention_tag(href: str) -> str:
    """The start tag of a mention's link, as ``_Sanitise`` leaves it and ``_write`` writes it."""
    link = etree.Element("a", {"href": href, "class": "mention"})
    defuse_link(link)
    out: list[str] = []
    _write(link, out)
    return out[0]


class _PutMentions(Postprocessor):
    """The links ``_LinkNames`` marked, put in the HTML (before the raw HTML stash is, as
    the text of a link element would have been)."""

    html: list[str] = []  # set for each conversion, shared with ``_LinkNames``

    def run(self, text: str) -> str:
        if not self.html:
            return text
        html = self.html
        return _MENTION.sub(lambda m: html[int(m.group(1))], text)


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


# A rule needs three of one mark on a line, at most two spaces apart: two, at least.
_HR_PAIR = re.compile(r"([-_*]) {0,2}\1")


def _hr_marks(block: str) -> bool:
    return ("-" in block or "_" in block or "*" in block) and _HR_PAIR.search(block) is not None


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
    quotes can link to the paragraph they came from (``paragraph`` in the front matter);
    when ``wanted`` is set for a conversion."""

    wanted = False

    def run(self, root: etree.Element) -> None:
        if not self.wanted:
            return
        n = 0
        for block in root:
            targets = list(block) if block.tag in ("ul", "ol") else [block]
            for el in targets:
                if el.tag in ("p", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "pre"):
                    n += 1
                    el.set("id", f"p{n}")


class _QuickNormalize(NormalizeWhitespace):
    """Python-Markdown's whitespace pass, each step only when the text holds what it
    changes: its search for lines of spaces alone scanned every article at length."""

    def run(self, lines: list[str]) -> list[str]:
        source = "\n".join(lines)
        if util.STX in source or util.ETX in source:
            source = source.replace(util.STX, "").replace(util.ETX, "")
        if "\r" in source:
            source = source.replace("\r\n", "\n").replace("\r", "\n")
        source += "\n\n"
        if "\t" in source:
            source = source.expandtabs(self.md.tab_length)
        if " \n" in source:
            source = _SPACE_LINE.sub("\n", source)
        return source.split("\n")


_SPACE_LINE = re.compile(r"(?<=\n) +\n")  # the stock pass's own pattern


class _QuickUnescape(UnescapeTreeprocessor):
    """Python-Markdown's pass restoring backslash-escaped characters, skipped when the text
    has no backslash: only an escape leaves anything for it to restore (the whitespace
    pass drops the marks it looks for from the text itself)."""

    wanted = True  # set for each conversion

    def run(self, root: etree.Element) -> None:
        if self.wanted:
            super().run(root)


class _QuickPrettify(PrettifyTreeprocessor):
    """Python-Markdown's pass adding line breaks between blocks, with its test of each
    element's tag a set lookup: the stock test scans a list of fifty block-level tags."""

    def run(self, root: etree.Element) -> None:
        self._blocks = frozenset(self.md.block_level_elements)
        super().run(root)

    def _block(self, tag) -> bool:
        return isinstance(tag, str) and tag.lower().rstrip("/") in self._blocks

    def _prettifyETree(self, elem: etree.Element) -> None:  # noqa: N802 (the stock name)
        if self._block(elem.tag) and elem.tag not in ("code", "pre"):
            if (not elem.text or not elem.text.strip()) and len(elem) and self._block(elem[0].tag):
                elem.text = "\n"
            for child in elem:
                if self._block(child.tag):
                    self._prettifyETree(child)
        if not elem.tail or not elem.tail.strip():
            elem.tail = "\n"


class _Unusual(Exception):
    """A tree ``_serialize`` leaves to Python-Markdown's own serializer."""


def _serialize(root: etree.Element) -> str:
    """HTML for the tree, as Python-Markdown's serializer writes it (a test compares them),
    for the trees a conversion makes here: elements with string tags and attributes.
    Anything else (comments, qualified names, a nesting too deep) goes to the stock one,
    which took a tenth of the time spent converting an article."""
    out: list[str] = []
    try:
        _write(root, out)
    except (_Unusual, RecursionError):
        return _stock_serializer(root)
    return "".join(out)


_BOOLEAN = BOOLEAN_ATTRIBUTES["html"]


def _write(el: etree.Element, out: list[str]) -> None:
    tag = el.tag
    if type(tag) is not str:
        raise _Unusual
    if el.attrib:
        attrs = []
        for k, v in sorted(el.attrib.items()):
            if type(k) is not str:
                raise _Unusual
            if v is None:
                attrs.append(f" {k}")
                continue
            if not isinstance(v, str):
                raise _Unusual
            v = _escape_attrib_html(v)
            attrs.append(f" {v}" if k == v and k in _BOOLEAN else f' {k}="{v}"')
        out.append(f"<{tag}{''.join(attrs)}>")
    else:
        out.append(f"<{tag}>")
    name = tag.lower()
    if el.text:
        out.append(el.text if name in ("script", "style") else _escape_cdata(el.text))
    for child in el:
        _write(child, out)
    if name not in _EMPTY:
        out.append(f"</{tag}>")
    if el.tail:
        out.append(_escape_cdata(el.tail))


_EMPTY = etree.HTML_EMPTY


class Markup:
    """Converts Markdown with one reused parser and a cache keyed by content hash."""

    def __init__(self, cache: dict[str, str] | None = None):
        self.cache = cache if cache is not None else {}
        md = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
        if _QuickInline.fits():
            md.treeprocessors.register(_QuickInline(md), "inline", 20)
        _quick_blocks(md)
        md.preprocessors.register(_QuickNormalize(md), "normalize_whitespace", 30)
        md.treeprocessors.register(_QuickPrettify(md), "prettify", 10)
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        self._numbers = _NumberBlocks(md)
        md.treeprocessors.register(self._numbers, "numbers", 2)
        self._names = _LinkNames(md)
        md.treeprocessors.register(self._names, "names", 1)
        self._unescape = _QuickUnescape(md)
        md.treeprocessors.register(self._unescape, "unescape", 0)
        self._names.unescape = self._unescape
        self._mentions = _PutMentions(md)
        md.postprocessors.register(self._mentions, "mentions", 35)
        md.treeprocessors.register(_Sanitise(md), "sanitise", 0)
        md.serializer = _serialize
        self._md = md

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
            self._names.names = NameLinks(links) if links else None
            self._names.html = self._mentions.html = []
            self._numbers.wanted = number_blocks
            self._unescape.wanted = "\\" in text
            try:
                html = self._md.convert(text)
            finally:
                self._names.names = None
            self.cache[key] = html
        return html
