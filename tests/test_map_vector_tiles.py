"""Vector basemaps on the real map page: MVT tiles in MBTiles and PMTiles files, unpacked
by Python and drawn by the page in the style of the file's schema (Protomaps,
OpenMapTiles, or the generic style), with nothing leaving the page."""

from __future__ import annotations

import gzip
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import run_js, sample_project_file, screenshot
from PySide6.QtGui import QColor
from vector_tile_files import ROAD, SEA, make_vector_mbtiles, make_vector_pmtiles

from desktop_app.views.map import MapView
from desktop_app.views.map.layers import FILE, OUTLINES, Basemap
from desktop_app.views.map.tiles import TILE_SCHEME, BasemapError, open_tile_file
from desktop_app.views.map.vector_tiles import (
    VectorTileError,
    declared_layers,
    layer_names,
    schema_of,
    unpack,
)

LOAD_MS = 30_000
LOCAL = ("file:", "qrc:", "data:", f"{TILE_SCHEME}:")
WATER, EARTH, ROAD_COLOUR = "#80deea", "#e2dfda", "#ffffff"
# a point inside the sea, one on the land away from everything, one on the road
IN_SEA = ((SEA[1] + SEA[3]) / 2, (SEA[0] + SEA[2]) / 2)
ON_LAND = (47.5, 26.0)
ON_ROAD = (ROAD[0][1], (ROAD[0][0] + ROAD[1][0]) / 2)

# the colour of the basemap (its tile canvas, under markers and labels) at a lat/lon
CANVAS_PIXEL = """(function (lat, lon, dy) {
  var m = Sightline.map(), layer = null;
  m.eachLayer(function (l) { if (l instanceof L.GridLayer && l.schema) { layer = l; } });
  if (!layer) { return null; }
  var p = m.latLngToContainerPoint([lat, lon]), box = m.getContainer().getBoundingClientRect();
  var x = box.left + p.x, y = box.top + p.y + dy;
  for (var key in layer._tiles) {
    var tile = layer._tiles[key], c = tile.el, r = c.getBoundingClientRect();
    if (!tile.current || !tile.loaded || !c.width) { continue; }
    if (x < r.left || x >= r.right || y < r.top || y >= r.bottom) { continue; }
    var px = Math.floor((x - r.left) * c.width / r.width);
    var py = Math.floor((y - r.top) * c.height / r.height);
    var one = document.createElement('canvas');  // read through a copy: the tile's own
    one.width = one.height = 1;                   // canvas is never read back
    var ctx = one.getContext('2d', {willReadFrequently: true});
    ctx.drawImage(c, px, py, 1, 1, 0, 0, 1, 1);
    var d = ctx.getImageData(0, 0, 1, 1).data;
    return [d[0], d[1], d[2]];
  }
  return null;
})"""


def _js(qtbot: Any, view: MapView, expression: str) -> Any:
    return run_js(qtbot, view.page, expression)


def _look(qtbot: Any, view: MapView, lat: float, lon: float, zoom: int) -> None:
    _js(qtbot, view, f"!!Sightline.map().setView([{lat}, {lon}], {zoom}, {{animate: false}})")
    qtbot.waitUntil(
        lambda: (
            _js(qtbot, view, "Sightline.settled()") is True
            and _js(qtbot, view, "Sightline.map().getZoom()") == zoom
        ),
        timeout=LOAD_MS,
    )


def _colour(qtbot: Any, view: MapView, where: tuple[float, float], dy: int = 0) -> str | None:
    found = _js(qtbot, view, f"{CANVAS_PIXEL}({where[0]}, {where[1]}, {dy})")
    return None if found is None else QColor(*found).name()


def _across(
    qtbot: Any, view: MapView, where: tuple[float, float], reach: int = 4
) -> list[str | None]:
    """The colours of the pixels above and below ``where`` (across a road)."""
    return [_colour(qtbot, view, where, dy) for dy in range(-reach, reach + 1)]


