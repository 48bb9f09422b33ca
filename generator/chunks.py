"""Long runs of per-item text (an actor's thousands of events, the exports' rows) joined
from pieces kept across builds, so that an edit costs the pieces it touches, not the run.

A run is cut after every item whose identity falls on a boundary (``id(item) % PRIME``
below a threshold), so the cuts depend on the items themselves, not on their positions:
an item added or removed changes only the piece it is in. A piece is kept by the
identities of its items (it holds the items, so no identity is reused while it is kept);
callers whose items can change in place ``forget`` them when they do.

A caller that renders pages tells which page each run is joined for (``begin_page``,
``end_page``): a piece goes as soon as no page's latest render used it. Pieces an edit
replaced then leave at once, and those of pages it did not touch stay: sweeping what the
last build did not use, once past ``LIMIT``, made the next edits join again the whole
lists of the pages they touched (the first edit after the watcher's first build at 10,000
dossiers left half the store).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Hashable, Sequence
from itertools import compress, count, repeat
from operator import gt, mod
from typing import Any

PERIOD = 61  # items a piece holds, on average
# identities are multiples of 16, a fixed stride apart for objects made one after another
# (at most 512 bytes in CPython's allocator): modulo a prime over 32 they spread evenly
PRIME = 61
SHORT = 256  # shorter runs are joined directly: keeping their pieces would not pay
LIMIT = 48 << 20  # bytes kept: past that, no new pieces (and unused ones no page holds go)


class Piece:
    """A run's text as kept: its items (so that no identity in its key is reused while it
    is kept), the build that last used it and how many pages' last renders showed it."""

    __slots__ = ("key", "run", "text", "build", "pages")

    def __init__(self, key: tuple, run: tuple, text: str | tuple[bytes, ...], build: int):
        self.key, self.run, self.text, self.build, self.pages = key, run, text, build, 0


class Chunks:
    """The pieces of the long runs one caller joins, kept between its builds."""

    def __init__(self, period: int = 0) -> None:
        """``period``: items a piece holds on average (``PERIOD`` unless given); fewer when
        an item's text costs much to make again."""
        self.period = period
        self.pieces: dict[tuple, Piece] = {}
        self.size = 0
        self.build = 0
        self.keep = True  # False: join directly (a process that renders each list once)
        self.shown_by: dict[str, list[Piece]] = {}  # page -> the pieces its last render showed
        self.page_pieces: list[Piece] | None = None  # those of the page being rendered

    def join(
        self, items: Sequence, kind: Hashable, make: Callable[[Any], str], sep: str = ""
    ) -> str:
        """``sep.join(make(item) for item in items)``; ``make`` must give the same text for
        the same item object for as long as it is kept (``kind`` tells different makers and
        settings apart)."""
        if len(items) < SHORT or not self.keep:
            return sep.join(map(make, items))

        def piece(run: tuple) -> str:
            return sep.join(map(make, run))

        return sep.join(self._pieces(items, (kind, "text"), piece))

    def columns(
        self,
        items: Sequence,
        kind: Hashable,
        make: Callable[[Any], tuple[str, ...]],
        seps: tuple[str, ...],
    ) -> list[list[bytes]]:
        """For items whose text comes in columns (``make`` gives one text per column): each
        column as pieces of UTF-8, in order, each piece ``seps[column].join``-ed; joined
        with that separator they are the column's whole text. Files of many megabytes are
        then one copy of bytes, not a join and an encoding of their whole text each."""

        def piece(run: Sequence) -> tuple[bytes, ...]:
            rows = zip(*map(make, run), strict=True)
            return tuple(sep.join(col).encode() for sep, col in zip(seps, rows, strict=True))

        if not items:
            return [[] for _ in seps]
        if len(items) < SHORT or not self.keep:
            return [[text] for text in piece(items)]
        got = self._pieces(items, (kind, "columns"), piece)
        return [list(col) for col in zip(*got, strict=True)]

    def _pieces(self, items: Sequence, kind: Hashable, make_piece: Callable) -> list:
        ids = tuple(map(id, items))
        # the positions just after each item on a boundary (C-level iterators: this runs
        # over every item of every long list an edit touches)
        below = repeat(max(1, round(PRIME / (self.period or PERIOD))))
        ends = list(compress(count(1), map(gt, below, map(mod, ids, repeat(PRIME)))))
        if not ends or ends[-1] != len(ids):
            ends.append(len(ids))
        pieces, build = self.pieces, self.build
        shown = self.page_pieces
        out = []
        start = 0
        for end in ends:
            key = (kind, ids[start:end])
            hit = pieces.get(key)
            if hit is None:
                run = tuple(items[start:end])
                text = make_piece(run)
                if self.size <= LIMIT:  # a full render of a big site stops keeping here
                    hit = pieces[key] = Piece(key, run, text, build)
                    self.size += _size(text)
                    if shown is not None:
                        shown.append(hit)
                out.append(text)
            else:
                hit.build = build
                if shown is not None:
                    shown.append(hit)
                out.append(hit.text)
            start = end
        return out

    def begin_page(self) -> None:
        """The runs joined from now on are for one page (named by ``end_page``)."""
        self.page_pieces = []

    def end_page(self, page: str) -> None:
        """``page`` rendered (with the runs joined since ``begin_page``): the pieces its
        last render showed and this one did not are no longer its; those no page shows go."""
        shown, self.page_pieces = self.page_pieces or [], None
        for piece in shown:  # counted before the old ones are let go: most are the same
            piece.pages += 1
        self.release(page)
        if shown:
            self.shown_by[page] = shown

    def release(self, page: str) -> None:
        """``page`` shows none of its pieces any more (made again, or gone)."""
        for piece in self.shown_by.pop(page, ()):
            piece.pages -= 1
            if not piece.pages and self.pieces.get(piece.key) is piece:
                self._drop(piece.key)

    def forget(self, item: object) -> None:
        """``item`` changed in place: the pieces that show it are made again."""
        n = id(item)
        for key in [k for k in self.pieces if n in k[1]]:
            self._drop(key)

    def next_build(self) -> None:
        """Call between builds: past ``LIMIT``, the pieces the last build did not use and
        no page holds go."""
        if self.size > LIMIT:
            build = self.build
            for key in [k for k, v in self.pieces.items() if v.build != build and not v.pages]:
                self._drop(key)
        self.build += 1

    def sweep(self) -> None:
        """Drop the pieces this build did not use (for a caller that joins every run
        it shows in every build, they are of no use)."""
        for key in [k for k, v in self.pieces.items() if v.build != self.build]:
            self._drop(key)

    def _drop(self, key: tuple) -> None:
        hit = self.pieces.pop(key)
        self.size -= _size(hit.text)


def _size(value: str | tuple[bytes, ...]) -> int:
    if isinstance(value, tuple):
        return sum(map(sys.getsizeof, value))
    return sys.getsizeof(value)
