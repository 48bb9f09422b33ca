"""Cold builds of two commits, alternating, on the same synthetic site.

    .venv/bin/python benchmarks/compare.py OLD NEW [--size 10000] [--runs 3] [--one-process]

This machine's speed drifts by a fifth or more within minutes, so two commits measured
one after the other say little; alternating them (old, new, old, new, …) puts both under
the same drift. Each commit is checked out into a temporary git worktree and each run is a
cold build in a fresh process (``output/`` and ``.dossier-cache/`` removed), as
``bench_build.py``'s cold run does. ``--one-process`` turns the process pools off and
reports CPU time, which drifts less than wall time.

The site is ``make_site.py``'s (``--work DIR/site-N``, kept between invocations).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from aside import set_aside  # noqa: E402
from make_site import make_site  # noqa: E402

CHILD = r"""
import json, sys, time
from pathlib import Path
import generator.build as build
from generator.config import load_config
if sys.argv[2] == "one":
    try:
        import generator.pool as pool
        pool.can_fork = lambda: False
    except ImportError:  # before the pool moved out of build.py
        pass
    build.can_fork = build._can_fork = lambda: False
config = load_config(Path(sys.argv[1]))
wall, cpu = time.perf_counter(), time.process_time()
build.Builder(config).build(search=False)
print(json.dumps({"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}))
"""


def cold(tree: Path, site: Path, one_process: bool) -> dict:
    set_aside(site.parent / ".trash", site / "output", site / ".dossier-cache")
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(site), "one" if one_process else "pool"],
        capture_output=True,
        text=True,
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
    )
    if proc.returncode != 0:
        raise SystemExit(f"build failed in {tree}:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("old")
    p.add_argument("new")
    p.add_argument("--size", type=int, default=10000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--one-process", action="store_true")
    p.add_argument("--work", type=Path, default=Path("/tmp/dossier-bench"))
    args = p.parse_args()
    site = args.work / f"site-{args.size}"
    if not (site / "content" / "dossiers" / f"report-{args.size - 1:05d}.md").exists():
        make_site(site, args.size)
    key = "cpu" if args.one_process else "wall"
    results: dict[str, list[float]] = {args.old: [], args.new: []}
    with tempfile.TemporaryDirectory(prefix="dossier-compare-") as tmp:
        trees = {}
        for rev in (args.old, args.new):
            tree = Path(tmp) / rev.replace("/", "_")
            subprocess.run(
                ["git", "-C", str(REPO), "worktree", "add", "-q", "--detach", str(tree), rev],
                check=True,
            )
            trees[rev] = tree
        try:
            for run in range(args.runs):
                for rev in (args.old, args.new):
                    r = cold(trees[rev], site, args.one_process)
                    results[rev].append(r[key])
                    print(f"run {run + 1}: {rev} {key} {r[key]:.2f} s", file=sys.stderr)
        finally:
            for tree in trees.values():
                subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)])
    what = "CPU time, one process" if args.one_process else "wall time, process pools"
    print(f"Cold build of {args.size:,} dossiers, {what}, {args.runs} alternating runs:\n")
    print("| commit | median | runs |\n|---|---:|---|")
    for rev, times in results.items():
        runs = ", ".join(f"{t:.2f}" for t in times)
        print(f"| {rev} | {statistics.median(times):.2f} s | {runs} |")


if __name__ == "__main__":
    main()
