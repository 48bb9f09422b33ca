"""Without spaCy's pipeline ingest still works, on rules, and says so once."""

from __future__ import annotations

from pathlib import Path

from generator.config import Config
from generator.ingest import extract_file, ingest

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "000_dc1a29906bea6793.txt"


def test_rules_only_extract(tmp_path: Path, capsys) -> None:
    config = Config(root=tmp_path, spacy_model="no_such_pipeline_xx")
    result = extract_file(SEED, config=config)
    err = capsys.readouterr().err
    assert "rules only" in err
    people = {a["name"] for a in result["actors"] if a["kind"] == "person"}
    assert {"Kirill Dmitriev", "Steve Witkoff", "Jared Kushner", "Marco Rubio"} <= people
    places = {p["name"] for p in result["locations"]}
    assert {"Moscow", "Kyiv", "Ukraine", "Russia", "Miami"} <= places
    assert not people & {"Key Developments", "Unchanged Position", "State", "Kyiv", "Friday"}
    assert any(d["value"] == "2025-12-19" for d in result["dates"])  # dates do not need spaCy
    text = SEED.read_text(encoding="utf-8")
    for group in result["actors"] + result["locations"]:
        for m in group["mentions"]:
            assert text[m["start"] : m["end"]] == m["text"]


def test_rules_only_ingest_says_so_once(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    for i in range(2):
        (tmp_path / "seeds" / f"a{i}.txt").write_text(
            f"Talks number {i}\n\nEnvoy Pavel Orlov met officials in Geneva on 3 March 2024.\n",
            encoding="utf-8",
        )
    config = Config(root=tmp_path, spacy_model="another_missing_pipeline")
    messages: list[str] = []
    report = ingest(config, log=messages.append, progress=False)
    assert len(report.written) == 2 and not report.problems
    assert sum("rules only" in m for m in messages) == 1
    assert "Pavel Orlov" in report.written[0].read_text(encoding="utf-8")
