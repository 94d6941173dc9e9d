"""The map page: built once with folium, written with local copies of every asset.

Folium's default CDN links (Leaflet, jQuery, Bootstrap, awesome-markers, Font Awesome)
are replaced by Leaflet 1.9.3 from the ``xstatic-leaflet`` package; Sightline's own
script/style and the Natural Earth basemap come from ``desktop_app.resources``; the
QWebChannel client comes from Qt (``qrc:``). The folder is written once per process
and loaded through a ``file://`` URL, so the page never needs the network.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import shutil
import tempfile
from importlib.resources import files
from pathlib import Path

import folium
import xstatic.pkg.leaflet as xs_leaflet
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from desktop_app.views.map import tool_assets
from desktop_app.views.map.labels import labels_script

QWEBCHANNEL_JS = "qrc:///qtwebchannel/qwebchannel.js"
INITIAL_CENTER = (30.0, 60.0)
INITIAL_ZOOM = 3
# the analyst's drawing (annotations, area selection, right-click): resources/map
PLUGIN_SCRIPTS = [
    ("sightline_shapes", "sightline_shapes.js"),
    ("sightline_draw", "sightline_draw.js"),
]
# after sightline_map.js: the heatmap plugin (leaflet.heat, BSD-2) and the vector-tile
# renderer (protomaps-leaflet, BSD-3), then the vector styles, the basemap chooser, the
# heatmap and colour-by layers, which hook into the page's Sightline object
LAYER_SCRIPTS = (
    "vendor/leaflet-heat.js",
    "vendor/protomaps-leaflet.js",
    "sightline_vector.js",
    "sightline_basemaps.js",
    "sightline_heat.js",
    "sightline_colour.js",
)
_built: dict[str | None, Path] = {}
_root: Path | None = None


class _StartSightline(MacroElement):
    """Runs ``Sightline.init`` on the folium map once the map exists."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "Sightline.init({{ this._parent.get_name() }}, {{ this.config }});"
        "{% endmacro %}"
    )

    def __init__(self, config: dict[str, object]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca is untyped
        self._name = "StartSightline"
        # json.dumps, with "</" broken up so no value can end the <script> element
        self.config = json.dumps(config).replace("</", "<\\/")


def build_html(online_basemap_url: str | None = None) -> str:
    """The page's HTML; every link in it is relative or ``qrc:``."""
    fmap = folium.Map(
        location=list(INITIAL_CENTER),
        zoom_start=INITIAL_ZOOM,
        tiles=None,
        prefer_canvas=True,
        control_scale=True,
        min_zoom=1,
        max_zoom=18,
        world_copy_jump=False,
    )
    # local copies replace every CDN link; Leaflet first, the page's own script last
    scripts = [("leaflet", "leaflet/leaflet.js"), ("qwebchannel", QWEBCHANNEL_JS)]
    if online_basemap_url is None:  # online tiles carry their own labels
        scripts.append(("sightline_basemap", "basemap.js"))
        scripts.append(("sightline_labels", "labels.js"))
    scripts.append(("sightline_outlines", "sightline_outlines.js"))  # before the map's
    scripts.append(("sightline", "sightline_map.js"))
    scripts += tool_assets.SCRIPTS  # measure, pointer, the CJK font: after the map's script
    scripts += [("sl_" + Path(name).stem, name) for name in LAYER_SCRIPTS]
    scripts.extend(PLUGIN_SCRIPTS)  # the analyst's drawing, also a tool of the page
    fmap.default_js = scripts
    fmap.default_css = [
        ("leaflet_css", "leaflet/leaflet.css"),
        ("sightline_css", "sightline_map.css"),
        *tool_assets.STYLES,
        ("sightline_layers_css", "sightline_layers.css"),
    ]
    root = fmap.get_root()
    assert isinstance(root, Figure)  # folium's root is always a branca Figure
    root.header.add_child(
        Element('<meta name="referrer" content="no-referrer">'), name="sl_referrer"
    )
    config: dict[str, object] = {
        "onlineUrl": online_basemap_url,
        "onlineAttribution": "online basemap (opted in)",
    }
    fmap.add_child(_StartSightline(config))
    return str(root.render())


def _write_assets(folder: Path, online_basemap_url: str | None) -> None:
    leaflet = Path(xs_leaflet.BASE_DIR)
    shutil.copytree(leaflet / "images", folder / "leaflet" / "images", dirs_exist_ok=True)
    for name in ("leaflet.js", "leaflet.css"):
        shutil.copyfile(leaflet / name, folder / "leaflet" / name)
    resources = files("desktop_app.resources")
    drawing = (path for _, path in PLUGIN_SCRIPTS)
    for name in (
        "sightline_outlines.js",
        "sightline_map.js",
        "sightline_map.css",
        "sightline_layers.css",
        *LAYER_SCRIPTS,
        *drawing,
    ):
        (folder / name).write_bytes(resources.joinpath("map", name).read_bytes())
    tool_assets.write_tool_assets(folder)
    if online_basemap_url is None:
        geojson = resources.joinpath("basemap", "countries-50m.geojson").read_text("utf-8")
        (folder / "basemap.js").write_text(
            f"window.SIGHTLINE_BASEMAP = JSON.parse({json.dumps(geojson)});\n", "utf-8"
        )
        (folder / "labels.js").write_text(labels_script(), "utf-8")
    (folder / "index.html").write_text(build_html(online_basemap_url), "utf-8")


def page_path(online_basemap_url: str | None = None) -> Path:
    """``index.html`` of the page folder, written on first use in this process."""
    global _root
    if online_basemap_url in _built:
        return _built[online_basemap_url]
    if _root is None:
        _root = Path(tempfile.mkdtemp(prefix="sightline-map-"))
        atexit.register(shutil.rmtree, _root, True)
    tag = hashlib.sha1((online_basemap_url or "offline").encode()).hexdigest()[:10]
    folder = _root / tag
    (folder / "leaflet").mkdir(parents=True, exist_ok=True)
    (folder / "vendor").mkdir(exist_ok=True)
    _write_assets(folder, online_basemap_url)
    _built[online_basemap_url] = folder / "index.html"
    return _built[online_basemap_url]
