"""Ingest: news articles in ``seeds/`` become dossiers in ``content/dossiers/``.

Public API (import-light: spaCy, trafilatura and dateparser load only when an article is
actually analysed)::

    extract_file(path, published=None, config=None) -> dict   # `dossier extract`
    ingest(config, paths=None, *, log=print, progress=True) -> IngestReport
    similar_names(names) -> list[tuple[str, str]]               # suggestions for `dossier check`

``extract_file`` returns ``{"published", "title", "dates", "actors", "locations", "events",
"quotes"}``; every ``start``/``end`` is an offset into the file's decoded text (for HTML, into
the extracted main text), so ``text[start:end]`` is the mention.
"""

from __future__ import annotations

from .entities import similar_names
from .pipeline import IngestReport, extract_file, ingest

__all__ = ["IngestReport", "extract_file", "ingest", "similar_names"]
