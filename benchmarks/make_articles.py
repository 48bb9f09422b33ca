"""Generate news-like articles for the ingest benchmark, deterministically from a seed.

    python benchmarks/make_articles.py OUT_DIR [--count 1000] [--seed 7] [--messy]

Each article is a .txt in the seed shape (title line, paragraphs, a heading, a list, a quoted
paragraph) with a .yaml sidecar giving the publication date. Sentences carry people with
titles, organisations, places, absolute and relative dates and quotations.

``--messy`` writes what a real folder of saved news looks like instead: HTML pages with
navigation, scripts, ads and cookie banners, cp1252 and Latin-1 files, BOMs and CRLF, empty
and whitespace-only files, huge files, one-line articles, binary junk named .txt, articles
with no dates or with 200, non-English text, Markdown with broken or odd front matter, broken
sidecars, deeply nested HTML, odd Unicode. Every text is unique (no duplicates by design).
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


# -- messy articles: what a real folder of saved news looks like --------------------------------

NON_ENGLISH = [
    "Die Verhandlungen in Genf wurden am Montag ohne Ergebnis vertagt, sagte ein Sprecher.",
    "Переговоры в Стамбуле продолжатся на следующей неделе, заявил представитель Кремля.",
    "会谈将于下周在日内瓦继续举行，双方代表表示希望取得进展。",
    "Les négociations reprendront à Bruxelles en mars, a déclaré la ministre française.",
    "المحادثات ستستأنف في الدوحة الأسبوع المقبل بحسب مسؤولين",
]
NOISE_HTML = [
    '<div class="cookie-banner">We use cookies. <button>Accept all</button></div>',
    "<nav><ul><li><a href='/'>Home</a></li><li><a href='/world'>World</a></li></ul></nav>",
    "<script>window.dataLayer=[];function ad(){document.write('<div>ad</div>')}</script>",
    '<aside class="related"><h3>Related</h3><p>Ten things to know about Monday</p></aside>',
    '<div class="ad-slot" id="ad-top">ADVERTISEMENT</div>',
    "<style>body{font:12px sans-serif}.x{display:none}</style>",
    "<footer><p>© 2024 Example News. All rights reserved.</p></footer>",
    '<form class="newsletter"><input type="email"><p>Sign up for our newsletter</p></form>',
]


def _html(r: random.Random, title: str, body: list[str], published: str) -> str:
    noise = r.sample(NOISE_HTML, r.randint(2, len(NOISE_HTML)))
    meta = f'<meta property="article:published_time" content="{published}T08:00:00Z">'
    if r.random() < 0.3:
        meta = ""  # no date in the page
    paras = "".join(f"<p>{p}</p>" for p in body)
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title} | Example</title>"
        f"{meta}{noise[0]}</head><body>{''.join(noise[1:3])}<main><article><h1>{title}</h1>"
        f"{paras}</article></main>{''.join(noise[3:])}</body></html>"
    )


def messy(r: random.Random, n: int) -> tuple[str, bytes, str | None]:
    """One messy article: (file name, bytes, sidecar YAML or None). Every text is unique."""
    people = [_person(r) for _ in range(4)]
    title = f"Talks on {r.choice(TOPICS)} in {r.choice(PLACES)} ({n})"
    body = [" ".join(_sentence(r, people) for _ in range(r.randint(2, 4))) for _ in range(5)]
    text = title + "\n\n" + "\n\n".join(body) + "\n"
    published = (dt.date(2024, 1, 1) + dt.timedelta(days=r.randint(0, 700))).isoformat()
    side = f"published: {published}\n"
    kind = n % 20
    name = f"{n:05d}"
    if kind == 0:
        return f"{name}.html", _html(r, title, body, published).encode(), None
    if kind == 1:  # Windows-1252, curly quotes and euro signs as single bytes
        text = text.replace("percent", "% (€)") + "\u201cQuoted,\u201d she said \u2013 twice.\n"
        return f"{name}.txt", text.encode("cp1252", "replace"), side
    if kind == 2:  # Latin-1 with accents and a few C1 control bytes
        text = text.replace("Geneva", "Genève").replace("Istanbul", "İstanbul")
        data = text.encode("latin-1", "replace") + b"\x81\x8d caf\xe9\n"
        return f"{name}.txt", data, side
    if kind == 3:  # UTF-8 with a byte-order mark and CRLF line ends
        return f"{name}.txt", ("\ufeff" + text).replace("\n", "\r\n").encode(), side
    if kind == 4:
        return f"{name}.txt", b"" if n % 40 == 4 else b"  \r\n\t\n", None
    if kind == 5:  # huge: a long report, several hundred kilobytes
        size = 300 if n % 1000 == 105 else 30
        big = "\n\n".join(_sentence(r, people) for _ in range(size * 10))
        return f"{name}.txt", (title + "\n\n" + big + "\n").encode(), side
    if kind == 6:  # one line, no full stop
        return f"{name}.txt", f"{title} as envoys seek deal".encode(), None
    if kind == 7:  # binary junk with a text name
        return f"{name}.txt", bytes(r.randrange(256) for _ in range(r.randint(10, 3000))), None
    if kind == 8:  # no dates at all
        plain = f"{title}\n\nThe envoys met and talked. Nobody said when they would meet again.\n"
        return f"{name}.txt", plain.encode(), None
    if kind == 9:  # two hundred dates
        dates = " ".join(
            f"It happened on {_date(r)} and again {r.choice(RELATIVE)}." for _ in range(200)
        )
        return f"{name}.txt", f"{title}\n\n{dates}\n".encode(), side
    if kind == 10:  # not English
        other = " ".join(r.sample(NON_ENGLISH, 3))
        return f"{name}.txt", f"{title}\n\n{other} ({n})\n".encode(), side
    if kind == 11:  # Markdown whose front matter is broken YAML
        return (
            f"{name}.md",
            f"---\ntitle: [unclosed\npublished: {published}\n---\n{text}".encode(),
            None,
        )
    if kind == 12:  # Markdown with odd front matter values
        odd = r.choice(["published: 99999", "title: [a, b]", "- just\n- a list", "published: soon"])
        return f"{name}.md", f"---\n{odd}\n---\n# {title}\n\n{body[0]}\n".encode(), None
    if kind == 13:  # HTML with no article in it
        empty = f"<html><head><script>var x={n};</script></head><body><nav>Menu</nav></body></html>"
        return f"{name}.html", empty.encode(), None
    if kind == 14:  # unusual Unicode: combining accents, zero-width and bidi marks, emoji
        odd = text.replace("e", "e\u0301", 3).replace(" ", " \u200b", 2) + "\u202eevil\u202c 🙂\n"
        return f"{name}.txt", odd.encode(), side
    if kind == 15:  # deeply nested HTML
        deep = "<div>" * 3000 + f"<p>{body[0]}</p>" + "</div>" * 3000
        return f"{name}.html", f"<html><body><h1>{title}</h1>{deep}</body></html>".encode(), None
    if kind == 16:  # a sidecar that is not valid YAML
        return f"{name}.txt", text.encode(), "published: [2024\n"
    if kind == 17:  # NUL bytes late in an otherwise normal file
        return f"{name}.txt", text.encode() + b"\x00" * 10 + b"tail\n", side
    if kind == 18:  # one enormous paragraph without line breaks
        line = " ".join(_sentence(r, people) for _ in range(400))
        return f"{name}.txt", f"{title}\n{line}\n".encode(), side
    return f"{name}.txt", text.encode(), side  # an ordinary article


def make_messy(out: Path, count: int = 3000, seed: int = 11) -> dict[str, int]:
    """Write ``count`` messy articles into ``out``; returns counts of files and words."""
    r = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    words = 0
    for n in range(count):
        name, data, side = messy(r, n)
        (out / name).write_bytes(data)
        if side is not None:
            (out / name).with_suffix(".yaml").write_text(side, encoding="utf-8")
        words += len(data.split())
    return {"articles": count, "words": words}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--messy", action="store_true", help="messy real-world files instead")
    args = parser.parse_args()
    if args.messy:
        stats = make_messy(args.out, args.count, args.seed)
        print(f"{stats['articles']} messy articles, {stats['words']} words in {args.out}")
        return
    words = make(args.out, args.count, args.seed)
    print(f"{args.count} articles, {words} words in {args.out}")


if __name__ == "__main__":
    main()
