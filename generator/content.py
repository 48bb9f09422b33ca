"""Read and validate ``content/**/*.md`` into model records.

Front matter is split with python-frontmatter and parsed with PyYAML's C loader (fast on
thousands of files). Every problem names the file and, where YAML can tell, the line.
Nothing here knows about ingest: a hand-written file is as good as a generated one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from frontmatter.default_handlers import YAMLHandler
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .dates import When
from .errors import Problems
from .model import ACTOR_KINDS, LOCATION_KINDS, Actor, Dossier, Event, Location, Quote, Source
from .names import slugify

_STR, _SEQ, _MAP = (f"tag:yaml.org,2002:{kind}" for kind in ("str", "seq", "map"))


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The C safe loader, with dates left as text: ``When`` parses them with clear errors.

    Its resolver (Python, called for every node the C parser makes: a fifth of the time
    spent loading front matter) is cut to what a loader with no path resolvers does."""

    def resolve(self, kind, value, implicit):
        if kind is ScalarNode:
            if implicit[0]:
                for tag, regexp in _RESOLVERS.get(value[:1], _WILDCARD):
                    if regexp.match(value):
                        return tag
            return _STR
        return _SEQ if kind is SequenceNode else _MAP

    def descend_resolver(self, current_node, current_index):
        pass  # path resolvers only

    def ascend_resolver(self):
        pass


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Loader.yaml_implicit_resolvers.items()
}
assert not _Loader.yaml_path_resolvers  # ``resolve`` above knows none
_WILDCARD = _Loader.yaml_implicit_resolvers.get(None, [])
_RESOLVERS = {  # by first character (``""``: the empty value), as PyYAML looks them up
    first: resolvers + _WILDCARD
    for first, resolvers in _Loader.yaml_implicit_resolvers.items()
    if first is not None
}
_LOADER = _Loader
_HANDLER = YAMLHandler()
_SCALARS = {
    tag: SafeConstructor.yaml_constructors[tag]
    for tag in (f"tag:yaml.org,2002:{kind}" for kind in ("null", "bool", "int", "float"))
}
_SCALAR_MAKER = SafeConstructor()  # its scalar methods keep no state


class _Unusual(Exception):
    """A node ``_build`` leaves to PyYAML's own constructor."""


def _build(node):
    """The value of a node as PyYAML's safe constructor makes it, for the plain strings,
    numbers, lists and mappings front matter is made of (anything else: ``_Unusual``)."""
    tag, kind = node.tag, type(node)
    if kind is ScalarNode:
        if tag == _STR:
            return node.value
        make = _SCALARS.get(tag)
        if make is None:
            raise _Unusual
        return make(_SCALAR_MAKER, node)
    if tag == _MAP and kind is MappingNode:
        out = {}
        for key_node, value_node in node.value:
            key = key_node.value if key_node.tag == _STR else _build(key_node)
            try:
                out[key] = _build(value_node)
            except TypeError:  # an unhashable key: PyYAML says where
                raise _Unusual from None
        return out
    if tag == _SEQ and kind is SequenceNode:
        return [_build(item) for item in node.value]
    raise _Unusual


def load_yaml(text: str):
    """``yaml.load(text, Loader=_LOADER)``, in about half the time: PyYAML's constructor is
    Python even under the C loader, and general (anchors, merge keys, tags, recursion), and
    it was most of the time spent reading a dossier. Without an ``&`` the text has no
    anchors, so its nodes form a tree ``_build`` can walk; anything else goes to PyYAML."""
    if "&" not in text:
        loader = _LOADER(text)
        try:
            node = loader.get_single_node()  # syntax errors are raised here, as by yaml.load
        finally:
            loader.dispose()
        try:
            return None if node is None else _build(node)
        except _Unusual:
            pass
    return yaml.load(text, Loader=_LOADER)


@dataclass
class Content:
    """Everything under content/, as read; resolution of names happens in site.py."""

    dossiers: list[Dossier] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)  # hand-written events


