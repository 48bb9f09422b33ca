"""How long Chromium takes to show the biggest pages of a built site (medians).

    .venv/bin/python benchmarks/bench_pages.py SITE/output [--runs 5] [--css OTHER.css]

Needs the test extras (Playwright) and Debian's Chromium. Opens, straight from disk, the
list of dossiers, the largest timeline page and the largest actor page, ``--runs`` times
each (a blank page in between), and reports the median milliseconds from the end of the
response to the end of the load event: parsing, styles, layout and the site's script,
what a reader waits for after a reload. With ``--css``, the same pages again with that
style sheet in place of the site's (a copy of the site is made for it), alternating, to
compare two versions of the theme on one machine in one spell.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu"]


def biggest(out: Path, pattern: str) -> str | None:
    files = sorted(out.glob(pattern), key=lambda p: (-p.stat().st_size, str(p)))
    return files[0].relative_to(out).as_posix() if files else None


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("output", type=Path, help="a built site's output/ folder")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--css", type=Path, help="compare with this style sheet")
    args = p.parse_args()
    out = args.output.resolve()
    pages = [
        path
        for path in (
            "dossiers/index.html",
            biggest(out, "timeline/*/index.html") or "timeline/index.html",
            biggest(out, "actors/*/index.html"),
        )
        if path
    ]
    sites = {"site": out}
    scratch = None
    if args.css:
        scratch = Path(tempfile.mkdtemp(prefix="bench-pages-"))
        other = scratch / "output"
        shutil.copytree(out, other, symlinks=True)
        shutil.copy(args.css, other / "assets" / "style.css")
        sites[f"with {args.css.name}"] = other
    from playwright.sync_api import sync_playwright

    times: dict[tuple[str, str], list[float]] = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=FLAGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            for _ in range(args.runs):
                for path in pages:
                    for name, root in sites.items():
                        page.goto((root / path).as_uri(), wait_until="load")
                        nav = json.loads(
                            page.evaluate(
                                "JSON.stringify(performance.getEntriesByType('navigation')[0])"
                            )
                        )
                        shown = nav["loadEventEnd"] - nav["responseEnd"]
                        times.setdefault((path, name), []).append(shown)
                        page.goto("about:blank")
            browser.close()
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    print(f"| page | size | {' | '.join(sites)} |")
    print(f"|---|---:|{'---:|' * len(sites)}")
    for path in pages:
        size = (out / path).stat().st_size / 1e6
        cells = " | ".join(f"{statistics.median(times[(path, n)]):.0f} ms" for n in sites)
        print(f"| `{path}` | {size:.1f} MB | {cells} |")


if __name__ == "__main__":
    main()
