"""The standalone HTML export clusters its markers like the app's map (issue 13): at each
zoom, events whose markers would touch merge into count bubbles (the rule of
``frame/bubbles.py``), so no marker or bubble hides another; zoomed in, every event is
its own marker again, and a click on a bubble zooms in to its events."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
from helpers import run_js
from test_html_export import _load, _no_remote_reference

from desktop_app.domain.dates import Precision
from desktop_app.export.html_page import HtmlStep, write_html
from desktop_app.export.records import ExportEvent

WAIT_MS = 30_000
GAP = 2.0
HOSTILE = '<img src=x onerror="window.__canary=1"><script>window.__canary=2</script>'
# where the crowd is: around five cities, and a few far off (lat, lon, spread in degrees)
CITIES = [
    (50.45, 30.52, 2.0),
    (36.2, 37.15, 1.5),
    (12.64, -8.0, 1.0),
    (4.71, -74.07, 3.0),
    (14.6, 121.0, 0.5),
]
KYIV = (50.45, 30.52)


def crowd(n: int = 2000, seed: int = 7) -> list[ExportEvent]:
    """``n`` events, most crowded around four cities (coordinates at the two decimals the
    export writes, so some share a spot), a few unlocated, some with hostile titles."""
    rng = np.random.default_rng(seed)
    events = []
    for i in range(n):
        lat: float | None
        lon: float | None
        if i % 97 == 0:
            lat = lon = None  # no location: listed, never drawn
        elif i % 50 == 0:
            lat, lon = float(rng.uniform(-40, 60)), float(rng.uniform(-120, 150))
        else:
            c_lat, c_lon, spread = CITIES[i % len(CITIES)]
            lat = c_lat + float(rng.normal(0, spread / 3))
            lon = c_lon + float(rng.normal(0, spread / 3))
        if lat is not None and lon is not None:
            lat, lon = round(lat, 2), round(lon, 2)
        title = HOSTILE if i % 101 == 0 else f"Shelling report {i}"
        events.append(
            ExportEvent(
                id=i + 1,
                title=title,
                start_s=1_700_000_000 + i * 3600,
                precision=int(Precision.DAY),
                latitude=lat,
                longitude=lon,
                place="Somewhere",
                category="Battles" if i % 3 else "Protests",
            )
        )
    return events


def page_of(
    tmp_path: Path, events: list[ExportEvent], picked: frozenset[int] = frozenset(), **kw: Any
) -> Path:
    path = tmp_path / "crowd.html"
    step = HtmlStep("", "", [e.id for e in events], selection=picked, map=(20.0, 20.0, 2.0))
    write_html(path, "Crowd", events, [step], **kw)
    return path


def drawn(qtbot: Any, page: Any) -> tuple[list[list[float]], list[list[float]]]:
    return (
        run_js(qtbot, page, "SightlineExport.bubbles()"),
        run_js(qtbot, page, "SightlineExport.lones()"),
    )


def assert_apart(circles: list[list[float]]) -> None:
    """No two drawn circles (x, y, r) come within GAP px of each other."""
    xy = np.array([c[:2] for c in circles], float)
    r = np.array([c[2] for c in circles], float)
    for i in range(len(circles)):
        d = np.hypot(xy[i + 1 :, 0] - xy[i, 0], xy[i + 1 :, 1] - xy[i, 1])
        close = d < r[i] + r[i + 1 :] + GAP - 0.01
        assert not close.any(), (circles[i], [circles[i + 1 + k] for k in np.flatnonzero(close)])


def dom_bubbles(qtbot: Any, page: Any) -> list[list[float]]:
    """The bubbles' own boxes in the page, as (x, y, r, count text) in map container pixels."""
    return run_js(
        qtbot,
        page,
        "(function () { var m = document.getElementById('sl-map').getBoundingClientRect();"
        " return Array.prototype.map.call(document.querySelectorAll('.sl-bubble'), function (b) {"
        " var r = b.getBoundingClientRect(); return [r.left - m.left + r.width / 2,"
        " r.top - m.top + r.height / 2, r.width / 2, b.textContent]; }); })()",
    )


