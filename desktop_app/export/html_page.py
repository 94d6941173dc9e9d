"""A standalone offline HTML file of a view or a story: one file, nothing fetched.

Everything is inlined: Leaflet's script and style (from ``xstatic-leaflet``, its few
images as ``data:`` URIs), the Natural Earth country outlines (coordinates rounded to
0.01 degree, about 1 km, which halves the file), the events and steps as JSON, and
the page's own small script (``html_page.js``) that draws the map, a timeline (SVG)
and the list of events with their sources, and the shipped CJK font cut down to the
characters the page shows (``html_font.py``: a few kB for a few names, none without
them), so 北京 and 臺北 are drawn on a machine without a CJK font. A story has one step
per saved view, with its caption and previous/next buttons (and the arrow keys) that
move the map and the time filter.

Safety: the JSON sits in ``<script type="application/json">`` blocks with every ``<``,
``>`` and ``&`` written as a ``\\u`` escape, so no value can end the block or open a
comment; the page's script puts event text in with ``textContent`` only, never as HTML.
Event URLs are shown as text, not links: the file never reaches the network.
No Qt here.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import xstatic.pkg.leaflet as xs_leaflet

from desktop_app.domain.dates import Precision, describe, from_seconds
from desktop_app.export.html_font import font_face_css
from desktop_app.export.records import ExportEvent

MAX_EVENTS = 50_000  # a browser page stays usable; more are counted, not written
COORD_DECIMALS = 2
# a second lock besides having no remote reference: the page may run and style only
# what it carries, show only data: images and connect nowhere
CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data:; font-src data:; connect-src 'none'"
)


@dataclass(frozen=True)
class HtmlStep:
    """One picture of the page: the caption, the events it shows and where it looks."""

    title: str
    note: str
    event_ids: Sequence[int]  # what the step's filters let through
    timeline: tuple[int, int] | None = None  # civil seconds shown on the timeline
    window: tuple[int | None, int | None] = (None, None)  # the step's time filter
    map: tuple[float, float, float] | None = None  # lat, lon, zoom
    selection: frozenset[int] = field(default_factory=frozenset)
    annotations: frozenset[int] | None = None  # the annotations shown (None: all)


def date_words(event: ExportEvent) -> str:
    """The date in words with its precision, and its end when one was given."""
    text = describe(from_seconds(event.start_s), Precision(event.precision))
    return f"{text} to {event.end}" if event.end else text


def event_json(event: ExportEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "title": event.title,
        "date": date_words(event),
        "iso": event.date,
        "s": event.start_s,
        "e": event.span_end_s,
        "lat": event.latitude,
        "lon": event.longitude,
        "place": ", ".join(x for x in (event.place, event.country) if x),
        "category": event.category or "",
        "description": event.description or "",
        "sources": [
            {
                "title": s.title,
                "publisher": s.publisher or "",
                "url": s.url or "",
                "date": s.date or "",
            }
            for s in event.sources
        ],
    }


def script_json(value: object) -> str:
    """JSON safe inside a ``<script type="application/json">`` element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


