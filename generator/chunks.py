"""Long runs of per-item text (an actor's thousands of events, the exports' rows) joined
from pieces kept across builds, so that an edit costs the pieces it touches, not the run.

A run is cut after every item whose identity falls on a boundary (``id(item) % PERIOD``),
so the cuts depend on the items themselves, not on their positions: an item added or
removed changes only the piece it is in. A piece is kept by the identities of its items
(it holds the items, so no identity is reused while it is kept); callers whose items can
change in place ``forget`` them when they do.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Hashable, Sequence
from itertools import compress, count, repeat
from operator import mod, not_

PERIOD = 61  # items a piece holds, on average (odd: identities are multiples of 16)
SHORT = 256  # shorter runs are joined directly: keeping their pieces would not pay
LIMIT = 64 << 20  # bytes of text kept; past that, pieces unused by the last build go


class Chunks:
    def __init__(self, period: int = 0) -> None:
        """``period``: items a piece holds on average (``PERIOD`` unless given); fewer when
        an item's text costs much to make again. Odd: identities are multiples of 16."""
        self.period = period | 1 if period else 0
        self.pieces: dict[tuple, tuple[tuple, str, int]] = {}  # key -> (items, text, build)
        self.size = 0
        self.build = 0
        self.keep = True  # False: join directly (a process that renders each list once)

    def join(
        self, items: Sequence, kind: Hashable, make: Callable[[object], str], sep: str = ""
    ) -> str:
        """``sep.join(make(item) for item in items)``; ``make`` must give the same text for
        the same item object for as long as it is kept (``kind`` tells different makers and
        settings apart)."""
        if len(items) < SHORT or not self.keep:
            return sep.join(map(make, items))
        return sep.join(self._pieces(items, kind, make, sep, False))

    def join_bytes(
        self, items: Sequence, kind: Hashable, make: Callable[[object], str], sep: str = ""
    ) -> bytes:
        """``join``, encoded as UTF-8: pieces are kept encoded, so a file of many megabytes
        is one copy of bytes, not a join and an encoding of its whole text."""
        if len(items) < SHORT or not self.keep:
            return sep.join(map(make, items)).encode()
        return sep.encode().join(self._pieces(items, kind, make, sep, True))

    def _pieces(
        self, items: Sequence, kind: Hashable, make: Callable[[object], str], sep: str, raw: bool
    ) -> list:
        ids = tuple(map(id, items))
        # the positions just after each item on a boundary (C-level iterators: this runs
        # over every item of every long list an edit touches)
        period = self.period or PERIOD
        ends = list(compress(count(1), map(not_, map(mod, ids, repeat(period)))))
        if not ends or ends[-1] != len(ids):
            ends.append(len(ids))
        pieces, build = self.pieces, self.build
        out = []
        start = 0
        for end in ends:
            key = (kind, raw, ids[start:end])
            hit = pieces.get(key)
            if hit is None:
                hit = self._make(key, tuple(items[start:end]), make, sep, raw)
            elif hit[2] != build:
                hit = pieces[key] = (hit[0], hit[1], build)
            out.append(hit[1])
            start = end
        return out

    def _make(
        self, key: tuple, run: tuple, make: Callable[[object], str], sep: str, raw: bool
    ) -> tuple:
        text = sep.join(map(make, run))
        hit = self.pieces[key] = (run, text.encode() if raw else text, self.build)
        self.size += sys.getsizeof(hit[1])
        return hit

    def forget(self, item: object) -> None:
        """``item`` changed in place: the pieces that show it are made again."""
        n = id(item)
        for key in [k for k in self.pieces if n in k[2]]:
            self._drop(key)

    def next_build(self) -> None:
        """Call between builds: past ``LIMIT``, the pieces the last build did not use go."""
        if self.size > LIMIT:
            self.sweep()
        self.build += 1

    def sweep(self) -> None:
        """Drop the pieces this build did not use (for a caller that joins every run
        it shows in every build, they are of no use)."""
        for key in [k for k, v in self.pieces.items() if v[2] != self.build]:
            self._drop(key)

    def _drop(self, key: tuple) -> None:
        hit = self.pieces.pop(key)
        self.size -= sys.getsizeof(hit[1])
