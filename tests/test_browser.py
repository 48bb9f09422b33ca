"""What a reader sees, in a real browser: Playwright driving Debian's Chromium.

The sites are built for real (the demo site from seeds/, ingest included, and the
hand-written fixture site), Pagefind indexes them, and a local HTTP server serves them.
With CI=true a missing browser fails the run instead of skipping.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import FIXTURE_SITE, REPO, make_site, run_dossier

pytestmark = pytest.mark.browser
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def _missing(what: str):
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{what} is required for browser tests in CI")
    pytest.skip(f"{what} not available")


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright for Python")
    executable = shutil.which("chromium")
    if not executable:
        _missing("Debian's chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield b
        b.close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _serve(folder: Path):
    """A server on a thread of its own. The fixtures using it (and the browser's) are the
    module's, not the session's: threads left running would keep the builds of the test
    modules after this one from forking their process pools (``pool.can_fork``)."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _build(tmp: Path, source: Path, with_seeds: bool, settings: str = "") -> Path:
    root = tmp / source.name
    root.mkdir()
    shutil.copy(source / "dossier.toml", root / "dossier.toml")
    for folder in ("seeds",) if with_seeds else ("content",):
        shutil.copytree(source / folder, root / folder)
    cfg = root / "dossier.toml"
    text = cfg.read_text().replace("search = false", "search = true")
    cfg.write_text(text.replace("[site]\n", "[site]\n" + settings))
    result = run_dossier("build", "--root", str(root))
    assert result.returncode == 0, result.stderr
    assert "search: indexed" in result.stdout, result.stdout
    return root / "output"


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory) -> Path:
    """The demo site as the Quick start builds it: seeds/ ingested, then built."""
    return _build(tmp_path_factory.mktemp("demo"), REPO, with_seeds=True)


@pytest.fixture(scope="module")
def demo_url(demo_site):
    server = _serve(demo_site.parent)  # serve the project folder: the site is in a sub-folder
    yield f"http://127.0.0.1:{server.server_address[1]}/output/"
    server.shutdown()


@pytest.fixture(scope="module")
def fixture_url(tmp_path_factory):
    out = _build(tmp_path_factory.mktemp("fixture"), FIXTURE_SITE, with_seeds=False)
    server = _serve(out)
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def split_url(tmp_path_factory):
    """The fixture site with its timeline split into a page per year."""
    out = _build(
        tmp_path_factory.mktemp("split"),
        FIXTURE_SITE,
        with_seeds=False,
        settings="timeline_split = 2\n",
    )
    server = _serve(out)
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP)
    pg = context.new_page()
    pg.errors = []
    pg.foreign = []
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))

    def on_request(request):
        host = urlsplit(request.url).hostname
        if request.url.startswith(("http://", "https://")) and host not in ("127.0.0.1",):
            pg.foreign.append(request.url)

    pg.on("request", on_request)
    yield pg
    context.close()


def _clean(pg):
    assert pg.errors == [], pg.errors
    assert pg.foreign == [], pg.foreign


def test_timeline_to_actor_to_dossier(page, demo_url):
    page.goto(demo_url + "timeline/index.html")
    assert page.locator("li.event").count() >= 5
    page.locator("li.event .who a", has_text="Marco Rubio").first.click()
    assert page.locator("h1").inner_text() == "Marco Rubio"
    page.locator("li.event .event-source a").first.click()
    assert "dossiers/" in page.url
    assert page.locator("article.dossier h1").count() == 1
    _clean(page)


def test_filter_timeline_by_one_actor(page, demo_url):
    page.goto(demo_url + "timeline/index.html")
    total = page.locator("li.event").count()
    page.select_option("select[name=actor]", "vladimir-putin")
    visible = page.locator("li.event:visible")
    assert 0 < visible.count() < total
    for i in range(visible.count()):
        assert "vladimir-putin" in visible.nth(i).get_attribute("data-actors").split()
    assert "actor=vladimir-putin" in page.url
    page.reload()  # a shared, filtered view survives a reload
    assert page.locator("li.event:visible").count() == visible.count()
    _clean(page)


def test_search_finds_putin_and_reaches_his_page(page, demo_url):
    page.goto(demo_url + "index.html")
    page.fill("#search-input", "Putin")
    link = page.locator("#search-results a", has_text="Vladimir Putin").first
    link.wait_for(timeout=15000)
    link.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Vladimir Putin"
    _clean(page)


def test_search_box_explains_itself_when_opened_from_disk(browser, demo_site):
    pg = browser.new_page()
    pg.goto(demo_site.joinpath("index.html").as_uri())
    pg.fill("#search-input", "Putin")
    pg.locator("#search-results p").wait_for()
    assert "served over HTTP" in pg.locator("#search-results").inner_text()
    pg.close()


