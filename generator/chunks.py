"""Long runs of per-item text (an actor's thousands of events, the exports' rows) joined
from pieces kept across builds, so that an edit costs the pieces it touches, not the run.

A run is cut after every item whose identity falls on a boundary (``id(item) % PERIOD``),
so the cuts depend on the items themselves, not on their positions: an item added or
removed changes only the piece it is in. A piece is kept by the identities of its items
(it holds the items, so no identity is reused while it is kept); callers whose items can
change in place ``forget`` them when they do.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

PERIOD = 61  # items a piece holds, on average
SHORT = 256  # shorter runs are joined directly: keeping their pieces would not pay
LIMIT = 48_000_000  # characters kept; past that, pieces unused by the last build go


class Chunks:
    def __init__(self) -> None:
        self.pieces: dict[tuple, tuple[tuple, str, int]] = {}  # key -> (items, text, build)
        self.by_item: dict[int, set[tuple]] = {}
        self.size = 0
        self.build = 0

    def join(
        self, items: Sequence, kind: Hashable, make: Callable[[object], str], sep: str = ""
    ) -> str:
        """``sep.join(make(item) for item in items)``; ``make`` must give the same text for
        the same item object for as long as it is kept (``kind`` tells different makers and
        settings apart)."""
        if len(items) < SHORT:
            return sep.join(map(make, items))
        ids = list(map(id, items))
        cuts = [i + 1 for i, n in enumerate(ids) if n % PERIOD == 0]
        if not cuts or cuts[-1] != len(ids):
            cuts.append(len(ids))
        pieces, by_item, build = self.pieces, self.by_item, self.build
        out = []
        start = 0
        for end in cuts:
            key = (kind, *ids[start:end])
            hit = pieces.get(key)
            if hit is None:
                run = tuple(items[start:end])
                text = sep.join(map(make, run))
                self.size += len(text)
                for n in ids[start:end]:
                    by_item.setdefault(n, set()).add(key)
            else:
                run, text = hit[0], hit[1]
            pieces[key] = (run, text, build)
            out.append(text)
            start = end
        return sep.join(out)

    def forget(self, item: object) -> None:
        """``item`` changed in place: the pieces that show it are made again."""
        for key in self.by_item.pop(id(item), ()):
            self._drop(key)

    def next_build(self) -> None:
        """Call between builds: past ``LIMIT``, the pieces the last build did not use go."""
        if self.size > LIMIT:
            for key in [k for k, v in self.pieces.items() if v[2] != self.build]:
                self._drop(key)
        self.build += 1

    def clear(self) -> None:
        self.pieces.clear()
        self.by_item.clear()
        self.size = 0

    def _drop(self, key: tuple) -> None:
        hit = self.pieces.pop(key, None)
        if hit is None:
            return
        self.size -= len(hit[1])
        for item in hit[0]:
            keys = self.by_item.get(id(item))
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self.by_item[id(item)]
