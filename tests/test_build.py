"""The whole build on real files: links, determinism, failure safety, exports."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import add_settings, differences, make_site, run_dossier
from sitecheck import check_links

from generator.build import build, collect
from generator.config import load_config


def built(root: Path) -> Path:
    build(load_config(root), search=False)
    return root / "output"


def snapshot(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()
    }


def test_every_internal_link_resolves_and_nothing_loads_from_elsewhere(site_root):
    out = built(site_root)
    broken, remote = check_links(out)
    assert broken == []
    assert remote == []
    for name in (
        "index.html",
        "timeline/index.html",
        "actors/index.html",
        "actors/vladimir-putin/index.html",
        "locations/kyiv/index.html",
        "dossiers/talks-in-miami/index.html",
        "404.html",
        "feed.xml",
        "actors/vladimir-putin/feed.xml",
        "timeline.json",
        "events.csv",
        "events.ics",
    ):
        assert (out / name).is_file(), name


def test_long_lists_get_a_page_for_each_year(site_root):
    """Past ``list_split`` events (the busiest of 10,000 dossiers have thousands: pages
    of megabytes), an actor's or a place's page lists its years, each a page of that year's
    events and dossiers, and its latest events and dossiers (and the undated); the others
    list all of them as before. Past as many dossiers, their list has a page for each year
    of publication too."""
    add_settings(site_root, "list_split = 1\n")
    out = built(site_root)
    assert check_links(out) == ([], [])
    site, _ = collect(load_config(site_root))
    split = 0
    for kind, profiles in (("actors", site.actor_profiles), ("locations", site.location_profiles)):
        for slug, profile in profiles.items():
            folder = out / kind / slug
            main = (folder / "index.html").read_text()
            dated = [d for d in profile.dossiers if d.published]
            years = sorted(
                {e.date.year for e in profile.events} | {d.published.year for d in dated}
            )
            if len(profile.events) <= 1:
                assert not list(folder.glob("*.html"))[1:], slug  # its page alone
                assert _event_ids(main) == [e.id for e in profile.events], slug
                assert _dossiers_listed(main) == [d.slug for d in profile.dossiers], slug
                continue
            split += 1
            assert {p.name for p in folder.glob("*.html")} == {
                "index.html",
                *(f"{y}.html" for y in years),
            }
            for y in years:
                assert f'href="../../{kind}/{slug}/{y}.html"' in main
                page = (folder / f"{y}.html").read_text()
                shown = [e.id for e in profile.events if e.date.year == y]
                assert _event_ids(page) == shown, (slug, y)
                listed = [d.slug for d in dated if d.published.year == y]
                assert _dossiers_listed(page) == listed, (slug, y)
                assert f'href="../../{kind}/{slug}/index.html"' in page
            # the latest events, newest first, and dossiers (the undated after them)
            assert _event_ids(main) == [e.id for e in profile.events[::-1][:10]], slug
            undated = [d.slug for d in profile.dossiers if not d.published]
            assert _dossiers_listed(main) == [d.slug for d in dated][:50] + undated, slug
    assert split >= 3
    dossiers = out / "dossiers"
    main = (dossiers / "index.html").read_text()
    assert {p.name for p in dossiers.glob("*.html")} == {"index.html", "2022.html", "2025.html"}
    assert main.index('href="../dossiers/2025.html"') < main.index('href="../dossiers/2022.html"')
    for year, slug in ((2022, "invasion"), (2025, "talks-in-miami")):
        page = (dossiers / f"{year}.html").read_text()
        assert re.findall(r'<li><a href="../dossiers/([^/]+)/index.html"', page) == [slug]
    # undated: on the list itself, under a heading of its own
    assert main.count("dossiers/undated-report/index.html") == 1
    assert main.index("Date not known") < main.index("dossiers/undated-report/index.html")


def _event_ids(html: str) -> list[str]:
    return re.findall(r'<li class="event" id="([^"]+)"', html)


def _dossiers_listed(html: str) -> list[str]:
    """The slugs in a page's section of the dossiers that mention someone or somewhere."""
    section = html.partition('id="dossiers-h"')[2].partition("</section>")[0]
    return re.findall(r'<li><a href="../../dossiers/([^/]+)/index.html"', section)


