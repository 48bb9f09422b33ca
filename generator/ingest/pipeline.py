"""The ingest run: find new or changed articles, analyse them, write dossiers and stubs.

Nothing heavy is imported until an article actually needs analysing, so ``dossier build`` on
content that is already ingested pays only for hashing the seed files and reading a few lines
of each dossier.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Config
from ..errors import Problem
from ..names import name_key, slugify
from . import writer
from .analyse import EXTRACTOR_VERSION, Extraction, analyse_batch
from .entities import Registry, load_pipeline, load_registry
from .readers import ARTICLE_SUFFIXES, ReadError, normalise_published, read_article, sidecar_for

POOL_MIN = 48  # articles; below this one process is faster than starting a second one


@dataclass
class IngestReport:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    beside: list[Path] = field(default_factory=list)  # <slug>.new.md next to an edited dossier
    duplicates: list[tuple[Path, Path]] = field(default_factory=list)  # (duplicate, original)
    problems: list[Problem] = field(default_factory=list)
    stubs: list[Path] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{len(self.written)} written", f"{len(self.unchanged)} unchanged"]
        if self.beside:
            parts.append(f"{len(self.beside)} beside edited dossiers (*.new.md)")
        if self.duplicates:
            parts.append(f"{len(self.duplicates)} duplicates skipped")
        if self.stubs:
            parts.append(f"{len(self.stubs)} new actor/location stubs")
        if self.problems:
            parts.append(f"{len(self.problems)} problems")
        return "ingest: " + ", ".join(parts)


def find_articles(seeds: Path) -> list[Path]:
    if not seeds.is_dir():
        return []
    out = []
    for path in seeds.rglob("*"):
        rel = path.relative_to(seeds).parts
        if any(p.startswith(".") for p in rel):
            continue
        if path.is_file() and path.suffix.lower() in ARTICLE_SUFFIXES:
            if not path.name.startswith("_") and not path.name.endswith(".new.md"):
                out.append(path)
    return sorted(out)


def _expand(paths: list[Path]) -> list[Path]:
    out = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(find_articles(p))
        else:
            out.append(p)
    return sorted(dict.fromkeys(out))


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _digests(path: Path) -> tuple[str, str]:
    """(input digest: article + sidecar + extractor version, text key for duplicates)."""
    data = path.read_bytes()
    side = sidecar_for(path)
    side_data = side.read_bytes() if side is not None else b""
    head = f"dossier-ingest-{EXTRACTOR_VERSION}\0".encode()
    digest = writer.sha256(head + data + b"\0" + side_data)
    text = b"\n".join(line.strip() for line in data.replace(b"\r\n", b"\n").strip().split(b"\n"))
    return digest, writer.sha256(text)


_EMPTY_KEY = writer.sha256(b"")  # empty files are reported as such, not as duplicates

# -- analysis in one process or two -----------------------------------------------------------

_WORKER: dict = {}


def _init_worker(model: str, registry: Registry) -> None:
    _WORKER["registry"] = registry
    _WORKER["nlp"] = load_pipeline(model, registry, None)


def _work(jobs: list[tuple[Path, str | None, str | None]]) -> list[Extraction | Problem]:
    return _analyse_paths(jobs, _WORKER["nlp"], _WORKER["registry"])


def _analyse_paths(jobs, nlp, registry: Registry) -> list[Extraction | Problem]:
    articles, slugs, index = [], [], []
    out: list[Extraction | Problem | None] = [None] * len(jobs)
    for i, (path, published, slug) in enumerate(jobs):
        try:
            article = read_article(path)
        except ReadError as exc:
            out[i] = Problem(str(path), str(exc))
            continue
        except OSError as exc:
            out[i] = Problem(str(path), f"cannot read: {exc}")
            continue
        if published:
            value = normalise_published(published)
            if value is None:
                out[i] = Problem(str(path), f"not a date: {published!r}")
                continue
            article.published, article.published_from = value, "argument"
        articles.append(article)
        slugs.append(slug or slugify(article.title, "article"))
        index.append(i)
    try:
        results = analyse_batch(articles, nlp, registry, slugs)
    except Exception:  # one bad article must not sink the batch: retry one by one
        results = []
        for article, slug in zip(articles, slugs, strict=True):
            try:
                results.extend(analyse_batch([article], nlp, registry, [slug]))
            except Exception as exc:  # noqa: BLE001
                results.append(Problem(str(article.path), f"analysis failed: {exc!r}"))
    for i, result in zip(index, results, strict=True):
        out[i] = result
    return out  # type: ignore[return-value]


def analyse_paths(
    jobs: list[tuple[Path, str | None, str | None]],
    config: Config,
    registry: Registry,
    log: Callable[[str], None],
    progress: bool = False,
) -> list[Extraction | Problem]:
    """Read and analyse articles; two processes for large batches on a multi-core machine."""
    nlp = load_pipeline(config.spacy_model, registry, log)
    workers = min(2, os.cpu_count() or 1)
    if len(jobs) < POOL_MIN or workers < 2:
        return _chunked(jobs, lambda chunk: _analyse_paths(chunk, nlp, registry), progress)
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
    size = 16
    chunks = [jobs[i : i + size] for i in range(0, len(jobs), size)]
    out: list[Extraction | Problem] = []
    with ProcessPoolExecutor(
        workers, mp_context=ctx, initializer=_init_worker, initargs=(config.spacy_model, registry)
    ) as pool:
        bar = _bar(len(jobs), progress)
        for result in pool.map(_work, chunks):
            out.extend(result)
            bar(len(result))
        bar(0, done=True)
    return out


def _chunked(jobs, fn, progress: bool) -> list:
    bar = _bar(len(jobs), progress)
    out = []
    for i in range(0, len(jobs), 32):
        chunk = jobs[i : i + 32]
        out.extend(fn(chunk))
        bar(len(chunk))
    bar(0, done=True)
    return out


def _bar(total: int, enabled: bool) -> Callable[..., None]:
    """A tiny progress bar on stderr, only on a terminal and for more than a few files."""
    if not enabled or total <= 5 or not sys.stderr.isatty():
        return lambda n, done=False: None
    state = {"n": 0}

    def step(n: int, done: bool = False) -> None:
        state["n"] += n
        width = 30
        filled = int(width * state["n"] / total)
        sys.stderr.write(f"\ringest [{'#' * filled}{'.' * (width - filled)}] {state['n']}/{total}")
        if done:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return step


# -- the run ----------------------------------------------------------------------------------


def _proposed_already(dossier: Path, digest: str) -> bool:
    """The dossier was edited by hand and its ``.new.md`` already holds the extraction of
    this very input: nothing to redo (and no model to load) on every build."""
    proposal = dossier.with_name(dossier.stem + ".new.md")
    try:
        if writer.strip_ingest(proposal.read_text(encoding="utf-8"))[1].get("input") != digest:
            return False
        return writer.is_edited(dossier.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return False


def ingest(
    config: Config,
    paths: list[Path] | None = None,
    *,
    log: Callable[[str], None] = print,
    progress: bool = True,
) -> IngestReport:
    report = IngestReport()
    root = config.root
    folder = config.content / "dossiers"
    candidates = find_articles(config.seeds) if paths is None else _expand(paths)
    for path in [p for p in candidates if p.suffix.lower() not in ARTICLE_SUFFIXES]:
        candidates.remove(path)
        sidecar = path.suffix.lower() in (".yaml", ".yml", ".json")
        articles = [path.with_suffix(s) for s in sorted(ARTICLE_SUFFIXES)] if sidecar else []
        article = next((a for a in articles if a.is_file()), None)
        if article is not None:  # a changed sidecar means its article is to be read again
            if article not in candidates:
                candidates.append(article)
            continue
        kind = "a sidecar, not" if sidecar else "not"
        report.problems.append(
            Problem(str(path), f"skipped: {kind} an article (.txt, .md, .html)", severity="warning")
        )
    existing = writer.scan_dossiers(folder)
    owners: dict[str, str] = {}  # text key -> source file that owns it
    for source, ex in existing.items():
        if ex.text_key and (root / source).is_file():
            owners.setdefault(ex.text_key, source)
    jobs: list[tuple[Path, str | None, str | None]] = []
    meta: dict[Path, tuple[str, str, str]] = {}
    for path in candidates:
        rel = _rel(path, root)
        try:
            digest, key = _digests(path)
        except OSError as exc:
            report.problems.append(Problem(str(path), f"cannot read: {exc.strerror or exc}"))
            continue
        owner = owners.setdefault(key, rel) if key != _EMPTY_KEY else rel
        if owner != rel:
            report.duplicates.append((path, root / owner))
            continue
        ex = existing.get(rel)
        if ex is not None and (ex.input == digest or _proposed_already(ex.path, digest)):
            report.unchanged.append(ex.path)
            continue
        jobs.append((path, None, ex.slug if ex else None))
        meta[path] = (rel, digest, key)
    if not jobs:
        return report
    registry = load_registry(config.content)
    results = analyse_paths(jobs, config, registry, log, progress)
    taken = {p.stem for p in folder.glob("*.md")} if folder.is_dir() else set()
    taken |= {ex.slug for ex in existing.values()}
    new_names: dict[str, dict[str, tuple]] = {"actor": {}, "location": {}}
    for (path, _, slug), result in zip(jobs, results, strict=True):
        if isinstance(result, Problem):
            report.problems.append(result)
            continue
        rel, digest, key = meta[path]
        if slug is None:
            slug = _free_slug(result.slug, taken)
            taken.add(slug)
            result = _reslug(result, slug, registry, config)
        text = writer.render(result, rel, digest, key)
        target = folder / f"{slug}.md"
        if target.exists() and writer.is_edited(target.read_text(encoding="utf-8")):
            beside = folder / f"{slug}.new.md"
            if writer.write_if_changed(beside, text):
                report.beside.append(beside)
                log(f"{target}: edited by hand; new extraction written beside it: {beside.name}")
            else:
                report.unchanged.append(beside)
        elif writer.write_if_changed(target, text):
            report.written.append(target)
        else:
            report.unchanged.append(target)
        _collect_names(result, new_names)
    report.stubs = _write_stubs(config, registry, new_names)
    if report.written or report.beside or report.problems or report.duplicates:
        log(report.summary())
    return report


def _free_slug(base: str, taken: set[str]) -> str:
    slug, n = base, 2
    while slug in taken or slug.endswith(".new"):
        slug = f"{base}-{n}"
        n += 1
    return slug


def _reslug(x: Extraction, slug: str, registry: Registry, config: Config) -> Extraction:
    """Event ids hash the slug; recompute them when the final slug differs from the guess."""
    if x.slug == slug:
        return x
    from .events import event_id

    for e in x.events:
        e["id"] = event_id(slug, e["sentence"], e["expression"])
    x.slug = slug
    return x


def _collect_names(x: Extraction, into: dict[str, dict[str, tuple]]) -> None:
    for m in sorted(x.mentions, key=lambda m: m.start):
        entry = into[m.category].setdefault(name_key(m.name), (m.name, m.kind, {}, m.role))
        aliases: dict = entry[2]
        surface = " ".join(m.text.split())
        for suffix in ("\u2019s", "'s"):
            surface = surface.removesuffix(suffix)
        if surface and name_key(surface) != name_key(m.name):
            aliases.setdefault(name_key(surface), surface)
        if m.role and not entry[3]:
            into[m.category][name_key(m.name)] = (entry[0], entry[1], aliases, m.role)


def _write_stubs(config: Config, registry: Registry, names: dict) -> list[Path]:
    written = []
    claimed = set(registry.index)
    for category in ("actor", "location"):
        for key in names[category]:
            claimed.add(key)
    for category, folder_name in (("actor", "actors"), ("location", "locations")):
        folder = config.content / folder_name
        for _key, (name, kind, aliases, role) in sorted(names[category].items()):
            if registry.get(name) is not None:
                continue
            path = writer.stub_path(folder, name)
            if path.exists():
                continue
            own = []
            for akey, alias in sorted(aliases.items()):
                if akey in claimed or registry.get(alias) is not None:
                    continue
                claimed.add(akey)
                own.append(alias)
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(writer.stub_text(name, kind, own, role, category), encoding="utf-8")
            written.append(path)
    return written


# -- one file, for `dossier extract` ------------------------------------------------------------


def extract_file(path: Path, published: str | None = None, config: Config | None = None) -> dict:
    """Everything ingest reads from one article, as plain data (see the package docstring)."""
    path = Path(path)
    registry = load_registry(config.content) if config is not None else Registry()
    model = config.spacy_model if config is not None else "en_core_web_sm"
    nlp = load_pipeline(model, registry, lambda msg: print(msg, file=sys.stderr))
    result = _analyse_paths([(path, published, None)], nlp, registry)[0]
    if isinstance(result, Problem):
        from ..errors import DossierError

        raise DossierError(result)
    return as_json(result)


def as_json(x: Extraction) -> dict:
    groups: dict[str, dict[str, dict]] = {"actor": {}, "location": {}}
    for m in sorted(x.mentions, key=lambda m: m.start):
        group = groups[m.category].setdefault(
            name_key(m.name), {"name": m.name, "kind": m.kind, "mentions": []}
        )
        group["mentions"].append({"text": m.text, "start": m.start, "end": m.end})
    return {
        "published": x.article.published,
        "title": x.article.title,
        "dates": [
            {k: d[k] for k in ("text", "start", "end", "value", "precision", "modifier")}
            for d in x.dates
        ],
        "actors": list(groups["actor"].values()),
        "locations": list(groups["location"].values()),
        "events": [
            {
                "date": e["date"],
                "text": e["text"],
                "actors": e["actors"],
                "locations": e["locations"],
            }
            for e in x.events
        ],
        "quotes": [{"speaker": q["speaker"], "text": q["text"]} for q in x.quotes],
    }
