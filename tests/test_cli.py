"""The command line as a user runs it: init, build, check, exit codes and messages."""

from __future__ import annotations

import zipfile
from pathlib import Path

from conftest import run_dossier


def test_init_creates_a_project_that_builds(tmp_path):
    result = run_dossier("init", str(tmp_path / "new-site"))
    assert result.returncode == 0, result.stderr
    root = tmp_path / "new-site"
    for folder in ("seeds", "content/dossiers", "content/actors", "templates"):
        assert (root / folder).is_dir()
    assert 'title = "New Site"' in (root / "dossier.toml").read_text()
    built = run_dossier("build", "--root", str(root), "--no-search")
    assert built.returncode == 0, built.stderr
    assert (root / "output" / "index.html").is_file()
    again = run_dossier("init", str(root))
    assert again.returncode != 0 and "already" in again.stderr


def test_check_reports_path_line_message_and_exit_code(site_root):
    ok = run_dossier("check", "--root", str(site_root))
    assert ok.returncode == 0, ok.stderr
    assert "content/dossiers/undated-report.md:3: warning: publication date unknown" in ok.stderr
    bad = site_root / "content/dossiers/invasion.md"
    bad.write_text(bad.read_text().replace("published: 2022-02-24", "published: 24/02/2022"))
    result = run_dossier("check", "--root", str(site_root))
    assert result.returncode == 1
    assert "content/dossiers/invasion.md:3: error: unparseable date in 'published'" in result.stderr


def test_site_templates_override_packaged_ones(site_root):
    (site_root / "templates").mkdir()
    (site_root / "templates" / "404.html").write_text(
        '{% extends "base.html" %}{% block title %}Lost{% endblock %}'
        "{% block content %}<h1>Custom lost page</h1>{% endblock %}"
    )
    result = run_dossier("build", "--root", str(site_root), "--no-ingest", "--no-search")
    assert result.returncode == 0, result.stderr
    html = (site_root / "output" / "404.html").read_text()
    assert "Custom lost page" in html and "Timeline" in html  # base.html still packaged


def test_bad_config_names_the_file(site_root):
    (site_root / "dossier.toml").write_text("[site]\ntitel = 'typo'\n")
    result = run_dossier("build", "--root", str(site_root), "--no-ingest")
    assert result.returncode == 1
    assert "dossier.toml: error: unknown setting 'titel'" in result.stderr


def test_wheel_ships_templates_and_assets(tmp_path):
    """A non-editable install must find the default templates inside the package."""
    import subprocess
    import sys

    repo = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(repo),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    wheel = next(tmp_path.glob("dossier-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "generator/templates/base.html" in names
    assert "generator/static/style.css" in names


def test_check_suggests_similar_names_without_merging(site_root):
    dossier = site_root / "content/dossiers/invasion.md"
    dossier.write_text(
        dossier.read_text().replace(
            "actors: [Vladimir Putin]", "actors: [Vladimir Putin, Kirill Dmitriyev]", 1
        )
    )
    result = run_dossier("check", "--root", str(site_root))
    assert result.returncode == 0, result.stderr
    assert "'Kirill Dmitriev' and 'Kirill Dmitriyev' look alike" in result.stderr
    built = run_dossier("build", "--root", str(site_root), "--no-ingest", "--no-search")
    assert built.returncode == 0
    assert (site_root / "output/actors/kirill-dmitriev/index.html").exists()
    assert (site_root / "output/actors/kirill-dmitriyev/index.html").exists()  # not merged


def test_the_command_says_when_its_output_cannot_be_written(site_root):
    """The command leaves without Python's own clean-up (``cli.run``), yet as that would:
    output it cannot write (a full disk) exits 120; started with no output at all, it
    still does its work and exits 0."""
    import os
    import subprocess
    import sys

    from conftest import REPO

    command = [sys.executable, "-m", "generator", "check", "--root", str(site_root)]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # buffered output
    with open("/dev/full", "w") as full:  # the report of what was built: held until the end
        result = subprocess.run(
            [*command[:3], "build", "--root", str(site_root), "--no-search", "--no-ingest"],
            stdout=full,
            stderr=subprocess.DEVNULL,
            cwd=REPO,
            env=env,
        )
    assert result.returncode == 120
    closed = ["sh", "-c", 'exec "$@" >&- 2>&-', "sh", *command]  # stdout and stderr closed
    assert subprocess.run(closed, cwd=REPO, env=env).returncode == 0
    build = [*command[:3], "build", "--root", str(site_root), "--no-search", "--no-ingest"]
    assert (
        subprocess.run(["sh", "-c", 'exec "$@" >&- 2>&-', "sh", *build], cwd=REPO).returncode == 0
    )
    assert (site_root / "output" / "index.html").is_file()