def _brightness(colour: str | None) -> int:
    return -1 if colour is None else sum(QColor(colour).getRgb()[:3])


def _near(colour: str | None, expected: str, slack: int = 6) -> bool:
    if colour is None:
        return False
    a, b = QColor(colour), QColor(expected)
    return (
        max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue())) <= slack
    )


def _show(qtbot: Any, view: MapView, path: Path) -> None:
    view.layers.set_basemap(Basemap(FILE, str(path)))
    qtbot.waitUntil(lambda: _js(qtbot, view, "Sightline.basemap().loaded") >= 1, timeout=LOAD_MS)


def _nothing_left(view: MapView) -> None:
    seen = list(view.layers.interceptor.seen)
    assert any(u.startswith(f"{TILE_SCHEME}:") for u in seen)
    assert all(u.startswith(LOCAL) for u in seen), [u for u in seen if not u.startswith(LOCAL)]
    assert view.blocked_requests == []


# ---------------------------------------------------------------------- the files
def test_the_tiles_are_read_as_the_files_store_them(tmp_path: Path) -> None:
    mbtiles = open_tile_file(make_vector_mbtiles(tmp_path / "omt.mbtiles", "openmaptiles"))
    assert mbtiles.info.vector and mbtiles.info.format == "pbf"
    assert mbtiles.info.schema == "openmaptiles"
    assert mbtiles.info.layers == ("water", "transportation", "place")
    assert (mbtiles.info.min_zoom, mbtiles.info.max_zoom) == (0, 6)
    data = mbtiles.tile(0, 0, 0)
    assert data is not None and not data.startswith(b"\x1f\x8b")  # served unpacked
    assert layer_names(data) == ["water", "transportation", "place"]
    mbtiles.close()
    pmtiles = open_tile_file(make_vector_pmtiles(tmp_path / "pm.pmtiles", "protomaps"))
    assert (pmtiles.info.schema, pmtiles.info.layers[0]) == ("protomaps", "earth")
    data = pmtiles.tile(1, 1, 0)
    assert data is not None and layer_names(data)[:2] == ["earth", "water"]
    pmtiles.close()
    # no vector_layers in the metadata: the layers are those of the first tile
    bare = open_tile_file(make_vector_mbtiles(tmp_path / "g.mbtiles", "generic", declare=False))
    assert bare.info.layers == ("zones", "lakes", "tracks", "wells")
    assert bare.info.schema == "generic"
    bare.close()


def test_schemas_are_named_from_the_layers() -> None:
    protomaps = ["boundaries", "buildings", "earth", "landcover", "landuse", "places", "pois",
                 "roads", "transit", "water"]  # fmt: skip
    openmaptiles = ["water", "waterway", "landcover", "landuse", "mountain_peak", "park",
                    "boundary", "aeroway", "transportation", "building", "water_name",
                    "transportation_name", "place", "housenumber", "poi",
                    "aerodrome_label"]  # fmt: skip
    assert schema_of(protomaps) == "protomaps"
    assert schema_of(openmaptiles) == "openmaptiles"
    assert schema_of(["ocean", "streets", "water_polygons"]) == "generic"  # Shortbread
    text = '{"vector_layers": [{"id": "water"}, {"id": "transportation"}, {"no": 1}]}'
    assert declared_layers(text) == ["water", "transportation"]
    assert declared_layers("not json") == [] and declared_layers({"vector_layers": 3}) == []
    for bad in (b"\x1f\x8b\x08\x00broken", b"\x1a\x05\x0a\x03ab", b"\x0f\xff"):
        with pytest.raises(VectorTileError):
            layer_names(unpack(bad))