def test_building_twice_gives_identical_bytes(site_root, tmp_path):
    first = snapshot(built(site_root))
    other = tmp_path / "again"
    site_root.rename(other)
    second = snapshot(built(other))
    assert differences(first, second) == []


def test_broken_front_matter_fails_and_leaves_previous_site(site_root):
    out = built(site_root)
    before = snapshot(out)
    bad = site_root / "content/dossiers/invasion.md"
    bad.write_text(bad.read_text().replace("tags: [war]", "tags: [war", 1))
    result = run_dossier("build", "--root", str(site_root), "--no-ingest", "--no-search")
    assert result.returncode != 0
    assert "content/dossiers/invasion.md:" in result.stderr
    line = result.stderr.split("content/dossiers/invasion.md:")[1].split(":")[0]
    assert line.isdigit() and 3 <= int(line) <= 8
    assert differences(snapshot(out), before) == []


def test_deleted_dossier_pages_are_pruned(site_root):
    out = built(site_root)
    assert (out / "dossiers/invasion/index.html").exists()
    (site_root / "content/dossiers/invasion.md").unlink()
    built(site_root)
    assert not (out / "dossiers/invasion").exists()
    assert "invasion" not in (out / "actors/vladimir-putin/index.html").read_text()


def test_article_text_is_escaped_everywhere(site_root):
    out = built(site_root)
    for page in out.rglob("*.html"):
        html = page.read_text()
        assert "<script>alert" not in html, page
        assert "javascript:" not in html, page
    dossier = (out / "dossiers/talks-in-miami/index.html").read_text()
    assert (
        "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;" in dossier
        or "&lt;script&gt;" in dossier
    )
    assert "Fixture &lt;Site&gt; &amp; Co" in (out / "index.html").read_text()


def test_precision_is_shown_on_the_timeline(site_root):
    html = (built(site_root) / "timeline/index.html").read_text()
    for shown in (
        "June 2024",
        "Friday 19 December 2025",
        "by 31 December 2025",
        "c. 2026",
        "Thursday 24 February 2022",
        "February 2022",
    ):
        assert shown in html
    assert "1 June 2024" not in html.split("June 2024")[0][-40:]  # never as its first day
    assert "Not yet dated" in html  # the dossier without a publication date


def test_exports_parse(site_root):
    out = built(site_root)
    data = json.loads((out / "timeline.json").read_text())
    month = next(e for e in data["events"] if e["unique_id"] == "e-demands")
    assert month["start_date"] == {"year": 2024, "month": 6}
    assert month["display_date"] == "June 2024"
    rows = list(csv.DictReader(io.StringIO((out / "events.csv").read_text())))
    assert {r["id"] for r in rows} >= {"e-demands", "e-miami", "e-undated"}
    feed = ET.parse(out / "feed.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert len(feed.findall("a:entry", ns)) == 3
    ET.parse(out / "actors/vladimir-putin/feed.xml")
    ics = (out / "events.ics").read_bytes()
    assert ics.startswith(b"BEGIN:VCALENDAR\r\n") and ics.count(b"BEGIN:VEVENT") == len(
        [r for r in rows if r["date"]]
    )
    assert all(len(line) <= 75 for line in ics.split(b"\r\n"))


def test_sitemap_and_robots_only_with_a_base_url(site_root):
    out = built(site_root)
    assert not (out / "sitemap.xml").exists()
    cfg = site_root / "dossier.toml"
    cfg.write_text(cfg.read_text() + 'base_url = "https://example.org/sub"\n')
    built(site_root)
    sitemap = (out / "sitemap.xml").read_text()
    assert "<loc>https://example.org/sub/actors/vladimir-putin/</loc>" in sitemap
    assert "Sitemap: https://example.org/sub/sitemap.xml" in (out / "robots.txt").read_text()
    # hosts serve 404.html at any depth: with a base URL its links still work
    assert '<base href="https://example.org/sub/">' in (out / "404.html").read_text()
    assert "<base" not in (out / "index.html").read_text()


def test_output_does_not_depend_on_the_hash_seed(site_root, tmp_path):
    """Set and dict order must never leak into pages: build under two hash seeds."""
    import os
    import shutil
    import subprocess
    import sys

    outputs = []
    for seed in ("1", "2"):
        root = tmp_path / f"seed{seed}"
        shutil.copytree(site_root, root)
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [
                sys.executable,
                "-m",
                "generator",
                "build",
                "--root",
                str(root),
                "--no-ingest",
                "--no-search",
            ],
            check=True,
            env=env,
            capture_output=True,
        )
        outputs.append(snapshot(root / "output"))
    assert differences(outputs[0], outputs[1]) == []