def test_pages_fit_a_phone_and_have_no_console_errors(browser, demo_url):
    context = browser.new_context(viewport=PHONE)
    pg = context.new_page()
    errors = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    for path in (
        "index.html",
        "timeline/index.html",
        "actors/index.html",
        "actors/vladimir-putin/index.html",
        "locations/index.html",
    ):
        pg.goto(demo_url + path)
        overflow = pg.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path} scrolls sideways by {overflow}px on a phone"
    assert errors == []
    context.close()


def _first_link(page, url: str, selector: str) -> str:
    page.goto(url)
    return page.locator(selector).first.get_attribute("href")


@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_axe_finds_no_serious_violations(browser, demo_url, width):
    if not AXE.is_file():
        _missing("axe-core (npm ci)")
    context = browser.new_context(viewport=width)
    pg = context.new_page()
    pages = [
        "index.html",
        "timeline/index.html",
        "actors/vladimir-putin/index.html",
        "actors/index.html",
    ]
    pg.goto(demo_url + "locations/index.html")
    place = pg.locator("table a").first.get_attribute("href")
    pages.append("locations/" + place)
    pg.goto(demo_url + "dossiers/index.html")
    pages.append("dossiers/" + pg.locator(".dossier-list a").first.get_attribute("href"))
    problems = []
    for path in pages:
        pg.goto(demo_url + path)
        pg.add_script_tag(path=str(AXE))
        result = pg.evaluate("axe.run(document, {resultTypes: ['violations']})")
        for v in result["violations"]:
            if v["impact"] in ("serious", "critical"):
                targets = [n["target"] for n in v["nodes"]][:3]
                problems.append(f"{path}: {v['id']} ({v['impact']}): {targets}")
    context.close()
    assert problems == [], json.dumps(problems, indent=1)


def test_keyboard_reaches_filters_and_skip_link(page, fixture_url):
    page.goto(fixture_url + "timeline/index.html")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    page.focus("select[name=actor]")
    page.keyboard.press("ArrowDown")  # keyboard choice applies the filter
    assert "actor=" in page.url
    _clean(page)


def test_fixture_site_journey_and_month_spans(page, fixture_url):
    page.goto(fixture_url + "timeline/index.html")
    month = page.locator("#e-demands time")
    assert month.inner_text() == "June 2024"
    assert "when-month" in month.get_attribute("class")
    page.locator("#e-demands .who a", has_text="Vladimir Putin").click()
    assert page.locator("h1").inner_text() == "Vladimir Putin"
    _clean(page)


def test_split_timeline_keeps_the_filter_from_year_to_year(page, split_url):
    page.goto(split_url + "timeline/2022/index.html")
    page.select_option("select[name=actor]", "vladimir-putin")
    assert "in 2022" in page.locator("[data-filter-status]").inner_text()
    after = page.locator(".year-nav a[rel=next]")
    assert after.get_attribute("href").endswith("timeline/2024/index.html?actor=vladimir-putin")
    after.click()
    page.wait_for_url("**/timeline/2024/index.html?actor=vladimir-putin")
    assert page.locator("select[name=actor]").input_value() == "vladimir-putin"
    visible = page.locator("li.event:visible")
    assert visible.count() == 1
    assert "vladimir-putin" in visible.first.get_attribute("data-actors").split()
    # on to 2025, where he has no event of his own: the filter stays, nothing is shown
    page.locator(".year-nav a[rel=next]").click()
    page.wait_for_url("**/timeline/2025/index.html?actor=vladimir-putin")
    assert page.locator("select[name=actor]").input_value() == "vladimir-putin"
    assert page.locator("li.event:visible").count() == 0
    assert page.locator("li.event").count() > 0
    _clean(page)


@pytest.fixture(scope="module")
def long_url(tmp_path_factory):
    """A generated site (the benchmarks' generator): year pages of dozens of events."""
    root = tmp_path_factory.mktemp("long") / "site"
    make_site(root, 200)
    result = run_dossier("build", "--root", str(root), "--no-search")
    assert result.returncode == 0, result.stderr
    server = _serve(root)
    yield f"http://127.0.0.1:{server.server_address[1]}/output/"
    server.shutdown()


