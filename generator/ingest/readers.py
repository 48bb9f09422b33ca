"""Read an article file (.txt, .md, .html) into an :class:`Article`: title, blocks, metadata.

Readers are chosen by extension. Each block keeps its original wording and its offset into the
file's decoded text (for HTML: into the extracted text, since markup is not text). The
publication date comes from, first found wins: a sidecar file (same stem, ``.yaml``, ``.yml``
or ``.json``), the article's own metadata (front matter, HTML meta or JSON-LD), a dateline
("MIAMI, Dec 20 (Reuters) -"), a ``YYYY-MM-DD`` prefix of the file name. Never the file's
modification time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..dates import When

ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
SIDECAR_SUFFIXES = (".yaml", ".yml", ".json")
SIDECAR_KEYS = ("published", "url", "publisher", "author", "title")


class ReadError(Exception):
    """The file cannot be used as an article; the message says why."""


@dataclass
class Block:
    """One block of the body. ``kind``: heading, paragraph, item, quote."""

    kind: str
    text: str  # original wording, as in the file
    start: int  # offset of ``text`` in ``Article.text``
    paragraph: int | None = None  # 1-based block number in the body, as the build counts
    list_id: int | None = None  # items of one list share it

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass
class Article:
    path: Path
    text: str  # the decoded file (HTML: the extracted text); offsets point here
    title: str
    title_start: int | None
    blocks: list[Block]
    published: str | None = None
    published_from: str | None = None  # sidecar | metadata | dateline | filename
    url: str = ""
    publisher: str = ""
    author: str = ""
    meta: dict = field(default_factory=dict)  # .md front matter, kept and winning
    sha256: str = ""  # of the article file's bytes
    sidecar: Path | None = None
    sidecar_sha256: str = ""

    @property
    def published_date(self) -> dt.date | None:
        if not self.published:
            return None
        when = When.parse(self.published)
        return when.first_day() if when.precision == "day" and not when.interval else None

    @property
    def words(self) -> int:
        return sum(len(b.text.split()) for b in self.blocks) + len(self.title.split())


# -- decoding ---------------------------------------------------------------------------------


_CONTROL = bytes(c for c in range(32) if c not in (9, 10, 11, 12, 13, 27))


def decode(data: bytes, path: Path) -> str:
    """UTF-16 with a BOM, UTF-8 (with or without BOM), else cp1252, else Latin-1.

    Binary files (more than 5% control bytes in the first 4 KB) are refused; stray NUL
    characters in a text file are dropped.
    """
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16").replace("\x00", "")
        except UnicodeDecodeError:
            raise ReadError("looks like UTF-16 but does not decode as it") from None
    sample = data[:4096]
    if sample and len(sample.translate(None, _CONTROL)) < 0.95 * len(sample):
        raise ReadError("looks like a binary file, not text")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding).replace("\x00", "")
        except UnicodeDecodeError:
            pass
    return data.decode("latin-1").replace("\x00", "")  # every byte is a Latin-1 character


def yaml_message(exc: Exception) -> str:
    """A YAML error on one line: "line 3: expected ',' or ']'"."""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    mark = getattr(exc, "problem_mark", None)
    where = f"line {mark.line + 1}: " if mark is not None else ""
    return where + " ".join(str(problem).split())


def sidecar_for(path: Path) -> Path | None:
    for suffix in SIDECAR_SUFFIXES:
        candidate = path.with_suffix(suffix)
        if candidate.is_file():
            return candidate
    return None


def is_article(path: Path) -> bool:
    return (
        path.is_file()
        and path.suffix.lower() in ARTICLE_SUFFIXES
        and not path.name.startswith((".", "_"))
    )


def _scalar(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def read_sidecar(path: Path) -> dict[str, str]:
    text = decode(path.read_bytes(), path)
    if path.suffix == ".json":
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ReadError(
                f"sidecar {path.name}: bad JSON: {' '.join(str(exc).split())}"
            ) from None
    else:
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ReadError(f"sidecar {path.name}: bad YAML: {yaml_message(exc)}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ReadError(f"sidecar {path.name}: expected a mapping")
    return {k: _scalar(data[k]) for k in SIDECAR_KEYS if data.get(k) not in (None, "")}


def normalise_published(value: object) -> str | None:
    """A publication date in our notation (a day for preference), or None if unusable."""
    text = _scalar(value)
    if not text:
        return None
    m = re.match(r"(\d{4}-\d{2}-\d{2})(?:[T ].*)?$", text)
    if m:
        text = m.group(1)
    try:
        return str(When.parse(text))
    except ValueError:
        return None


# -- plain text --------------------------------------------------------------------------------

_LIST = re.compile(r"^\s*(?:[-•*]|\u2022)\s+")
_CLOSING = tuple(".!?:;,\"'\u201d\u2019)\u2026]")
_OPEN_Q = '\u201c"\u00ab'
_CLOSE_Q = '\u201d"\u00bb'


def _lines(text: str) -> list[tuple[int, str]]:
    out = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        line = raw.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
        out.append((pos, line))
        pos += len(raw)
    return out


def _strip(start: int, line: str) -> tuple[int, str]:
    lead = len(line) - len(line.lstrip())
    return start + lead, line.strip()


def is_quote(text: str) -> bool:
    """A paragraph wholly inside quotation marks."""
    t = text.strip()
    if len(t) < 3 or t[0] not in _OPEN_Q:
        return False
    body = t.rstrip(".")
    if body[-1] not in _CLOSE_Q:
        return False
    inner = body[1:-1]
    if t[0] == '"':
        return '"' not in inner
    return "\u201d" not in inner


def _looks_heading(text: str) -> bool:
    words = text.split()
    return (
        0 < len(words) <= 12
        and len(text) <= 90
        and not text.endswith(_CLOSING)
        and (text[0].isupper() or text[0].isdigit())
        and not is_quote(text)
    )


def parse_text_blocks(text: str, lines: list[tuple[int, str]]) -> list[Block]:
    """Blocks from lines of plain text (lines after the title)."""
    runs: list[list[tuple[int, str]]] = [[]]
    for start, line in lines:
        if line.strip():
            runs[-1].append(_strip(start, line))
        elif runs[-1]:
            runs.append([])
    runs = [r for r in runs if r]
    wrapped = len(runs) > 1 and any(
        sum(1 for _, ln in run if not _LIST.match(ln)) > 1 for run in runs
    )
    pieces: list[tuple[str, int, str]] = []  # kind, start, text
    for run in runs:
        buffer: list[tuple[int, str]] = []

        def flush(buffer: list[tuple[int, str]] = buffer) -> None:
            if buffer:
                first, last = buffer[0], buffer[-1]
                pieces.append(("text", first[0], text[first[0] : last[0] + len(last[1])]))
                buffer.clear()

        for start, line in run:
            m = _LIST.match(line)
            if m:
                flush()
                pieces.append(("item", start + m.end(), line[m.end() :].strip()))
            elif wrapped:
                buffer.append((start, line))
            else:
                pieces.append(("text", start, line))
        flush()
    blocks: list[Block] = []
    for i, (kind, start, body) in enumerate(pieces):
        if kind == "item":
            blocks.append(Block("item", body, start))
        elif is_quote(body):
            blocks.append(Block("quote", body, start))
        elif _looks_heading(body) and 0 < i < len(pieces) - 1 and pieces[i + 1][0] != "heading":
            blocks.append(Block("heading", body, start))
        else:
            blocks.append(Block("paragraph", body, start))
    return number(blocks)


def number(blocks: list[Block]) -> list[Block]:
    """Number the body's blocks 1, 2, ... as the build numbers them (``id="pN"``): every
    paragraph, heading, list item and quotation counts once."""
    list_id = 0
    prev: Block | None = None
    for n, block in enumerate(blocks, 1):
        block.paragraph = n
        if block.kind == "item":
            if prev is None or prev.kind != "item":
                list_id += 1
            block.list_id = list_id
        prev = block
    return blocks


def read_txt(path: Path, text: str) -> tuple[str, int | None, list[Block], dict]:
    lines = _lines(text)
    for i, (start, line) in enumerate(lines):
        if line.strip():
            t_start, title = _strip(start, line)
            return title, t_start, parse_text_blocks(text, lines[i + 1 :]), {}
    raise ReadError("empty article: no text")


# -- Markdown ----------------------------------------------------------------------------------

_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?$\n?", re.S | re.M)
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_ITEM = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")


def read_md(path: Path, text: str) -> tuple[str, int | None, list[Block], dict]:
    meta: dict = {}
    offset = 0
    m = _FRONT.match(text)
    if m:
        import yaml

        try:
            loaded = yaml.safe_load(m.group(1))
        except yaml.YAMLError as exc:
            raise ReadError(f"bad front matter: {yaml_message(exc)}") from None
        if isinstance(loaded, dict):
            meta = loaded
        offset = m.end()
    lines = [(s, ln) for s, ln in _lines(text[offset:])]
    lines = [(s + offset, ln) for s, ln in lines]
    blocks: list[Block] = []
    title = str(meta.get("title") or "").strip()
    title_start: int | None = None
    para: list[tuple[int, str]] = []

    def flush() -> None:
        if para:
            first, last = para[0], para[-1]
            body = text[first[0] : last[0] + len(last[1])]
            quote_lines = [ln for _, ln in para]
            if all(ln.startswith(">") for ln in quote_lines):
                start = first[0] + len(first[1]) - len(first[1][1:].lstrip())
                blocks.append(Block("quote", text[start : last[0] + len(last[1])], start))
            else:
                blocks.append(Block("quote" if is_quote(body) else "paragraph", body, first[0]))
            para.clear()

    for start, line in lines:
        start, stripped = _strip(start, line)
        if not stripped:
            flush()
            continue
        h = _MD_HEADING.match(stripped)
        item = _MD_ITEM.match(stripped)
        if h:
            flush()
            h_start = start + stripped.index(h.group(2)) if h.group(2) else start
            if not title and len(h.group(1)) == 1 and not blocks:
                title, title_start = h.group(2), h_start
            else:
                blocks.append(Block("heading", h.group(2), h_start))
        elif item:
            flush()
            blocks.append(Block("item", stripped[item.end() :], start + item.end()))
        else:
            para.append((start, stripped))
    flush()
    if not title:
        for i, block in enumerate(blocks):
            if block.kind in ("paragraph", "heading"):
                title, title_start = block.text, block.start
                del blocks[i]
                break
    if not title and not blocks:
        raise ReadError("empty article: no text")
    return title, title_start, number(blocks), meta


# -- HTML --------------------------------------------------------------------------------------

_META_DATE = re.compile(
    r"<meta\s[^>]*(?:property|name|itemprop)\s*=\s*[\"'](?:article:published_time|"
    r"datePublished|date|dc\.date|DC\.date\.issued|pubdate|publishdate|og:published_time)"
    r"[\"'][^>]*>",
    re.I,
)
_CONTENT = re.compile(r"content\s*=\s*[\"']([^\"']+)[\"']", re.I)
_JSONLD = re.compile(r"\"datePublished\"\s*:\s*\"([^\"]+)\"")


def html_published(html: str) -> str | None:
    for m in _META_DATE.finditer(html):
        c = _CONTENT.search(m.group(0))
        if c and (value := normalise_published(c.group(1))):
            return value
    m = _JSONLD.search(html)
    if m:
        return normalise_published(m.group(1))
    return None


def read_html(path: Path, html: str) -> tuple[str, int | None, list[Block], dict, str]:
    """Main text via trafilatura (a small standard-library reader if it is unavailable)."""
    meta: dict = {}
    try:
        import trafilatura
    except ImportError:
        trafilatura = None
    pieces: list[tuple[str, str]] = []
    title = ""
    if trafilatura is not None:
        xml = trafilatura.extract(
            html,
            output_format="xml",
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            favor_precision=True,
        )
        if xml:
            import xml.etree.ElementTree as ET

            root = ET.fromstring(xml)
            title = (root.get("title") or "").strip()
            for key in ("author", "sitename", "date", "url"):
                if root.get(key):
                    meta[key] = root.get(key)
            main = root.find("main")
            for el in main if main is not None else []:
                kind = {"head": "heading", "p": "paragraph", "quote": "quote"}.get(el.tag)
                if el.tag == "list":
                    for item in el.iter("item"):
                        pieces.append(("item", " ".join("".join(item.itertext()).split())))
                elif kind:
                    pieces.append((kind, " ".join("".join(el.itertext()).split())))
    else:
        from .htmltext import extract_blocks

        title, pieces = extract_blocks(html)
    pieces = [(k, t) for k, t in pieces if t]
    if pieces and pieces[0][0] == "heading" and (not title or pieces[0][1] == title):
        title = pieces.pop(0)[1]
    if not title and pieces:
        title = pieces.pop(0)[1]
    if not title:
        raise ReadError("no article text found in the HTML")
    # Rebuild a plain text the offsets refer to: the title, then one block per paragraph.
    text = title + "\n\n"
    blocks = []
    for kind, body in pieces:
        if kind == "paragraph" and is_quote(body):
            kind = "quote"
        blocks.append(Block(kind, body, len(text)))
        text += body + "\n\n"
    return title, 0, number(blocks), meta, text


# -- the article -------------------------------------------------------------------------------

_DATELINE = re.compile(
    r"^\s*[A-Z][A-Za-z.'\- ]{1,40}(?:,\s*[A-Z][A-Za-z.\- ]{1,30})?,?\s+"
    r"(?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+(?P<d>\d{1,2})"
    r"(?:,?\s+(?P<y>\d{4}))?\s*(?:\([A-Za-z .&]+\)\s*)?[-\u2013\u2014]+\s"
)
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_FILE_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")


def dateline_published(text: str, fallback_year: int | None) -> str | None:
    m = _DATELINE.match(text)
    if not m:
        return None
    year = int(m["y"]) if m["y"] else fallback_year
    if year is None:
        return None
    try:
        return dt.date(year, _MONTHS.index(m["mon"][:3].lower()) + 1, int(m["d"])).isoformat()
    except ValueError:
        return None


def read_article(path: Path) -> Article:
    """Read one article file; raises :class:`ReadError` when it cannot be used."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror or exc}") from None
    if not data.strip():
        raise ReadError("empty article: no text")
    text = decode(data, path)
    suffix = path.suffix.lower()
    meta: dict = {}
    html_meta: dict = {}
    if suffix in (".html", ".htm"):
        title, title_start, blocks, html_meta, text_out = read_html(path, text)
        published_meta = html_published(text) or normalise_published(html_meta.get("date"))
        text = text_out
    elif suffix in (".md", ".markdown"):
        title, title_start, blocks, meta = read_md(path, text)
        published_meta = normalise_published(meta.get("published") or meta.get("date"))
    else:
        title, title_start, blocks, meta = read_txt(path, text)
        published_meta = None
    if not title.strip() and not blocks:
        raise ReadError("empty article: no text")
    article = Article(path, text, title, title_start, blocks, meta=meta)
    article.sha256 = hashlib.sha256(data).hexdigest()
    sidecar = sidecar_for(path)
    side: dict[str, str] = {}
    if sidecar is not None:
        side = read_sidecar(sidecar)
        article.sidecar = sidecar
        article.sidecar_sha256 = hashlib.sha256(sidecar.read_bytes()).hexdigest()
    # Publication date: sidecar, own metadata, dateline, file name.
    candidates = [("sidecar", normalise_published(side.get("published")))]
    candidates.append(("metadata", published_meta))
    first = next((b.text for b in blocks if b.kind == "paragraph"), "")
    file_date = _FILE_DATE.match(path.name)
    years = [int(y) for y in re.findall(r"\b(20\d\d|19\d\d)\b", text)]
    fallback_year = int(file_date.group(1)[:4]) if file_date else (max(years) if years else None)
    candidates.append(("dateline", dateline_published(first, fallback_year)))
    if file_date:
        candidates.append(("filename", normalise_published(file_date.group(1))))
    for source, value in candidates:
        if value:
            article.published, article.published_from = value, source
            break
    if side.get("title"):
        article.title = side["title"]
    article.url = side.get("url") or _scalar(meta.get("url")) or html_meta.get("url", "")
    article.publisher = (
        side.get("publisher") or _scalar(meta.get("publisher")) or html_meta.get("sitename", "")
    )
    article.author = (
        side.get("author") or _scalar(meta.get("author")) or html_meta.get("author", "")
    )
    return article