def test_pool_rendered_pages_are_staged_then_moved_into_place(tmp_path):
    """A cold build of a site big enough for the process pool: pages wait in a staging
    folder beside output/, then move in; the result equals a build in memory, and a failed
    build leaves output/ as it was and no staging folder behind."""
    from generator.build import Builder, render_site
    from generator.config import load_config
    from generator.errors import DossierError
    from generator.pool import PARALLEL_MIN_PAGES

    root = tmp_path / "big"
    make_site(root, 200)
    config = load_config(root)
    result = Builder(config).build(search=False)
    assert result.rendered.rendered >= PARALLEL_MIN_PAGES
    if (os.cpu_count() or 1) > 1:
        stages = set(result.timings)
        assert "fragments" in stages  # the pool rendered them (no thread kept it from forking)
    one_process, _ = Builder(config, cache_dir=None).render(trust_output=False, parallel=False)
    expected = dict(one_process.files.memory)  # type: ignore[attr-defined]
    assert differences(expected, dict(render_site(config).files)) == []
    got = snapshot(config.output)
    assert differences(got, expected) == []
    assert not list(root.glob(".dossier-staging-*"))
    (tmp_path / "probe").mkdir()  # output/ came in whole from the staging folder: it has
    mode = (tmp_path / "probe").stat().st_mode  # the mode of any new folder, not a private one
    assert config.output.stat().st_mode == mode

    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / "dossier.html").write_text("{{ no_such_name.x }}")
    try:
        Builder(config).build(search=False)
    except DossierError:
        pass
    else:
        raise AssertionError("the broken template should fail the build")
    again = snapshot(config.output)
    assert differences(again, got) == []
    assert not list(root.glob(".dossier-staging-*"))

    # every page rendered again by the pool, over the site already there: moved in file
    # by file, and what no page makes any more is gone
    base = (Path(__file__).parents[1] / "templates" / "base.html").read_text()
    (root / "templates" / "dossier.html").unlink()
    (root / "templates" / "base.html").write_text(base.replace("<main", "<!-- v2 --><main"))
    (config.output / "stray.html").write_text("left by someone")
    result = Builder(config).build(search=False)
    assert result.rendered.rendered >= PARALLEL_MIN_PAGES
    one_process, _ = Builder(config, cache_dir=None).render(trust_output=False, parallel=False)
    third = snapshot(config.output)
    # (not ``one_process.files.memory`` in the assert: pytest's account of a failure would
    # print the whole site it was rendered from)
    expected = dict(one_process.files.memory)  # type: ignore[attr-defined]
    assert differences(third, expected) == []
    assert b"<!-- v2 -->" in third["index.html"]
    assert not list(root.glob(".dossier-staging-*"))