def test_world_zoom_merges_touching_markers_into_bubbles_that_never_overlap(
    qtbot: Any, tmp_path: Path
) -> None:
    events = crowd()
    located = sum(e.located for e in events)
    path = page_of(tmp_path, events)
    _no_remote_reference(path.read_text("utf-8"))
    view, interceptor = _load(qtbot, path)
    page = view.page()
    assert run_js(qtbot, page, "SightlineExport.center()")[2] == 2.0
    bubbles, lones = drawn(qtbot, page)
    assert run_js(qtbot, page, "SightlineExport.markerCount()") == located
    # every located event is drawn once: alone or counted in one bubble
    assert sum(int(b[3]) for b in bubbles) + len(lones) == located
    assert len({int(lone[3]) for lone in lones}) == len(lones)
    assert len(bubbles) >= 4 and max(b[3] for b in bubbles) > 100  # the crowds merged
    assert all(b[3] >= 2 for b in bubbles)
    for b in bubbles:  # the app's radius for the count
        assert b[2] == round(2 * min(8 + 3.2 * math.log10(b[3]), 22)) / 2
    assert_apart(bubbles + lones)
    # the bubbles in the page are where the page says, and show their counts as text
    boxes = dom_bubbles(qtbot, page)
    assert len(boxes) == sum(b[4] for b in bubbles) > 4  # those in and around the view
    by_place = sorted((round(x), round(y), r, int(t.replace(",", ""))) for x, y, r, t in boxes)
    said = sorted((round(x), round(y), r, int(c)) for x, y, r, c, made in bubbles if made)
    assert all(
        abs(a[0] - b[0]) <= 1 and abs(a[1] - b[1]) <= 1 and a[2:] == b[2:]
        for a, b in zip(by_place, said, strict=True)
    )
    assert interceptor.blocked == []


