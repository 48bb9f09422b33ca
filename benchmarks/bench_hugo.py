"""Cold builds of Dossier and Hugo side by side, on the same synthetic corpus.

    .venv/bin/python benchmarks/bench_hugo.py --sizes 1000 10000 --runs 3 [--work DIR] [--json F]

For each size N it generates a site with ``make_site.py`` (``DIR/site-N``, kept between
invocations) and converts it into a Hugo project (``DIR/hugo-N``, rewritten every time) using
the config and layouts in ``benchmarks/hugo/``:

- each dossier becomes ``content/dossiers/<slug>.md`` unchanged: its YAML front matter
  already has what Hugo needs (``published`` is the date, ``actors``, ``locations`` and
  ``tags`` are the three taxonomies), the events, quotes and source are page params and
  the Markdown body is the same;
- each actor or place file becomes the ``_index.md`` of its term page
  (``content/actors/<slug>/_index.md``): ``name`` becomes ``title`` and ``aliases`` becomes
  ``other_names`` (to Hugo, ``aliases`` means redirect pages);
- one page per year under ``content/timeline/`` (Hugo 0.111 cannot make pages from data),
  whose layout gathers and sorts that year's events from all dossiers, and two "by mentions"
  pages (``/actors/by-mentions/``, ``/locations/by-mentions/``) as Dossier has them.

Feeds: Dossier writes a site feed and one Atom feed per actor, so Hugo keeps its home RSS
and term RSS for actors; places' and tags' term pages turn RSS off (by cascade), and the
sitemap and robots.txt are off. Section and taxonomy list pages have no feed.

Each run, for each tool in turn, is a cold build in a new process: Dossier with its
``output/`` and ``.dossier-cache/`` removed (``python -m generator build --no-ingest
--no-search``), Hugo with its destination and ``resources/`` removed and a new empty
``--cacheDir`` (plus ``--ignoreCache``). The table gives medians of the wall-clock times,
the CPU time (user + sys, render workers included) and the HTML pages each wrote.

A third column, "hugo-lean", builds the same Hugo project with the layouts of
``benchmarks/hugo-lean/`` laid over it: actor, place, tag and timeline-year pages list
dossiers only, not the events (each shown with its date, actors, places and source) that
Dossier's pages list. It is the cheapest site with the same pages, the kind of "equivalent
site" a quick comparison might build, and so a measure of the machine as much as of Hugo.

The two full sites have the same pages at the same paths (Dossier's pages by year for the
busiest actors and places are off: ``list_split``), and every page lists the same
events, but Hugo's do less than Dossier's: the article body has no links on actor and place names
and no paragraph anchors; actor and place pages have no quotes, activity chart or "mentioned
with" list; events carry no filter data attributes; there are no exports (CSV, iCalendar,
TimelineJS), no filter script and a few lines of CSS; the feeds are RSS, not Atom.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
HUGO_FILES = HERE / "hugo"
LEAN_FILES = HERE / "hugo-lean"  # laid over HUGO_FILES for the "hugo-lean" builds
TOOLS = ("dossier", "hugo", "hugo-lean")
sys.path.insert(0, str(HERE))

from aside import set_aside, wait_for_quiet  # noqa: E402
from make_site import make_site  # noqa: E402

YEAR = re.compile(r"^\s+date: '?(\d{4})", re.M)


def front_matter(text: str) -> tuple[list[str], str]:
    """The front matter lines and the body of a Markdown file with YAML front matter."""
    if not text.startswith("---\n"):
        return [], text
    end = text.index("\n---\n", 3)
    return text[4:end].split("\n"), text[end + 5 :]


def term_index(source: Path, target: Path) -> None:
    """An actor or place file as the ``_index.md`` of its Hugo term page."""
    lines, body = front_matter(source.read_text(encoding="utf-8"))
    renamed = {"name:": "title:", "aliases:": "other_names:"}
    out = []
    for line in lines:
        for old, new in renamed.items():
            if line.startswith(old):
                line = new + line[len(old) :]
        out.append(line)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("---\n" + "\n".join(out) + "\n---\n" + body, encoding="utf-8")


def page(path: Path, fields: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"{key}: {json.dumps(value)}" for key, value in fields.items()]
    path.write_text("---\n" + "\n".join(lines) + "\n---\n", encoding="utf-8")


def convert(site: Path, project: Path, lean: bool = False) -> dict:
    """Write a Hugo project for the Dossier site ``site``; returns what it holds.
    ``lean``: with the layouts of ``LEAN_FILES``."""
    set_aside(project.parent / ".trash", project)
    shutil.copytree(HUGO_FILES, project)
    if lean:
        shutil.copytree(LEAN_FILES, project, dirs_exist_ok=True)
    src, content = site / "content", project / "content"
    years: set[str] = set()
    dossiers = content / "dossiers"
    dossiers.mkdir(parents=True)
    page(dossiers / "_index.md", {"title": "Dossiers"})
    for f in sorted((src / "dossiers").glob("*.md")):
        text = f.read_text(encoding="utf-8")
        years.update(YEAR.findall("\n".join(front_matter(text)[0])))
        (dossiers / f.name).write_text(text, encoding="utf-8")
    terms = 0
    page(content / "actors" / "_index.md", {"title": "Actors"})
    for kind, title in (("actors", "Actors"), ("locations", "Places")):
        for f in sorted((src / kind).glob("*.md")):
            term_index(f, content / kind / f.stem / "_index.md")
            terms += 1
        page(
            content / f"{kind}-by-mentions.md",
            {
                "title": f"{title} by mentions",
                "type": "bymentions",
                "taxonomy": kind,
                "url": f"/{kind}/by-mentions/",
            },
        )
    # No per-term feeds for places and tags (Dossier has them for actors only).
    for kind, title in (("locations", "Places"), ("tags", "Tags")):
        page(content / kind / "_index.md", {"title": title, "cascade": {"outputs": ["HTML"]}})
    page(content / "timeline" / "_index.md", {"title": "Timeline"})
    for year in sorted(years):
        page(content / "timeline" / year / "_index.md", {"title": year, "year": year})
    return {"years": len(years), "term_files": terms}


def count_files(out: Path) -> dict:
    """HTML pages (all, and by top folder), feeds and bytes under ``out``."""
    html, xml, size = 0, 0, 0
    by_folder: dict[str, int] = {}
    for folder, _dirs, files in os.walk(out):
        rel = Path(folder).relative_to(out).parts
        top = rel[0] if rel else "."
        for name in files:
            size += (Path(folder) / name).stat().st_size
            if name.endswith(".html"):
                html += 1
                by_folder[top] = by_folder.get(top, 0) + 1
            elif name.endswith(".xml"):
                xml += 1
    return {"html": html, "xml": xml, "mb": size / 1e6, "html_by_folder": by_folder}


def timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Run ``cmd``; its wall-clock time and CPU time (user + sys, children included)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def dossier_build(site: Path) -> tuple[float, float]:
    set_aside(site.parent / ".trash", site / "output", site / ".dossier-cache")
    cmd = [sys.executable, "-m", "generator", "build", "--root", str(site)]
    return timed([*cmd, "--no-ingest", "--no-search"], REPO)


def hugo_build(project: Path, out: Path) -> tuple[float, float]:
    set_aside(project.parent / ".trash", out, project / "resources")
    with tempfile.TemporaryDirectory(prefix="hugo-cache-") as cache:
        cmd = ["hugo", "--quiet", "--source", str(project), "--destination", str(out)]
        return timed([*cmd, "--cacheDir", cache, "--ignoreCache"], project)


def same_pages(site: Path) -> None:
    """Dossier's pages by year for the busiest actors and places off (``list_split``):
    Hugo's term pages list all their events on one page, and so do Dossier's here."""
    config = site / "dossier.toml"
    text = config.read_text(encoding="utf-8")
    if "list_split" not in text:
        config.write_text(text.replace("[site]\n", "[site]\nlist_split = 1000000\n"))


def bench(n: int, runs: int, work: Path) -> dict:
    site = work / f"site-{n}"
    projects = {"hugo": work / f"hugo-{n}", "hugo-lean": work / f"hugo-lean-{n}"}
    if not (site / "content" / "dossiers" / f"report-{n - 1:05d}.md").exists():
        make_site(site, n)
    same_pages(site)
    wait_for_quiet()  # here, not in the conversion timed next (``convert`` sets aside)
    started = time.perf_counter()
    held = convert(site, projects["hugo"])
    converted = time.perf_counter() - started
    convert(site, projects["hugo-lean"], lean=True)
    outputs = {"dossier": site / "output", **{t: p / "public" for t, p in projects.items()}}
    times: dict[str, list[tuple[float, float]]] = {tool: [] for tool in TOOLS}
    for i in range(runs):  # alternate the three, so all see the same load
        times["dossier"].append(dossier_build(site))
        for tool, project in projects.items():
            times[tool].append(hugo_build(project, outputs[tool]))
        print(f"N={n} run {i + 1}: {times}", file=sys.stderr)
    med = statistics.median
    result: dict = {"n": n, "convert_s": converted, **held}
    for tool in TOOLS:
        result[tool] = {
            "wall_s": med(t[0] for t in times[tool]),
            "cpu_s": med(t[1] for t in times[tool]),
            "runs_wall_s": [t[0] for t in times[tool]],
            **count_files(outputs[tool]),
        }
    return result


def table(results: list[dict]) -> str:
    rows = [
        "| dossiers | tool | cold build (median) | CPU user+sys | runs | HTML pages "
        "| feeds (.xml) | output |",
        "|---:|---|---:|---:|---|---:|---:|---:|",
    ]
    for r in results:
        for tool in TOOLS:
            t = r[tool]
            each = ", ".join(f"{s:.2f}" for s in t["runs_wall_s"])
            rows.append(
                f"| {r['n']:,} | {tool} | {t['wall_s']:.2f} s | {t['cpu_s']:.2f} s | {each} "
                f"| {t['html']:,} | {t['xml']:,} | {t['mb']:.0f} MB |"
            )
    return "\n".join(rows)


def breakdown(results: list[dict]) -> str:
    lines = ["HTML pages by top folder (`.` is the root):"]
    for r in results:
        for tool in TOOLS:
            folders = r[tool]["html_by_folder"]
            parts = ", ".join(f"{k} {v:,}" for k, v in sorted(folders.items()))
            lines.append(f"- {r['n']:,} {tool}: {parts}")
    return "\n".join(lines)


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text(encoding="utf-8").split()[:3])


def environment() -> dict:
    hugo = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.strip()
    git = ["git", "-C", str(REPO)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(
        [*git, "status", "--porcelain", "--", "generator"], capture_output=True, text=True
    )
    return {
        "nproc": os.cpu_count(),
        "hugo": hugo,
        "python": platform.python_version(),
        "platform": f"{platform.system()} {platform.machine()}",
        "commit": head.stdout.strip()
        + (" (generator/ has uncommitted edits)" * bool(dirty.stdout)),
    }


def main() -> None:
    p = argparse.ArgumentParser(description="Dossier and Hugo cold builds, same corpus")
    p.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    p.add_argument("--runs", type=int, default=3, help="cold builds per tool (median)")
    p.add_argument("--work", type=Path, default=Path("/tmp/dossier-hugo"))
    p.add_argument("--json", type=Path, help="also write the raw results here")
    args = p.parse_args()
    if not shutil.which("hugo"):
        raise SystemExit("hugo not found (Debian: apt-get install hugo)")
    args.work.mkdir(parents=True, exist_ok=True)
    env = environment()
    env["load_start"] = loadavg()
    results = [bench(n, args.runs, args.work) for n in args.sizes]
    env["load_end"] = loadavg()
    print(
        f"Machine: nproc {env['nproc']}, {env['platform']}, Python {env['python']}; "
        f"{env['hugo']}; Dossier at {env['commit']}\n"
        f"Load average (1/5/15 min): {env['load_start']} at the start, "
        f"{env['load_end']} at the end\n"
    )
    print(table(results))
    print()
    print(breakdown(results))
    for r in results:
        print(
            f"\nN={r['n']:,}: Hugo project written in {r['convert_s']:.2f} s (not timed "
            f"above): {r['term_files']} actor/place files as term pages, "
            f"{r['years']} timeline years"
        )
    if args.json:
        args.json.write_text(
            json.dumps({"environment": env, "results": results}, indent=1), encoding="utf-8"
        )


if __name__ == "__main__":
    main()
