"""Feeds and exports, read back by the parsers other tools use."""

from __future__ import annotations

import datetime as dt
import json

import feedparser
import icalendar
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.build import build
from generator.config import load_config


def built(root):
    build(load_config(root), search=False)
    return root / "output"


def test_atom_feeds_parse_cleanly(site_root):
    out = built(site_root)
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "Fixture <Site> & Co"
    titles = [e.title for e in feed.entries]
    assert "US and Russian envoys meet in Miami" in titles
    actor = feedparser.parse((out / "actors/vladimir-putin/feed.xml").read_bytes())
    assert not actor.bozo, actor.bozo_exception
    assert len(actor.entries) == 3
    assert actor.entries[0].title.startswith("June 2024: ")  # newest first


def test_ics_is_a_valid_calendar_with_all_day_spans(site_root):
    out = built(site_root)
    cal = icalendar.Calendar.from_ical((out / "events.ics").read_bytes())
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    month = events["e-demands@dossier"]
    assert month.decoded("DTSTART") == dt.date(2024, 6, 1)
    assert month.decoded("DTEND") == dt.date(2024, 7, 1)  # the whole month, not its first day
    day = events["e-friday@dossier"]
    assert day.decoded("DTSTART") == dt.date(2025, 12, 19)
    assert "e-undated@dossier" not in events  # no date, no calendar entry


def test_timeline_json_follows_timelinejs_rules(site_root):
    data = json.loads((built(site_root) / "timeline.json").read_text())
    assert "headline" in data["title"]["text"]
    for event in data["events"]:
        start = event["start_date"]
        assert isinstance(start["year"], int)
        assert set(start) <= {"year", "month", "day"}
        if "day" in start:
            assert "month" in start
        assert "<" not in event["text"]["text"]  # article text arrives escaped
    by_id = {e["unique_id"]: e for e in data["events"]}
    assert by_id["e-later"]["start_date"] == {"year": 2026}
    assert by_id["e-later"]["display_date"] == "c. 2026"
    assert by_id["e-deal"]["start_date"] == {"year": 2025, "month": 12, "day": 31}
    assert by_id["e-deal"]["display_date"] == "by 31 December 2025"
    assert by_id["e-friday"]["group"] == "US and Russian envoys meet in Miami"


@settings(max_examples=300, deadline=None)
@given(
    st.recursive(
        st.one_of(st.text(max_size=8), st.integers(), st.booleans(), st.none()),
        lambda inner: st.dictionaries(st.text(max_size=6), inner, max_size=4),
        max_leaves=12,
    )
)
def test_json_lines_write_what_json_dumps_writes(value):
    from generator.exports import _json_lines

    expected = json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)
    assert "\n".join(_json_lines(value, "")) == expected