def test_zoomed_to_a_city_every_event_is_its_own_marker(qtbot: Any, tmp_path: Path) -> None:
    # a city's events at distinct spots, far enough apart at zoom 14 (about 10 m a pixel)
    events = [
        ExportEvent(
            id=i + 1,
            title=f"Kyiv {i}",
            start_s=1_700_000_000 + i,
            precision=int(Precision.DAY),
            latitude=KYIV[0] + 0.01 * (i // 6),
            longitude=KYIV[1] + 0.01 * (i % 6),
        )
        for i in range(36)
    ]
    view, _ = _load(qtbot, page_of(tmp_path, events))
    page = view.page()
    bubbles, lones = drawn(qtbot, page)
    assert len(bubbles) == 1 and bubbles[0][3] == 36 and lones == []  # world zoom: one
    run_js(qtbot, page, f"SightlineExport.zoomTo({KYIV[0] + 0.025}, {KYIV[1] + 0.025}, 12)")
    qtbot.waitUntil(lambda: drawn(qtbot, page)[0] == [], timeout=WAIT_MS)
    bubbles, lones = drawn(qtbot, page)
    assert len(lones) == 36 and sorted(int(lone[3]) for lone in lones) == list(range(1, 37))
    assert_apart(lones)
    assert run_js(qtbot, page, "document.querySelectorAll('.sl-bubble').length") == 0


def test_a_bubble_click_zooms_in_to_its_events(qtbot: Any, tmp_path: Path) -> None:
    view, _ = _load(qtbot, page_of(tmp_path, crowd()))
    page = view.page()
    width, height = run_js(
        qtbot,
        page,
        "[document.getElementById('sl-map').clientWidth,"
        " document.getElementById('sl-map').clientHeight]",
    )
    bubbles, _lones = drawn(qtbot, page)
    biggest = max(
        (b for b in bubbles if 30 < b[0] < width - 30 and 30 < b[1] < height - 30),
        key=lambda b: b[3],
    )
    before = run_js(qtbot, page, "SightlineExport.center()")
    # a real click where the bubble is drawn, through the element under that point
    run_js(
        qtbot,
        page,
        "(function (x, y) { var m = document.getElementById('sl-map').getBoundingClientRect();"
        " var target = document.elementFromPoint(m.left + x, m.top + y);"
        " target.dispatchEvent(new MouseEvent('click', {bubbles: true, clientX: m.left + x,"
        f" clientY: m.top + y}})); }})({biggest[0]}, {biggest[1]})",
    )
    qtbot.waitUntil(
        lambda: run_js(qtbot, page, "SightlineExport.center()")[2] >= before[2] + 2,
        timeout=WAIT_MS,
    )
    bubbles, lones = drawn(qtbot, page)
    assert_apart(bubbles + lones)
    # the view now holds that bubble's place; its events spread over more markers
    inside = [b for b in bubbles + lones if 0 <= b[0] <= width and 0 <= b[1] <= height]
    assert len(inside) > 1


def test_picked_events_are_drawn_alone_over_the_bubbles_and_titles_stay_inert(
    qtbot: Any, tmp_path: Path
) -> None:
    events = crowd()
    picked = frozenset(e.id for e in events if e.located and e.id % 101 == 1)  # hostile titles
    assert len(picked) >= 10
    colours = {"Battles": "#1b9e77", "Protests": "#d95f02"}
    colour = {
        "facet": "category",
        "legend": [[k, 1, v] for k, v in colours.items()],
        "of": {e.id: colours[e.category or ""] for e in events},
    }
    view, _ = _load(qtbot, page_of(tmp_path, events, picked, colour=colour))
    page = view.page()
    bubbles, lones = drawn(qtbot, page)
    shown = run_js(qtbot, page, "SightlineExport.picked()")
    assert sorted(int(p[3]) for p in shown) == sorted(picked)
    located = sum(e.located for e in events)
    assert sum(int(b[3]) for b in bubbles) + len(lones) + len(shown) == located
    assert run_js(qtbot, page, "SightlineExport.markerCount()") == located
    assert_apart(bubbles + lones)
    # the picked events' pane lies over the bubbles' (Leaflet's marker pane)
    z_index = "parseInt(getComputedStyle(document.querySelector('.leaflet-%s-pane')).zIndex)"
    assert run_js(qtbot, page, z_index % "sl-picked") > run_js(qtbot, page, z_index % "marker")
    # mixed bubbles are ringed with the colour mix; the count is the only text in them
    assert run_js(qtbot, page, "document.querySelectorAll('.sl-bubble.sl-mixed').length") > 0
    texts = run_js(
        qtbot,
        page,
        "Array.prototype.map.call(document.querySelectorAll('.sl-bubble'),"
        " function (b) { return b.textContent; })",
    )
    assert all(t.replace(",", "").isdigit() for t in texts)
    # the hostile titles are text in the list; nothing ran, no element was made of them
    assert HOSTILE in run_js(qtbot, page, "document.getElementById('sl-list').textContent")
    assert run_js(qtbot, page, "window.__canary === undefined")
    assert (
        run_js(
            qtbot,
            page,
            "document.querySelectorAll('#sl-map img:not(.leaflet-tile), "
            "#sl-map script, #sl-list img, #sl-list script').length",
        )
        == 0
    )


def test_events_at_one_spot_are_one_bubble_whose_click_chooses_the_first(
    qtbot: Any, tmp_path: Path
) -> None:
    # five reports given the same coordinates (the export writes two decimals): they can
    # never come apart, so the bubble stays at every zoom and a click opens the earliest
    events = [
        ExportEvent(
            id=10 + i,
            title=f"Same spot {i}",
            start_s=1_700_000_000 - i * 86_400,  # the last is the earliest
            precision=int(Precision.DAY),
            latitude=KYIV[0],
            longitude=KYIV[1],
        )
        for i in range(5)
    ]
    view, _ = _load(qtbot, page_of(tmp_path, events))
    page = view.page()
    run_js(qtbot, page, f"SightlineExport.zoomTo({KYIV[0]}, {KYIV[1]}, 12)")
    qtbot.waitUntil(
        lambda: run_js(qtbot, page, "SightlineExport.center()")[2] == 12, timeout=WAIT_MS
    )
    bubbles, lones = drawn(qtbot, page)
    assert [b[3] for b in bubbles] == [5] and lones == []
    run_js(qtbot, page, "document.querySelector('.sl-bubble').click()")
    assert run_js(qtbot, page, "document.querySelector('#sl-detail h4').textContent") == (
        "Same spot 4"
    )
    assert run_js(qtbot, page, "SightlineExport.center()")[2] == 12
