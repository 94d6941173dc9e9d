"""The map goes to what is selected elsewhere when none of it is in view, and a picture
of the map shows the map alone (no buttons, no note). The real page, offscreen."""

from __future__ import annotations

from typing import Any

from helpers import map_at, run_js

from desktop_app.state.models import MapView as MapPosition
from desktop_app.store.project import Project

WAIT_MS = 20_000


def _id_of(window: Any, place: str) -> int:
    frame = window.workbench.linker.frame
    return int(frame.ids[list(frame.place).index(place)])


def _in_view(qtbot: Any, window: Any, event_id: int) -> bool:
    pixel = run_js(qtbot, window.map.page, f"Sightline.eventPixel({event_id})")
    size = [window.map.width(), window.map.height()]
    return bool(pixel) and 0 <= pixel["x"] <= size[0] and 0 <= pixel["y"] <= size[1]


def test_selecting_elsewhere_brings_the_event_into_view(
    make_main_window: Any, sample_project: Project, qtbot: Any
) -> None:
    window = make_main_window(sample_project)
    wb = window.workbench
    moscow, manila = _id_of(window, "Moscow"), _id_of(window, "Manila")
    close_up = MapPosition(55.75, 37.6, 7.0)  # Moscow
    wb.view_state.set_map(close_up, source=None)
    qtbot.waitUntil(lambda: map_at(qtbot, window.map.page, close_up), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: _in_view(qtbot, window, moscow), timeout=WAIT_MS)
    assert not _in_view(qtbot, window, manila)
    wb.selection.set([manila], source=window.table)  # as a click in the table does
    qtbot.waitUntil(lambda: _in_view(qtbot, window, manila), timeout=WAIT_MS)
    # something already in view does not move the map
    where = wb.view_state.map
    wb.selection.set([manila], active=manila, source=window.table)
    qtbot.wait(300)
    assert wb.view_state.map == where


def test_a_view_set_with_its_selection_is_not_overridden(
    make_main_window: Any, sample_project: Project, qtbot: Any
) -> None:
    """A saved view sets the selection and the map's view in one turn: the map keeps the
    saved view even when the selection lies outside it."""
    window = make_main_window(sample_project)
    wb = window.workbench
    manila = _id_of(window, "Manila")
    target = MapPosition(55.75, 37.6, 7.0)
    wb.selection.set([manila], source=None)
    wb.view_state.set_map(target, source=None)
    qtbot.waitUntil(
        lambda: wb.view_state.map is not None and abs(wb.view_state.map.lat - 55.75) < 0.05,
        timeout=WAIT_MS,
    )
    qtbot.wait(400)
    assert abs(wb.view_state.map.lat - 55.75) < 0.05 and wb.view_state.map.zoom == 7.0


def test_a_picture_of_the_map_shows_no_buttons_or_note(
    make_main_window: Any, sample_project: Project, qtbot: Any
) -> None:
    window = make_main_window(sample_project)
    page = window.map.page
    shown = "getComputedStyle(document.querySelector('%s')).display !== 'none'"
    zoom, note = shown % ".leaflet-control-zoom", shown % ".sl-note"
    assert run_js(qtbot, page, zoom) and run_js(qtbot, page, note)  # the sample's 1 unlocated
    window.map.set_chrome(False)
    qtbot.waitUntil(lambda: not run_js(qtbot, page, zoom), timeout=WAIT_MS)
    assert not run_js(qtbot, page, note)
    assert run_js(qtbot, page, shown % ".leaflet-control-scale")  # a picture keeps its scale
    window.map.set_chrome(True)
    qtbot.waitUntil(
        lambda: run_js(qtbot, page, zoom) and run_js(qtbot, page, note), timeout=WAIT_MS
    )


def test_results_and_selection_outside_the_view_are_offered(
    make_main_window: Any, sample_project: Project, qtbot: Any
) -> None:
    """A filter whose results lie partly outside a close-up, and a selection outside it,
    get a notice on the map; its button goes to them. No filter: no notice."""
    window = make_main_window(sample_project)
    wb, page = window.workbench, window.map.page
    close_up = MapPosition(55.75, 37.6, 7.0)  # Moscow
    wb.view_state.set_map(close_up, source=None)
    qtbot.waitUntil(lambda: map_at(qtbot, page, close_up), timeout=WAIT_MS)
    assert run_js(qtbot, page, "Sightline.counts().outside") is None  # nothing filtered
    # the 2025 events: London, Taipei, Manila (the leak has no place), none in Moscow
    wb.filters.set_time_window(*_year_window(2025))
    qtbot.waitUntil(
        lambda: (
            run_js(qtbot, page, "Sightline.counts().outside") == "3 results are outside the view"
        ),
        timeout=WAIT_MS,
    )
    wb.filters.set_time_window(None, None)
    qtbot.waitUntil(
        lambda: run_js(qtbot, page, "Sightline.counts().outside") is None, timeout=WAIT_MS
    )
    # a selection made on the map itself (so the map does not fly) lying partly outside
    moscow, manila = _id_of(window, "Moscow"), _id_of(window, "Manila")
    wb.selection.set([moscow, manila], source=window.map)
    window.map._push_selection()  # as the map does after its own click or box
    qtbot.waitUntil(
        lambda: (
            run_js(qtbot, page, "Sightline.counts().outside")
            == "1 selected event is outside the view"
        ),
        timeout=WAIT_MS,
    )
    run_js(qtbot, page, "document.querySelector('.sl-outside button').click() || true")
    qtbot.waitUntil(lambda: _in_view(qtbot, window, manila), timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: run_js(qtbot, page, "Sightline.counts().outside") is None, timeout=WAIT_MS
    )


def _year_window(year: int) -> tuple[int, int]:
    from datetime import datetime

    from desktop_app.domain.dates import to_seconds

    return to_seconds(datetime(year, 1, 1)), to_seconds(datetime(year + 1, 1, 1))


def test_the_map_shows_what_an_import_brought(
    make_main_window: Any, sample_project: Project, qtbot: Any, data_dir: Any
) -> None:
    window = make_main_window(sample_project)
    wb = window.workbench
    close_up = MapPosition(-33.9, 151.2, 8.0)  # Sydney: no event of either file
    wb.view_state.set_map(close_up, source=None)
    qtbot.waitUntil(lambda: map_at(qtbot, window.map.page, close_up), timeout=WAIT_MS)
    with qtbot.waitSignal(window.features["importing"].import_finished, timeout=WAIT_MS):
        window.features["importing"].import_path(data_dir / "acled_sample.csv")
    kyiv = lambda: _id_of(window, "Kyiv")  # noqa: E731
    qtbot.waitUntil(lambda: "Kyiv" in set(wb.linker.frame.place), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: _in_view(qtbot, window, kyiv()), timeout=WAIT_MS)
    where = wb.view_state.map
    assert where is not None and where.zoom < 8.0 and 0 < where.lat < 60  # Ukraine to Sudan