# ---------------------------------------------------------------------- assets
@lru_cache(maxsize=1)
def leaflet_assets() -> tuple[str, str]:
    """Leaflet's script and its style with every image inlined as a data: URI."""
    base = Path(xs_leaflet.BASE_DIR)
    script = (base / "leaflet.js").read_text("utf-8")
    style = (base / "leaflet.css").read_text("utf-8")

    def inline(match: re.Match[str]) -> str:
        image = base / match.group(1)
        data = base64.b64encode(image.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    style = re.sub(r"url\((images/[\w.-]+\.png)\)", inline, style)
    style = re.sub(r"/\*.*?\*/", "", style, flags=re.S)  # comments name web pages
    return _offline_script(script), style


def _offline_script(script: str) -> str:
    """Leaflet without its source-map comment and with its attribution prefix (a link to
    leafletjs.com, switched off by the page anyway) pointing nowhere."""
    script = re.sub(r"//# sourceMappingURL=\S+", "", script)
    script = script.replace('href="https://leafletjs.com"', 'href="#"')
    return script.replace("https://leafletjs.com", "leafletjs.com")  # the licence header


def _round_ring(ring: list[list[float]]) -> list[list[float]]:
    out: list[list[float]] = []
    for x, y in ring:
        point = [round(x, COORD_DECIMALS), round(y, COORD_DECIMALS)]
        if not out or out[-1] != point:
            out.append(point)
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out


@lru_cache(maxsize=1)
def basemap_json() -> str:
    """The country outlines, quantised to 0.01 degree (script-safe JSON)."""
    raw = json.loads(
        files("desktop_app.resources")
        .joinpath("basemap", "countries-50m.geojson")
        .read_text("utf-8")
    )
    features = []
    for feature in raw["features"]:
        geometry = feature.get("geometry") or {}
        polygons = (
            [geometry["coordinates"]]
            if geometry.get("type") == "Polygon"
            else geometry.get("coordinates", [])
        )
        kept = []
        for polygon in polygons:
            rings = [r for r in (_round_ring(ring) for ring in polygon) if len(r) >= 4]
            if rings:
                kept.append(rings)
        if kept:
            features.append(
                {
                    "type": "Feature",
                    "properties": {"name": (feature.get("properties") or {}).get("name", "")},
                    "geometry": {"type": "MultiPolygon", "coordinates": kept},
                }
            )
    return script_json({"type": "FeatureCollection", "features": features})


def shapes_script() -> str:
    """The annotations' drawing, the same script the window's map uses."""
    return files("desktop_app.resources").joinpath("map", "sightline_shapes.js").read_text("utf-8")


def page_script() -> str:
    here = files("desktop_app.export")  # the clustering first: the page uses it
    return "\n".join(
        here.joinpath(n).read_text("utf-8") for n in ("html_clusters.js", "html_page.js")
    )


# ---------------------------------------------------------------------- the page
def build_html(
    title: str,
    events: Iterable[ExportEvent],
    steps: Sequence[HtmlStep],
    classification: str = "",
    story: bool = False,
    chart_svg: str | None = None,
    colour: dict[str, Any] | None = None,
    annotations: Sequence[dict[str, Any]] = (),
) -> str:
    """The whole page as one string (at most ``MAX_EVENTS`` events are written).
    ``annotations``: the project's (``AnnotationRecord.to_dict``), drawn by each step
    that shows them; their labels are data, put in with textContent.
    ``chart_svg``: the link chart of the events (``graph.svg.actors_svg``: its labels
    are escaped there), shown under the timeline. ``colour``: the map's colour by a
    facet (``frame.map_overlays.export_colours``): markers in those colours, a legend."""
    colour_of: dict[int, str] = dict(colour["of"]) if colour else {}
    rows: list[dict[str, Any]] = []
    total = 0
    for event in events:
        total += 1
        if len(rows) < MAX_EVENTS:
            rows.append(event_json(event))
            if event.id in colour_of:
                rows[-1]["colour"] = colour_of[event.id]
    known = {row["id"] for row in rows}
    data = {
        "title": title,
        "classification": classification,
        "story": story,
        "total": total,
        "events": rows,
        "legend": {"facet": colour["facet"], "rows": colour["legend"]} if colour else None,
        "annotations": [dict(a) for a in annotations],
        "steps": [
            {
                "title": s.title,
                "note": s.note,
                "ids": [int(i) for i in s.event_ids if int(i) in known],
                "timeline": list(s.timeline) if s.timeline else None,
                "window": list(s.window),
                "map": list(s.map) if s.map else None,
                "selection": sorted(int(i) for i in s.selection if int(i) in known),
                "annotations": None if s.annotations is None else sorted(s.annotations),
            }
            for s in steps
        ],
    }
    leaflet_js, leaflet_css = leaflet_assets()
    style = files("desktop_app.export").joinpath("html_page.css").read_text("utf-8")
    payload = script_json(data)
    # the CJK font, cut to the characters of what the page shows (nothing when none)
    font_face = font_face_css("".join((title, classification, payload, chart_svg or "")))
    heading = html.escape(title)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="referrer" content="no-referrer">
<title>{heading}</title>
<style>{leaflet_css}</style>
<style>{font_face}{style}</style>
</head>
<body>
<div id="sl-screen">
<div class="classification" id="sl-class-top"></div>
<header><h1 id="sl-title"></h1>
<div id="sl-nav"><button id="sl-prev" type="button" title="Previous (←)">&#9664; Previous</button>
<span id="sl-stepno"></span>
<button id="sl-next" type="button" title="Next (→)">Next &#9654;</button></div></header>
<section id="sl-caption"><h2 id="sl-step-title"></h2><p id="sl-step-note"></p></section>
<main><div id="sl-map"></div>
<aside><h3>Events <span id="sl-count"></span></h3><div id="sl-detail"></div>
<ol id="sl-list"></ol></aside></main>
<svg id="sl-timeline" role="img" aria-label="Timeline of the events"></svg>
</div>
{_chart_section(chart_svg)}<footer><span id="sl-footnote"></span></footer>
<div class="classification" id="sl-class-bottom"></div>
<script type="application/json" id="sl-data">{payload}</script>
<script type="application/json" id="sl-basemap">{basemap_json()}</script>
<script>{leaflet_js}</script>
<script>{shapes_script()}</script>
<script>{page_script()}</script>
</body>
</html>
"""


def _chart_section(chart_svg: str | None) -> str:
    if not chart_svg:
        return ""
    return (
        # shown by the page's script once its font is in (html_page.js: start)
        '<section id="sl-links" hidden><h3>Who shares events: actors linked by the events they'
        f" share (line width: how many)</h3>\n{chart_svg}</section>\n"
    )


def write_html(
    path: Path,
    title: str,
    events: Iterable[ExportEvent],
    steps: Sequence[HtmlStep],
    classification: str = "",
    story: bool = False,
    chart_svg: str | None = None,
    colour: dict[str, Any] | None = None,
    annotations: Sequence[dict[str, Any]] = (),
) -> int:
    """Write the page; returns its size in bytes."""
    text = build_html(title, events, steps, classification, story, chart_svg, colour, annotations)
    data = text.encode("utf-8")
    Path(path).write_bytes(data)
    return len(data)
