"""Dossier files: render an extraction as Markdown with front matter; never clobber an edit.

The front matter follows ``docs/format.md`` key by key, in a fixed order, so the output is
deterministic. Its last key, ``ingest``, records the extractor version, a digest of the input
(article and sidecar) and a digest of the rest of the file as written. A file whose rest no
longer matches that digest was edited by a person: ingest then writes ``<slug>.new.md`` beside
it instead of over it.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..cache import RACY_SECONDS, stat_key
from ..names import name_key, slugify
from .analyse import EXTRACTOR_VERSION, Extraction
from .readers import Article, Block

_INGEST_BLOCK = re.compile(r"^ingest:[ \t]*\n(?:[ \t]+.*\n)*", re.M)
_FIELD = re.compile(r"^  (file|input|digest|text|version): *(.*)$", re.M)
_FRONT_END = re.compile(r"^---[ \t]*$", re.M)


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Readable YAML: block style, lists of names inline, no aliases."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def _str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


class _Flow(list):
    pass


def _flow(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(_Flow, _flow)


def dump(data: dict) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
        default_flow_style=False,
    )


def sha256(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


# -- the body ----------------------------------------------------------------------------------

_BLOCK_START = re.compile(r"^(#{1,6}\s|>|[-*+]\s|\d+[.)]\s|={3,}|-{3,}|`{3,}|~{3,}|\|)")


def _escape_start(text: str) -> str:
    return "\\" + text if _BLOCK_START.match(text) else text


def body_markdown(article: Article) -> str:
    """The article in Markdown: one top-level block per article block, in order."""
    if article.path.suffix.lower() in (".md", ".markdown"):
        text = article.text
        m = re.match(r"\A---[ \t]*\r?\n.*?^---[ \t]*\r?$\n?", text, re.S | re.M)
        body = text[m.end() :] if m else text
        if not article.meta.get("title") and article.title_start is not None:
            # The title came from the first heading: it is in the front matter now.
            lines = body.splitlines(keepends=True)
            for i, line in enumerate(lines):
                if line.strip():
                    if line.lstrip().startswith("# ") and article.title in line:
                        del lines[i]
                    break
            body = "".join(lines)
        return body.replace("\r\n", "\n").strip() + "\n"
    out: list[str] = []
    prev: Block | None = None
    for block in article.blocks:
        text = " ".join(block.text.split())
        if block.kind == "heading":
            line = "## " + text
        elif block.kind == "item":
            line = "- " + text
        elif block.kind == "quote":
            line = "> " + text
        else:
            line = _escape_start(text)
        if prev is not None:
            same_list = (
                block.kind == "item" and prev.kind == "item" and (block.list_id == prev.list_id)
            )
            out.append("\n" if same_list else "\n\n")
        out.append(line)
        prev = block
    return "".join(out) + "\n"


# -- the front matter --------------------------------------------------------------------------


def _names(values: object) -> list[str]:
    if isinstance(values, str):
        return [values]
    if isinstance(values, list):
        return [str(v) for v in values if v not in (None, "")]
    return []


def _union(first: list[str], second: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in first + second:
        seen.setdefault(name_key(name), name)
    return list(seen.values())


def front_matter(x: Extraction, source_file: str) -> dict:
    a = x.article
    meta = a.meta or {}
    actors = _union(_names(meta.get("actors")), x.names("actor"))
    locations = _union(_names(meta.get("locations")), x.names("location"))
    published = a.published
    source = {
        "file": source_file,
        "sha256": a.sha256,
        "url": a.url,
        "publisher": a.publisher,
        "author": a.author,
    }
    events = []
    for e in x.events:
        event = {
            "id": e["id"],
            "date": e["date"],
            "expression": e["expression"],
            "text": e["text"],
            "sentence": e["sentence"],
            "paragraph": e["paragraph"],
            "actors": _Flow(e["actors"]),
            "locations": _Flow(e["locations"]),
        }
        if e.get("headline"):
            event["headline"] = True
        events.append(event)
    quotes = [{"speaker": q["speaker"], "text": q["text"]} for q in x.quotes]
    title = str(meta.get("title") or a.title).strip()
    summary = str(meta.get("summary") or x.summary).strip()
    tags = _names(meta.get("tags"))
    return {
        "title": title,
        "published": published,
        "source": source,
        "summary": summary,
        "actors": _Flow(actors),
        "locations": _Flow(locations),
        "tags": _Flow(tags),
        "events": events,
        "quotes": quotes,
    }


def render(x: Extraction, source_file: str, input_digest: str, text_key: str) -> str:
    """The whole dossier file, ``ingest`` block included."""
    head = dump(front_matter(x, source_file))
    body = body_markdown(x.article)
    rest = f"---\n{head}---\n{body}"
    block = dump(
        {
            "ingest": {
                "version": EXTRACTOR_VERSION,
                "input": input_digest,
                "text": text_key,
                "digest": sha256(rest),
            }
        }
    )
    return f"---\n{head}{block}---\n{body}"


def strip_ingest(text: str) -> tuple[str, dict[str, str]]:
    """The file without its ``ingest`` block, and the block's fields."""
    end = _FRONT_END.search(text, 4)
    head = text[: end.start()] if end else text
    m = _INGEST_BLOCK.search(head)
    if not m:
        return text, {}
    fields = {k: v.strip().strip("'\"") for k, v in _FIELD.findall(m.group(0))}
    return text[: m.start()] + text[m.end() :], fields