def test_a_pool_failing_in_its_workers_leaves_a_whole_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Should the render pool fail (a worker out of memory, a result that cannot be sent
    back), this process renders every page again, into an emptied staging folder: the
    exports made meanwhile are made again too, not lost with the folder."""
    from generator import output, pool
    from generator.build import Builder

    root = tmp_path / "big"
    make_site(root, 200)
    config = load_config(root)
    expected = Builder(config, cache_dir=None).render(trust_output=False, parallel=False)[0]
    expected = dict(expected.files.memory)  # type: ignore[attr-defined]
    parent = os.getpid()
    render_chunk = pool._render_chunk

    def fails_in_workers(indices):
        if os.getpid() != parent:
            raise OSError("a worker's failure")
        return render_chunk(indices)

    monkeypatch.setattr(pool, "_render_chunk", fails_in_workers)
    monkeypatch.setattr(output, "BIG", 50_000)  # the exports staged, as at 10,000 dossiers
    result = Builder(config).build(search=False)
    assert result.rendered.rendered >= pool.PARALLEL_MIN_PAGES
    got = snapshot(config.output)
    assert len(expected["events.csv"]) >= output.BIG
    assert differences(got, expected) == []
    assert not list(root.glob(".dossier-staging-*"))


def test_replaced_and_removed_files_wait_in_the_trash(tmp_path: Path):
    """``write_site`` with a trash folder: each file replaced or taken away keeps its old
    bytes there (freed when the caller removes the folder), big or small; new files and
    unchanged ones are not linked."""
    from generator import output

    out, trash = tmp_path / "out", tmp_path / "trash"
    trash.mkdir()
    big_old, big_new = b"a" * output.BIG, b"b" * output.BIG
    output.write_site(out, {"big.html": big_old, "small.html": b"old", "same": b"s", "gone": b"g"})
    stats = output.write_site(
        out,
        {"big.html": big_new, "small.html": b"new", "more.html": b"x", "same": b"s"},
        trash=str(trash),
        prune=False,
        remove=["gone"],
    )
    assert (stats.written, stats.unchanged, stats.removed) == (3, 1, 1)
    assert (out / "big.html").read_bytes() == big_new
    assert (out / "small.html").read_bytes() == b"new"
    assert not (out / "gone").exists()
    assert sorted(p.read_bytes() for p in trash.iterdir()) == [big_old, b"g", b"old"]
    assert not [p for p in out.iterdir() if p.name.startswith(".tmp-")]
    (out / "stray").write_bytes(b"pruned")  # a whole build's pruning: the same
    stats = output.write_site(out, {"same": b"s"}, unchanged=["big.html"], trash=str(trash))
    assert stats.removed == 3  # small.html, more.html, stray
    assert b"pruned" in [p.read_bytes() for p in trash.iterdir()]


def test_folders_emptied_by_removals_wait_in_the_trash(tmp_path: Path):
    """A page taken away that leaves its folder empty (a year of the timeline an event
    left) takes the folder too, and its parents as they empty; with a trash folder they
    are moved there, not removed, as the files are (removed when they cannot be: the
    trash elsewhere); a folder still holding files stays. A whole build's pruning too."""
    from generator import output

    pages = {"a/b/gone.html": b"g", "a/kept.html": b"k", "c/gone.html": b"c", "d/x.html": b"x"}
    for trash in (tmp_path / "trash", None, tmp_path / "nowhere"):
        out = tmp_path / "out"
        output.write_site(out, pages)
        if trash is not None and trash.name == "trash":
            trash.mkdir()
        stats = output.write_site(
            out,
            {},
            prune=False,
            remove=["a/b/gone.html", "c/gone.html"],
            trash=str(trash) if trash else None,
        )
        assert stats.removed == 2
        assert sorted(p.name for p in out.iterdir()) == ["a", "d"]
        assert [p.name for p in (out / "a").iterdir()] == ["kept.html"]
        if trash is not None and trash.exists():
            folders = sorted(p for p in trash.iterdir() if p.is_dir())
            assert len(folders) == 2 and not any(any(p.iterdir()) for p in folders)
            assert sorted(p.read_bytes() for p in trash.iterdir() if p.is_file()) == [b"c", b"g"]
        output.write_site(out, {}, trash=str(trash) if trash else None)  # a whole build's
        assert not any(out.iterdir())  # pruning takes the folders it empties too
        if trash is not None and trash.exists():
            assert len([p for p in trash.iterdir() if p.is_dir()]) == 4  # and a, d


def test_staged_files_replace_old_ones_through_the_trash_too(tmp_path: Path):
    """Big pages and exports are staged as soon as they are made; moved into place, the big
    file each replaces waits in the trash as well, and a staged copy of unchanged bytes is
    left where it was."""
    from generator import output

    out, trash, staging = tmp_path / "out", tmp_path / "trash", tmp_path / "staging"
    trash.mkdir()
    staging.mkdir()
    big_old, big_new = b"a" * output.BIG, b"b" * output.BIG
    output.write_site(out, {"a/big.html": big_old, "same.json": big_old})
    staged = {
        "a/big.html": output.stage_file(str(staging), "a/big.html", big_new),
        "same.json": output.stage_file(str(staging), "same.json", big_old),
    }
    stats = output.write_site(out, {}, staged=staged, trash=str(trash), prune=False)
    assert (stats.written, stats.unchanged) == (1, 1)
    assert (out / "a/big.html").read_bytes() == big_new
    assert (out / "same.json").read_bytes() == big_old
    assert [p.read_bytes() for p in trash.iterdir()] == [big_old]
    assert (staging / "same.json").exists() and not (staging / "a/big.html").exists()