@pytest.mark.parametrize(
    ("suffix", "schema", "layers"),
    [
        ("pmtiles", "protomaps", ("earth", "water")),
        ("mbtiles", "openmaptiles", ("water", "landcover")),
    ],
)
def test_the_demo_vector_file_is_one_sightline_opens(
    tmp_path: Path, suffix: str, schema: str, layers: tuple[str, ...]
) -> None:
    """resources/basemap/make_demo_vector_tiles.py: the land and sea of the shipped
    outlines, cut to each tile, in a schema's layers."""
    import importlib.util

    script = Path(__file__).parents[1] / "resources" / "basemap" / "make_demo_vector_tiles.py"
    spec = importlib.util.spec_from_file_location("make_demo_vector_tiles", script)
    assert spec is not None and spec.loader is not None
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    out = tmp_path / f"demo.{suffix}"
    assert demo.main([str(out), "--schema", schema, "--max-zoom", "1"]) == 0
    source = open_tile_file(out)
    assert (source.info.schema, source.info.layers) == (schema, layers)
    assert (source.info.min_zoom, source.info.max_zoom) == (0, 1)
    for z, x, y in [(0, 0, 0), (1, 0, 0), (1, 1, 1)]:
        data = source.tile(z, x, y)
        assert data is not None and tuple(layer_names(data)) == layers
    source.close()


# ---------------------------------------------------------------------- on the page
@pytest.mark.parametrize(
    ("maker", "schema", "land"),
    [
        (make_vector_pmtiles, "protomaps", EARTH),
        (make_vector_mbtiles, "openmaptiles", EARTH),
        (make_vector_mbtiles, "protomaps", EARTH),
        (make_vector_pmtiles, "openmaptiles", EARTH),
    ],
    ids=["protomaps-pmtiles", "openmaptiles-mbtiles", "protomaps-mbtiles", "omt-pmtiles"],
)
def test_a_vector_file_draws_water_and_roads_in_its_style(
    qtbot: Any, make_map: Callable[[], MapView], tmp_path: Path, maker: Any, schema: str, land: str
) -> None:
    suffix = "pmtiles" if maker is make_vector_pmtiles else "mbtiles"
    view = make_map()
    _show(qtbot, view, maker(tmp_path / f"{schema}.{suffix}", schema))
    state = _js(qtbot, view, "Sightline.basemap()")
    assert state["vector"] == schema and not state["outlines"]
    _look(qtbot, view, 45.0, 25.0, 6)  # a region: the sea, the land, the road
    assert _near(_colour(qtbot, view, IN_SEA), WATER)
    assert _near(_colour(qtbot, view, ON_LAND), land)
    # the motorway: a light stroke across the land (thin at this scale, so its
    # brightest pixel rather than its centre, which may fall between two)
    across = _across(qtbot, view, ON_ROAD)
    assert _near(across[0], land) and _near(across[-1], land), across
    assert max(map(_brightness, across)) >= _brightness(land) + 20, across
    # a city, past the file's zooms: the stroke is a few pixels wide, in the road's
    # colour (the file's zoom-6 geometry puts it within 16 px of the exact latitude)
    _look(qtbot, view, ON_ROAD[0], ON_ROAD[1], 15)
    across = _across(qtbot, view, ON_ROAD, 24)
    stroke = [c for c in across if _near(c, ROAD_COLOUR, 8)]
    assert 3 <= len(stroke) <= 10, across
    assert _near(across[0], land) and _near(across[-1], land), across
    _nothing_left(view)
    # the file's names are not drawn: Sightline's own labels are the map's only ones
    assert _js(qtbot, view, "Sightline.map().getPane('labels').style.display") == ""


