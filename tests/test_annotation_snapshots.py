"""Saved views carry the area filter and the annotations shown; views saved before
either existed read as before (no area, every annotation). No Qt needed."""

from __future__ import annotations

from desktop_app.state.models import Filters
from desktop_app.state.snapshot import ViewSnapshot

AREA = ((10.0, 40.0), (20.0, 40.0), (20.0, 50.0))


def test_area_and_annotations_round_trip_through_json() -> None:
    snap = ViewSnapshot(
        title="t", filters=Filters(text="x", area=AREA), annotations=frozenset({3, 1})
    )
    data = snap.to_dict()
    assert data["filters"]["area"] == [[10.0, 40.0], [20.0, 40.0], [20.0, 50.0]]
    assert data["annotations"] == [1, 3]
    assert ViewSnapshot.from_json(snap.to_json()) == snap
    assert snap.with_text("u", "n").annotations == {1, 3}


def test_a_view_without_them_writes_and_reads_as_before() -> None:
    plain = ViewSnapshot(title="old").to_dict()
    assert "annotations" not in plain and "area" not in plain["filters"]
    old = ViewSnapshot.from_dict({"format": 1, "title": "old", "filters": {"t0": 5}})
    assert old.annotations is None and old.filters.area == () and old.filters.t0 == 5
    hidden = ViewSnapshot.from_dict({"annotations": []})
    assert hidden.annotations == frozenset()  # a view that showed none shows none


def test_a_malformed_area_or_list_is_dropped() -> None:
    for area in ([[1, 2], [3, 4]], [[1, 2], [3, "x"], [5, 6]], "box", [[1, 2, 3]] * 3):
        assert ViewSnapshot.from_dict({"filters": {"area": area}}).filters.area == ()
    odd = ViewSnapshot.from_dict({"annotations": [1, "2", True, 4.0, 5]})
    assert odd.annotations == {1, 5}
    assert ViewSnapshot.from_dict({"annotations": "all"}).annotations is None
