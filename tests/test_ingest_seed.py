"""The real pipeline on the seed article, checked against the hand-made answer key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.ingest import extract_file
from generator.names import name_key

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "000_dc1a29906bea6793.txt"


def _gold() -> dict:
    shared = REPO.parent / "shared" / "seed-gold.json"
    path = shared if shared.is_file() else REPO / "tests" / "fixtures" / "seed-gold.json"
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def gold() -> dict:
    return _gold()


@pytest.fixture(scope="module")
def result() -> dict:
    return extract_file(SEED)


def _fold(text: str) -> str:
    return name_key(text.replace("\u2019", "'"))


def test_published_from_sidecar(result: dict, gold: dict) -> None:
    assert result["published"] == gold["published"]
    assert result["title"].startswith("US and Russian officials convene")


def test_offsets_point_into_the_file(result: dict) -> None:
    text = SEED.read_bytes().decode("utf-8")
    for d in result["dates"]:
        assert text[d["start"] : d["end"]] == d["text"]
    for group in result["actors"] + result["locations"]:
        for m in group["mentions"]:
            assert text[m["start"] : m["end"]] == m["text"]


def test_all_people_under_canonical_names(result: dict, gold: dict) -> None:
    people = {_fold(a["name"]) for a in result["actors"] if a["kind"] == "person"}
    for person in gold["people"]:
        accepted = {_fold(person["name"])} | {_fold(n) for n in person.get("accept", [])}
        assert people & accepted, f"missing {person['name']}; have {sorted(people)}"


def test_no_false_people(result: dict, gold: dict) -> None:
    people = {_fold(a["name"]) for a in result["actors"] if a["kind"] == "person"}
    wrong = people & {_fold(n) for n in gold["not_people"]}
    assert not wrong


def test_exactly_the_people(result: dict, gold: dict) -> None:
    people = [a["name"] for a in result["actors"] if a["kind"] == "person"]
    assert len(people) == len(gold["people"]), people


def test_required_organizations_and_places(result: dict, gold: dict) -> None:
    orgs = {_fold(a["name"]) for a in result["actors"] if a["kind"] == "organization"}
    for org in gold["organizations"]["required"]:
        assert _fold(org) in orgs, org
    places = {_fold(p["name"]) for p in result["locations"]}
    for place in gold["locations"]["required"]:
        assert _fold(place) in places, place
    for adjective in ("ukrainian", "russian", "european", "american", "us"):
        assert adjective not in places


def _value_matches(found: dict, want: dict) -> bool:
    values = {want["value"], *want.get("accept", [])}
    value = found["value"] or ""
    bare = value.removeprefix("../").removesuffix("/..").rstrip("~?%")
    return value in values or bare in values


def test_dated_expressions(result: dict, gold: dict) -> None:
    dated = [d for d in gold["dates"] if d["value"] is not None]
    hits = 0
    for want in dated:
        matches = [d for d in result["dates"] if _fold(d["text"]) == _fold(want["text"])]
        if len(matches) >= want.get("occurrences", 1) and all(
            _value_matches(d, want) and d["precision"] == want["precision"] for d in matches
        ):
            hits += 1
    assert hits >= len(dated) - 1, f"{hits} of {len(dated)} dated expressions right"


def test_vague_reference_is_not_a_date(result: dict, gold: dict) -> None:
    for want in gold["dates"]:
        if want["value"] is None:
            found = [d for d in result["dates"] if _fold(d["text"]) == _fold(want["text"])]
            assert all(d["value"] is None and d["modifier"] == "vague" for d in found)


def test_no_trap_dates(result: dict) -> None:
    texts = {_fold(d["text"]) for d in result["dates"] if d["value"]}
    for trap in ("may", "we", "four", "hundreds of thousands", "world war ii", "annual", "ii"):
        assert trap not in texts


def test_quotes_and_speakers(result: dict, gold: dict) -> None:
    for want in gold["quotes"]:
        found = [q for q in result["quotes"] if _fold(q["text"]).startswith(_fold(want["starts"]))]
        assert found, want["starts"]
        assert found[0]["speaker"] == want["speaker"]


def test_events(result: dict, gold: dict) -> None:
    events = result["events"]
    assert events[0]["date"] == gold["published"]  # the headline event
    assert events[0]["text"] == result["title"]
    dates = {e["date"] for e in events}
    for want in gold["events"]:
        date = want["date"]
        if want.get("modifier") == "before":
            date = "../" + date
        assert date in dates, date
    invasion = next(e for e in events if e["date"] == "2022-02")
    assert {"Russia", "Ukraine"} <= set(invasion["locations"])
    demands = [e for e in events if e["date"] == "2024-06"]
    assert any("Vladimir Putin" in e["actors"] and "NATO" in e["actors"] for e in demands)
    year_end = next(e for e in events if e["date"] == "../2025-12-31")
    assert "Marco Rubio" in year_end["actors"]
    assert all(e["text"] for e in events)
