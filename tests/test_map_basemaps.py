"""The analyst's own basemaps on the real map page: MBTiles and PMTiles files served
through the ``sightline-tiles:`` scheme, an online URL that lets exactly its host through,
and nothing else leaving the page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import run_js, sample_project_file, screenshot
from PySide6.QtCore import QUrl
from tile_files import make_mbtiles, make_pmtiles

from desktop_app.views.map import MapView
from desktop_app.views.map.interceptor import LocalOnlyInterceptor
from desktop_app.views.map.layers import FILE, ONLINE, OUTLINES, Basemap, online_host
from desktop_app.views.map.tiles import TILE_SCHEME, BasemapError, open_tile_file

LOAD_MS = 30_000
LOCAL = ("file:", "qrc:", "data:", f"{TILE_SCHEME}:")


def _basemap(qtbot: Any, view: MapView) -> Any:
    return run_js(qtbot, view.page, "Sightline.basemap()")


@pytest.mark.parametrize("maker", [make_mbtiles, make_pmtiles], ids=["mbtiles", "pmtiles"])
def test_a_tile_file_serves_its_tiles_and_nothing_leaves_the_page(
    qtbot: Any, make_map: Callable[[], MapView], tmp_path: Path, maker: Any
) -> None:
    path = maker(tmp_path / f"tiles.{maker.__name__.split('_')[1]}")
    view = make_map()
    view.layers.set_basemap(Basemap(FILE, str(path)))
    qtbot.waitUntil(lambda: _basemap(qtbot, view)["loaded"] >= 4, timeout=LOAD_MS)
    state = _basemap(qtbot, view)
    assert state["tiles"] and not state["outlines"]
    assert state["url"].startswith(f"{TILE_SCHEME}:")
    assert view.layers.handler.served >= 4
    seen = list(view.layers.interceptor.seen)
    tiles = [u for u in seen if u.startswith(f"{TILE_SCHEME}:")]
    assert len(tiles) >= 4
    assert all(u.startswith(LOCAL) for u in seen), [u for u in seen if not u.startswith(LOCAL)]
    assert view.blocked_requests == []
    # the attribution is the file's, as text: its markup dropped
    attribution = run_js(
        qtbot, view.page, "document.querySelector('.leaflet-control-attribution').textContent"
    )
    assert "Test & tiles" in attribution or "PM test" in attribution
    assert "Natural Earth" not in attribution


def test_mbtiles_rows_are_flipped_and_its_zooms_are_kept(
    qtbot: Any, make_map: Callable[[], MapView], tmp_path: Path
) -> None:
    path = make_mbtiles(tmp_path / "two.mbtiles", zooms=range(1, 3))
    source = open_tile_file(path)
    assert (source.info.min_zoom, source.info.max_zoom) == (1, 2)
    assert source.info.bounds == (-85.0511, -180.0, 85.0511, 180.0)
    # the tile the page calls 2/0/0 (north-west) is stored in row 3 (from the south)
    assert source.tile(2, 0, 0) is not None and source.tile(3, 0, 0) is None
    source.close()
    view = make_map()
    view.layers.set_basemap(Basemap(FILE, str(path)))
    qtbot.waitUntil(lambda: _basemap(qtbot, view)["loaded"] >= 4, timeout=LOAD_MS)
    options = run_js(
        qtbot,
        view.page,
        "(function(){var o=null;Sightline.map().eachLayer(function(l){"
        "if(l instanceof L.TileLayer){o=l.options;}});"
        "return {min:o.minNativeZoom,max:o.maxNativeZoom};})()",
    )
    assert options == {"min": 1, "max": 2}
    tile_urls = [u for u in view.layers.interceptor.seen if u.startswith(TILE_SCHEME)]
    zooms = {int(u.split("/")[-3]) for u in tile_urls}
    assert zooms <= {1, 2}  # never a zoom the file lacks


def test_back_to_the_outlines(qtbot: Any, make_map: Callable[[], MapView], tmp_path: Path) -> None:
    view = make_map()
    view.layers.set_basemap(Basemap(FILE, str(make_mbtiles(tmp_path / "t.mbtiles"))))
    qtbot.waitUntil(lambda: _basemap(qtbot, view)["tiles"], timeout=LOAD_MS)
    view.layers.set_basemap(Basemap(OUTLINES))
    qtbot.waitUntil(lambda: not _basemap(qtbot, view)["tiles"], timeout=LOAD_MS)
    assert _basemap(qtbot, view)["outlines"]


def test_bad_tile_files_say_why_and_change_nothing(
    make_map: Callable[[], MapView], tmp_path: Path
) -> None:
    view = make_map()
    junk = tmp_path / "junk.mbtiles"
    junk.write_bytes(b"not a tile file at all")
    empty = tmp_path / "empty.mbtiles"
    import sqlite3

    sqlite3.connect(empty).executescript(
        "CREATE TABLE metadata (name TEXT, value TEXT);"
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,"
        " tile_data BLOB);"
    )
    vector = make_mbtiles(tmp_path / "vector.mbtiles", zooms=range(0, 1), fmt="pbf")
    plain = tmp_path / "plain.sqlite"
    sqlite3.connect(plain).executescript("CREATE TABLE x (a);")
    cases = {
        junk: "neither an MBTiles nor a PMTiles",
        empty: "holds no tiles",
        vector: "vector tiles",
        plain: "not an MBTiles file",
        tmp_path / "missing.mbtiles": "does not exist",
    }
    for path, reason in cases.items():
        with pytest.raises(BasemapError, match=reason):
            view.layers.set_basemap(Basemap(FILE, str(path)))
        assert view.layers.basemap == Basemap(OUTLINES)


def test_an_online_basemap_lets_exactly_its_host_through() -> None:
    assert online_host("https://tiles.example.org/{z}/{x}/{y}.png") == "tiles.example.org"
    for bad, reason in {
        "ftp://tiles.example.org/{z}/{x}/{y}.png": "http",
        "https://tiles.example.org/tiles.png": "{z}",
        "https://{s}.tiles.example.org/{z}/{x}/{y}.png": "one server",
    }.items():
        with pytest.raises(BasemapError, match=reason):
            online_host(bad)
    interceptor = LocalOnlyInterceptor("tiles.example.org")
    assert interceptor.allows("https", "tiles.example.org")
    assert interceptor.allows("http", "TILES.example.org")
    assert not interceptor.allows("https", "evil.example.org")
    assert not interceptor.allows("https", "tiles.example.org.evil.net")
    assert not interceptor.allows("ws", "tiles.example.org")
    assert interceptor.allows(TILE_SCHEME, "")
    assert not LocalOnlyInterceptor().allows("https", "tiles.example.org")


def test_the_page_asks_the_online_host_only(qtbot: Any, make_map: Callable[[], MapView]) -> None:
    """With an online basemap chosen, the page's tile requests go to that host alone (the
    host does not exist: .invalid never resolves); a request to any other host is
    refused, by the same interceptor."""
    view = make_map()
    view.layers.set_basemap(Basemap(ONLINE, "https://tiles.sightline.invalid/{z}/{x}/{y}.png"))
    qtbot.waitUntil(
        lambda: any("tiles.sightline.invalid" in u for u in view.layers.interceptor.seen),
        timeout=LOAD_MS,
    )
    assert not any("tiles.sightline.invalid" in u for u in view.blocked_requests)
    run_js(
        qtbot,
        view.page,
        "(function(){var i=new Image();i.src='https://other.sightline.invalid/x.png';"
        "document.body.appendChild(i);return true;})()",
    )
    qtbot.waitUntil(
        lambda: any("other.sightline.invalid" in u for u in view.blocked_requests),
        timeout=LOAD_MS,
    )
    remote = [u for u in view.layers.interceptor.seen if not u.startswith(LOCAL)]
    allowed = [u for u in remote if u not in view.blocked_requests]
    assert allowed and all(QUrl(u).host() == "tiles.sightline.invalid" for u in allowed)
    # back offline: the host is refused again
    view.layers.set_basemap(Basemap(OUTLINES))
    assert view.layers.interceptor.allowed_host is None


def test_screenshot_draws_the_map_on_a_basemap_file(qapp: Any, tmp_path: Path) -> None:
    """``sightline screenshot OUT.png --basemap FILE``: the picture shows the file's
    tiles (the test tiles are flat colours, one per zoom); a bad file is refused."""

    from PySide6.QtGui import QColor, QImage
    from tile_files import COLOURS

    shot = sample_project_file(tmp_path / "shot.sightline")
    tiles = make_mbtiles(tmp_path / "shot.mbtiles", zooms=range(0, 3))
    out = tmp_path / "shot.png"
    done = screenshot(shot, out, "--basemap", str(tiles), "--size", "1000x700")
    assert done.returncode == 0, done.stderr[-2000:]
    image = QImage(str(out))
    tile_colours = {QColor(c).rgb() for c in COLOURS}
    hits = sum(
        image.pixel(x, y) in tile_colours
        for x in range(0, image.width(), 10)
        for y in range(0, image.height(), 10)
    )
    # a good part of the map pane is tiles (none of these flat colours is drawn without
    # the file; labels and markers cover some, so the count moves with what is named)
    assert hits > 100
    bad = tmp_path / "bad.mbtiles"
    bad.write_bytes(b"nothing")
    refused = screenshot(shot, tmp_path / "no.png", "--basemap", str(bad))
    assert refused.returncode == 2
    assert "neither an MBTiles nor a PMTiles" in refused.stderr
    assert not (tmp_path / "no.png").exists()
    # --pane map: the map alone at the size asked, as the PNG export draws it
    alone = tmp_path / "map.png"
    done = screenshot(shot, alone, "--pane", "map", "--basemap", str(tiles), "--size", "800x500")
    assert done.returncode == 0, done.stderr[-2000:]
    picture = QImage(str(alone))
    assert (picture.width(), picture.height()) == (800, 500)
    samples = [(x, y) for x in range(0, 800, 10) for y in range(0, 500, 10)]
    tiled = sum(picture.pixel(x, y) in tile_colours for x, y in samples)
    assert tiled > len(samples) // 2  # the whole picture is map (the window's was not)
    # (its buttons are off as in every picture: the next test checks that in the page)


def test_pictures_of_the_map_carry_a_north_arrow_and_a_scale_but_no_buttons(
    qtbot: Any, make_map: Callable[[], MapView]
) -> None:
    view = make_map()
    shown = "(function(s){var e=document.querySelector(s);return !!e&&e.offsetParent!==null;})"
    assert run_js(qtbot, view.page, f"{shown}('.sl-north')") is False  # not while working
    view.set_chrome(False)  # a picture of the map (PNG export)
    qtbot.waitUntil(lambda: run_js(qtbot, view.page, "Sightline.basemap().arrow"), timeout=LOAD_MS)
    assert run_js(qtbot, view.page, f"{shown}('.sl-north')") is True
    assert run_js(qtbot, view.page, f"{shown}('.leaflet-control-scale')") is True
    assert run_js(qtbot, view.page, f"{shown}('.leaflet-control-zoom')") is False
    view.set_chrome(True)
    qtbot.waitUntil(
        lambda: not run_js(qtbot, view.page, "Sightline.basemap().arrow"), timeout=LOAD_MS
    )
    view.set_presenting(1.5)  # presentation and the PDF pack
    qtbot.waitUntil(lambda: run_js(qtbot, view.page, "Sightline.basemap().arrow"), timeout=LOAD_MS)
    assert run_js(qtbot, view.page, f"{shown}('.leaflet-control-scale')") is True


def test_the_online_dialog_warns_and_takes_only_a_usable_address(qtbot: Any) -> None:
    from desktop_app.features.basemaps import OnlineBasemapDialog

    dialog = OnlineBasemapDialog()
    qtbot.addWidget(dialog)
    assert "leaves the machine" in dialog.warning.text()
    assert "Only that server is let through" in dialog.warning.text()
    assert not dialog.ok.isEnabled()  # nothing typed yet
    dialog.url.setText("https://{s}.tiles.example.org/{z}/{x}/{y}.png")
    assert not dialog.ok.isEnabled() and "one server" in dialog.problem.text()
    dialog.url.setText("https://tiles.example.org/{z}/{x}/{y}.png")
    assert dialog.ok.isEnabled() and dialog.problem.text() == ""
