"""The map's tools through the real window and page: coordinates in DD/DMS/MGRS, the
"go to" box, the measure tool (against domain.geodesy), and the measure in a PNG."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from helpers import run_js
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox

from desktop_app.domain import geodesy
from desktop_app.domain.coords import format_point, parse_point
from desktop_app.store.project import Project

WAIT_MS = 30_000
MOSCOW = (55.7558, 37.6173)
BEIJING = (39.9042, 116.4074)
TAIPEI = (25.0330, 121.5654)


def _js(qtbot: Any, window: Any, expression: str) -> Any:
    return run_js(qtbot, window.map.page, expression)


def _event_at(window: Any, place: str) -> int:
    frame = window.workbench.linker.frame
    rows = [i for i, p in enumerate(frame.place) if p == place]
    assert rows, place
    return int(frame.ids[rows[0]])


def _client_point(qtbot: Any, window: Any, lat: float, lon: float) -> tuple[float, float]:
    p = _js(
        qtbot,
        window,
        f"(function(){{var p=Sightline.map().latLngToContainerPoint([{lat},{lon}]);"
        "var r=Sightline.map().getContainer().getBoundingClientRect();"
        "return [p.x + r.left, p.y + r.top];})()",
    )
    return float(p[0]), float(p[1])


def _mouse(qtbot: Any, window: Any, kind: str, x: float, y: float) -> None:
    script = (
        f"(function(){{var t=document.elementFromPoint({x},{y});"
        f"t.dispatchEvent(new MouseEvent({json.dumps(kind)},{{clientX:{x},clientY:{y},"
        "bubbles:true,cancelable:true,button:0,view:window}));return true;})()"
    )
    assert _js(qtbot, window, script) is True


def _click_at(qtbot: Any, window: Any, lat: float, lon: float) -> None:
    x, y = _client_point(qtbot, window, lat, lon)
    on_control = f"!!document.elementFromPoint({x},{y}).closest('.leaflet-control')"
    assert _js(qtbot, window, on_control) is False, f"{lat}, {lon} is under a control"
    _mouse(qtbot, window, "click", x, y)


def _measure(qtbot: Any, window: Any) -> dict[str, Any]:
    state = _js(qtbot, window, "Sightline.measure.state()")
    assert isinstance(state, dict)
    return state


# ---------------------------------------------------------------------- coordinates
def test_details_and_the_pointer_write_the_chosen_format(
    make_main_window: Any, qtbot: Any, sample_project: Project
) -> None:
    window = make_main_window(sample_project)
    actions = window.workbench.actions
    event = _event_at(window, "Moscow")
    window.workbench.selection.set([event], active=event)
    assert "55.75580, 37.61730" in window.details.card_text()  # decimal degrees at first
    assert actions.action("view.coordinates.dd").isChecked()

    actions.action("view.coordinates.mgrs").trigger()
    assert format_point(*MOSCOW, "mgrs") == "37U DB 13224 79766"
    assert "37U DB 13224 79766" in window.details.card_text()
    assert window.workbench.settings.value("map/coordinates") == "mgrs"  # remembered
    assert actions.action("view.coordinates.mgrs").isChecked()
    assert not actions.action("view.coordinates.dd").isChecked()

    actions.action("view.coordinates.dms").trigger()
    assert "55°45′20.9″N 37°37′02.3″E" in window.details.card_text()

    # the pointer readout in the map's corner, written by Python in the same format
    actions.action("view.coordinates.mgrs").trigger()
    size = _js(qtbot, window, "Sightline.map().getSize()")
    x, y = round(size["x"] * 0.4), round(size["y"] * 0.6)  # whole pixels, as events give
    at = _js(qtbot, window, f"Sightline.map().containerPointToLatLng([{x}, {y}])")
    rect = _js(qtbot, window, "Sightline.map().getContainer().getBoundingClientRect()")
    expected = format_point(at["lat"], (at["lng"] + 180) % 360 - 180, "mgrs")

    def readout() -> Any:
        _mouse(qtbot, window, "mousemove", x + rect["left"], y + rect["top"])
        return _js(qtbot, window, "Sightline.pointer.text()")

    qtbot.waitUntil(lambda: readout() == expected, timeout=WAIT_MS)
    # a picture of the map has no readout (it is one of the map's controls)
    window.map.set_chrome(False)
    qtbot.waitUntil(
        lambda: (
            _js(qtbot, window, "getComputedStyle(document.querySelector('.sl-pointer')).display")
            == "none"
        ),
        timeout=WAIT_MS,
    )
    window.map.set_chrome(True)


def test_the_coordinate_format_is_remembered(
    make_main_window: Any, qtbot: Any, sample_project: Project, tmp_path: Path
) -> None:
    from PySide6.QtCore import QSettings

    # the settings file make_main_window's first window reads, as the last session left it
    settings = QSettings(str(tmp_path / "settings0.ini"), QSettings.Format.IniFormat)
    settings.setValue("map/coordinates", "mgrs")
    settings.sync()
    window = make_main_window(sample_project)
    assert window.workbench.actions.action("view.coordinates.mgrs").isChecked()
    assert window.details.coordinate_style == "mgrs"
    event = _event_at(window, "Moscow")
    window.workbench.selection.set([event], active=event)
    assert "37U DB 13224 79766" in window.details.card_text()


# ---------------------------------------------------------------------- go to
@pytest.mark.parametrize(
    "text",
    ["37U DB 13224 79766", "55°45′21″N 37°37′02″E", "39.9042, 116.4074"],
)
def test_go_to_flies_the_map_to_the_point_and_marks_it(
    make_main_window: Any, qtbot: Any, sample_project: Project, text: str
) -> None:
    window = make_main_window(sample_project)
    window.workbench.actions.action("edit.go_to").trigger()  # Ctrl+G
    dialog = window.features["map_tools"].dialog
    assert dialog is not None and dialog.isVisible()
    dialog.edit.setText(text)
    lat, lon = parse_point(text)
    assert dialog.reading.text() == "→ " + format_point(lat, lon, "dd")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert not dialog.isVisible()

    def centred() -> bool:
        where = _js(
            qtbot,
            window,
            "[Sightline.settled(), Sightline.map().getCenter(), Sightline.map().getZoom()]",
        )
        pixel = 360.0 / (256 * 2 ** where[2])  # Leaflet centres to a whole pixel
        return bool(
            where[0]
            and where[2] >= 9  # flown in to a town's scale (the flight has landed)
            and abs(where[1]["lat"] - lat) < pixel
            and abs(where[1]["lng"] - lon) < pixel
        )

    qtbot.waitUntil(centred, timeout=WAIT_MS)
    marker = _js(qtbot, window, "Sightline.pointer.marker()")
    assert marker["lat"] == pytest.approx(lat) and marker["lon"] == pytest.approx(lon)
    assert marker["label"] == format_point(lat, lon, "dd")
    # the window's own map position follows
    qtbot.waitUntil(lambda: abs(window.workbench.view_state.map.lat - lat) < 1e-3, timeout=WAIT_MS)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("91, 37", "latitude 91 is outside -90..90"),
        ("somewhere near Moscow", "is not a coordinate"),
        ("37U DB 1322 797", "as many easting as northing digits"),
        ("", "no coordinates given"),
    ],
)
def test_go_to_says_why_a_text_is_not_a_point(
    make_main_window: Any, qtbot: Any, sample_project: Project, text: str, reason: str
) -> None:
    window = make_main_window(sample_project)
    before = _js(qtbot, window, "Sightline.map().getCenter()")
    dialog = window.features["map_tools"].open_go_to()
    dialog.edit.setText(text)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.isVisible()  # still open, with the reason in it
    assert reason in dialog.reading.text()
    assert dialog.reading.property("error") is True
    assert "Traceback" not in dialog.reading.text()
    assert _js(qtbot, window, "Sightline.map().getCenter()") == before
    assert _js(qtbot, window, "Sightline.pointer.marker()") is None
    dialog.reject()


# ---------------------------------------------------------------------- measure
def test_measure_three_clicked_points_as_geodesy_does(
    make_main_window: Any, qtbot: Any, sample_project: Project, tmp_path: Path
) -> None:
    window = make_main_window(sample_project)
    # zoom 3 with Moscow near the top left, clear of the map's buttons: Beijing and Taipei
    # are then clear of the measure's panel (bottom right) too
    _js(
        qtbot,
        window,
        f"(function(){{var m=Sightline.map(), s=m.getSize();"
        f"var c=m.unproject(m.project([{MOSCOW[0]},{MOSCOW[1]}],3).add([s.x/2-110,s.y/2-40]),3);"
        "m.setView(c,3,{animate:false});return true;})()",
    )
    qtbot.waitUntil(
        lambda: _js(qtbot, window, "Sightline.settled() && Sightline.map().getZoom()") == 3,
        timeout=WAIT_MS,
    )
    selected = _event_at(window, "Moscow")
    window.workbench.selection.set([selected], active=selected, source="test")
    measure = window.workbench.actions.action("view.measure")
    measure.trigger()  # M
    qtbot.waitUntil(lambda: _measure(qtbot, window)["on"] is True, timeout=WAIT_MS)
    assert measure.isChecked()
    for point in (MOSCOW, BEIJING, TAIPEI):  # Moscow and Beijing are event markers
        _click_at(qtbot, window, *point)
    state = _measure(qtbot, window)
    assert len(state["points"]) == 3 and state["finished"] is False
    _mouse(qtbot, window, "dblclick", *_client_point(qtbot, window, *TAIPEI))  # finishes
    state = _measure(qtbot, window)
    assert len(state["points"]) == 3 and state["finished"] is True
    clicked = [tuple(p) for p in state["points"]]
    # the page's figures are geodesy's for the points it got, leg by leg
    assert state["legsKm"] == pytest.approx(geodesy.legs_km(clicked), rel=1e-9)
    assert state["totalKm"] == pytest.approx(geodesy.path_km(clicked), rel=1e-9)
    # and within 0.5 % of the cities' own path (a click lands on a pixel)
    assert state["totalKm"] == pytest.approx(geodesy.path_km([MOSCOW, BEIJING, TAIPEI]), rel=5e-3)
    total = round(state["totalKm"])
    assert state["total"] == f"Distance {total:,} km"
    # clicks on markers measured, they did not select
    assert window.workbench.selection.ids == frozenset([selected])

    # units chosen in the tool
    window.map.send_tool("measure", {"unit": "nm"})
    qtbot.waitUntil(lambda: _measure(qtbot, window)["unit"] == "nm", timeout=WAIT_MS)
    nm = geodesy.in_unit(state["totalKm"], "nm")
    assert _measure(qtbot, window)["total"] == f"Distance {round(nm):,} nm"

    # area of the same three points
    window.map.send_tool("measure", {"mode": "area", "unit": "km"})
    qtbot.waitUntil(lambda: _measure(qtbot, window)["mode"] == "area", timeout=WAIT_MS)
    area = _measure(qtbot, window)
    assert area["areaKm2"] == pytest.approx(geodesy.area_km2(clicked), rel=1e-9)
    assert area["areaKm2"] == pytest.approx(geodesy.area_km2([MOSCOW, BEIJING, TAIPEI]), rel=5e-3)
    assert area["total"].startswith(f"Area {round(area['areaKm2']):,} km²")

    # a PNG of the map carries the measure (its purple line), not its buttons
    exports = window.features["exporting"]
    path = tmp_path / "measure.png"
    with qtbot.waitSignal(exports.exported, timeout=60_000):
        exports.export_png(window.map, path, QSize(700, 450), 1.0)
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1, 4)
    rgb = pixels[:, : image.width(), 2::-1].astype(int)
    purple = (abs(rgb - np.array([0x70, 0x48, 0xE8])).sum(axis=2) < 40).sum()
    assert purple > 100

    # Esc ends the measure; the selection stays
    window.map.web_view.setFocus()
    focus = window.map.web_view.focusProxy() or window.map.web_view
    QTest.keyClick(focus, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: _measure(qtbot, window)["on"] is False, timeout=WAIT_MS)
    assert not measure.isChecked()
    assert window.workbench.selection.ids == frozenset([selected])
    assert _js(qtbot, window, "Sightline.measure.state().points") == []
    # with the tool off, a click on a marker selects again
    other = _event_at(window, "Beijing")
    _click_at(qtbot, window, *BEIJING)
    qtbot.waitUntil(lambda: other in window.workbench.selection.ids, timeout=WAIT_MS)
