"""An editing session against ``dossier serve`` on a synthetic site, watched in a browser.

    .venv/bin/python benchmarks/bench_session.py [--size 10000] [--work DIR]

Needs the test extras (Playwright) and Debian's Chromium. Generates a site with
``make_site.py`` (``DIR/site-N``), copies it to ``DIR/session-N`` (content only: no output,
no cache) with an empty ``seeds/``, starts ``dossier serve`` on it, waits for its first
builds, and then, as a person editing would, with an open page that reloads by itself:

- saves an actor's file (a new biography line) → the open actor page shows it;
- saves a dossier atomically (a temp file renamed over it; a new title) → its page;
- moves one of its events to another year → the event is on that year's timeline page;
- breaks its YAML → the overlay names the file and line; fixes it → the overlay goes;
- renames another dossier → the list of dossiers (its year's page, past ``list_split``
  dossiers) links the new page, the old one is 404;
- deletes it → gone from the list, its page 404;
- drops a new article in ``seeds/`` → ingested, it is listed (on its year's page).

For each step: the seconds from the file change until the page shows it (the browser's
reload included; the page is checked at every frame, ``shows``), and the server's own
"rebuilt in" line for that step. One run: the
steps change the site, and a second session would start from another one.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from make_site import make_site  # noqa: E402

WAIT_MS = 120_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(n: int, work: Path) -> Path:
    """A fresh copy of the generated site's inputs, with an empty seeds/."""
    site = work / f"site-{n}"
    if not (site / "content" / "dossiers" / f"report-{n - 1:05d}.md").exists():
        make_site(site, n)
    root = work / f"session-{n}"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    shutil.copytree(site / "content", root / "content")
    shutil.copy(site / "dossier.toml", root / "dossier.toml")
    (root / "seeds").mkdir()
    return root


def wait_for_server(base: str, proc: subprocess.Popen, log: Path) -> None:
    import urllib.request

    while True:
        try:
            urllib.request.urlopen(base + "index.html", timeout=2).read()
            return
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"dossier serve ended:\n{log.read_text()}") from None
            time.sleep(0.5)


def wait_quiet(log: Path, seconds: float = 4.0) -> None:
    """Until the server's log has not grown for ``seconds`` (its catch-up builds done)."""
    size, since = -1, time.monotonic()
    while time.monotonic() - since < seconds:
        now = log.stat().st_size
        if now != size:
            size, since = now, time.monotonic()
        time.sleep(0.2)


# Does the page show (or, ``gone``, no longer show) an element matching a selector that
# contains a text? Asked once the document is parsed, at every animation frame.
SHOWS = """([selector, text, gone]) => {
  if (document.readyState === "loading") return false;
  const hit = [...document.querySelectorAll(selector)].some(e => e.textContent.includes(text));
  return gone ? !hit : hit;
}"""


def shows(page, selector: str, text: str = "", gone: bool = False):
    """Wait until ``page`` shows what ``SHOWS`` asks, checked at every frame: Playwright's
    locators check at growing intervals (up to half a second), and measured up to 0.2 s
    of their own waiting after the page had loaded."""
    return lambda: page.wait_for_function(
        SHOWS, arg=[selector, text, gone], polling="raf", timeout=WAIT_MS
    )


