"""Build benchmarks on synthetic sites (see ``make_site.py``); medians of several runs.

    .venv/bin/python benchmarks/bench_build.py [--sizes 1000 10000] [--runs 3] [--work DIR]

For each size N it measures, each in a fresh child process so imports and caches are real:

- cold: no output, no cache (process pool for rendering when there are cores);
- unchanged: a new process rebuilding a site that is already built (disk cache warm);
  both the ``build()`` call and the whole process (interpreter start and imports included);
- one edited dossier / one edited actor file / one dossier's front matter edited (an
  event's date changed) → output updated: in a long-running process (as in ``dossier
  watch``), the time from after the file is saved until ``output/`` is written (the
  incremental rebuild, told the changed path as the watcher tells it; the watcher saves
  the build cache and frees the files it replaced later, once things are quiet), one
  edit per run;
- peak memory: ``ru_maxrss`` of the build process (and of its render workers) in the cold
  build, and of the long-running process that made the edits (its warm start included).

Pagefind is not run (``search=False``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from aside import set_aside  # noqa: E402
from make_site import make_site  # noqa: E402

sys.path.insert(0, str(REPO))
from generator.cache import RACY_SECONDS  # noqa: E402

CHILD = r"""
import json, random, re, resource, sys, time
t0 = time.perf_counter()
from pathlib import Path
from generator.build import Builder
from generator.config import load_config
mode, root, runs = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
config = load_config(root)
out = {}
if mode in ("cold", "unchanged"):
    t = time.perf_counter()
    result = Builder(config).build(search=False)
    out["build"] = time.perf_counter() - t
    out["process"] = time.perf_counter() - t0
    out["rendered"] = result.rendered.rendered
    out["timings"] = result.timings
else:
    builder = Builder(config)
    builder.defer_freeing = True  # as the watcher: replaced files are freed when quiet
    builder.lazy_cache = True  # and the cache's big stores written when worth it
    builder.build(search=False, warm=True)  # as the watcher's first build
    rnd = random.Random(5)
    folder = "actors" if mode == "actor" else "dossiers"
    files = sorted((config.content / folder).glob("*.md"))
    times, rendered = [], []
    for i in range(runs):
        f = rnd.choice(files)
        text = f.read_text(encoding="utf-8")
        if mode == "frontmatter":  # an event's date moves to another year
            year = lambda m: f"date: '{int(m.group(1)) - 1 - i % 3}"
            text = re.sub(r"date: '(\d{4})", year, text, count=1)
        else:
            text += f"\nAn added sentence number {i}.\n"
        f.write_text(text, encoding="utf-8")
        t = time.perf_counter()
        # as ``dossier watch`` does: the changed path is known, the cache saved when quiet
        result = builder.build(search=False, changed={f}, write_cache=False)
        times.append(time.perf_counter() - t)
        rendered.append(result.rendered.rendered)
        builder.free_replaced()  # the watcher's work once things are quiet
    out["edits"] = times
    out["rendered"] = rendered
    out["timings"] = result.timings
self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kids_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
out["maxrss_mb"] = self_rss / 1024
out["workers_maxrss_mb"] = kids_rss / 1024
print(json.dumps(out))
"""


def child(mode: str, root: Path, runs: int = 1) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(root), str(runs)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
    )
    if proc.returncode != 0:
        raise SystemExit(f"benchmark child failed ({mode}):\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def clean(root: Path) -> None:
    set_aside(root.parent / ".trash", root / "output", root / ".dossier-cache")


def bench(n: int, runs: int, work: Path) -> dict:
    root = work / f"site-{n}"
    if not (root / "content" / "dossiers" / f"report-{n - 1:05d}.md").exists():
        make_site(root, n)
    cold, unchanged, process, rss, workers = [], [], [], [], []
    for _ in range(runs):
        make_site(root, n)  # the edits of the previous run are undone
        clean(root)
        # the rewritten corpus written out now: its writeback is not the build's work (a
        # fresh clone's files were written long before its first build)
        os.sync()
        # inputs written a moment ago are racy (see cache.RACY_SECONDS): the build would
        # not trust its stamp of them, and the unchanged rebuild would read the site
        time.sleep(RACY_SECONDS + 0.1)
        r = child("cold", root)
        cold.append(r["build"])
        rss.append(r["maxrss_mb"])
        workers.append(r["workers_maxrss_mb"])
        r = child("unchanged", root)
        unchanged.append(r["build"])
        process.append(r["process"])
    dossier = child("dossier", root, runs)
    actor = child("actor", root, runs)
    frontmatter = child("frontmatter", root, runs)
    med = statistics.median
    return {
        "n": n,
        "cold": med(cold),
        "unchanged": med(unchanged),
        "unchanged_process": med(process),
        "edit_dossier": med(dossier["edits"]),
        "edit_dossier_pages": med(dossier["rendered"]),
        "edit_actor": med(actor["edits"]),
        "edit_actor_pages": med(actor["rendered"]),
        "edit_frontmatter": med(frontmatter["edits"]),
        "edit_frontmatter_pages": med(frontmatter["rendered"]),
        "last_frontmatter_timings": frontmatter["timings"],
        "peak_mb": max(rss),
        "workers_peak_mb": max(workers),
        "editing_peak_mb": max(r["maxrss_mb"] for r in (dossier, actor, frontmatter)),
        "last_edit_timings": dossier["timings"],
    }


def table(results: list[dict]) -> str:
    rows = [
        "| dossiers | cold build | unchanged rebuild: build() / whole process "
        "| one dossier edited → output | one actor file edited → output "
        "| one dossier's front matter edited → output "
        "| peak RSS: cold build process / render worker / editing process |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def pages(n: float) -> str:
        return f"({n:.0f} page{'' if round(n) == 1 else 's'})"

    for r in results:
        rows.append(
            f"| {r['n']:,} | {r['cold']:.2f} s | {r['unchanged']:.2f} s / "
            f"{r['unchanged_process']:.2f} s | {r['edit_dossier']:.2f} s "
            f"{pages(r['edit_dossier_pages'])} | {r['edit_actor']:.2f} s "
            f"{pages(r['edit_actor_pages'])} | {r['edit_frontmatter']:.2f} s "
            f"{pages(r['edit_frontmatter_pages'])} | {r['peak_mb']:.0f} MB / "
            f"{r['workers_peak_mb']:.0f} MB / {r['editing_peak_mb']:.0f} MB |"
        )
    return "\n".join(rows)


def machine() -> str:
    return (
        f"{os.cpu_count()} cores (nproc {os.cpu_count()}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}"
    )


def main() -> None:
    p = argparse.ArgumentParser(description="Dossier build benchmarks")
    p.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    p.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    p.add_argument("--work", type=Path, default=Path("/tmp/dossier-bench"))
    p.add_argument("--json", type=Path, help="also write the raw results here")
    args = p.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    results = []
    for n in args.sizes:
        started = time.perf_counter()
        results.append(bench(n, args.runs, args.work))
        print(f"N={n}: done in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        print(json.dumps(results[-1], indent=1), file=sys.stderr)
    print(f"Machine: {machine()}\n")
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
