"""Ingest runs on a site root: re-ingest, hand edits, duplicates, bad articles, stubs."""

from __future__ import annotations

from pathlib import Path

import yaml

from generator.config import Config
from generator.ingest import ingest
from generator.ingest.writer import is_edited

ARTICLE = """Envoys meet in Geneva to discuss the border

Foreign Minister Anna Keller met Pavel Orlov in Geneva on Friday, officials said.
Keller said the talks would continue next month.
"""
OTHER = """Ceasefire talks stall in Vienna

Negotiator Tomas Brandt left Vienna on Thursday after the talks stalled.
"""


def site(tmp_path: Path) -> Config:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "content").mkdir()
    return Config(root=tmp_path)


def add(config: Config, name: str, text: str, published: str | None = "2025-12-20") -> Path:
    path = config.seeds / name
    path.write_text(text, encoding="utf-8")
    if published:
        path.with_suffix(".yaml").write_text(f"published: {published}\n", encoding="utf-8")
    return path


def quiet(config: Config, paths=None):
    messages: list[str] = []
    return ingest(config, paths, log=messages.append, progress=False), messages


def front(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


def test_first_ingest_writes_dossier_and_stubs(tmp_path: Path) -> None:
    config = site(tmp_path)
    add(config, "a.txt", ARTICLE)
    report, _ = quiet(config)
    assert len(report.written) == 1 and not report.problems
    dossier = report.written[0]
    assert dossier.name == "envoys-meet-in-geneva-to-discuss-the-border.md"
    data = front(dossier)
    assert data["published"] == "2025-12-20"
    assert data["source"]["file"] == "seeds/a.txt"
    assert "Anna Keller" in data["actors"] and "Geneva" in data["locations"]
    friday = [e for e in data["events"] if e.get("expression") == "on Friday"]
    assert friday and friday[0]["date"] == "2025-12-19"
    assert not is_edited(dossier.read_text(encoding="utf-8"))
    assert (config.content / "actors" / "anna-keller.md").exists()
    # Sidecars are not articles.
    assert len(list((config.content / "dossiers").glob("*.md"))) == 1


def test_unchanged_article_writes_nothing(tmp_path: Path) -> None:
    config = site(tmp_path)
    add(config, "a.txt", ARTICLE)
    first, _ = quiet(config)
    before = first.written[0].stat().st_mtime_ns
    again, messages = quiet(config)
    assert again.written == [] and again.unchanged == first.written and not again.stubs
    assert first.written[0].stat().st_mtime_ns == before
    assert messages == []


def test_changed_article_reingested_when_not_edited(tmp_path: Path) -> None:
    config = site(tmp_path)
    path = add(config, "a.txt", ARTICLE)
    first, _ = quiet(config)
    path.write_text(ARTICLE + "Orlov left Geneva on Saturday.\n", encoding="utf-8")
    second, _ = quiet(config)
    assert second.written == first.written and not second.beside
    assert "Orlov left Geneva" in first.written[0].read_text(encoding="utf-8")


def test_edit_survives_and_new_extraction_goes_beside(tmp_path: Path) -> None:
    config = site(tmp_path)
    path = add(config, "a.txt", ARTICLE)
    first, _ = quiet(config)
    dossier = first.written[0]
    edited = dossier.read_text(encoding="utf-8").replace("tags: []", "tags: [diplomacy]")
    dossier.write_text(edited, encoding="utf-8")
    assert is_edited(edited)
    # Unchanged article: nothing happens, the edit stays.
    quiet(config)
    assert dossier.read_text(encoding="utf-8") == edited
    # Changed article: the proposal goes beside it.
    path.write_text(ARTICLE + "Orlov left Geneva on Saturday.\n", encoding="utf-8")
    report, messages = quiet(config)
    assert dossier.read_bytes() == edited.encode("utf-8")
    beside = dossier.with_name(dossier.stem + ".new.md")
    assert report.beside == [beside] and beside.exists()
    assert "Orlov left Geneva" in beside.read_text(encoding="utf-8")
    assert any("edited" in m for m in messages)


def test_duplicate_text_under_another_name(tmp_path: Path) -> None:
    config = site(tmp_path)
    add(config, "a.txt", ARTICLE)
    add(config, "b.txt", ARTICLE.replace("\n", "\r\n"))
    report, _ = quiet(config)
    assert len(report.written) == 1
    assert report.duplicates == [(config.seeds / "b.txt", config.seeds / "a.txt")]
    again, _ = quiet(config)
    assert again.duplicates == [(config.seeds / "b.txt", config.seeds / "a.txt")]
    assert not again.written


def test_bad_article_skipped_batch_goes_on(tmp_path: Path) -> None:
    config = site(tmp_path)
    add(config, "a.txt", ARTICLE)
    (config.seeds / "empty.txt").write_text("  \n", encoding="utf-8")
    (config.seeds / "binary.txt").write_bytes(b"\x00\x01\x02\x03")
    add(config, "c.txt", OTHER)
    report, _ = quiet(config)
    assert len(report.written) == 2
    bad = sorted(Path(p.path).name for p in report.problems)
    assert bad == ["binary.txt", "empty.txt"]


def test_stubs_never_overwritten(tmp_path: Path) -> None:
    config = site(tmp_path)
    actors = config.content / "actors"
    actors.mkdir()
    mine = "---\nname: Anna Keller\nkind: person\nrole: my own words\n---\nHand-written bio.\n"
    (actors / "anna-keller.md").write_text(mine, encoding="utf-8")
    add(config, "a.txt", ARTICLE)
    report, _ = quiet(config)
    assert (actors / "anna-keller.md").read_text(encoding="utf-8") == mine
    assert actors / "anna-keller.md" not in report.stubs
    stub = actors / "pavel-orlov.md"
    assert stub in report.stubs
    stub.write_text("---\nname: Pavel Orlov\nkind: person\n---\nEdited.\n", encoding="utf-8")
    add(config, "c.txt", OTHER + "Pavel Orlov was not there.\n")
    quiet(config)
    assert stub.read_text(encoding="utf-8").endswith("Edited.\n")


def test_registry_alias_wins(tmp_path: Path) -> None:
    config = site(tmp_path)
    actors = config.content / "actors"
    actors.mkdir()
    (actors / "donald-trump.md").write_text(
        "---\nname: Donald Trump\nkind: person\naliases: [Trump]\n---\n", encoding="utf-8"
    )
    add(config, "t.txt", "Trump meets envoys\n\nPresident Trump met envoys in Miami on Friday.\n")
    report, _ = quiet(config)
    data = front(report.written[0])
    assert "Donald Trump" in data["actors"] and "Trump" not in data["actors"]


def test_unknown_publication_keeps_expression(tmp_path: Path) -> None:
    config = site(tmp_path)
    add(config, "a.txt", ARTICLE, published=None)
    report, _ = quiet(config)
    data = front(report.written[0])
    assert data["published"] is None
    friday = next(e for e in data["events"] if e.get("expression") == "on Friday")
    assert friday["date"] is None


def test_slug_stable_across_reingest(tmp_path: Path) -> None:
    config = site(tmp_path)
    path = add(config, "a.txt", ARTICLE)
    first, _ = quiet(config)
    path.write_text(ARTICLE.replace("Envoys meet in Geneva", "Envoys gather in Geneva"), "utf-8")
    second, _ = quiet(config)
    assert second.written == first.written


def test_explicit_paths_and_sidecar_not_an_article(tmp_path: Path) -> None:
    config = site(tmp_path)
    a = add(config, "a.txt", ARTICLE)
    add(config, "c.txt", OTHER)
    lone = config.seeds / "lone.yaml"
    lone.write_text("published: 2025-12-20\n", encoding="utf-8")
    report, _ = quiet(config, [a, a.with_suffix(".yaml"), lone])
    assert len(report.written) == 1
    assert [(Path(p.path).name, p.severity) for p in report.problems] == [("lone.yaml", "warning")]


def test_a_changed_sidecar_reads_its_article_again(tmp_path: Path) -> None:
    """What `dossier watch` passes when only the sidecar was saved."""
    config = site(tmp_path)
    a = add(config, "a.txt", ARTICLE)
    side = a.with_suffix(".yaml")
    side.write_text("published: 2025-12-20\n", encoding="utf-8")
    quiet(config)
    side.write_text("published: 2025-12-21\n", encoding="utf-8")
    report, _ = quiet(config, [side])
    assert len(report.written) == 1 and report.problems == []
    assert "published: '2025-12-21'" in report.written[0].read_text(encoding="utf-8")


def test_extract_file_published_argument(tmp_path: Path) -> None:
    from generator.ingest import extract_file

    path = tmp_path / "x.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    result = extract_file(path, published="2025-12-20")
    assert result["published"] == "2025-12-20"
    friday = next(d for d in result["dates"] if d["text"] == "on Friday")
    assert friday["value"] == "2025-12-19"
    assert extract_file(path)["published"] is None


def test_proposal_already_written_is_not_extracted_again(tmp_path: Path) -> None:
    """Edited dossier + changed article: the .new.md is written once, then builds are quiet."""
    config = site(tmp_path)
    path = add(config, "a.txt", ARTICLE)
    first, _ = quiet(config)
    dossier = first.written[0]
    dossier.write_text(
        dossier.read_text(encoding="utf-8").replace("title: ", "title: Edited ", 1), "utf-8"
    )
    path.write_text(ARTICLE + "\nOne more paragraph.\n", "utf-8")
    second, _ = quiet(config)
    assert len(second.beside) == 1
    third, _ = quiet(config)
    assert third.beside == [] and third.written == [] and dossier in third.unchanged


def test_scan_of_dossiers_reads_again_only_files_changed_since(tmp_path: Path, monkeypatch):
    """A watcher ingests article after article into a folder of thousands of dossiers:
    ``scan_dossiers`` reads again only the files whose stat changed (and those changed too
    recently to trust their stat), and sees every file added, edited or deleted."""
    import os
    import time

    from generator.ingest import writer

    folder = tmp_path / "dossiers"
    folder.mkdir()
    old = time.time() - 60

    def dossier(name: str, source: str, when: float | None = old) -> None:
        path = folder / name
        path.write_text(f"---\ntitle: T\nsource:\n  file: {source}\n---\nBody.\n")
        if when is not None:
            os.utime(path, (when, when))

    read: list[str] = []
    scan_one = writer._scan_one
    monkeypatch.setattr(writer, "_scan_one", lambda path: read.append(path.name) or scan_one(path))
    dossier("a.md", "seeds/one.txt")
    dossier("b.md", "seeds/two.txt")
    (folder / "c.md").write_text("---\ntitle: By hand\n---\n")
    os.utime(folder / "c.md", (old, old))
    assert sorted(writer.scan_dossiers(folder)) == ["seeds/one.txt", "seeds/two.txt"]
    assert sorted(read) == ["a.md", "b.md", "c.md"]
    read.clear()
    assert sorted(writer.scan_dossiers(folder)) == ["seeds/one.txt", "seeds/two.txt"]
    assert read == []  # nothing changed: nothing read
    dossier("a.md", "seeds/uno.txt", old + 1)  # the same size, a later time
    (folder / "b.md").unlink()
    dossier("d.md", "seeds/new.txt", None)  # just written: read at each scan for now
    found = writer.scan_dossiers(folder)
    assert sorted(found) == ["seeds/new.txt", "seeds/uno.txt"]
    assert found["seeds/uno.txt"].slug == "a" and sorted(read) == ["a.md", "d.md"]
    read.clear()
    dossier("d.md", "seeds/neu.txt", None)
    assert sorted(writer.scan_dossiers(folder)) == ["seeds/neu.txt", "seeds/uno.txt"]
    assert read == ["d.md"]


def test_scan_of_dossiers_does_not_keep_a_file_it_could_not_read(tmp_path: Path, monkeypatch):
    """A dossier unreadable at one scan (a passing error) is read again at the next."""
    import os
    import time

    from generator.ingest import writer

    folder = tmp_path / "dossiers"
    folder.mkdir()
    path = folder / "a.md"
    path.write_text("---\ntitle: T\nsource:\n  file: seeds/one.txt\n---\nBody.\n")
    old = time.time() - 60
    os.utime(path, (old, old))
    scan_one = writer._scan_one
    calls: list[Path] = []

    def flaky(p: Path):
        calls.append(p)
        if len(calls) == 1:
            raise OSError("Too many open files")
        return scan_one(p)

    monkeypatch.setattr(writer, "_scan_one", flaky)
    assert writer.scan_dossiers(folder) == {}
    assert list(writer.scan_dossiers(folder)) == ["seeds/one.txt"]