@pytest.mark.parametrize("schema", ["protomaps", "openmaptiles"])
def test_a_vector_basemap_follows_the_dark_theme(
    qtbot: Any, make_map: Callable[[], MapView], tmp_path: Path, schema: str
) -> None:
    """Sightline's labels turn light in the dark theme; the vector basemap turns dark
    with them (the Protomaps "dark" colours), and light again."""
    view = make_map()
    _show(qtbot, view, make_vector_pmtiles(tmp_path / "t.pmtiles", schema))
    _look(qtbot, view, 45.0, 25.0, 6)
    assert _near(_colour(qtbot, view, IN_SEA), WATER)
    view.set_dark(True)
    qtbot.waitUntil(lambda: _js(qtbot, view, "Sightline.basemap().dark") is True, timeout=LOAD_MS)
    qtbot.waitUntil(lambda: _near(_colour(qtbot, view, IN_SEA), "#31353f"), timeout=LOAD_MS)
    assert _near(_colour(qtbot, view, ON_LAND), "#1f1f1f")
    view.set_dark(False)
    qtbot.waitUntil(lambda: _near(_colour(qtbot, view, IN_SEA), WATER), timeout=LOAD_MS)
    _nothing_left(view)


def test_the_map_settles_after_quick_zooms(
    qtbot: Any, make_map: Callable[[], MapView], tmp_path: Path
) -> None:
    """Zooms one after another, each before the last one's tiles are drawn: the page
    settles (pictures of the map wait for that) and draws the last zoom's tiles."""
    view = make_map()
    _show(qtbot, view, make_vector_pmtiles(tmp_path / "q.pmtiles", "protomaps"))
    steps = ";".join(  # 20 ms apart: each one while the last one's tiles are coming
        f"setTimeout(function(){{Sightline.map().setView([45, 25], {z}, {{animate: false}});}},"
        f" {20 * n})"
        for n, z in enumerate((3, 7, 4, 9, 6))
    )
    _js(qtbot, view, f"(function(){{{steps}; return true;}})()")
    qtbot.waitUntil(lambda: _js(qtbot, view, "Sightline.map().getZoom()") == 6, timeout=LOAD_MS)
    qtbot.waitUntil(lambda: _js(qtbot, view, "Sightline.settled()") is True, timeout=LOAD_MS)
    assert _js(qtbot, view, "Sightline.map().getZoom()") == 6
    assert _near(_colour(qtbot, view, IN_SEA), WATER)


def test_a_schema_no_style_knows_is_drawn_layer_by_layer(
    qtbot: Any, make_map: Callable[[], MapView], tmp_path: Path
) -> None:
    view = make_map()
    _show(qtbot, view, make_vector_mbtiles(tmp_path / "g.mbtiles", "generic", declare=False))
    assert _js(qtbot, view, "Sightline.basemap().vector") == "generic"
    _look(qtbot, view, 42.0, 18.0, 5)
    background = _colour(qtbot, view, ON_LAND)
    sea = _colour(qtbot, view, IN_SEA)  # the "lakes" layer: watery names are blue
    zone = _colour(qtbot, view, (35.0, 0.0))  # the "zones" polygon, in a colour of its own
    track = _colour(qtbot, view, ON_ROAD)
    assert len({background, sea, zone, track}) == 4, (background, sea, zone, track)
    assert sea is not None and QColor(sea).blue() > QColor(sea).red()
    _nothing_left(view)


def test_a_file_of_one_zoom_is_drawn_from_it_at_every_zoom(
    qtbot: Any, make_map: Callable[[], MapView], tmp_path: Path
) -> None:
    """A file holding zoom 0 alone (protomaps-leaflet reads a top zoom of 0 as "unset"
    and would ask for zoom 1 and deeper, which the file lacks)."""
    view = make_map()
    _show(qtbot, view, make_vector_mbtiles(tmp_path / "z0.mbtiles", "openmaptiles", range(0, 1)))
    _look(qtbot, view, 45.0, 15.0, 5)
    assert _near(_colour(qtbot, view, IN_SEA), WATER)
    assert view.layers.handler.missing == 0
    asked = {u.split("/")[-3] for u in view.layers.interceptor.seen if u.startswith(TILE_SCHEME)}
    assert asked == {"0"}, asked


