"""Names on news text we wrote ourselves: person, organisation and place mentions, mention F1.

``tests/fixtures/ingest/names_news.jsonl``: wire-style sentences (our own text) with every
mention a dossier should list, as CoNLL-style spans without titles, articles or possessives
("Vice President J.D. Vance's" -> "J.D. Vance"). Datelines count as places ("WASHINGTON");
news agencies in datelines, bylines, reporting and photo credits are sources, not actors, so
they have no entry. Demonyms ("French") are not mentions.

A found mention is right when its span equals a gold span and its type agrees (person,
organisation, place). Each line is analysed as a one-paragraph article through the same
code as ingest (spaCy NER plus clean-up). Print the numbers and every disagreement::

    .venv/bin/python tests/test_ingest_names_news.py [dev|held-out]
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "ingest" / "names_news.jsonl"
THRESHOLD = {"dev": 0.80, "held-out": 0.75}
TYPES = ("PERSON", "ORG", "LOC")


def load(split: str | None = None) -> list[dict]:
    items = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    return [i for i in items if split is None or i["split"] == split]


def _type(m) -> str:
    if m.category == "location":
        return "LOC"
    return "PERSON" if m.kind == "person" else "ORG"


def extract(items: list[dict]) -> list[list[tuple[int, int, str]]]:
    from generator.ingest.analyse import analyse_batch
    from generator.ingest.entities import Registry, load_pipeline
    from generator.ingest.readers import Article, Block, number

    registry = Registry()
    nlp = load_pipeline("en_core_web_sm", registry)
    articles = [
        Article(
            Path(f"{i['id']}.txt"), i["text"], "", None, number([Block("paragraph", i["text"], 0)])
        )
        for i in items
    ]
    results = analyse_batch(articles, nlp, registry, [i["id"] for i in items])
    return [sorted({(m.start, m.end, _type(m)) for m in r.mentions}) for r in results]


def evaluate(items: list[dict]) -> dict:
    found_all = extract(items)
    counts = {t: [0, 0, 0] for t in TYPES}  # right, found, gold
    errors = []
    for item, found in zip(items, found_all, strict=True):
        text = item["text"]
        gold: set[tuple[int, int, str]] = set()
        cursor: dict[str, int] = {}
        for g in item["mentions"]:
            found_at = re.compile(rf"(?<!\w){re.escape(g['text'])}(?!\w)").search(
                text, cursor.get(g["text"], 0)
            )
            assert found_at, (item["id"], g["text"])
            start = found_at.start()
            cursor[g["text"]] = start + 1
            gold.add((start, start + len(g["text"]), g["type"]))
        for a, b, t in found:
            counts[t][1] += 1
            if (a, b, t) in gold:
                counts[t][0] += 1
            else:
                errors.append((item["id"], "spurious", text[a:b], t))
        for a, b, t in sorted(gold):
            counts[t][2] += 1
            if (a, b, t) not in found:
                errors.append((item["id"], "missed", text[a:b], t))

    def f1(right: int, found: int, gold: int) -> float:
        p = right / found if found else 1.0
        r = right / gold if gold else 1.0
        return 2 * p * r / (p + r) if p + r else 0.0

    total = [sum(c[k] for c in counts.values()) for k in range(3)]
    return {
        "items": len(items),
        "by_type": {t: (f1(*c), *c) for t, c in counts.items()},
        "f1": f1(*total),
        "person_place_f1": f1(*(counts["PERSON"][k] + counts["LOC"][k] for k in range(3))),
        "errors": errors,
    }


@pytest.fixture(scope="module")
def scores() -> dict:
    pytest.importorskip("spacy")
    return {split: evaluate(load(split)) for split in THRESHOLD}


@pytest.mark.parametrize("split", list(THRESHOLD))
def test_mention_f1(scores: dict, split: str) -> None:
    score = scores[split]
    assert score["person_place_f1"] >= THRESHOLD[split], (score["f1"], score["errors"][:20])


def test_credits_are_not_actors(scores: dict) -> None:
    wrong = [e for s in scores.values() for e in s["errors"] if e[1] == "spurious"]
    for name in ("Jane Doe", "Omar Haddad", "Maria Lopez", "Toby Chopra", "Guy Faulconbridge"):
        assert not [e for e in wrong if e[2] == name], name


def test_byline_fills_author_and_dateline_is_a_place() -> None:
    pytest.importorskip("spacy")
    from generator.ingest.analyse import analyse_batch
    from generator.ingest.entities import Registry, load_pipeline
    from generator.ingest.readers import Article, Block, number

    text = "By Jane Doe and Omar Haddad, Reuters\n\nNAIROBI, Kenya (AP) - Police fired tear gas."
    blocks = [Block("paragraph", text[:36], 0), Block("paragraph", text[38:], 38)]
    article = Article(Path("a.txt"), text, "", None, number(blocks))
    (result,) = analyse_batch([article], load_pipeline("en_core_web_sm", Registry()), Registry())
    assert article.author == "Jane Doe, Omar Haddad"
    assert result.names("actor") == []
    assert result.names("location") == ["Nairobi", "Kenya"]


def test_other_scripts_and_lowercase_skip_the_model() -> None:
    pytest.importorskip("spacy")
    from generator.ingest.entities import Registry, load_pipeline, raw_entities

    nlp = load_pipeline("en_core_web_sm", Registry())
    texts = [
        "Переговоры в Стамбуле продолжатся, заявил представитель Кремля.",
        "会谈将于下周在日内瓦继续举行。",
        "no capital letter, so no name",
        "Talks in Genève with Erdoğan went on. " * 2000,  # long: sent in pieces
    ]
    found = raw_entities(nlp, texts)
    assert found[:3] == [[], [], []]
    assert len(found[3]) > 1000
    assert all(texts[3][a:b] in ("Genève", "Erdoğan") for a, b, _ in found[3][:50])


def main() -> None:
    for split in sys.argv[1:] or list(THRESHOLD):
        score = evaluate(load(split))
        by = ", ".join(
            f"{t} F1 {v[0]:.3f} ({v[1]}/{v[2]}/{v[3]})" for t, v in score["by_type"].items()
        )
        print(
            f"{split}: {score['items']} sentences; mention F1 {score['f1']:.3f}, "
            f"person+place F1 {score['person_place_f1']:.3f}; {by} (right/found/gold)"
        )
        for e in score["errors"]:
            print("  ", *e)


def test_one_pipeline_per_model_its_ruler_swapped_for_each_registry(monkeypatch):
    """A watcher ingests article after article, each adding names to the registry: the
    model is loaded once and its ruler made again for each registry, finding what a
    pipeline loaded for that registry finds (each registry's pipeline, kept, piled up)."""
    pytest.importorskip("spacy")
    from generator.ingest import entities
    from generator.ingest.entities import Registry, RegistryEntry, load_pipeline

    def registry(*entries: tuple[str, str, str]) -> Registry:
        made = Registry()
        for name, category, kind in entries:
            made.add(RegistryEntry(name, category, kind))
        return made

    text = "Zorblax Quint of the Fribble Union met Anna Keller in Qarth on Friday."
    first = registry(("Anna Keller", "actor", "person"))
    second = registry(
        ("Zorblax Quint", "actor", "person"),
        ("Fribble Union", "actor", "organisation"),
        ("Qarth", "location", "city"),
    )
    monkeypatch.setattr(entities, "_PIPELINES", {})
    fresh = load_pipeline("en_core_web_sm", second)
    if fresh is None:
        pytest.skip("spaCy's en_core_web_sm is not installed")
    expected = [(e.text, e.label_) for e in fresh(text).ents]
    assert ("Fribble Union", "ORG") in expected and ("Qarth", "GPE") in expected

    monkeypatch.setattr(entities, "_PIPELINES", {})
    nlp = load_pipeline("en_core_web_sm", first)
    assert [e.ent_id_ for e in nlp(text).ents if e.ent_id_] == ["Anna Keller"]
    assert load_pipeline("en_core_web_sm", second) is nlp  # not loaded again
    assert [(e.text, e.label_) for e in nlp(text).ents] == expected
    assert "Anna Keller" not in [e.ent_id_ for e in nlp(text).ents]  # the first ruler went
    assert nlp.pipe_names.count("entity_ruler") == 1 and len(entities._PIPELINES) == 1
    assert load_pipeline("en_core_web_sm", first) is nlp
    assert [e.ent_id_ for e in nlp(text).ents if e.ent_id_] == ["Anna Keller"]
    # an actor's kind changed (a person found to be an organisation): its label follows
    reclassified = registry(("Anna Keller", "actor", "organisation"))
    assert load_pipeline("en_core_web_sm", reclassified) is nlp
    assert [(e.ent_id_, e.label_) for e in nlp(text).ents if e.ent_id_] == [("Anna Keller", "ORG")]


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
