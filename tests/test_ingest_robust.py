"""One batch of messy real-world files: nothing crashes, bad files are reported as
``path: message`` and skipped, every other file becomes a dossier.

The generator is ``benchmarks/make_articles.py --messy`` (HTML with navigation, scripts and
cookie banners, cp1252 and Latin-1, BOM and CRLF, empty, huge, one-line, binary junk, no dates,
200 dates, non-English, broken front matter and sidecars, deeply nested HTML, odd Unicode).
The full-size run (3,000 files) is ``benchmarks/bench_ingest.py --messy 3000``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from generator.config import Config
from generator.ingest import pipeline

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from make_articles import make_messy  # noqa: E402

N = 80  # four of every kind the generator makes


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> tuple[Path, pipeline.IngestReport]:
    root = tmp_path_factory.mktemp("messy")
    (root / "content").mkdir()
    make_messy(root / "seeds", N, seed=3)
    report = pipeline.ingest(Config(root=root), log=lambda m: None, progress=False)
    return root, report


def test_every_file_is_written_or_reported(run) -> None:
    root, report = run
    articles = pipeline.find_articles(root / "seeds")
    assert len(articles) == N
    reported = {Path(p.path).name for p in report.problems}
    written = {p.name for p in report.written}
    assert not report.duplicates
    assert len(written) + len(reported) == N, (len(written), sorted(reported))
    assert len(written) >= N * 0.7


def test_problems_name_the_file_and_say_why(run) -> None:
    _, report = run
    kinds = set()
    for problem in report.problems:
        assert Path(problem.path).name[:5].isdigit()
        assert problem.message and "Traceback" not in problem.message
        assert "analysis failed" not in problem.message, problem
        kinds.add(problem.message.split(":")[0])
    # empty, binary, broken front matter, no article in the HTML, broken sidecar
    assert len(kinds) >= 4, kinds


def test_written_dossiers_load_without_errors(run) -> None:
    root, report = run
    from generator.content import load_content
    from generator.errors import Problems

    problems = Problems()
    content = load_content(root, root / "content", problems)
    assert not problems.errors, problems.errors[:5]
    assert len(content.dossiers) == len(report.written)