@dataclass
class Document:
    """A Markdown file split into parsed front matter and body."""

    path: str
    meta: dict
    body: str
    fm_text: str
    offset: int  # file line of the front matter's line 0 (the opening '---')

    @property
    def fm_line(self) -> int:
        """1-based line of the first front-matter key."""
        return self.offset + 1

    def line_of(self, *keys: str | int) -> int | None:
        """Line of a key (or list index) in the front matter, for messages; None if absent."""
        try:
            node = yaml.compose(self.fm_text, Loader=_LOADER)
        except yaml.YAMLError:
            return None
        line = None
        for key in keys:
            if isinstance(node, yaml.MappingNode):
                found = [(k, v) for k, v in node.value if k.value == key]
                if not found:
                    return line
                knode, node = found[0]
                line = knode.start_mark.line + self.offset
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
                if key >= len(node.value):
                    return line
                node = node.value[key]
                line = node.start_mark.line + self.offset
            else:
                return line
        return line


def split_document(text: str, path: str) -> tuple[str, str, int]:
    """Return (front matter, body, line offset of the front matter); 0 when there is none.

    Raises ValueError when the front matter is never closed."""
    if text.startswith("\ufeff"):
        text = text[1:]
    stripped = text.lstrip("\n")
    lead = len(text) - len(stripped)
    if not stripped.startswith("---"):
        return "", text, 0
    try:
        fm, body = _HANDLER.split(stripped)
    except ValueError:
        raise ValueError("front matter opened with '---' is never closed") from None
    return fm, body.lstrip("\n"), lead + 1


