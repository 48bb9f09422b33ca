"""Long runs joined from kept pieces give what a plain join gives, after any edit."""

from __future__ import annotations

import random

import pytest

from generator import chunks
from generator.chunks import Chunks


class Item:
    def __init__(self, text: str):
        self.text = text


@pytest.fixture(autouse=True)
def small(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chunks, "SHORT", 4)
    monkeypatch.setattr(chunks, "PERIOD", 5)


@pytest.mark.parametrize("sep", ["", ",\n"])
def test_random_edits_join_as_plain_join_and_reuse_pieces(sep: str):
    rnd = random.Random(3)
    items = [Item(f"<{i}·>") for i in range(400)]
    store = Chunks()
    made = []

    def make(item: Item) -> str:
        made.append(item)
        return item.text

    for step in range(60):
        made.clear()
        roll = rnd.random()
        if roll < 0.4:
            items.insert(rnd.randrange(len(items) + 1), Item(f"[new {step}]"))
        elif roll < 0.7 and len(items) > 5:
            del items[rnd.randrange(len(items))]
        elif roll < 0.85:
            i, j = rnd.randrange(len(items)), rnd.randrange(len(items))
            items[i], items[j] = items[j], items[i]
        assert store.join(items, "k", make, sep) == sep.join(i.text for i in items)
        columns = store.columns(items, "k", lambda i: (make(i), i.text.upper()), (sep, "|"))
        assert sep.encode().join(columns[0]) == sep.join(i.text for i in items).encode()
        assert b"|".join(columns[1]) == "|".join(i.text.upper() for i in items).encode()
        store.next_build()
        if step:
            # one edit: the pieces around it (a few times ``PERIOD``), not all 400 twice
            assert len(made) < len(items) / 2, step


def test_short_runs_and_a_store_told_not_to_keep_nothing():
    store = Chunks()
    store.keep = False
    items = [Item(str(i)) for i in range(30)]
    assert store.join(items, "k", lambda i: i.text) == "".join(i.text for i in items)
    assert store.columns(items, "k", lambda i: (i.text,), ("",)) == [
        ["".join(i.text for i in items).encode()]
    ]
    assert not store.pieces
    store = Chunks()
    assert store.join([Item("a"), Item("b")], "k", lambda i: i.text) == "ab"
    assert store.columns([Item("é"), Item("b")], "k", lambda i: (i.text,), (",",)) == [
        ["é,b".encode()]
    ]
    assert store.columns([], "k", lambda i: (i.text,), (",", "")) == [[], []]
    assert not store.pieces and store.size == 0


def test_forget_an_item_changed_in_place():
    items = [Item(str(i)) for i in range(50)]
    store = Chunks()
    store.join(items, "k", lambda i: i.text)
    items[7].text = "seven"
    assert "seven" not in store.join(items, "k", lambda i: i.text)  # kept by identity
    store.forget(items[7])
    assert store.join(items, "k", lambda i: i.text) == "".join(i.text for i in items)
    assert store.size == sum(chunks._size(piece.text) for piece in store.pieces.values())


def test_past_the_limit_unused_pieces_go(monkeypatch: pytest.MonkeyPatch):
    first = [Item("x" * 3) for _ in range(40)]
    second = [Item("y") for _ in range(40)]
    store = Chunks()
    store.join(first, "k", lambda i: i.text)
    store.next_build()
    store.join(second, "k", lambda i: i.text)
    monkeypatch.setattr(chunks, "LIMIT", store.size - 1)
    store.next_build()  # over the limit: the first list's pieces were not used last build
    assert store.size == sum(chunks._size(piece.text) for piece in store.pieces.values())
    assert {id(i) for piece in store.pieces.values() for i in piece.run} == {id(i) for i in second}


def test_sweep_drops_what_this_build_did_not_use():
    old, new = [Item("a") for _ in range(30)], [Item("b") for _ in range(30)]
    store = Chunks()
    store.join(old, "k", lambda i: i.text)
    store.next_build()
    store.join(new, "k", lambda i: i.text)
    store.sweep()
    assert {id(i) for piece in store.pieces.values() for i in piece.run} == {id(i) for i in new}


@pytest.mark.parametrize("period", [8, 13])
def test_pieces_hold_about_period_items(monkeypatch: pytest.MonkeyPatch, period: int):
    monkeypatch.setattr(chunks, "SHORT", 256)
    items = [Item("x") for _ in range(5000)]
    store = Chunks(period)
    store.join(items, "k", lambda i: i.text)
    assert 0.5 * period < len(items) / len(store.pieces) < 2 * period


def test_past_the_limit_no_new_piece_is_kept(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(chunks, "LIMIT", 0)
    items = [Item(str(i)) for i in range(60)]
    store = Chunks()
    assert store.join(items, "k", lambda i: i.text) == "".join(i.text for i in items)
    assert len(store.pieces) == 1  # the first, then nothing more


def _page(store: Chunks, page: str, *lists: list[Item]) -> None:
    """Render a page showing ``lists`` (as ``render.render_page`` does)."""
    store.begin_page()
    for items in lists:
        store.join(items, "k", lambda i: i.text)
    store.end_page(page)


def _kept(store: Chunks) -> set[int]:
    return {id(i) for piece in store.pieces.values() for i in piece.run}


def test_pieces_go_when_no_page_shows_them_and_stay_while_one_does(
    monkeypatch: pytest.MonkeyPatch,
):
    mine = [Item(f"m{i}") for i in range(60)]
    shared = [Item(f"s{i}") for i in range(60)]
    other = [Item(f"o{i}") for i in range(60)]
    store = Chunks()
    _page(store, "a.html", mine, shared)
    _page(store, "b.html", shared, other)
    store.next_build()
    everything = _kept(store)
    assert everything == {id(i) for i in mine + shared + other}

    # a.html made again without the shared list, one of its items replaced: what it
    # showed and no longer does goes; b.html still shows the shared list
    replaced = mine[30]
    mine[30] = Item("new")
    _page(store, "a.html", mine)
    kept = _kept(store)
    assert id(mine[30]) in kept and id(replaced) not in kept
    assert {id(i) for i in shared + other} <= kept
    assert kept <= {id(i) for i in mine + shared + other}
    assert store.size == sum(chunks._size(piece.text) for piece in store.pieces.values())

    # past the limit, the pieces pages show stay (the next edits need them); b.html gone
    # (``release``), its own go, and the shared ones with them
    monkeypatch.setattr(chunks, "LIMIT", 0)
    store.next_build()
    assert _kept(store) == kept
    store.release("b.html")
    assert _kept(store) == {id(i) for i in mine}
    assert store.join(mine, "k", lambda i: i.text) == "".join(i.text for i in mine)


def test_a_page_that_fails_holds_nothing():
    items = [Item(str(i)) for i in range(60)]
    store = Chunks()
    store.begin_page()
    store.join(items, "k", lambda i: i.text)
    store.page_pieces = None  # as ``render_page`` leaves it when the template raised
    assert store.pieces and not store.shown_by
    store.next_build()
    store.sweep()  # unheld, and unused by this build: the first sweep takes them
    assert not store.pieces
