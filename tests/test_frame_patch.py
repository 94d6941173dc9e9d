"""patch_frame: after an edit, the frame patched with the events it touched equals a
frame loaded afresh, column by column (no Qt; SQLite, and PostgreSQL in CI).

Each test edits a real project through the store's editing functions (ACLED and GDELT
files imported as a user would), patches the frame loaded before the edit with the ids
the edit changed, and compares it with ``load_frame`` after the edit.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from desktop_app.domain.dates import Precision, to_seconds
from desktop_app.frame import EventFrame
from desktop_app.frame import patch as patch_module
from desktop_app.frame.cache import load_frame
from desktop_app.frame.patch import ROW_COLUMNS, patch_frame
from desktop_app.ingest.pipeline import import_file
from desktop_app.store import editing, frame_rows
from desktop_app.store.editing import EventFields, LocationFields, SourceFields
from desktop_app.store.project import Project


@pytest.fixture()
def loaded(project: Project, data_dir: Path) -> Project:
    """ACLED's sample export and a GDELT 1.0 event file: places, actors, sources, tags."""
    import_file(project, data_dir / "acled_sample.csv")
    import_file(project, data_dir / "gdelt_v1.tsv")
    return project


def assert_same(patched: EventFrame, fresh: EventFrame) -> None:
    assert len(patched) == len(fresh)
    for name in ROW_COLUMNS:
        got, want = getattr(patched, name), getattr(fresh, name)
        assert got.dtype == want.dtype, name
        if got.dtype.kind == "f":
            assert np.array_equal(got, want, equal_nan=True), name
        else:
            assert got.tolist() == want.tolist(), name
    assert patched.single.keys() == fresh.single.keys()
    for facet, (codes, names) in fresh.single.items():
        assert patched.single[facet][1] == names, facet
        assert patched.single[facet][0].tolist() == codes.tolist(), facet
    assert patched.multi.keys() == fresh.multi.keys()
    for facet, links in fresh.multi.items():
        mine = patched.multi[facet]
        assert mine.names == links.names, facet
        assert mine.rows.dtype == links.rows.dtype and mine.codes.dtype == links.codes.dtype
        # links are a set of (row, value): the same pairs, in any order
        assert sorted(zip(mine.rows.tolist(), mine.codes.tolist(), strict=True)) == sorted(
            zip(links.rows.tolist(), links.codes.tolist(), strict=True)
        ), facet
    for event_id in fresh.ids.tolist():  # ids -> rows works on the patched frame
        assert patched.row_of(event_id) == fresh.row_of(event_id)


def _checked_patch(project: Project, before: EventFrame, ids: list[int]) -> EventFrame:
    patched = patch_frame(before, project, ids)
    assert_same(patched, load_frame(project))
    return patched


def _located_event(frame: EventFrame) -> int:
    return int(frame.ids[np.flatnonzero(frame.location_id >= 0)[0]])


