"""``watch`` on real files: a watcher thread with a stop event; edit, rename, delete, break
and fix files, then wait (generously) for the rebuild and look at ``output/``."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from generator import output
from generator.config import load_config
from generator.watch import Paths, Watcher, is_editor_noise

FIXTURE = Path(__file__).parent / "fixtures" / "site"
WAIT = 30.0


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("output", ".dossier-cache"))
    return root


class Running:
    def __init__(self, root: Path):
        self.log: list[str] = []
        self.watcher = Watcher(load_config(root), ingest=False, log=self.log.append)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.watcher.run, args=(self.stop,), daemon=True)

    def __enter__(self):
        self.thread.start()
        assert self.watcher.wait_builds(2, WAIT), self.log  # first build + catch-up
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(WAIT)
        assert not self.thread.is_alive()

    def after(self, change, count: int = 1) -> None:
        """Make a change and wait until ``count`` more builds are done."""
        before = self.watcher.builds
        change()
        assert self.watcher.wait_builds(before + count, WAIT), self.log

    def settle(self) -> int:
        """Wait until no build has happened for a while; return the build count."""
        last = -1
        while last != self.watcher.builds:
            last = self.watcher.builds
            time.sleep(1.0)
        return last


def test_edit_rebuilds_the_page(site: Path):
    with Running(site) as run:
        page = site / "output" / "dossiers" / "invasion" / "index.html"
        assert page.is_file()
        dossier = site / "content" / "dossiers" / "invasion.md"
        run.after(lambda: dossier.write_text(dossier.read_text() + "\nA brand new line.\n"))
        assert b"A brand new line." in page.read_bytes()


def test_atomic_save_and_editor_files(site: Path):
    with Running(site) as run:
        dossier = site / "content" / "dossiers" / "invasion.md"
        folder = dossier.parent

        def save_like_an_editor():
            (folder / "invasion.md~").write_text("backup")
            (folder / ".invasion.md.swp").write_text("swap")
            (folder / ".#invasion.md").write_text("lock")
            (folder / "4913").write_text("")
            (folder / "4913").unlink()
            tmp = folder / ".invasion.md.tmp1234"
            tmp.write_text(dossier.read_text() + "\nSaved atomically.\n")
            os.replace(tmp, dossier)

        run.after(save_like_an_editor)
        page = site / "output" / "dossiers" / "invasion" / "index.html"
        assert b"Saved atomically." in page.read_bytes()
        assert not any(p.name.startswith("invasion.md") for p in (site / "output").rglob("*"))


def test_burst_is_coalesced(site: Path):
    with Running(site) as run:
        start = run.settle()
        folder = site / "content" / "dossiers"

        def burst():
            for i in range(20):
                for file in sorted(folder.glob("*.md")):
                    file.write_text(file.read_text().rstrip("\n") + f"\nLine {i}.\n")

        run.after(burst)
        end = run.settle()
        assert end - start < 20 * 3  # far fewer builds than writes
        text = (site / "output" / "dossiers" / "invasion" / "index.html").read_bytes()
        assert b"Line 19." in text


def test_delete_and_rename(site: Path):
    with Running(site) as run:
        folder = site / "content" / "dossiers"
        out = site / "output"
        run.after(lambda: (folder / "invasion.md").unlink())
        assert not (out / "dossiers" / "invasion").exists()
        putin = (out / "actors" / "vladimir-putin" / "index.html").read_bytes()
        assert b"Russia launches full-scale invasion" not in putin
        run.after(lambda: (folder / "talks-in-miami.md").rename(folder / "miami.md"))
        assert not (out / "dossiers" / "talks-in-miami").exists()
        assert (out / "dossiers" / "miami" / "index.html").is_file()


def test_error_then_fix(site: Path):
    with Running(site) as run:
        dossier = site / "content" / "dossiers" / "invasion.md"
        good = dossier.read_text()
        page = site / "output" / "dossiers" / "invasion" / "index.html"
        before = page.read_bytes()
        run.after(lambda: dossier.write_text(good.replace("title: ", "title: [", 1)))
        assert run.watcher.errors
        assert any("content/dossiers/invasion.md:" in line for line in run.log)
        assert page.read_bytes() == before  # output left alone
        run.after(lambda: dossier.write_text(good + "\nFixed.\n"))
        assert not run.watcher.errors
        assert b"Fixed." in page.read_bytes()


def test_template_error_is_reported_not_fatal(site: Path):
    with Running(site) as run:
        templates = site / "templates"
        run.after(lambda: (templates.mkdir(), (templates / "404.html").write_text("{% if %}")))
        run.settle()
        assert any("templates/404.html:1" in line for line in run.log), run.log
        run.after(lambda: (templates / "404.html").unlink())
        run.settle()
        assert not run.watcher.errors


def test_output_writes_do_not_trigger_builds(site: Path):
    with Running(site) as run:
        count = run.settle()
        (site / "output" / "scribble.html").write_text("x")
        (site / ".dossier-cache" / "x").write_text("x")
        time.sleep(1.5)
        assert run.watcher.builds == count


def test_output_changed_behind_the_watchers_back_is_put_right(site: Path):
    """An edit rewrites only the pages it touches, trusting the rest of output/; once
    things are quiet the watcher checks that trust and rebuilds what was changed."""
    with Running(site) as run:
        dossier = site / "content" / "dossiers" / "invasion.md"
        other = site / "output" / "dossiers" / "talks-in-miami" / "index.html"
        good = other.read_bytes()
        run.after(lambda: dossier.write_text(dossier.read_text() + "\nOne more line.\n"))
        before = run.watcher.builds
        other.write_bytes(b"scribbled")
        assert run.watcher.wait_builds(before + 1, WAIT), run.log
        assert other.read_bytes() == good
        assert any("changed by something else" in line for line in run.log), run.log


def test_replaced_files_are_freed_when_quiet(site: Path, monkeypatch: pytest.MonkeyPatch):
    """The watcher's builds leave the files they replace in a trash folder beside output/
    (freeing big files takes time an edit should not wait for), and the staging folder
    their big files waited in, emptied; they go when quiet, with any a killed watcher left."""
    monkeypatch.setattr(output, "BIG", 1)  # every replaced file, not only the big ones
    stale = site / ".dossier-trash-left-by-a-killed-watcher"
    stale.mkdir()
    (stale / "123").write_bytes(b"old bytes")
    with Running(site) as run:
        dossier = site / "content" / "dossiers" / "invasion.md"
        run.after(lambda: dossier.write_text(dossier.read_text() + "\nOne more line.\n"))
        trash = [p for p in site.iterdir() if p.name.startswith(".dossier-trash-") and p != stale]
        assert trash and any(p.iterdir() for p in trash)
        assert not list(site.glob(".dossier-staging-*"))
        assert any((p / "dossiers" / "invasion").is_dir() for p in trash)  # the staging's
        page = site / "output" / "dossiers" / "invasion" / "index.html"
        assert b"One more line." in page.read_bytes()
        deadline = time.monotonic() + WAIT
        while any(p.exists() for p in (*trash, stale)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(p.exists() for p in trash)
        assert not stale.exists()


def test_quiet_after_a_full_read_primes_the_next_edit(site: Path):
    """An actor's file renamed is built by reading the whole site; once quiet, the
    watcher makes what the next edit needs (``Builder.prime``)."""
    with Running(site) as run:
        folder = site / "content" / "actors"
        run.after(lambda: (folder / "marco-rubio.md").rename(folder / "rubio.md"))
        assert not run.watcher.builder._primed
        deadline = time.monotonic() + WAIT
        while not run.watcher.builder._primed and time.monotonic() < deadline:
            time.sleep(0.1)
        assert run.watcher.builder._primed, run.log


def test_priming_that_fails_does_not_stop_the_watcher(site: Path):
    """Priming when quiet only saves time: an error in it (a template broken since) is
    left for the next build to report."""
    watcher = Watcher(load_config(site), ingest=False, log=lambda line: None)
    assert watcher.rebuild()

    def broken(stop):
        raise RuntimeError("unexpected end of template")

    watcher.builder.prime = broken
    assert watcher.tidy()


def test_priming_gives_way_to_a_stop(site: Path):
    """Priming takes seconds at 10,000 dossiers: a Ctrl-C (the watcher's stop) ends it, as
    a new change does."""
    watcher = Watcher(load_config(site), ingest=False, log=lambda line: None)
    assert watcher.rebuild()
    seen = []
    watcher.builder.prime = lambda stop: seen.append(stop())
    stop = threading.Event()
    watcher.tidy(stop)
    stop.set()
    watcher.tidy(stop)
    assert seen == [False, True]


def test_new_seed_is_ingested(site: Path, monkeypatch):
    """A new article in seeds/ goes to ingest; what ingest says it wrote (a dossier, a
    stub for a new name) is then patched into the last build, as any edit is."""
    import generator.ingest as ingest_module
    from generator.ingest.pipeline import IngestReport

    def fake_ingest(config, paths=None, log=None, progress=False):
        report = IngestReport()
        for path in paths or []:
            text = Path(path).read_text()
            dossier = config.content / "dossiers" / f"{Path(path).stem}.md"
            dossier.write_text(
                f"---\ntitle: {text.strip()}\npublished: 2024-01-02\n"
                f"actors: [Ada Lovelace]\n---\n{text}\n"
            )
            stub = config.content / "actors" / "ada-lovelace.md"
            stub.write_text("---\nname: Ada Lovelace\nkind: person\n---\n")
            report.written.append(dossier)
            report.stubs.append(stub)
        return report

    monkeypatch.setattr(ingest_module, "ingest", fake_ingest)
    (site / "seeds").mkdir()
    log: list[str] = []
    results: list = []
    watcher = Watcher(load_config(site), ingest=True, log=log.append)
    watcher.on_build = results.append
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop,), daemon=True)
    thread.start()
    try:
        assert watcher.wait_builds(2, WAIT)
        before = watcher.builds
        (site / "seeds" / "fresh-article.txt").write_text("Fresh article arrives")
        assert watcher.wait_builds(before + 1, WAIT), log
        page = site / "output" / "dossiers" / "fresh-article" / "index.html"
        assert b"Fresh article arrives" in page.read_bytes()  # the build after ingest
        assert (site / "output" / "actors" / "ada-lovelace" / "index.html").is_file()
        assert "templates" not in results[-1].timings, log  # patched, not read afresh
    finally:
        stop.set()
        thread.join(WAIT)


@pytest.mark.parametrize(
    "name", ["a.md~", ".a.md.swp", ".#a.md", "4913", "#a.md#", ".tmp-123.html"]
)
def test_editor_noise(name: str):
    assert is_editor_noise(name)


def test_paths_kinds(site: Path):
    paths = Paths(load_config(site))
    assert paths.kind(site / "content" / "dossiers" / "x.md") == "content"
    assert paths.kind(site / "seeds" / "a.txt") == "seeds"
    assert paths.kind(site / "templates" / "base.html") == "templates"
    assert paths.kind(site / "static" / "x.css") == "static"
    assert paths.kind(site / "dossier.toml") == "config"
    assert paths.kind(site / "output" / "index.html") is None
    assert paths.kind(site / ".dossier-cache" / "documents.pickle") is None
    assert paths.kind(site / "content" / "dossiers" / ".x.md.swp") is None
    assert paths.kind(site / "README.md") is None


def _signal_handlers(_) -> tuple[bool, bool]:
    import signal

    return (
        signal.getsignal(signal.SIGINT) == signal.SIG_IGN,
        signal.getsignal(signal.SIGTERM) == signal.SIG_DFL,
    )


def test_pool_workers_leave_signals_to_the_watcher():
    """Workers forked by a watcher do not keep its SIGTERM handler (which raised
    KeyboardInterrupt, and a traceback, in each worker the pool ended) nor take Ctrl-C."""
    import signal

    from generator import pool
    from generator.watch import stop_on_terminate

    before = signal.getsignal(signal.SIGTERM)
    stop_on_terminate()
    try:
        with pool._pool(2) as workers:
            seen = workers.map(_signal_handlers, range(4))
    finally:
        signal.signal(signal.SIGTERM, before)
    assert seen == [(True, True)] * 4
