"""Generate a realistic synthetic site for benchmarks: ``python benchmarks/make_site.py N DIR``.

Deterministic for a given N and seed. Each dossier names 3-8 actors from a pool of 500 and
1-4 places from a pool of 200, both with Zipf-like (skewed) popularity; its body is about 450
words of Markdown with headings, lists, links and quotes; it has a few events whose dates mix
day, month and year precision. A share of actors and places get their own files with aliases,
and a few dossiers carry tags.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import random
from pathlib import Path

ACTOR_POOL = 500
PLACE_POOL = 200
FIRST = [
    "Anna",
    "Boris",
    "Carla",
    "Dmitri",
    "Elena",
    "Farid",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Karim",
    "Lena",
    "Marek",
    "Nadia",
    "Oskar",
    "Petra",
    "Rafael",
    "Sofia",
    "Tomas",
    "Vera",
]
LAST = [
    "Adler",
    "Brandt",
    "Costa",
    "Duval",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Horvat",
    "Ivanova",
    "Jansen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Novak",
    "Olsen",
    "Petrov",
    "Quinn",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Ulrich",
    "Varga",
    "Weber",
    "Yilmaz",
    "Zanetti",
]
ORGS = ["Ministry", "Council", "Agency", "Union", "Committee", "Bank", "Front", "Alliance"]
PLACE_A = ["North", "South", "East", "West", "Upper", "Lower", "New", "Old", "Port", "Lake"]
PLACE_B = ["haven", "bury", "ford", "grad", "polis", "stan", "ville", "mouth", "field", "burg"]
WORDS = (
    "government officials said talks would continue after the ceasefire collapsed overnight "
    "while aid convoys waited at the border crossing and diplomats urged restraint as markets "
    "fell sharply on reports of new sanctions against the regional authorities who denied "
    "any involvement in the attack on the power station near the river delta"
).split()
TAGS = ["war", "diplomacy", "economy", "energy", "elections", "courts", "migration", "health"]


def actor_names() -> list[str]:
    people = [f"{f} {last}" for last, f in itertools.product(LAST, FIRST)]
    orgs = [f"{o} of {p}{q}" for o, p, q in itertools.product(ORGS, PLACE_A, PLACE_B)]
    rnd = random.Random(7)
    names = rnd.sample(people, 420) + rnd.sample(orgs, ACTOR_POOL - 420)
    return names


def place_names() -> list[str]:
    names = [f"{a}{b}" for a, b in itertools.product(PLACE_A, PLACE_B)]
    names += [f"{a} {b.capitalize()}" for a, b in itertools.product(PLACE_A, PLACE_B)]
    return names[:PLACE_POOL]


class Zipf:
    """Pick items with weight 1/rank^s; samples without repeats."""

    def __init__(self, items: list[str], s: float = 1.1):
        self.items = items
        self.cum = list(itertools.accumulate(1 / (r**s) for r in range(1, len(items) + 1)))

    def sample(self, rnd: random.Random, k: int) -> list[str]:
        chosen: list[str] = []
        while len(chosen) < k:
            item = self.items[bisect.bisect(self.cum, rnd.random() * self.cum[-1])]
            if item not in chosen:
                chosen.append(item)
        return chosen


def sentence(rnd: random.Random, names: list[str]) -> str:
    words = [rnd.choice(WORDS) for _ in range(rnd.randint(10, 18))]
    if names and rnd.random() < 0.6:
        words.insert(rnd.randrange(len(words)), rnd.choice(names))
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def body(rnd: random.Random, names: list[str]) -> str:
    parts: list[str] = []
    words = 0
    section = 0
    while words < 450:
        if words and rnd.random() < 0.15:
            section += 1
            parts.append(f"## Part {section}: {rnd.choice(WORDS)} {rnd.choice(WORDS)}")
        kind = rnd.random()
        if kind < 0.12:
            items = [sentence(rnd, names) for _ in range(rnd.randint(2, 4))]
            parts.append("\n".join(f"- {i}" for i in items))
        elif kind < 0.2:
            parts.append(f"> {sentence(rnd, names)}")
        else:
            para = " ".join(sentence(rnd, names) for _ in range(rnd.randint(2, 4)))
            if rnd.random() < 0.3:
                para += f" See [the report](https://example.org/report/{rnd.randint(1, 9999)})."
            parts.append(para)
        words += len(parts[-1].split())
    return "\n\n".join(parts) + "\n"


def date(rnd: random.Random, year: int) -> str:
    roll = rnd.random()
    if roll < 0.7:
        return f"{year}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
    if roll < 0.92:
        return f"{year}-{rnd.randint(1, 12):02d}"
    return f"{year}"


def yaml_list(names: list[str]) -> str:
    return "[" + ", ".join(f'"{n}"' for n in names) + "]"


def dossier(n: int, rnd: random.Random, actors: Zipf, places: Zipf) -> str:
    who = actors.sample(rnd, rnd.randint(3, 8))
    where = places.sample(rnd, rnd.randint(1, 4))
    year = rnd.randint(2015, 2025)
    published = f"{year}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
    lines = [
        "---",
        f'title: "Report {n}: {rnd.choice(WORDS)} {rnd.choice(WORDS)} in {where[0]}"',
        f"published: {published}",
        f"actors: {yaml_list(who)}",
        f"locations: {yaml_list(where)}",
    ]
    if rnd.random() < 0.1:
        lines.append(f"tags: {yaml_list(rnd.sample(TAGS, rnd.randint(1, 2)))}")
    lines.append("source:")
    lines.append(f"  url: https://example.org/news/{n}")
    lines.append(f"  publisher: {rnd.choice(['Wire', 'Gazette', 'Herald', 'Tribune'])}")
    lines.append("events:")
    for i in range(rnd.randint(2, 4)):
        lines += [
            f"  - id: e-{n}-{i}",
            f"    date: '{date(rnd, rnd.choice([year, year, year - 1]))}'",
            f'    text: "{sentence(rnd, [])}"',
            f"    actors: {yaml_list(rnd.sample(who, rnd.randint(1, min(3, len(who)))))}",
            f"    locations: {yaml_list(rnd.sample(where, 1))}",
        ]
    if rnd.random() < 0.4:
        lines += ["quotes:", f'  - speaker: "{who[0]}"', f'    text: "{sentence(rnd, [])}"']
    lines.append("---")
    return "\n".join(lines) + "\n" + body(rnd, who + where)


def make_site(root: Path, n: int, seed: int = 1) -> Path:
    """Write a site with ``n`` dossiers under ``root`` (replacing its content/). Files
    already there are rewritten in place and only the others deleted: see ``aside.py``
    for why a benchmark should not delete and make again ten thousand files."""
    rnd = random.Random(seed)
    actor_list, place_list = actor_names(), place_names()
    actors, places = Zipf(actor_list), Zipf(place_list)
    content = root / "content"
    old = {p for p in content.rglob("*") if p.is_file()} if content.is_dir() else set()
    written: set[Path] = set()

    def write(path: Path, text: str) -> None:
        path.write_text(text, encoding="utf-8")
        written.add(path)

    for kind in ("dossiers", "actors", "locations", "events"):
        (content / kind).mkdir(parents=True, exist_ok=True)
    (root / "dossier.toml").write_text(
        '[site]\ntitle = "Synthetic"\nsearch = false\n', encoding="utf-8"
    )
    for i, name in enumerate(actor_list[:150]):
        slug = name.lower().replace(" ", "-")
        kind = "organization" if " of " in name else "person"
        alias = f"  - {name.split()[-1]} ({i})\n"
        write(
            content / "actors" / f"{slug}.md",
            f"---\nname: {name}\nkind: {kind}\naliases:\n{alias}role: Role {i}\n---\n"
            f"{name} is described here.\n\n{sentence(rnd, [])}\n",
        )
    for i, name in enumerate(place_list[:60]):
        slug = name.lower().replace(" ", "-")
        write(
            content / "locations" / f"{slug}.md",
            f"---\nname: {name}\nkind: city\ncountry: Country {i % 7}\n---\n{sentence(rnd, [])}\n",
        )
    for i in range(n):
        write(content / "dossiers" / f"report-{i:05d}.md", dossier(i, rnd, actors, places))
    for path in old - written:
        path.unlink()
    return root


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("n", type=int, help="number of dossiers")
    p.add_argument("dir", type=Path, help="site folder to create")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    make_site(args.dir, args.n, args.seed)
    print(f"wrote {args.n} dossiers into {args.dir / 'content'}")


if __name__ == "__main__":
    main()
