"""Store-level editing (no Qt): each edit, its undo, the search index and the cache key."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import text

from desktop_app.domain.dates import Precision, parse_date, to_seconds
from desktop_app.frame.cache import content_key
from desktop_app.frame.event_frame import EventFrame
from desktop_app.store import editing
from desktop_app.store.editing import EditError, EventFields, LocationFields, SourceFields
from desktop_app.store.project import Project
from desktop_app.store.search import refresh_index, search_ids


def _place_id(project: Project, name: str) -> int:
    with project.engine.connect() as conn:
        return int(
            conn.execute(text("SELECT id FROM location WHERE name = :n"), {"n": name}).scalar_one()
        )


def _events_at(project: Project, location_id: int) -> set[int]:
    with project.engine.connect() as conn:
        return set(
            conn.execute(
                text("SELECT id FROM event WHERE location_id = :l"), {"l": location_id}
            ).scalars()
        )


def _first_event(project: Project) -> int:
    with project.engine.connect() as conn:
        return int(conn.execute(text("SELECT min(id) FROM event")).scalar_one())


def test_update_event_and_undo_keep_search_and_cache_key(sample_project: Project) -> None:
    refresh_index(sample_project)
    event_id = _first_event(sample_project)
    key0 = content_key(sample_project)
    day = parse_date("2024-03-05")
    new = replace(
        editing.read_event(sample_project, event_id),
        title="Zanzibar summit",
        start_s=to_seconds(day.start),
        precision=int(day.precision),
    )
    before = editing.update_event(sample_project, event_id, new)
    assert editing.read_event(sample_project, event_id) == new
    assert content_key(sample_project) != key0
    assert search_ids(sample_project, "zanzibar").tolist() == [event_id]
    frame = EventFrame.load(sample_project)
    row = frame.row_of(event_id)
    assert frame.title[row] == "Zanzibar summit" and frame.precision[row] == Precision.DAY
    editing.update_event(sample_project, event_id, before)  # undo
    assert editing.read_event(sample_project, event_id) == before
    assert search_ids(sample_project, "zanzibar").tolist() == []
    assert event_id in search_ids(sample_project, before.title).tolist()


def test_create_and_delete_event_round_trip(sample_project: Project) -> None:
    refresh_index(sample_project)
    london = _place_id(sample_project, "London")
    year = parse_date("2019")
    values = EventFields(
        title="Quokka parade",
        start_s=to_seconds(year.start),
        precision=int(year.precision),
        location_id=london,
        reliability="B",
        credibility=2,
        tags=["hand-made"],
    )
    event_id = editing.create_event(sample_project, values)
    refresh_index(sample_project)
    assert search_ids(sample_project, "quokka").tolist() == [event_id]
    deleted = editing.delete_event(sample_project, event_id)
    assert search_ids(sample_project, "quokka").tolist() == []
    with pytest.raises(EditError):
        editing.read_event(sample_project, event_id)
    editing.restore_rows(sample_project, deleted)
    assert editing.read_event(sample_project, event_id) == values
    assert search_ids(sample_project, "quokka").tolist() == [event_id]


def test_deleting_an_event_with_sources_restores_its_links(sample_project: Project) -> None:
    event_id = _first_event(sample_project)
    source_id = editing.create_source(sample_project, SourceFields("Field note"), event_id)
    assert (source_id, "Field note") in editing.event_sources(sample_project, event_id)
    deleted = editing.delete_event(sample_project, event_id)
    editing.restore_rows(sample_project, deleted)
    assert (source_id, "Field note") in editing.event_sources(sample_project, event_id)
    before = editing.update_source(
        sample_project, source_id, SourceFields("Field note", publisher="Desk")
    )
    assert before == SourceFields("Field note")
    gone = editing.delete_source(sample_project, source_id)
    assert editing.event_sources(sample_project, event_id) == [] or all(
        s != source_id for s, _ in editing.event_sources(sample_project, event_id)
    )
    editing.restore_rows(sample_project, gone)
    assert editing.read_source(sample_project, source_id).publisher == "Desk"


def test_move_location_and_undo(sample_project: Project) -> None:
    manila = _place_id(sample_project, "Manila")
    before = editing.move_location(sample_project, manila, 10.25, 123.75)
    moved = editing.read_location(sample_project, manila)
    assert (moved.latitude, moved.longitude, moved.geo_precision) == (10.25, 123.75, "exact")
    frame = EventFrame.load(sample_project)
    rows = frame.rows_of(sorted(_events_at(sample_project, manila)))
    assert len(rows) and (frame.lat[rows] == 10.25).all()
    editing.update_location(sample_project, manila, before)
    assert editing.read_location(sample_project, manila) == before


def test_merge_locations_and_undo(sample_project: Project) -> None:
    taipei, manila = _place_id(sample_project, "Taipei"), _place_id(sample_project, "Manila")
    at_taipei, at_manila = _events_at(sample_project, taipei), _events_at(sample_project, manila)
    assert at_taipei and at_manila
    manila_row = editing.read_location(sample_project, manila)
    kept_before = editing.read_location(sample_project, taipei)
    merge = editing.merge_locations(sample_project, taipei, manila)
    assert _events_at(sample_project, taipei) == at_taipei | at_manila
    with pytest.raises(EditError):
        editing.read_location(sample_project, manila)
    alt = editing.read_location(sample_project, taipei).alt_names
    assert "Manila" in alt and all(a in alt for a in manila_row.alt_names)
    assert all(a in alt for a in kept_before.alt_names)
    editing.unmerge_locations(sample_project, merge)
    assert editing.read_location(sample_project, manila) == manila_row
    assert editing.read_location(sample_project, taipei) == kept_before
    assert _events_at(sample_project, manila) == at_manila
    assert _events_at(sample_project, taipei) == at_taipei
    with pytest.raises(EditError, match="itself"):
        editing.merge_locations(sample_project, taipei, taipei)


def test_delete_location_unlocates_its_events_until_restored(sample_project: Project) -> None:
    london = _place_id(sample_project, "London")
    at_london = _events_at(sample_project, london)
    deleted = editing.delete_location(sample_project, london)
    with sample_project.engine.connect() as conn:  # no event points at a missing place
        assert (
            conn.execute(
                text(
                    "SELECT count(*) FROM event WHERE location_id IS NOT NULL "
                    "AND location_id NOT IN (SELECT id FROM location)"
                )
            ).scalar_one()
            == 0
        )
    editing.restore_rows(sample_project, deleted)
    assert _events_at(sample_project, london) == at_london


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (LocationFields("X", 95.0, 10.0), "latitude"),
        (LocationFields("X", 10.0, 181.0), "longitude"),
        (LocationFields("X", 10.0, None), "both"),
        (LocationFields(" "), "name"),
    ],
)
def test_bad_places_are_refused(project: Project, values: LocationFields, message: str) -> None:
    with pytest.raises(EditError, match=message):
        editing.create_location(project, values)


def test_bad_events_are_refused(sample_project: Project) -> None:
    event_id = _first_event(sample_project)
    good = editing.read_event(sample_project, event_id)
    for bad, message in [
        (replace(good, reliability="Z"), "A-F"),
        (replace(good, credibility=9), "1-6"),
        (replace(good, title=""), "title"),
        (replace(good, end_s=good.start_s), "end"),
        (replace(good, location_id=99_999), "place"),
    ]:
        with pytest.raises(EditError, match=message):
            editing.update_event(sample_project, event_id, bad)
    assert editing.read_event(sample_project, event_id) == good
