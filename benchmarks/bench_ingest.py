"""Ingest throughput in words per second, end to end, on generated articles.

    .venv/bin/python benchmarks/bench_ingest.py [--count 1000] [--runs 3] [--workers 2]
    .venv/bin/python benchmarks/bench_ingest.py --messy 3000   # robustness: one messy batch

Each run ingests the same generated articles into a fresh site root (reading, dates, names,
events, quotes, writing dossiers and stubs), in a fresh process so model loading is counted
once per run as a real `dossier ingest` would pay it. Prints each run and the median.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from make_articles import make, make_messy  # noqa: E402

RUN = """
import json, re, sys, time
from pathlib import Path
from generator.config import Config
from generator.ingest import pipeline
pipeline.POOL_MIN = 48 if {workers} > 1 else 10**9
t = time.perf_counter()
report = pipeline.ingest(Config(root=Path(sys.argv[1])), log=lambda m: None, progress=False)
print(json.dumps({{"seconds": time.perf_counter() - t, "written": len(report.written),
                  "problems": len(report.problems), "duplicates": len(report.duplicates),
                  "messages": sorted({{re.sub(r"\\d+", "N", p.message)[:60]
                                      for p in report.problems}})}}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, choices=(1, 2))
    parser.add_argument("--messy", type=int, metavar="N", help="ingest N messy files once")
    args = parser.parse_args()
    if args.messy:
        messy(args.messy, args.workers)
        return
    base = Path(tempfile.mkdtemp(prefix="dossier-bench-"))
    try:
        words = make(base / "articles", args.count)
        print(f"{args.count} articles, {words} words; {args.workers} process(es)")
        rates: list[float] = []
        cpu_rates: list[float] = []
        for i in range(args.runs):
            root = base / f"site{i}"
            (root / "content").mkdir(parents=True)
            shutil.copytree(base / "articles", root / "seeds")
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            out = subprocess.run(
                [sys.executable, "-c", RUN.format(workers=args.workers), str(root)],
                capture_output=True,
                text=True,
                check=True,
                cwd=HERE.parent,
            )
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            result = json.loads(out.stdout.strip().splitlines()[-1])
            rate = words / result["seconds"]
            rates.append(rate)
            cpu_rates.append(words / cpu)
            print(
                f"run {i + 1}: {result['seconds']:.1f} s, {rate:,.0f} words/s; "
                f"{cpu:.1f} CPU s (whole process), {words / cpu:,.0f} words per CPU second "
                f"({result['written']} written, {result['problems']} problems)"
            )
            shutil.rmtree(root)
        median = statistics.median(rates)
        print(f"median: {median:,.0f} words/s total, {median / args.workers:,.0f} per process")
        print(
            f"median: {statistics.median(cpu_rates):,.0f} words per CPU second "
            "(per core: CPU time of the whole run, including its workers)"
        )
    finally:
        shutil.rmtree(base, ignore_errors=True)


def messy(count: int, workers: int) -> None:
    """One batch of messy files: every file must be written or reported, nothing may crash."""
    base = Path(tempfile.mkdtemp(prefix="dossier-messy-"))
    try:
        stats = make_messy(base / "seeds", count)
        (base / "content").mkdir()
        print(f"{count} messy files, {stats['words']} words; {workers} process(es)")
        out = subprocess.run(
            [sys.executable, "-c", RUN.format(workers=workers), str(base)],
            capture_output=True,
            text=True,
            cwd=HERE.parent,
        )
        if out.returncode != 0:
            print(out.stderr)
            raise SystemExit(f"ingest crashed (exit {out.returncode})")
        result = json.loads(out.stdout.strip().splitlines()[-1])
        accounted = result["written"] + result["problems"] + result["duplicates"]
        print(
            f"{result['seconds']:.1f} s: {result['written']} written, {result['problems']} "
            f"problems, {result['duplicates']} duplicates; {accounted} of {count} accounted for"
        )
        print("problem kinds:\n  " + "\n  ".join(result["messages"]))
        if accounted != count:
            raise SystemExit("some files were neither written nor reported")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