def test_tiles_the_file_lacks_or_cannot_read_are_drawn_empty(
    qtbot: Any, make_map: Callable[[], MapView], tmp_path: Path
) -> None:
    """Beyond the tiles a file holds the page gets empty tiles (no failed request, no
    error in the page); a damaged tile is logged and drawn empty too."""
    path = make_vector_mbtiles(tmp_path / "holes.mbtiles", "openmaptiles")
    db = sqlite3.connect(path)
    # the tile of the sea at z5 (the page's zoom 6) is broken
    db.execute("UPDATE tiles SET tile_data=? WHERE zoom_level=5", (gzip.compress(b"\x0f\xff"),))
    db.commit()
    db.close()
    view = make_map()
    _show(qtbot, view, path)
    _look(qtbot, view, 45.0, 25.0, 6)
    assert view.layers.handler.missing >= 1
    assert _near(_colour(qtbot, view, IN_SEA), EARTH)  # drawn empty: the background
    _look(qtbot, view, -40.0, -120.0, 6)  # where the file holds no tile at all
    assert _colour(qtbot, view, (-40.0, -120.0)) is not None
    assert _js(qtbot, view, "Sightline.basemap().failed") == 0
    _nothing_left(view)


def test_a_corrupt_vector_file_says_why_and_keeps_the_basemap(
    qtbot: Any, make_map: Callable[[], MapView], tmp_path: Path
) -> None:
    view = make_map()
    good = make_vector_pmtiles(tmp_path / "good.pmtiles", "protomaps")
    _show(qtbot, view, good)
    before = view.layers.basemap
    broken = make_vector_mbtiles(tmp_path / "broken.mbtiles", "openmaptiles")
    db = sqlite3.connect(broken)
    db.execute("UPDATE tiles SET tile_data=? WHERE zoom_level=0", (b"\x1f\x8b\x08\x00junk",))
    db.commit()
    db.close()
    truncated = tmp_path / "truncated.pmtiles"
    truncated.write_bytes(good.read_bytes()[:200])
    nameless = make_vector_mbtiles(tmp_path / "nameless.mbtiles", "openmaptiles")
    db = sqlite3.connect(nameless)
    db.execute("UPDATE tiles SET tile_data=? WHERE zoom_level=0", (gzip.compress(b""),))
    db.execute("DELETE FROM metadata WHERE name='json'")
    db.commit()
    db.close()
    cases = {
        broken: "vector tiles that cannot be read: its compression is broken",
        truncated: "truncated.pmtiles",
        nameless: "name no layer",
    }
    for path, reason in cases.items():
        with pytest.raises(BasemapError, match=reason):
            view.layers.set_basemap(Basemap(FILE, str(path)))
        assert view.layers.basemap == before
    assert _js(qtbot, view, "Sightline.basemap().vector") == "protomaps"
    view.layers.set_basemap(Basemap(OUTLINES))
    qtbot.waitUntil(lambda: not _js(qtbot, view, "Sightline.basemap().tiles"), timeout=LOAD_MS)
    assert _js(qtbot, view, "Sightline.basemap().outlines")


def test_screenshot_draws_the_map_on_a_vector_file(qapp: Any, tmp_path: Path) -> None:
    """``sightline screenshot OUT.png --basemap FILE`` with a vector file: the map in
    the picture is the file's land and sea in the Protomaps style's colours (neither is
    drawn without the file); a corrupt vector file is refused, and no picture is
    written."""

    from PySide6.QtGui import QImage

    shot = sample_project_file(tmp_path / "shot.sightline")
    tiles = make_vector_pmtiles(tmp_path / "shot.pmtiles", "protomaps")
    out = tmp_path / "shot.png"
    done = screenshot(shot, out, "--basemap", str(tiles), "--size", "1600x1000")
    assert done.returncode == 0, done.stderr[-2000:]
    image = QImage(str(out))
    counts = {EARTH: 0, WATER: 0}
    for x in range(0, image.width(), 4):
        for y in range(0, image.height(), 4):
            name = QColor(image.pixel(x, y)).name()
            if name in counts:
                counts[name] += 1
    # of the 100,000 pixels sampled: the map pane is mostly land, with the file's sea
    assert counts[EARTH] > 8000 and counts[WATER] > 100, counts
    broken = make_vector_mbtiles(tmp_path / "broken.mbtiles", "openmaptiles")
    db = sqlite3.connect(broken)
    db.execute("UPDATE tiles SET tile_data=? WHERE zoom_level=0", (b"\x1a\xff\xff\xff\x0f",))
    db.commit()
    db.close()
    refused = screenshot(shot, tmp_path / "no.png", "--basemap", str(broken))
    assert refused.returncode == 2
    assert "broken.mbtiles holds vector tiles that cannot be read" in refused.stderr
    assert not (tmp_path / "no.png").exists()