def is_edited(text: str) -> bool:
    """True when the file differs from what ingest wrote (or carries no ingest record)."""
    rest, fields = strip_ingest(text)
    return not fields.get("digest") or sha256(rest) != fields["digest"]


@dataclass
class Existing:
    """What ingest needs to know about a dossier already on disk."""

    path: Path
    slug: str
    source_file: str
    input: str
    text_key: str


# what ``scan_dossiers`` found in each file, by folder and file name, with its stat then:
# a watcher ingests article after article into a folder of thousands of dossiers
_SCANNED: dict[str, dict[str, tuple[tuple, Existing | None]]] = {}


def scan_dossiers(folder: Path) -> dict[str, Existing]:
    """Existing dossiers by source file; reads only the lines ingest wrote (fast), and in
    one process only the files changed since it last read them (ten thousand dossiers
    took a second to read at each article a watcher ingested)."""
    found: dict[str, Existing] = {}
    if not folder.is_dir():
        return found
    known = _SCANNED.get(str(folder), {})
    seen: dict[str, tuple[tuple, Existing | None]] = {}
    now = time.time()
    for path in sorted(folder.glob("*.md")):
        if path.name.endswith(".new.md"):
            continue
        try:
            st = path.stat()
        except OSError:
            continue
        key = stat_key(st)
        hit = known.get(path.name)
        if hit is not None and hit[0] == key:
            existing = hit[1]
        else:
            try:
                existing = _scan_one(path)
            except OSError:
                continue  # (not kept: unreadable for now, perhaps not next time)
        if now - st.st_mtime >= RACY_SECONDS:  # (changed again within its mtime's tick)
            seen[path.name] = (key, existing)
        if existing is not None:
            found.setdefault(existing.source_file, existing)
    _SCANNED[str(folder)] = seen
    return found


def _scan_one(path: Path) -> Existing | None:
    """What ``scan_dossiers`` needs of one file; None when ingest did not write it."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None
    end = _FRONT_END.search(text, 4)
    head = text[: end.start()] if end else ""
    m = re.search(r"^source:[ \t]*\n((?:[ \t]+.*\n)*)", head, re.M)
    if not m:
        return None
    f = re.search(r"^  file: *(.*)$", m.group(1), re.M)
    if not f:
        return None
    source_file = yaml.safe_load(f.group(1)) if f.group(1).strip() else ""
    _, fields = strip_ingest(text)
    return Existing(
        path, path.stem, str(source_file), fields.get("input", ""), fields.get("text", "")
    )


def write_if_changed(path: Path, text: str) -> bool:
    data = text.encode("utf-8")
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return True


# -- stubs -------------------------------------------------------------------------------------


def stub_text(
    name: str, kind: str, aliases: list[str], role: str = "", category: str = "actor"
) -> str:
    data: dict = {"name": name, "kind": kind, "aliases": _Flow(aliases)}
    if category == "actor" and role:
        data["role"] = role
    return f"---\n{dump(data)}---\n"


def stub_path(folder: Path, name: str) -> Path:
    return folder / f"{slugify(name, 'item')}.md"
