"""Readers: plain text shapes, Markdown front matter, HTML main text, encodings, dates."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.ingest.readers import ReadError, read_article

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"

TXT = """Leaders meet to discuss the border

Officials met in Geneva on Monday to discuss the border dispute.
The talks lasted six hours.

What happens next

- Both sides will report to parliament.
• Monitors will visit the region.

“We will not give up an inch of our land. Not now, not ever.”

A second round is planned.
"""


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_txt_shapes(tmp_path: Path) -> None:
    a = read_article(write(tmp_path, "a.txt", TXT))
    assert a.title == "Leaders meet to discuss the border"
    kinds = [b.kind for b in a.blocks]
    assert kinds == ["paragraph", "heading", "item", "item", "quote", "paragraph"]
    assert a.blocks[0].text.startswith("Officials met") and "six hours" in a.blocks[0].text
    assert a.blocks[2].text == "Both sides will report to parliament."
    assert a.blocks[3].text == "Monitors will visit the region."
    for b in a.blocks:
        assert a.text[b.start : b.end] == b.text
    assert [b.paragraph for b in a.blocks] == [1, 2, 3, 4, 5, 6]


def test_txt_one_line_per_paragraph(tmp_path: Path) -> None:
    text = "Title here\nFirst paragraph ends here.\nSection\nSecond paragraph ends here.\n"
    a = read_article(write(tmp_path, "b.txt", text))
    assert [b.kind for b in a.blocks] == ["paragraph", "heading", "paragraph"]


def test_md_front_matter_wins(tmp_path: Path) -> None:
    text = (
        "---\ntitle: From front matter\npublished: 2024-05-01\ntags: [energy]\n---\n"
        "# A heading that is not the title\n\nBody text on 2 May 2024 in Kyiv.\n"
    )
    (tmp_path / "c.yaml").write_text("url: https://example.org/c\n", encoding="utf-8")
    a = read_article(write(tmp_path, "c.md", text))
    assert a.title == "From front matter"
    assert a.published == "2024-05-01" and a.published_from == "metadata"
    assert a.meta["tags"] == ["energy"]
    assert a.url == "https://example.org/c"
    para = next(b for b in a.blocks if b.kind == "paragraph")
    assert a.text[para.start : para.end] == "Body text on 2 May 2024 in Kyiv."


def test_html_main_text_only() -> None:
    a = read_article(FIXTURES / "page.html")
    assert a.title == "Envoys meet in Geneva"
    body = "\n".join(b.text for b in a.blocks)
    assert "Anna Keller" in body and "Vienna" in body
    for marker in ("SCRIPTMARKER", "NAVMARKER", "ASIDEMARKER", "ADMARKER", "FOOTERMARKER"):
        assert marker not in body
    assert a.published == "2024-03-15" and a.published_from == "metadata"
    for b in a.blocks:
        assert a.text[b.start : b.end] == b.text


def test_html_without_trafilatura(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real = builtins.__import__

    def fake(name, *args, **kwargs):
        if name == "trafilatura":
            raise ImportError("simulated")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake)
    a = read_article(FIXTURES / "page.html")
    body = "\n".join(b.text for b in a.blocks)
    assert a.title == "Envoys meet in Geneva" and "Pavel Orlov" in body
    for marker in ("SCRIPTMARKER", "NAVMARKER", "ASIDEMARKER", "ADMARKER", "FOOTERMARKER"):
        assert marker not in body


def test_cp1252_decoded(tmp_path: Path) -> None:
    data = "Caf\u00e9 talks\n\nThe minister\u2019s \u201cplan\u201d was signed.\n".encode("cp1252")
    a = read_article(write(tmp_path, "d.txt", data))
    assert a.title == "Caf\u00e9 talks"
    assert "minister\u2019s \u201cplan\u201d" in a.blocks[0].text


@pytest.mark.parametrize("content", [b"", b"   \n\n", b"\x00\x01\x02binary"])
def test_bad_articles_raise(tmp_path: Path, content: bytes) -> None:
    with pytest.raises(ReadError):
        read_article(write(tmp_path, "bad.txt", content))


DATELINE = "Talks resume\n\nMIAMI, Dec 19, 2025 (Reuters) - Envoys met on Friday in Miami.\n"


def test_publication_date_priority(tmp_path: Path) -> None:
    # Dateline only.
    a = read_article(write(tmp_path, "x.txt", DATELINE))
    assert (a.published, a.published_from) == ("2025-12-19", "dateline")
    # File name beats nothing, loses to the dateline.
    b = read_article(write(tmp_path, "2025-12-01-y.txt", DATELINE))
    assert (b.published, b.published_from) == ("2025-12-19", "dateline")
    c = read_article(write(tmp_path, "2025-12-01-z.txt", "Title\n\nNo dateline here.\n"))
    assert (c.published, c.published_from) == ("2025-12-01", "filename")
    # Sidecar beats everything.
    write(tmp_path, "2025-12-01-y.yaml", "published: 2025-12-20\npublisher: Wire\n")
    d = read_article(tmp_path / "2025-12-01-y.txt")
    assert (d.published, d.published_from, d.publisher) == ("2025-12-20", "sidecar", "Wire")
    # JSON sidecar works too; no date at all means unknown (never the file's mtime).
    write(tmp_path, "w.json", '{"author": "A. Writer"}')
    e = read_article(write(tmp_path, "w.txt", "Title\n\nNo date anywhere.\n"))
    assert e.published is None and e.author == "A. Writer"


def test_dateline_without_year_uses_file_name_year(tmp_path: Path) -> None:
    text = "Talks\n\nMIAMI, Dec 20 (Reuters) - Envoys met.\n"
    a = read_article(write(tmp_path, "2025-11-30-talks.txt", text))
    assert (a.published, a.published_from) == ("2025-12-20", "dateline")