def session(root: Path, base: str, log: Path) -> list[tuple[str, float, str]]:
    from playwright.sync_api import sync_playwright

    results: list[tuple[str, float, str]] = []
    mark = [log.stat().st_size]

    def step(name: str, change, shown) -> None:
        wait_quiet(log, 3.0)
        mark[0] = log.stat().st_size
        change()
        started = time.perf_counter()
        shown()
        took = time.perf_counter() - started
        time.sleep(0.3)
        with open(log, encoding="utf-8") as fh:
            fh.seek(mark[0])
            lines = [line.strip() for line in fh if line.strip()]
        rebuilt = "; ".join(re.sub(r"^rebuilt in ", "", line) for line in lines)
        results.append((name, took, rebuilt))
        print(f"{name}: {took:.2f} s ({rebuilt})", flush=True)

    content = root / "content"

    def listing(published: str) -> str:
        """The page of the list of dossiers that lists those published then."""
        year = re.search(r"\d{4}", published)
        by_year = f"dossiers/{year.group()}.html" if year else ""
        if by_year and (root / "output" / by_year).is_file():
            return by_year
        return "dossiers/index.html"

    actor = sorted((content / "actors").glob("*.md"))[0]
    dossiers = sorted((content / "dossiers").glob("*.md"))
    edited, renamed = dossiers[0], dossiers[1]
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=["--headless", "--no-sandbox", "--disable-gpu"],
        )
        page = browser.new_page()
        page.goto(base + f"actors/{actor.stem}/index.html")
        step(
            "actor file saved → its page",
            lambda: actor.write_text(actor.read_text() + "\nA new biography line.\n"),
            shows(page, "body", "A new biography line."),
        )
        page.goto(base + f"dossiers/{edited.stem}/index.html")

        def atomic() -> None:
            tmp = edited.with_name(f".{edited.name}.tmp")
            tmp.write_text(re.sub(r'title: "', 'title: "Saved atomically: ', edited.read_text()))
            os.replace(tmp, edited)

        step(
            "dossier saved atomically (new title) → its page",
            atomic,
            shows(page, "h1", "Saved atomically"),
        )
        text = edited.read_text()
        first = re.search(r"(?m)^  - id: (\S+)\n    date: '(\d{4})", text)
        assert first, "no event to move"
        event_id, year = first.group(1), int(first.group(2))
        target = year - 3

        def move() -> None:
            edited.write_text(text.replace(f"date: '{year}", f"date: '{target}", 1))
            page.goto(base + f"timeline/{target}/index.html")

        step(
            f"an event moved to {target} → that year's timeline",
            move,
            shows(page, f"[id='{event_id}']"),
        )
        page.goto(base + f"dossiers/{edited.stem}/index.html")
        good = edited.read_text()
        overlay = page.locator("#dossier-errors")
        step(
            "YAML broken → overlay",
            lambda: edited.write_text(good.replace("actors: [", "actors: [[", 1)),
            shows(page, "#dossier-errors"),
        )
        assert f"content/dossiers/{edited.name}:" in overlay.inner_text()
        step(
            "fixed → overlay gone",
            lambda: edited.write_text(good),
            shows(page, "#dossier-errors", gone=True),
        )
        published = re.search(r"(?m)^published: (.*)$", renamed.read_text())
        shown_in = listing(published.group(1) if published else "")
        page.goto(base + shown_in)
        new = renamed.with_name("renamed-report.md")
        step(
            "dossier renamed → the list links its new page",
            lambda: renamed.rename(new),
            shows(page, "a[href$='dossiers/renamed-report/index.html']"),
        )
        assert page.goto(base + f"dossiers/{renamed.stem}/index.html").status == 404
        page.goto(base + shown_in)
        step(
            "dossier deleted → gone from the list",
            new.unlink,
            shows(page, "a[href$='dossiers/renamed-report/index.html']", gone=True),
        )

        seed = REPO / "seeds" / "000_dc1a29906bea6793.yaml"
        page.goto(base + listing(re.search(r"(?m)^published: (.*)$", seed.read_text()).group(1)))

        def drop() -> None:
            for suffix in (".txt", ".yaml"):
                src = REPO / "seeds" / f"000_dc1a29906bea6793{suffix}"
                shutil.copy(src, root / "seeds" / f"new-talks{suffix}")

        step(
            "new article in seeds/ → listed",
            drop,
            shows(page, "body", "US and Russian officials convene"),
        )
        browser.close()
    return results


def main() -> None:
    p = argparse.ArgumentParser(description="An editing session against dossier serve")
    p.add_argument("--size", type=int, default=10000)
    p.add_argument("--work", type=Path, default=Path("/tmp/dossier-session"))
    args = p.parse_args()
    root = prepare(args.size, args.work)
    port = free_port()
    log = args.work / f"serve-{args.size}.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--root", str(root), "--port", str(port)],
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}/"
        started = time.perf_counter()
        wait_for_server(base, proc, log)
        wait_quiet(log)
        print(f"N={args.size:,}: serving after {time.perf_counter() - started:.1f} s", flush=True)
        results = session(root, base, log)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    print("\n| step | shown in the page after | the server's rebuild |\n|---|---:|---|")
    for name, took, rebuilt in results:
        print(f"| {name} | {took:.2f} s | {rebuilt} |")


if __name__ == "__main__":
    main()