def test_the_chooser_keeps_a_vector_file_and_refuses_a_corrupt_one(
    qtbot: Any, make_main_window: Any, tmp_path: Path
) -> None:
    """View ▸ Basemap with vector files: a good one is shown and kept as the project's;
    a corrupt one is told (a warning naming the file and why) and changes nothing."""
    from desktop_app.ingest.sample import load_sample
    from desktop_app.store.project import Project

    project = Project.open(tmp_path / "v.sightline")
    load_sample(project)
    window = make_main_window(project)
    feature = window.features["basemaps"]
    good = make_vector_mbtiles(tmp_path / "omt.mbtiles", "openmaptiles")
    assert feature.choose(Basemap(FILE, str(good)))
    qtbot.waitUntil(lambda: _js(qtbot, window.map, "Sightline.basemap().loaded") > 0,
                    timeout=LOAD_MS)  # fmt: skip
    assert _js(qtbot, window.map, "Sightline.basemap().vector") == "openmaptiles"
    kept = project.get_setting("map.basemap", "")
    assert Basemap.from_json(kept) == Basemap(FILE, str(good.resolve()))
    broken = tmp_path / "broken.pmtiles"
    make_vector_pmtiles(broken, "protomaps")
    broken.write_bytes(broken.read_bytes()[:-4000])  # its tiles cut short
    warnings: list[tuple[str, str]] = []
    window.workbench.messages.warning.connect(lambda title, text: warnings.append((title, text)))
    assert not feature.choose(Basemap(FILE, str(broken)))
    assert warnings and warnings[0][0] == "Basemap"
    assert "broken.pmtiles is cut short" in warnings[0][1]
    assert window.map.layers.basemap == Basemap(FILE, str(good.resolve()))
    assert project.get_setting("map.basemap", "") == kept
    assert _js(qtbot, window.map, "Sightline.basemap().vector") == "openmaptiles"
    _nothing_left(window.map)


def test_the_png_export_of_the_map_draws_the_vector_basemap(
    qtbot: Any, make_main_window: Any, sample_project: Any, tmp_path: Path
) -> None:
    """File ▸ Export PNG of the map at 2x: the picture's own map (a second page) draws
    the window's vector basemap, light even when the window is dark."""
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QImage

    window = make_main_window(sample_project)
    assert window.features["basemaps"].choose(
        Basemap(FILE, str(make_vector_pmtiles(tmp_path / "png.pmtiles", "protomaps")))
    )
    window.map.set_dark(True)
    exports = window.features["exporting"]
    path = tmp_path / "map.png"
    with qtbot.waitSignal(exports.exported, timeout=LOAD_MS):
        exports.export_png(window.map, path, QSize(640, 420), 2.0)
    image = QImage(str(path))
    assert (image.width(), image.height()) == (1280, 840)
    land = sum(
        QColor(image.pixel(x, y)).name() == EARTH
        for x in range(0, image.width(), 8)
        for y in range(0, image.height(), 8)
    )
    assert land > 0.3 * (160 * 105), land  # most of the map: the file's land, light