def read_document(file: Path, problems: Problems, rel: str) -> Document | None:
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.error(rel, f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        return None
    return parse_document(text, rel, problems)


def parse_document(text: str, rel: str, problems: Problems) -> Document | None:
    try:
        fm, body, offset = split_document(text, rel)
    except ValueError as exc:
        problems.error(rel, str(exc), 1)
        return None
    if not offset:
        problems.error(rel, "no front matter: the file must start with a '---' line", 1)
        return None
    try:
        meta = load_yaml(fm) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + offset if mark else offset
        reason = getattr(exc, "problem", None) or str(exc)
        problems.error(rel, f"bad YAML in front matter: {reason}", line)
        return None
    if not isinstance(meta, dict):
        problems.error(rel, "front matter must be a mapping of keys to values", offset + 1)
        return None
    return Document(rel, meta, body, fm, offset)


# -- field readers: each reports a problem and returns a safe value ---------------------------


def _text(doc: Document, key: str, problems: Problems, required: bool = False) -> str:
    value = doc.meta.get(key)
    if value is None or value == "":
        if required:
            problems.error(doc.path, f"missing required '{key}'", doc.line_of(key) or doc.fm_line)
        return ""
    if isinstance(value, (dt.date, int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        problems.error(doc.path, f"'{key}' must be text", doc.line_of(key))
        return ""
    return value.strip()


def _names(value: object, doc: Document, problems: Problems, *keys: str | int) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.error(doc.path, f"'{keys[-1]}' must be a list of names", doc.line_of(*keys))
        return []
    seen: list[str] = []
    for name in (v.strip() for v in value):
        if name and name not in seen:
            seen.append(name)
    return seen


def _when(value: object, doc: Document, problems: Problems, *keys: str | int) -> When | None:
    if value in (None, ""):
        return None
    try:
        return When.parse(value)
    except ValueError as exc:
        problems.error(doc.path, f"unparseable date in '{keys[-1]}': {exc}", doc.line_of(*keys))
        return None


def _resolve_relative(expression: str, published: When | None) -> When | None:
    """A relative expression left unresolved at ingest resolves once ``published`` is known."""
    if not expression or published is None or published.precision != "day":
        return None
    from .relative import resolve  # pure, stdlib-only module

    return resolve(expression, published.first_day())


def _event(raw: object, doc: Document, problems: Problems, keys: tuple, **extra) -> Event | None:
    if not isinstance(raw, dict):
        problems.error(doc.path, "each event must be a mapping", doc.line_of(*keys))
        return None
    text = raw.get("text") or raw.get("sentence") or ""
    if not isinstance(text, str) or not text.strip():
        problems.error(doc.path, "event without 'text'", doc.line_of(*keys))
        return None
    date = _when(raw.get("date"), doc, problems, *keys, "date")
    expression = str(raw.get("expression") or "")
    headline = raw.get("headline") is True
    if date is None and raw.get("date") in (None, ""):
        if headline:  # the headline event happens on the publication date, once it is known
            date = extra.get("published")
        else:
            date = _resolve_relative(expression, extra.get("published"))
    event_id = str(raw.get("id") or "")
    if not event_id:
        digest = hashlib.sha1(f"{doc.path}|{text}|{raw.get('date')}".encode()).hexdigest()
        event_id = "e-" + digest[:10]
    sources = raw.get("sources") or []
    if isinstance(sources, str):
        sources = [sources]
    return Event(
        id=slugify(event_id, "event"),
        date=date,
        text=text.strip(),
        sentence=str(raw.get("sentence") or "").strip(),
        actors=_names(raw.get("actors"), doc, problems, *keys, "actors"),
        locations=_names(raw.get("locations"), doc, problems, *keys, "locations"),
        dossier=extra.get("dossier"),
        expression=expression,
        paragraph=raw.get("paragraph") if isinstance(raw.get("paragraph"), int) else None,
        sources=[str(s) for s in sources],
        tags=_names(raw.get("tags"), doc, problems, *keys, "tags"),
        path=doc.path,
        index=keys[1] if len(keys) > 1 else None,
        headline=headline,
    )


# -- one reader per kind of file ------------------------------------------------------------


def line_in_file(root: Path, rel: str, *keys: str | int) -> int | None:
    """Line of a front-matter key in a file, for a message about it (error paths only:
    finding lines means parsing the YAML again, node by node)."""
    try:
        text = (root / rel).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    doc = parse_document(text, rel, Problems())
    return doc.line_of(*keys) if doc else None


def read_dossier(doc: Document, problems: Problems) -> Dossier:
    slug = slugify(Path(doc.path).stem, "dossier")
    published = _when(doc.meta.get("published"), doc, problems, "published")
    src = doc.meta.get("source") or {}
    if not isinstance(src, dict):
        problems.error(doc.path, "'source' must be a mapping", doc.line_of("source"))
        src = {}
    source = Source(**{k: str(src.get(k) or "") for k in Source.__dataclass_fields__})
    dossier = Dossier(
        slug=slug,
        path=doc.path,
        title=_text(doc, "title", problems, required=True),
        published=published,
        body=doc.body,
        source=source,
        summary=_text(doc, "summary", problems),
        actors=_names(doc.meta.get("actors"), doc, problems, "actors"),
        locations=_names(doc.meta.get("locations"), doc, problems, "locations"),
        tags=_names(doc.meta.get("tags"), doc, problems, "tags"),
    )
    raw_events = doc.meta.get("events") or []
    if not isinstance(raw_events, list):
        problems.error(doc.path, "'events' must be a list", doc.line_of("events"))
        raw_events = []
    for i, raw in enumerate(raw_events):
        event = _event(raw, doc, problems, ("events", i), dossier=slug, published=published)
        if event:
            dossier.events.append(event)
    raw_quotes = doc.meta.get("quotes") or []
    if not isinstance(raw_quotes, list):
        problems.error(doc.path, "'quotes' must be a list", doc.line_of("quotes"))
        raw_quotes = []
    for i, raw in enumerate(raw_quotes):
        if not isinstance(raw, dict) or not str(raw.get("text") or "").strip():
            problems.error(doc.path, "each quote needs a 'text'", doc.line_of("quotes", i))
            continue
        speaker = raw.get("speaker")
        para = raw.get("paragraph")
        dossier.quotes.append(
            Quote(
                speaker=str(speaker).strip() if speaker else None,
                text=str(raw["text"]).strip(),
                dossier=slug,
                paragraph=para if isinstance(para, int) else None,
            )
        )
    return dossier


def _kind(doc: Document, problems: Problems, kinds: tuple[str, ...], default: str) -> str:
    kind = _text(doc, "kind", problems) or default
    if kind not in kinds:
        problems.error(
            doc.path, f"kind must be one of {', '.join(kinds)}, not {kind!r}", doc.line_of("kind")
        )
    return kind


def read_actor(doc: Document, problems: Problems) -> Actor:
    kind = _kind(doc, problems, ACTOR_KINDS, "person")
    return Actor(
        name=_text(doc, "name", problems, required=True),
        kind=kind,
        aliases=_names(doc.meta.get("aliases"), doc, problems, "aliases"),
        role=_text(doc, "role", problems),
        body=doc.body,
        path=doc.path,
    )


def read_location(doc: Document, problems: Problems) -> Location:
    kind = _kind(doc, problems, LOCATION_KINDS, "other")
    coords = {}
    for key in ("lat", "lon"):
        value = doc.meta.get(key)
        if value is not None and not isinstance(value, (int, float)):
            problems.error(doc.path, f"'{key}' must be a number", doc.line_of(key))
            value = None
        coords[key] = float(value) if value is not None else None
    return Location(
        name=_text(doc, "name", problems, required=True),
        kind=kind,
        aliases=_names(doc.meta.get("aliases"), doc, problems, "aliases"),
        country=_text(doc, "country", problems),
        body=doc.body,
        path=doc.path,
        **coords,
    )


def read_events(doc: Document, problems: Problems) -> list[Event]:
    """A hand-written events file: one event in the front matter, or a list under 'events'."""
    if "events" in doc.meta:
        raws = doc.meta["events"] if isinstance(doc.meta["events"], list) else []
        keyed = [(raw, ("events", i)) for i, raw in enumerate(raws)]
    else:
        raw = dict(doc.meta)
        if doc.body.strip() and "text" not in raw:
            raw["text"] = doc.body.strip()
        keyed = [(raw, ())]
    events = []
    for raw, keys in keyed:
        event = _event(raw, doc, problems, keys)
        if event is None:
            continue
        if event.date is None:
            problems.error(
                doc.path, "a hand-written event needs a 'date'", doc.line_of(*keys) or doc.fm_line
            )
        if not event.sources:
            problems.error(
                doc.path,
                "a hand-written event needs 'sources': where it is known from",
                doc.line_of(*keys) or doc.fm_line,
            )
        events.append(event)
    return events


READERS = {
    "dossiers": read_dossier,
    "actors": read_actor,
    "locations": read_location,
}


def content_files(content_dir: Path) -> dict[str, list[Path]]:
    """The Markdown files of each kind, sorted (``is_content_name``)."""
    found = {}
    for kind in ("dossiers", "actors", "locations", "events"):
        folder = content_dir / kind
        files = folder.glob("*.md") if folder.is_dir() else []
        found[kind] = sorted(  # one folder: by name, as paths would sort, only quicker
            (f for f in files if is_content_name(f.name)), key=lambda f: f.name
        )
    return found


def is_content_name(name: str) -> bool:
    """A Markdown file the site reads: not ``*.new.md`` (ingest proposals), not hidden
    (editors' locks and temp files such as ``.#x.md``)."""
    return name.endswith(".md") and not name.endswith(".new.md") and not name.startswith(".")


def relative_paths(root: Path, files: list[Path]) -> list[str]:
    """Each file's path from ``root`` (``/``-separated), or the whole path outside it."""
    out = []
    folder, prefix = None, None  # prefix None: outside root
    for file in files:
        if file.parent != folder:
            folder = file.parent
            if folder == root:
                prefix = ""
            elif folder.is_relative_to(root):
                prefix = folder.relative_to(root).as_posix() + "/"
            else:
                prefix = None
        out.append(str(file) if prefix is None else prefix + file.name)
    return out


def read_file(kind: str, file: Path, rel: str, problems: Problems) -> list:
    """The records one content file holds (a dossier, an actor, a place, or events)."""
    doc = read_document(file, problems, rel)
    if doc is None:
        return []
    if kind == "events":
        return read_events(doc, problems)
    return [READERS[kind](doc, problems)]


def load_content(root: Path, content_dir: Path, problems: Problems, cache=None) -> Content:
    """Read every content file; ``cache`` (a ``cache.DocumentCache``) skips unchanged ones."""
    content = Content()
    for kind, files in content_files(content_dir).items():
        for file, rel in zip(files, relative_paths(root, files), strict=True):
            if cache is None:
                records = read_file(kind, file, rel, problems)
            else:
                records = cache.read(kind, file, rel, problems, read_file)
            getattr(content, kind).extend(records)
    return content