def test_fresh_staged_files_are_moved_in_without_comparing(tmp_path: Path):
    """The exports, made again only when the front matter changed, are moved into place
    without reading the old file to compare (``fresh``): even the same bytes replace it."""
    from generator import output

    out, trash, staging = tmp_path / "out", tmp_path / "trash", tmp_path / "staging"
    trash.mkdir()
    staging.mkdir()
    old = b"a" * output.BIG
    output.write_site(out, {"events.csv": old, "same.json": old})
    before = (out / "events.csv").stat().st_ino
    staged = {
        "events.csv": output.stage_file(str(staging), "events.csv", old),
        "same.json": output.stage_file(str(staging), "same.json", old),
    }
    stats = output.write_site(
        out, {}, staged=staged, trash=str(trash), prune=False, fresh=["events.csv"]
    )
    assert (stats.written, stats.unchanged) == (1, 1)
    assert (out / "events.csv").stat().st_ino != before  # the staged file, moved in
    assert (out / "events.csv").read_bytes() == old == (out / "same.json").read_bytes()
    assert [p.read_bytes() for p in trash.iterdir()] == [old]
    assert (staging / "same.json").exists() and not (staging / "events.csv").exists()


def test_a_file_held_as_parts_is_their_bytes_in_order(tmp_path: Path):
    """An export comes as parts, never joined when it is big enough to be staged: the file
    staged, or the bytes held when there is no staging folder or it is small, are the
    parts' bytes in order."""
    from generator import output

    staging = tmp_path / "staging"
    staging.mkdir()
    big = [b"head\n", b"x" * output.BIG, b",\n", "é".encode() * 9, b"", b"tail\n"]
    small = [b"a", b"", b"bc"]
    files: dict[str, bytes] = {}
    staged: dict[str, str] = {}
    output.hold_file("big.json", big, files, staged, str(staging))
    output.hold_file("small.csv", small, files, staged, str(staging))
    output.hold_file("kept.json", big, files, staged, None)
    assert set(staged) == {"big.json"} and set(files) == {"small.csv", "kept.json"}
    assert Path(staged["big.json"]).read_bytes() == b"".join(big)
    assert files == {"small.csv": b"abc", "kept.json": b"".join(big)}


def test_files_of_one_size_are_compared_to_their_last_byte(tmp_path: Path):
    """A file made again with its old bytes is left alone (same inode), in memory or staged,
    big or small; one byte changed anywhere, even the last of a block or of the file, and
    it is written."""
    from generator import output

    out, staging = tmp_path / "out", tmp_path / "staging"
    staging.mkdir()
    size = 3 * output._BLOCK + 5
    old = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    changed = {
        "first": b"!" + old[1:],
        "block-end": old[: output._BLOCK - 1] + b"!" + old[output._BLOCK :],
        "block-start": old[: output._BLOCK] + b"!" + old[output._BLOCK + 1 :],
        "last": old[:-1] + b"!",
    }
    new = {**changed, "same": old, "small-same": old[:9], "small-changed": old[:8] + b"!"}
    before = {f"{n}.bin": (old[:9] if n.startswith("small") else old) for n in new}
    for staged in (False, True):
        output.write_site(out, before, prune=False)  # (back to the old bytes)
        inodes = {n: (out / f"{n}.bin").stat().st_ino for n in new}
        files = {f"{n}.bin": data for n, data in new.items()}
        if staged:
            files = {r: output.stage_file(str(staging), r, d) for r, d in files.items()}
            stats = output.write_site(out, {}, staged=files, prune=False)
        else:
            stats = output.write_site(out, files, prune=False)
        assert (stats.written, stats.unchanged) == (5, 2)
        for n, data in new.items():
            assert (out / f"{n}.bin").read_bytes() == data
        for n in ("same", "small-same"):
            assert (out / f"{n}.bin").stat().st_ino == inodes[n]


