"""The ``dossier`` command. Nothing imports this module; it only wires arguments to the
library and turns errors into ``path:line: message`` lines and exit codes."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .config import CONFIG_FILE, load_config
from .errors import DossierError, Problem

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _print_problems(problems: list[Problem]) -> None:
    for problem in sorted(problems, key=lambda p: (p.path, p.line or 0, p.message)):
        _err(str(problem))


def cmd_init(args) -> int:
    target = Path(args.dir)
    if (target / CONFIG_FILE).exists():
        _err(f"{target / CONFIG_FILE}: error: a site project is already here")
        return EXIT_ERROR
    for folder in (
        "seeds",
        "content/dossiers",
        "content/actors",
        "content/locations",
        "content/events",
        "templates",
        "static",
    ):
        (target / folder).mkdir(parents=True, exist_ok=True)
    title = target.resolve().name.replace("-", " ").replace("_", " ").title() or "Dossier"
    (target / CONFIG_FILE).write_text(
        f'[site]\ntitle = "{title}"\n# base_url = "https://example.org/"  '
        "# enables sitemap.xml and robots.txt\n",
        encoding="utf-8",
    )
    ignored = "/output/\n.dossier-cache/\n/.dossier-staging-*/\n/.dossier-trash-*/\n"
    (target / ".gitignore").write_text(ignored, encoding="utf-8")
    (target / "templates" / "README.md").write_text(
        "Put a template here with the name of a packaged one (for example `base.html`)\n"
        "to override it for this site.\n",
        encoding="utf-8",
    )
    print(
        f"created a site project in {target}: drop articles in {target / 'seeds'}, "
        f"then run: dossier build --root {target}"
    )
    return EXIT_OK


def _ingest(config, paths=None) -> int:
    from .ingest import ingest

    report = ingest(config, paths, log=lambda m: _err(m))
    _print_problems(report.problems)
    for path in report.beside:
        _err(
            f"{path}: note: the dossier beside it was edited by hand; the new extraction "
            f"was written here instead"
        )
    for a, b in report.duplicates:
        _err(f"{a}: warning: same text as {b}; not ingested twice")
    return EXIT_ERROR if any(p.severity == "error" for p in report.problems) else EXIT_OK


def cmd_ingest(args) -> int:
    config = load_config(args.root)
    paths = [Path(p) for p in args.paths] or None
    return _ingest(config, paths)


def cmd_build(args) -> int:
    from .build import build

    config = load_config(args.root)
    ingest_status = EXIT_OK
    if not args.no_ingest and config.seeds.is_dir():
        ingest_status = _ingest(config)
    result = build(config, search=False if args.no_search else None)
    _print_problems(result.rendered.warnings)
    stats = result.stats
    print(
        f"built {len(result.rendered.files)} files into {config.output} "
        f"({stats.written} written, {stats.unchanged} unchanged, {stats.removed} removed; "
        f"search: {result.search})"
    )
    if args.timings:
        for stage, seconds in result.timings.items():
            print(f"  {stage:<10} {seconds * 1000:8.1f} ms")
    return ingest_status


def cmd_check(args) -> int:
    from .build import collect

    config = load_config(args.root)
    site, problems = collect(config)
    findings = list(problems.items)
    findings += _unknown_published(config)
    if not problems.errors:
        findings += _similar_names(site)
    _print_problems(findings)
    errors = sum(p.severity == "error" for p in findings)
    warnings = len(findings) - errors
    print(f"{errors} error(s), {warnings} warning(s)")
    return EXIT_ERROR if errors else EXIT_OK


def _unknown_published(config) -> list[Problem]:
    from .content import content_files, read_document
    from .errors import Problems

    out = Problems()
    for file in content_files(config.content)["dossiers"]:
        rel = file.relative_to(config.root).as_posix()
        doc = read_document(file, Problems(), rel)
        if doc is not None and doc.meta.get("published") in (None, ""):
            out.warn(
                rel,
                "publication date unknown: relative dates stay unresolved until "
                "'published' is filled in",
                doc.line_of("published") or doc.fm_line,
            )
    return out.items


def _similar_names(site) -> list[Problem]:
    """Names that look alike across dossiers: suggested for merging, never merged silently."""
    try:
        from .ingest.entities import similar_names
    except ImportError:
        return []
    pairs = similar_names([a.name for a in site.actors])
    return [
        Problem(
            site.actor_by_name[a].path or "content/actors",
            f"{a!r} and {b!r} look alike; if they are one actor, add one as an alias of the other",
            severity="warning",
        )
        for a, b in pairs
    ]


def cmd_extract(args) -> int:
    from .ingest import extract_file

    config = load_config(args.root)
    data = extract_file(Path(args.file), args.published, config)
    if args.format == "yaml":
        import yaml

        sys.stdout.write(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    else:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK


def stack_dumps_on_request() -> None:
    """``kill -USR1 <pid>`` prints every thread's stack to stderr: for a long-running
    ``watch`` or ``serve`` that seems stuck."""
    import faulthandler
    import signal

    if hasattr(signal, "SIGUSR1"):
        faulthandler.register(signal.SIGUSR1, all_threads=True)


def cmd_watch(args) -> int:
    from .watch import watch

    stack_dumps_on_request()
    return watch(load_config(args.root), ingest=not args.no_ingest)


def cmd_serve(args) -> int:
    from .serve import serve

    stack_dumps_on_request()
    return serve(load_config(args.root), host=args.host, port=args.port, ingest=not args.no_ingest)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="dossier",
        description="Turn news articles into a static timeline and dossier site.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, fn, help_text: str) -> argparse.ArgumentParser:
        c = sub.add_parser(name, help=help_text, description=help_text)
        c.add_argument(
            "--root",
            type=Path,
            default=Path("."),
            help="the site project folder (default: the current directory)",
        )
        c.set_defaults(fn=fn)
        return c

    c = command("init", cmd_init, "create a new, empty site project in DIR")
    c.add_argument("dir")
    c = command("ingest", cmd_ingest, "turn articles into dossiers in content/dossiers/")
    c.add_argument("paths", nargs="*", help="article files or folders (default: seeds/)")
    c = command("build", cmd_build, "ingest what is new, then build the site into output/")
    c.add_argument("--no-ingest", action="store_true", help="build from content/ only")
    c.add_argument("--no-search", action="store_true", help="skip the Pagefind search index")
    c.add_argument("--timings", action="store_true", help="print how long each stage took")
    command("check", cmd_check, "report every problem in content/ as path:line: message")
    c = command("extract", cmd_extract, "print what ingest would extract from FILE")
    c.add_argument("file")
    c.add_argument("--published", help="publication date (YYYY-MM-DD) to resolve against")
    c.add_argument("--format", choices=("json", "yaml"), default="json")
    for name, fn, text in (
        ("watch", cmd_watch, "rebuild on every change"),
        ("serve", cmd_serve, "rebuild on every change and serve the site with live reload"),
    ):
        c = command(name, fn, text)
        c.add_argument("--no-ingest", action="store_true", help="do not ingest seeds/")
        if name == "serve":
            c.add_argument("--host", default="127.0.0.1")
            c.add_argument("--port", type=int, default=8000)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command != "init":
        args.root = args.root.resolve()
    try:
        return args.fn(args)
    except DossierError as exc:
        _print_problems(exc.problems)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130


def run() -> None:
    """The ``dossier`` command: ``main``, then out at once. Python's own way out frees every
    object one by one, 0.15 s after a build at 10,000 dossiers had done its work, and there
    is nothing left to clean up by then: the build ends its pools and removes its temporary
    folders itself (a cache store still being written by a forked process when a build
    fails or is stopped is finished, or left unwritten, by that process; either way it is
    whole). An error raised goes out the usual way; output that cannot be written exits
    120, as Python's own way out does."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # started with it closed
            continue
        try:
            stream.flush()
        except OSError:  # a reader gone, a full disk
            code = 120
    os._exit(code or 0)


if __name__ == "__main__":
    run()
