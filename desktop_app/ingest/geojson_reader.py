"""GeoJSON (RFC 7946) FeatureCollections: one row per Feature.

Columns (see ``geo_tables.py`` for the rules shared with KML): every property by its
name, as text (numbers as written, true/false, null as blank; an object as its JSON; a
list as its items joined with "; ", an object item giving its ``title`` or ``name``
when it has one, so Sightline's own ``actors``, ``tags`` and ``sources`` read back),
then ``lat``/``lon`` from the geometry:

- a Point gives its coordinates;
- any other geometry (MultiPoint, LineString, Polygon, their Multi forms, a
  GeometryCollection) gives the mean of its distinct vertices (``geo_tables.centroid``);
  one spanning more than 180° of longitude, and a null geometry, give no location.

A single Feature is read as a collection of one. The date is found among the
properties by name, as in any file (``date``, ``start``, ``when``, ...), or mapped.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from desktop_app.ingest.filecheck import UnreadableFile
from desktop_app.ingest.geo_tables import (
    centroid,
    checked_size,
    number_text,
    put_data,
    table_of,
)
from desktop_app.ingest.rawtable import RawTable

LIST_SEPARATOR = "; "


def read_geojson(path: Path) -> RawTable:
    """A GeoJSON file as a table, one row per feature (row = its position, from 1)."""
    checked_size(path)
    raw = path.read_bytes()
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"GeoJSON must be UTF-8 (RFC 7946); byte {exc.start} is not") from None
    except (ValueError, RecursionError) as exc:
        raise UnreadableFile(f"this is not readable JSON: {exc}") from None
    kind = document.get("type") if isinstance(document, dict) else None
    if kind == "Feature":
        features: Any = [document]
    elif kind == "FeatureCollection":
        features = document.get("features")
    else:
        raise UnreadableFile(
            f"this JSON is not a GeoJSON FeatureCollection (its type is {kind!r})"
            if kind
            else "this JSON is not a GeoJSON FeatureCollection"
        )
    if not isinstance(features, list):
        raise UnreadableFile("the FeatureCollection has no list of features")
    records = [_record(f) for f in features]
    return table_of(records, (), encoding="utf-8", what="features")


def _record(feature: object) -> dict[str, str]:
    record: dict[str, str] = {}
    if not isinstance(feature, dict):
        return record  # rejected later for lack of a date, with its row number
    properties = feature.get("properties")
    if isinstance(properties, dict):
        for name, value in properties.items():
            put_data(record, str(name), cell_text(value), "property")
    where = location(feature.get("geometry"))
    if where is not None:
        record["lat"], record["lon"] = number_text(where[1]), number_text(where[0])
    return record


def cell_text(value: object) -> str:
    """A property value as the text a CSV cell would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return number_text(value) if math.isfinite(value) else ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return LIST_SEPARATOR.join(t for t in (_item_text(v) for v in value) if t)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _item_text(value: object) -> str:
    if isinstance(value, dict):
        for key in ("title", "name"):
            if isinstance(value.get(key), str):
                return str(value[key])
    return cell_text(value)


def location(geometry: object) -> tuple[float, float] | None:
    """(lon, lat) of a geometry: a Point's position, another geometry's centroid."""
    if not isinstance(geometry, dict):
        return None
    if geometry.get("type") == "Point":
        # a Point's position as written: an impossible one is rejected by the checks,
        # with its row number, as in any file
        points = _positions(geometry.get("coordinates"), checked=False)
        return points[0] if len(points) == 1 else None
    return centroid(_vertices(geometry))


def _vertices(geometry: dict[str, Any], depth: int = 0) -> list[tuple[float, float]]:
    if geometry.get("type") == "GeometryCollection":
        parts = geometry.get("geometries")
        if not isinstance(parts, list) or depth > 8:
            return []
        return [p for g in parts if isinstance(g, dict) for p in _vertices(g, depth + 1)]
    return _positions(geometry.get("coordinates"))


def _positions(
    coordinates: object, depth: int = 0, *, checked: bool = True
) -> list[tuple[float, float]]:
    """The [lon, lat(, alt)] positions nested in ``coordinates`` (``checked``: those
    out of range dropped)."""
    if not isinstance(coordinates, list) or depth > 6:
        return []
    if len(coordinates) >= 2 and all(
        isinstance(c, int | float) and not isinstance(c, bool) for c in coordinates[:2]
    ):
        lon, lat = float(coordinates[0]), float(coordinates[1])
        ok = not checked or (
            math.isfinite(lon) and math.isfinite(lat) and -90 <= lat <= 90 and -180 <= lon <= 180
        )
        return [(lon, lat)] if ok else []
    return [p for c in coordinates for p in _positions(c, depth + 1, checked=checked)]