def test_spliced_lists_match_plain_ones_and_a_changed_marker_is_an_error(site_root):
    """The packaged templates put long lists in with ``splice=true`` (encoded pieces put in
    the page's bytes); a template of the site's own that shows the same lists without it
    gets the same bytes, and one that changes a spliced list's marker gets an error."""
    from generator.errors import DossierError

    spliced = snapshot(built(site_root))
    packaged = Path(__file__).parents[1] / "templates"
    own = site_root / "templates"
    own.mkdir(exist_ok=True)
    for name in ("actor.html", "location.html", "tag.html", "timeline.html"):
        source = (packaged / name).read_text()
        assert "splice=true" in source
        (own / name).write_text(source.replace(", splice=true", ""))
    plain = snapshot(built(site_root))
    assert differences(plain, spliced) == []
    broken = (
        (packaged / "tag.html")
        .read_text()
        .replace(
            "{{ events_html(events, splice=true) }}",
            "{% set list = events_html(events, splice=true) %}{{ list }}{{ list }}",
        )
    )
    (own / "tag.html").write_text(broken)
    with pytest.raises(DossierError) as info:
        build(load_config(site_root), search=False)
    assert "tag.html" in str(info.value) and "splice" in str(info.value)


@pytest.mark.parametrize("how", ["link", "copy"])
def test_a_site_whose_templates_are_the_defaults_builds_as_with_the_packaged_ones(site_root, how):
    """This project's own demo site keeps the default templates in its ``templates/`` (and
    an installed Dossier has its own copy of them): a site template with a default's text
    is not taken for the site's own, which would lose what the build knows about it; one
    edited is."""
    import shutil

    from generator.build import Builder
    from generator.render import PACKAGE_TEMPLATES

    assert (PACKAGE_TEMPLATES / "base.html").is_file()
    reference = snapshot(built(site_root))
    own = site_root / "templates"
    if how == "link":
        own.symlink_to(PACKAGE_TEMPLATES)  # the same folder, by another path
    else:
        shutil.copytree(PACKAGE_TEMPLATES, own)
    builder = Builder(load_config(site_root))
    builder.build(search=False)
    every = set(builder.environment().list_templates())
    assert builder._last.packaged == every
    assert differences(snapshot(site_root / "output"), reference) == []
    if how == "copy":
        (own / "tags.html").write_text((own / "tags.html").read_text() + "\n")
        builder = Builder(load_config(site_root))
        builder.build(search=False)
        assert builder._last.packaged == every - {"tags.html"}


def test_a_site_macros_file_without_the_event_parts_still_builds(site_root):
    """A site's own ``_macros.html`` whose ``event_item`` is one macro (as before it came
    in parts) is used whole, on the lists and on each dossier's page."""
    packaged = (Path(__file__).parents[1] / "templates" / "_macros.html").read_text()
    own = packaged.replace("{{ event_open(e) }}", "<!-- own -->{{ event_open(e) }}")
    for part in ("event_open", "event_source", "event_in_article"):
        own = own.replace(part, "old_" + part.split("_", 1)[1])
    (site_root / "templates").mkdir(exist_ok=True)
    (site_root / "templates" / "_macros.html").write_text(own)
    out = built(site_root)
    for page in ("timeline/index.html", "dossiers/talks-in-miami/index.html"):
        html = (out / page).read_text()
        assert html.count("<!-- own -->") == html.count('<li class="event"') > 0, page
    assert "In the article" in (out / "dossiers/talks-in-miami/index.html").read_text()


def test_a_site_macros_file_missing_a_macro_fails_with_a_message(site_root):
    """A site's own ``_macros.html`` without a macro the pages call: the build fails with
    a message naming the file and the macro, and output/ stays as it was."""
    out = built(site_root)
    before = snapshot(out)
    packaged = (Path(__file__).parents[1] / "templates" / "_macros.html").read_text()
    (site_root / "templates").mkdir(exist_ok=True)
    (site_root / "templates" / "_macros.html").write_text(
        packaged.replace("macro dossier_item(", "macro renamed_item(")
    )
    result = run_dossier("build", "--root", str(site_root), "--no-ingest", "--no-search")
    assert result.returncode != 0
    assert "_macros.html has no macro 'dossier_item'" in result.stderr
    assert "Traceback" not in result.stderr
    assert differences(snapshot(out), before) == []


def _never_stopped(*_args):
    """``select`` for ``convert_ahead``'s child: it converts everything, however soon it is
    told to stop (so what it made does not depend on timing)."""
    return [], [], []


