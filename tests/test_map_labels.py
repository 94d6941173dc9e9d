"""Offline map labels: countries, cities by zoom and seas; never colliding, never over an
event. The real page, offscreen, on the sample."""

from __future__ import annotations

from typing import Any

from helpers import run_js

from desktop_app.state.models import MapView as MapPosition
from desktop_app.store.project import Project
from desktop_app.views.map.labels import build_labels, labels_json, map_labels

WAIT_MS = 20_000


def test_the_shipped_labels_are_current() -> None:
    """resources/basemap/labels.json is what `python -m desktop_app.views.map.labels`
    writes from the shipped basemap and gazetteer (rerun it when either changes)."""
    assert labels_json(map_labels()) == labels_json(build_labels())
    by_name = {label[0]: label for label in map_labels()}
    assert by_name["Moscow"][3] == "capital" and by_name["Moscow"][4] <= 4
    assert by_name["Ryazan\u2019"][3] == "city" and by_name["Ryazan\u2019"][4] == 6
    assert by_name["Black Sea"][3] == "sea" and by_name["Russia"][3] == "country"


def _placed(qtbot: Any, window: Any) -> list[dict[str, Any]]:
    return list(run_js(qtbot, window.map.page, "Sightline.counts().labels"))


def _overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and a[2] > b[0] and a[1] < b[3] and a[3] > b[1]


def _settled_at(qtbot: Any, window: Any, lat: float, zoom: float) -> None:
    window.workbench.view_state.set_map(MapPosition(lat, 37.6, zoom), source=None)
    qtbot.waitUntil(
        lambda: (
            run_js(qtbot, window.map.page, "Sightline.settled()")
            and run_js(qtbot, window.map.page, "Sightline.map().getZoom()") == zoom
        ),
        timeout=WAIT_MS,
    )


def test_labels_read_right_at_every_scale_and_hide_nothing(
    make_main_window: Any, sample_project: Project, qtbot: Any
) -> None:
    window = make_main_window(sample_project)
    placed = _placed(qtbot, window)
    texts = {p["text"] for p in placed}
    assert {"China", "Russia"} & texts and any(p["kind"] == "sea" for p in placed)
    _settled_at(qtbot, window, 55.0, 7.0)  # about 200 km around Moscow
    # towns read apart without hovering (the labels follow the move once it has ended)
    qtbot.waitUntil(
        lambda: {"Ryazan\u2019", "Tula"} <= {p["text"] for p in _placed(qtbot, window)},
        timeout=WAIT_MS,
    )
    placed = _placed(qtbot, window)
    boxes = [p["box"] for p in placed]
    for i, a in enumerate(boxes):
        assert not any(_overlap(a, b) for b in boxes[i + 1 :]), placed[i]["text"]
    frame = window.workbench.linker.frame
    origin = run_js(
        qtbot, window.map.page, "(function(){var r=Sightline.map().getContainer()"
        ".getBoundingClientRect(); return [r.left, r.top];})()"
    )  # fmt: skip
    for event_id in frame.ids[frame.located].tolist():
        pixel = run_js(qtbot, window.map.page, f"Sightline.eventPixel({event_id})")
        if pixel is None:
            continue
        x, y = pixel["x"] - origin[0], pixel["y"] - origin[1]
        marker = [x - 6, y - 6, x + 6, y + 6]
        assert not any(_overlap(marker, b) for b in boxes)  # no label over an event


def test_the_projects_own_places_are_named_first(
    make_main_window: Any, sample_project: Project, qtbot: Any, data_dir: Any
) -> None:
    """A place no gazetteer label has (ACLED's Vovchansk) is named on the map, and a
    project place the gazetteer also has (Moscow) is named once, as the project's."""
    from desktop_app.ingest.pipeline import import_file
    from desktop_app.views.map.places import place_labels

    import_file(sample_project, data_dir / "acled_sample.csv")
    window = make_main_window(sample_project)
    frame = window.workbench.linker.frame
    labels = {label[0]: label for label in place_labels(frame)}
    assert labels["Moscow"][5] == 3 and labels["Moscow"][4] == 3  # its three events, busiest
    assert "Vovchansk" in labels and "Vovchansk" not in {g[0] for g in map_labels()}
    window.workbench.view_state.set_map(MapPosition(50.3, 36.9, 8.0), source=None)
    qtbot.waitUntil(
        lambda: any(
            p["text"] == "Vovchansk" and p["kind"] == "place" for p in _placed(qtbot, window)
        ),
        timeout=WAIT_MS,
    )
    _settled_at(qtbot, window, 55.75, 6.0)
    moscow = [p for p in _placed(qtbot, window) if p["text"] == "Moscow"]
    assert [p["kind"] for p in moscow] == ["place"]
