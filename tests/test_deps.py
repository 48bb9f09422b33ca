"""Dependency values: what an edit updates in place equals what a full build computes."""

from __future__ import annotations

import random

from generator.deps import fingerprint, mapping_digest, mapping_digest_changed


def test_mapping_digest_updated_item_by_item_equals_a_fresh_one():
    rnd = random.Random(7)
    mapping = {f"content/dossiers/{i}.md": f"{rnd.getrandbits(64):x}" for i in range(50)}
    value = mapping_digest(mapping)
    for _ in range(200):
        key = f"content/dossiers/{rnd.randrange(60)}.md"
        old = mapping.get(key)
        new = None if rnd.random() < 0.2 else f"{rnd.getrandbits(64):x}"
        if new is None:
            mapping.pop(key, None)
        else:
            mapping[key] = new
        value = mapping_digest_changed(value, key, old, new)
        assert value == mapping_digest(mapping)
    assert mapping_digest({"a": "1", "b": "2"}) == mapping_digest({"b": "2", "a": "1"})
    assert mapping_digest({"a": "1", "b": "2"}) != mapping_digest({"a": "2", "b": "1"})


def test_fingerprint_depends_on_each_token_and_its_value():
    deps = frozenset(f"t{i}" for i in range(100))  # a big set: its order is kept
    values = {t: "v" for t in deps}
    base = fingerprint("p.html", "tpl", "common", deps, values)
    assert fingerprint("p.html", "tpl", "common", set(deps), values) == base
    assert fingerprint("p.html", "tpl", "common", deps, {**values, "t5": "w"}) != base
    assert fingerprint("p.html", "tpl", "common", deps | {"new"}, values) != base
    assert fingerprint("q.html", "tpl", "common", deps, values) != base


def test_sorted_tokens_kept_are_bounded(monkeypatch):
    from generator import deps as module

    monkeypatch.setattr(module, "_ORDERED", {})
    monkeypatch.setattr(module, "_ordered_tokens", 0)
    monkeypatch.setattr(module, "_ORDERED_MOST", 500)
    sets = [frozenset(f"t{i}-{j}" for j in range(100)) for i in range(20)]
    for tokens in sets:
        assert fingerprint("p", "t", "c", tokens, {}) == fingerprint("p", "t", "c", set(tokens), {})
    assert sum(len(kept) for _, kept in module._ORDERED.values()) <= 500


def test_the_counts_pages_are_said_to_show_are_the_packaged_templates_counts():
    """An entity's page past ``list_split`` and an actor's feed depend on their latest
    events and the names ranked first only (``deps._split_profile``): as many as the
    packaged templates show, or an edit further down would leave those pages stale."""
    from generator.deps import FEED_LATEST, PROFILE_LATEST, RANKED
    from generator.render import PACKAGE_TEMPLATES

    def source(name: str) -> str:
        return (PACKAGE_TEMPLATES / name).read_text(encoding="utf-8")

    assert f"events[-{PROFILE_LATEST}:]" in source("_macros.html")
    assert f"profile.events[-{FEED_LATEST}:]" in source("actor_feed.xml")
    for name in ("actor.html", "location.html"):
        assert source(name).count(f"[:{RANKED}]") == 2