def _state(pid: int) -> str:
    """A process's state letter (``Z``: exited, not yet reaped), from ``/proc``."""
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()[0]


def test_markdown_converted_ahead_is_what_a_page_would_convert(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """``convert_ahead``'s entries are the Markdown cache's own: the same keys and the same
    HTML as converting each text here."""
    from generator import pool
    from generator.cache import MarkdownCache
    from generator.markup import Markup

    monkeypatch.setattr(pool, "can_fork", lambda: True)
    monkeypatch.setattr(pool.select, "select", _never_stopped)
    jobs = [
        (f"Para {i} names Ann Lee, *once* \\*x\\*.\n\n- Kyiv {i}\n", [("Ann Lee", "../a/")])
        for i in range(30)
    ] + [("", []), ("Plain.", [("Kyiv", "#k")])]
    ahead = pool.convert_ahead(Markup(MarkdownCache()), lambda: iter(jobs))
    assert ahead is not None
    # all it makes fits in the pipe: it is done and gone before it is told to stop
    deadline = time.monotonic() + 60
    while _state(ahead.pid) != "Z":
        assert time.monotonic() < deadline, "the process converting ahead never finished"
        time.sleep(0.01)
    got = MarkdownCache()
    assert ahead.collect(got) == len(jobs)
    ahead.cancel()  # (nothing left to end)
    here = MarkdownCache()
    markup = Markup(here)
    expected = [markup.convert(text, links, number_blocks=True) for text, links in jobs]
    assert sorted(got) == sorted(here)
    assert [got.get(key) for key in sorted(got)] == [here.get(key) for key in sorted(here)]
    assert expected[0].count('class="mention"') == 1


def test_a_first_build_converts_the_dossiers_markdown_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A first build of a big site forks a process that converts the dossiers' Markdown
    while the build plans; the site is the one a build without it makes, and a build that
    fails before rendering leaves no process behind."""
    from generator import build as build_module
    from generator import pool
    from generator.build import Builder
    from generator.cache import BuildCache
    from generator.errors import DossierError

    monkeypatch.setattr(pool, "can_fork", lambda: True)
    monkeypatch.setattr(build_module, "can_fork", lambda: True)
    monkeypatch.setattr(pool.select, "select", _never_stopped)
    started: list = []
    collected: list[int] = []
    keys: set[str] = set()
    convert_ahead, collect = pool.convert_ahead, pool.Ahead.collect

    def spy_start(*args):
        started.append(convert_ahead(*args))
        return started[-1]

    def spy_collect(self, markdown):
        before = set(markdown)
        collected.append(collect(self, markdown))
        keys.update(set(markdown) - before)
        return collected[-1]

    monkeypatch.setattr(build_module, "convert_ahead", spy_start)
    monkeypatch.setattr(pool.Ahead, "collect", spy_collect)
    root = tmp_path / "big"
    make_site(root, 150)
    config = load_config(root)
    expected = Builder(config, cache_dir=None).render(trust_output=False, parallel=False)[0]
    expected = dict(expected.files.memory)  # type: ignore[attr-defined]
    assert started == []  # (no pool wanted: nothing ahead either)
    Builder(config).build(search=False)
    assert len(started) == 1 and collected == [150]
    got = snapshot(config.output)
    assert differences(got, expected) == []
    # each made ahead was what a page converted: kept in the cache, which keeps only those
    assert len(keys) == 150 and keys <= set(BuildCache(config.cache).markdown)
    dossier = root / "content" / "dossiers" / "report-00001.md"
    dossier.write_text(dossier.read_text() + "\nOne more line.\n")
    Builder(config).build(search=False)  # the whole site read again, its Markdown known
    assert len(started) == 1

    for name in ("markdown.pickle", "manifest.pickle"):  # a first build again
        (config.cache / name).unlink()
    shutil.rmtree(config.output)
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / "dossier.html").write_text("{% if %}")  # fails as it is read
    make_site(root, 150)
    with pytest.raises(DossierError):
        Builder(config).build(search=False)
    assert len(started) == 2 and collected == [150]
    with pytest.raises(ChildProcessError):  # cancelled, and reaped
        os.waitpid(started[1].pid, os.WNOHANG)