def test_long_pages_jump_to_an_event_and_filter(page, long_url):
    """Events far down a long page are laid out only near the screen (CSS
    ``content-visibility``): a link to one still lands on it, and filtering still works."""
    page.goto(long_url + "timeline/index.html")
    years = page.locator(".years a, .year-nav a").evaluate_all("els => els.map(a => a.href)")
    busiest, most = "", 0
    for href in dict.fromkeys(years):
        page.goto(href)
        count = page.locator("li.event").count()
        if count > most:
            busiest, most = href, count
    page.goto(busiest)
    last = page.locator("li.event").last.get_attribute("id")
    depth = page.evaluate(f"document.getElementById('{last}').offsetTop / window.innerHeight")
    assert depth > 3, (most, depth)  # far below the first screen
    page.goto(busiest.split("#")[0] + "#" + last)
    page.wait_for_timeout(300)  # the jump, then the layout of what is near it
    box = page.locator(f"[id='{last}']").bounding_box()
    height = page.evaluate("window.innerHeight")
    assert box is not None and 0 <= box["y"] < height, (box, height)
    assert page.evaluate("document.querySelector(':target').id") == last
    actor = page.locator("li.event").first.get_attribute("data-actors").split()[0]
    page.select_option("select[name=actor]", actor)
    shown = page.locator("li.event:visible")
    assert 0 < shown.count() < most
    assert all(
        actor in li.split() for li in shown.evaluate_all("els => els.map(e => e.dataset.actors)")
    )
    _clean(page)


# -- an editing session against `dossier serve`, watched in the browser ---------------------


@pytest.fixture
def served(tmp_path):
    """`dossier serve` on a copy of the fixture site (ingest on, seeds/ empty)."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    root = tmp_path / "site"
    shutil.copytree(FIXTURE_SITE, root, ignore=shutil.ignore_patterns("output", ".dossier-cache"))
    (root / "seeds").mkdir()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--root", str(root), "--port", str(port)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "index.html", timeout=2).read()
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("dossier serve did not come up")
            time.sleep(0.2)
    yield root, base
    proc.terminate()
    proc.wait(timeout=20)


def test_editing_session_live_in_the_browser(page, served):
    root, base = served
    wait = 30000
    page.goto(base + "actors/vladimir-putin/index.html")
    assert page.locator("h1").inner_text() == "Vladimir Putin"

    # a plain save of the actor file: the open page reloads by itself
    bio = root / "content/actors/vladimir-putin.md"
    bio.write_text(bio.read_text() + "\nWrote a new biography line.\n")
    page.locator("text=Wrote a new biography line.").wait_for(timeout=wait)

    # an atomic save (temp file renamed over), as many editors do
    kyiv = root / "content/locations/kyiv.md"
    tmp = kyiv.with_name(".kyiv.md.tmp")
    tmp.write_text(
        kyiv.read_text().replace("Capital of Ukraine.", "Capital city, saved atomically.")
    )
    os.replace(tmp, kyiv)
    page.goto(base + "locations/kyiv/index.html")
    page.locator("text=Capital city, saved atomically.").wait_for(timeout=wait)

    # break the YAML: an overlay names file and line; the last good page stays underneath
    miami = root / "content/dossiers/talks-in-miami.md"
    good = miami.read_text()
    miami.write_text(good.replace("tags: [diplomacy]", "tags: [diplomacy", 1))
    overlay = page.locator("#dossier-errors")
    overlay.wait_for(timeout=wait)
    assert "content/dossiers/talks-in-miami.md:" in overlay.inner_text()
    assert page.locator("h1").first.inner_text() == "Kyiv"
    miami.write_text(good)  # fixing the file recovers
    overlay.wait_for(state="detached", timeout=wait)

    # rename a dossier: the new page exists and the old one is gone
    (root / "content/dossiers/invasion.md").rename(root / "content/dossiers/invasion-2022.md")
    page.goto(base + "dossiers/index.html")
    page.locator("a[href$='dossiers/invasion-2022/index.html']").wait_for(timeout=wait)
    assert page.goto(base + "dossiers/invasion/index.html").status == 404

    # delete it: the actor page it touched no longer lists it
    page.goto(base + "actors/vladimir-putin/index.html")
    (root / "content/dossiers/invasion-2022.md").unlink()
    page.locator("text=Russia launches full-scale invasion").first.wait_for(
        state="detached", timeout=wait
    )

    # drop a new article in seeds/: it is ingested and appears
    shutil.copy(REPO / "seeds/000_dc1a29906bea6793.txt", root / "seeds/new-talks.txt")
    shutil.copy(REPO / "seeds/000_dc1a29906bea6793.yaml", root / "seeds/new-talks.yaml")
    page.goto(base + "dossiers/index.html")
    page.locator("text=US and Russian officials convene").wait_for(timeout=60000)
    assert page.errors == [] or all("404" in e for e in page.errors), page.errors
    assert page.foreign == []
