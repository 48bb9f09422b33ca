"""Feeds and exports, read back by the parsers other tools use."""

from __future__ import annotations

import datetime as dt
import json

import feedparser
import icalendar
from conftest import make_site

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


def _json_item_as_dumped(e, site) -> str:
    """What ``exports._json_item`` stands for: the event as a dict, and ``json.dumps``."""
    from generator.exports import _headline, _html_escape, _parts

    when = e.date
    item = {
        "unique_id": e.id,
        "start_date": _parts(when.start or when.end),
        "display_date": when.display(),
        "text": {"headline": _headline(e), "text": _html_escape(e.text)},
    }
    if when.start and when.end:
        item["end_date"] = _parts(when.end)
    dossier = site.dossier_by_slug.get(e.dossier or "")
    if dossier:
        item["group"] = dossier.title
    text = json.dumps(item, ensure_ascii=False, indent=1, sort_keys=True)
    return "  " + text.replace("\n", "\n  ")


def test_json_items_are_what_json_dumps_writes(site_root, tmp_path):
    """Each event's part of timeline.json, on the test site (intervals, open ranges, months,
    hand-written events with no dossier) and a generated one."""

    from generator.build import load_site
    from generator.exports import _json_item

    make_site(tmp_path / "made", 80)
    span = tmp_path / "made" / "content" / "events" / "span.md"
    span.parent.mkdir(parents=True, exist_ok=True)
    span.write_text(
        "---\ndate: 2024-03-02/2024-05\ntext: Talks ran for weeks.\n"
        "sources: [https://example.org/talks]\n---\n",
        encoding="utf-8",
    )
    checked = kinds = 0
    for root in (site_root, tmp_path / "made"):
        config = load_config(root)
        site, _ = load_site(config)
        for e in site.events:
            assert _json_item(e, site, config) == _json_item_as_dumped(e, site), e.id
            checked += 1
        kinds += any(e.date.start and e.date.end for e in site.events)
        kinds += any(not e.dossier for e in site.events)
    assert checked > 100 and kinds >= 2


def test_csv_records_are_what_the_csv_module_writes():
    """Records joined directly when no field needs quoting; otherwise ``csv.writer``."""
    import csv
    import io

    from generator.exports import _csv_line

    rows = [
        ["e-1", "2024-06", "June 2024", "", "Talks ended", "A; B"],
        ["e-2", "Mosul, Iraq", 'He said "no"', "line\nbreak", "carriage\rreturn", " x "],
        ["only,one"],
        [""],
        ["", ""],
        ["Kyiv — Київ", "naïve", "tab\there"],
    ]
    for row in rows:
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerow(row)
        assert _csv_line(row) == out.getvalue(), row


def test_ics_dates_have_four_digit_years():
    """RFC 5545 dates are YYYYMMDD; ``strftime("%Y")`` gives "5" for the year 5 here."""
    from generator.exports import _ics_date

    assert _ics_date(dt.date(2024, 6, 1)) == "20240601"
    assert _ics_date(dt.date(5, 1, 2)) == "00050102"
    day = dt.date(1999, 12, 31)
    assert _ics_date(day) == f"{day:%Y%m%d}"


def test_exports_of_a_site_with_no_dated_events_are_still_valid(tmp_path):
    """No dated event: the CSV still has its header row (and the undated events), the
    calendar is a calendar, the timeline a timeline with no events."""
    root = tmp_path / "site"
    (root / "content" / "dossiers").mkdir(parents=True)
    (root / "dossier.toml").write_text('[site]\ntitle = "Nothing dated"\n')
    (root / "content" / "dossiers" / "talks.md").write_text(
        "---\ntitle: Talks\npublished: 2024-06-01\nactors: [Ada Lovelace]\n"
        "events:\n  - id: e-talks\n    text: Talks began, no one says when.\n---\nBody.\n"
    )
    out = built(root)
    csv_text = (out / "events.csv").read_text(encoding="utf-8")
    assert csv_text.startswith("id,date,") and "e-talks" in csv_text
    cal = icalendar.Calendar.from_ical((out / "events.ics").read_bytes())
    assert str(cal["PRODID"]) and not cal.walk("VEVENT")
    assert json.loads((out / "timeline.json").read_text(encoding="utf-8"))["events"] == []
