"""Generate news-like articles for the ingest benchmark, deterministically from a seed.

    python benchmarks/make_articles.py OUT_DIR [--count 1000] [--seed 7]

Each article is a .txt in the seed shape (title line, paragraphs, a heading, a list, a quoted
paragraph) with a .yaml sidecar giving the publication date. Sentences carry people with
titles, organisations, places, absolute and relative dates and quotations.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

FIRST = "Anna Pavel Tomas Maria Oleksandr Irina John Sarah Ahmed Li Carlos Ingrid Yuki Omar".split()
LAST = "Keller Orlov Brandt Novak Kovalenko Petrova Walsh Hughes Haddad Wei Mendes Larsen".split()
TITLES = [
    "Foreign Minister",
    "Defence Minister",
    "President",
    "special envoy",
    "Secretary of State",
    "chief negotiator",
    "Prime Minister",
    "Senator",
]
ORGS = [
    "NATO",
    "the United Nations",
    "the European Union",
    "the World Bank",
    "the Kremlin",
    "the State Department",
    "the International Monetary Fund",
    "the Red Cross",
]
PLACES = [
    "Geneva",
    "Vienna",
    "Kyiv",
    "Moscow",
    "Warsaw",
    "Brussels",
    "Istanbul",
    "Miami",
    "Berlin",
    "Paris",
    "Ankara",
    "Doha",
    "Riyadh",
    "Helsinki",
]
COUNTRIES = ["Ukraine", "Russia", "Poland", "Turkey", "France", "Germany", "Qatar", "Finland"]
VERBS = ["said", "told reporters", "announced", "stressed", "wrote on social media"]
TOPICS = [
    "security guarantees",
    "a prisoner exchange",
    "grain exports",
    "energy supplies",
    "a ceasefire line",
    "sanctions relief",
    "reconstruction funds",
    "border crossings",
]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
RELATIVE = [
    "on Friday",
    "on Monday",
    "last week",
    "yesterday",
    "earlier this month",
    "last month",
    "on Wednesday",
    "three days ago",
]
FUTURE = ["next week", "next month", "before year's end", "on Thursday", "in the near future"]


def _person(r: random.Random) -> str:
    return f"{r.choice(FIRST)} {r.choice(LAST)}"


def _date(r: random.Random) -> str:
    y = r.randint(2014, 2024)
    form = r.randint(0, 3)
    if form == 0:
        return f"{r.randint(1, 28)} {r.choice(MONTHS)} {y}"
    if form == 1:
        return f"{r.choice(MONTHS)} {y}"
    if form == 2:
        return f"{r.choice(MONTHS)} {r.randint(1, 28)}, {y}"
    return str(y)


def _sentence(r: random.Random, people: list[str]) -> str:
    p, q = r.sample(people, 2)
    kind = r.randint(0, 7)
    if kind == 0:
        return (
            f"{r.choice(TITLES)} {p} met {q} in {r.choice(PLACES)} {r.choice(RELATIVE)} "
            f"to discuss {r.choice(TOPICS)}."
        )
    if kind == 1:
        return (
            f"The dispute over {r.choice(TOPICS)} dates back to {_date(r)}, when "
            f"{r.choice(COUNTRIES)} first raised the issue with {r.choice(ORGS)}."
        )
    if kind == 2:
        return (
            f"Officials from {r.choice(ORGS)} said talks in {r.choice(PLACES)} would resume "
            f"{r.choice(FUTURE)}, though several questions remain open."
        )
    if kind == 3:
        return (
            f"{p.split()[-1]} {r.choice(VERBS)} that {r.choice(COUNTRIES)} was ready to "
            f"discuss {r.choice(TOPICS)} but would not accept new conditions."
        )
    if kind == 4:
        return (
            f"Since {_date(r)}, hundreds of thousands of people have left the region, "
            f"and {r.randint(3, 40)} percent of homes were damaged."
        )
    if kind == 5:
        return (
            f"Analysts in {r.choice(PLACES)} expect the negotiations may take months, "
            f"with a first review planned for {r.choice(MONTHS)} {r.randint(2025, 2027)}."
        )
    if kind == 6:
        return (
            f"“We are making progress on {r.choice(TOPICS)}, but we are not there yet,” "
            f"{q} {r.choice(VERBS)}."
        )
    return (
        f"The meeting followed an earlier round in {r.choice(PLACES)} {r.choice(RELATIVE)}, "
        f"which {r.choice(ORGS)} described as constructive."
    )


def article(r: random.Random, n: int) -> tuple[str, str]:
    people = [_person(r) for _ in range(4)]
    place = r.choice(PLACES)
    title = f"Talks on {r.choice(TOPICS)} resume in {place} as envoys seek a deal ({n})"
    paras = []
    for _ in range(r.randint(6, 9)):
        paras.append(" ".join(_sentence(r, people) for _ in range(r.randint(2, 4))))
    paras.insert(2, "What comes next")
    items = [f"- {_sentence(r, people).rstrip('.')}" for _ in range(3)]
    paras.insert(3, "\n".join(items))
    quote = (
        f"“We agreed on further steps on {r.choice(TOPICS)}. "
        f"Work will continue {r.choice(FUTURE)}.”"
    )
    paras.insert(5, f"{r.choice(TITLES)} {people[0]} said after the meeting.")
    paras.insert(6, quote)
    published = dt.date(2025, 1, 1) + dt.timedelta(days=r.randint(0, 360))
    return title + "\n" + "\n".join(paras) + "\n", published.isoformat()


def make(out: Path, count: int = 1000, seed: int = 7) -> int:
    """Write ``count`` articles into ``out``; returns the number of words written."""
    r = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    words = 0
    for n in range(count):
        text, published = article(r, n)
        (out / f"{n:04d}.txt").write_text(text, encoding="utf-8")
        (out / f"{n:04d}.yaml").write_text(f"published: {published}\n", encoding="utf-8")
        words += len(text.split())
    return words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    words = make(args.out, args.count, args.seed)
    print(f"{args.count} articles, {words} words in {args.out}")


if __name__ == "__main__":
    main()