@pytest.mark.parametrize("one_by_one", [True, False])
def test_an_edited_event_is_patched(
    loaded: Project, monkeypatch: pytest.MonkeyPatch, one_by_one: bool
) -> None:
    if not one_by_one:  # the path for many rows: every row sorted again
        monkeypatch.setattr(patch_module, "INSERT_ONE_BY_ONE", 0)
    before = load_frame(loaded)
    event_id = int(before.ids[len(before) // 2])
    other_place = int(before.location_id[before.location_id >= 0][-1])
    old = editing.read_event(loaded, event_id)
    editing.update_event(
        loaded,
        event_id,
        replace(
            old,
            title="Renamed after review",
            start_s=to_seconds(datetime(1999, 5, 1)),  # first row now
            precision=int(Precision.MONTH),
            end_s=None,
            category="A category no other event has",
            tags=["checked", "zeta"],
            reliability="B",
            credibility=2,
            location_id=other_place,
        ),
    )
    patched = _checked_patch(loaded, before, [event_id])
    assert patched.row_of(event_id) == 0
    assert "A category no other event has" in patched.facet_values("category")
    assert len(before) == len(patched) and before.row_of(event_id) != 0  # old frame intact


def test_a_moved_and_renamed_place_patches_its_events(loaded: Project) -> None:
    first = load_frame(loaded)
    place = int(first.location_id[first.location_id >= 0][0])
    joining = [int(i) for i in first.ids[first.location_id != place][::3]]
    for event_id in joining:  # several events at the place, spread over the frame
        editing.update_event(
            loaded, event_id, replace(editing.read_event(loaded, event_id), location_id=place)
        )
    before = _checked_patch(loaded, first, joining)
    fields = editing.read_location(loaded, place)
    editing.update_location(
        loaded,
        place,
        replace(fields, name="Renamed place", country="NO", latitude=69.65, longitude=18.96),
    )
    at_place = frame_rows.events_at_places(loaded, [place])
    assert len(at_place) == len(joining) + 1 > 3
    patched = _checked_patch(loaded, before, at_place)
    rows = patched.rows_of(at_place)
    assert set(patched.place[rows].tolist()) == {"Renamed place"}
    assert np.allclose(patched.lat[rows], 69.65)


def test_merged_and_deleted_places_patch_their_events(loaded: Project) -> None:
    before = load_frame(loaded)
    places = sorted({int(x) for x in before.location_id if x >= 0})
    merge = editing.merge_locations(loaded, places[0], places[1])
    merged = _checked_patch(loaded, before, merge.moved_events)
    deleted = editing.delete_location(loaded, places[2])
    repointed = [r["event_id"] for r in deleted.rows["repointed"]]
    unlocated = _checked_patch(loaded, merged, repointed)
    assert not unlocated.located[unlocated.rows_of(repointed)].any()


def test_a_deleted_event_is_removed(loaded: Project) -> None:
    before = load_frame(loaded)
    event_id = _located_event(before)
    editing.delete_event(loaded, event_id)
    patched = _checked_patch(loaded, before, [event_id])
    assert patched.row_of(event_id) is None and len(patched) == len(before) - 1


def test_a_new_event_is_added(loaded: Project) -> None:
    before = load_frame(loaded)
    place = int(before.location_id[before.location_id >= 0][0])
    new_id = editing.create_event(
        loaded,
        EventFields(
            "A new event",
            to_seconds(datetime(2024, 6, 1)),
            int(Precision.DAY),
            category="Brand new category",
            location_id=place,
            tags=["fresh"],
            reliability="A",
            credibility=1,
        ),
    )
    patched = _checked_patch(loaded, before, [new_id])
    assert patched.row_of(new_id) is not None and len(patched) == len(before) + 1
    again = _checked_patch(loaded, patched, [new_id])  # a patch of a patch
    editing.delete_event(loaded, new_id)  # undo: back to the frame before
    _checked_patch(loaded, again, [new_id])


def test_sources_added_renamed_and_deleted(loaded: Project) -> None:
    before = load_frame(loaded)
    event_id = _located_event(before)
    source_id = editing.create_source(loaded, SourceFields("Aardvark Weekly"), event_id)
    added = _checked_patch(loaded, before, [event_id])
    assert "Aardvark Weekly" in added.facet_values("source")
    cited = editing.event_sources(loaded, int(before.ids[-1]))
    renamed_id = cited[0][0]
    editing.update_source(loaded, renamed_id, SourceFields("Zulu Review"))
    renamed = _checked_patch(loaded, added, frame_rows.events_citing(loaded, [renamed_id]))
    citing = frame_rows.events_citing(loaded, [source_id])
    editing.delete_source(loaded, source_id)
    _checked_patch(loaded, renamed, citing)


def test_unknown_and_repeated_ids_change_nothing(loaded: Project) -> None:
    before = load_frame(loaded)
    same = patch_frame(before, loaded, [999_999, int(before.ids[0]), int(before.ids[0])])
    assert_same(same, before)
    assert patch_frame(before, loaded, []) is before


def test_the_first_event_of_an_empty_project(project: Project) -> None:
    before = load_frame(project)
    assert len(before) == 0
    place = editing.create_location(project, LocationFields("Tromsø", 69.65, 18.96, "NO"))
    new_id = editing.create_event(
        project,
        EventFields(
            "First",
            to_seconds(datetime(2024, 1, 1)),
            int(Precision.YEAR),
            location_id=place,
            tags=["one"],
        ),
    )
    patched = _checked_patch(project, before, [new_id])
    assert patched.place.tolist() == ["Tromsø"]
