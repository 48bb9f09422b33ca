"""The build pipeline, in named and timed stages: load → assemble → plan → render → write.

Everything is rendered in memory before anything is written, so an error anywhere leaves
the previous ``output/`` exactly as it was.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import routes
from .config import Config
from .content import load_content
from .errors import Problem, Problems
from .exports import exports
from .markup import Markup
from .output import WriteStats, write_site
from .pages import Page, plan
from .render import make_environment, render_page
from .site import Site, assemble

PACKAGE_STATIC = Path(__file__).parent / "static"
SEARCH_DIR = "pagefind"


@dataclass
class Rendered:
    """A whole site in memory: output path → bytes."""

    files: dict[str, bytes]
    site: Site
    pages: list[Page]
    warnings: list[Problem] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class BuildResult:
    rendered: Rendered
    stats: WriteStats
    timings: dict[str, float]
    search: str = ""  # what happened to the search index


class Timer:
    def __init__(self):
        self.timings: dict[str, float] = {}

    def stage(self, name: str, fn: Callable, *args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start


def load_site(config: Config, timer: Timer | None = None) -> tuple[Site, Problems]:
    """Read and check all content; raises DossierError when anything is wrong."""
    site, problems = collect(config, timer)
    problems.raise_if_errors()
    return site, problems


def collect(config: Config, timer: Timer | None = None) -> tuple[Site, Problems]:
    """Read and check all content; every problem is collected, none raised."""
    timer = timer or Timer()
    problems = Problems()
    content = timer.stage("load", load_content, config.root, config.content, problems)
    site = timer.stage(
        "assemble",
        assemble,
        content.dossiers,
        content.actors,
        content.locations,
        content.events,
        problems,
    )
    return site, problems


def static_files(config: Config) -> dict[str, bytes]:
    """Packaged assets, overridden file by file by the site's own ``static/``."""
    files: dict[str, bytes] = {}
    for folder in (PACKAGE_STATIC, config.path("static_dir")):
        if folder.is_dir():
            for file in sorted(folder.rglob("*")):
                if file.is_file() and not file.name.startswith("."):
                    rel = file.relative_to(folder).as_posix()
                    files[routes.asset(rel)] = file.read_bytes()
    return files


def render_site(config: Config, markup: Markup | None = None) -> Rendered:
    timer = Timer()
    site, problems = load_site(config, timer)
    pages = timer.stage("plan", plan, site, config)
    env = make_environment([config.path("templates_dir")], markup or Markup())

    def render_all() -> dict[str, bytes]:
        return {p.path: render_page(env, p.template, p.path, p.context) for p in pages}

    files = timer.stage("render", render_all)
    files.update(timer.stage("exports", exports, site, config, pages))
    files.update(timer.stage("assets", static_files, config))
    return Rendered(files, site, pages, problems.warnings, timer.timings)


def build(config: Config, *, search: bool | None = None) -> BuildResult:
    """Render the site and write it to ``output/``; then index it for search."""
    rendered = render_site(config)
    timer = Timer()
    timer.timings.update(rendered.timings)
    keep = (SEARCH_DIR + "/",)
    stats = timer.stage("write", write_site, config.output, rendered.files, keep)
    want_search = config.search if search is None else search
    note = timer.stage("search", index_search, config.output) if want_search else "off"
    if not want_search:
        shutil.rmtree(config.output / SEARCH_DIR, ignore_errors=True)
    return BuildResult(rendered, stats, timer.timings, note)


def pagefind_command() -> list[str] | None:
    """Pagefind from the ``pagefind[bin]`` wheel (ships its binary; nothing is downloaded)."""
    try:
        import pagefind_bin  # noqa: F401
    except ImportError:
        return None
    return [sys.executable, "-m", "pagefind"]


def index_search(out: Path) -> str:
    command = pagefind_command()
    if command is None:
        return "skipped: Pagefind is not installed (pip install 'pagefind[bin]')"
    result = subprocess.run(
        [*command, "--site", str(out), "--output-subdir", SEARCH_DIR, "--quiet"],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        return f"failed: {result.stderr.strip() or result.stdout.strip()}"
    return "indexed"
