"""KML/KMZ and GeoJSON files as a :class:`~desktop_app.ingest.readers.RawTable`.

The readers (``kml_reader.py``, ``geojson_reader.py``) turn each placemark or feature
into a record of text cells; this module makes the table every other file becomes, so
a KML or GeoJSON file goes through the same presets, column mapping, checks and
rejects as a CSV. Row numbers are the placemark's or feature's position in the file,
counting from 1 (there is no header row).

Shared rules:
- The geometry gives the columns ``lat`` and ``lon`` (the names the importer looks for
  first), so it is what locates an event; a data field or property of the same name is
  kept as ``lat (data)`` / ``lon (data)``.
- In a file Sightline exported (it carries both ``id``, Sightline's own number, and
  ``external_id``), ``external_id`` becomes the ``id`` column and ``id`` becomes
  ``sightline_id``, exactly as in Sightline's CSV export, so the file's own ids come back
  as ids.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from desktop_app.ingest.filecheck import UnreadableFile
from desktop_app.ingest.rawtable import RawTable

GEOMETRY_COLUMNS = ("lat", "lon")
# a KML/GeoJSON file is read whole into memory; refuse one larger than this
MAX_FILE_BYTES = 512 << 20


def table_of(
    records: list[dict[str, str]], first_columns: Iterable[str], *, encoding: str, what: str
) -> RawTable:
    """A table with one row per record: ``first_columns`` (when any record has them),
    then every other name in order of first appearance."""
    if not records:
        raise UnreadableFile(f"the file has no {what}")
    order: dict[str, None] = {}
    for name in first_columns:
        if any(record.get(name) for record in records):
            order[name] = None
    for record in records:
        for name in record:
            order.setdefault(name, None)
    columns = _sightline_ids(list(order))
    renamed = dict(zip(order, columns, strict=True))
    data = {renamed[name]: [record.get(name, "") for record in records] for name in order}
    frame = pd.DataFrame(data, columns=columns, dtype=pd.StringDtype())
    rows = np.arange(1, len(records) + 1, dtype=np.int64)
    return RawTable(frame, rows, True, encoding, None)


def _sightline_ids(columns: list[str]) -> list[str]:
    if "id" in columns and "external_id" in columns and "sightline_id" not in columns:
        swap = {"id": "sightline_id", "external_id": "id"}
        return [swap.get(c, c) for c in columns]
    return columns


def put_data(record: dict[str, str], name: str, value: str, suffix: str) -> None:
    """A data field or property into a record; a geometry column's name gets ``suffix``."""
    name = name.strip() or "field"
    if name in GEOMETRY_COLUMNS:
        name = f"{name} ({suffix})"
    record[name] = value


def centroid(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """(lon, lat) of a geometry that is not a single point: the mean of its distinct
    vertices. None (no location) when it has none, or when it spans more than 180° of
    longitude (crossing the antimeridian, where a mean would land on the wrong side)."""
    unique = list(dict.fromkeys(points))
    if not unique:
        return None
    lons = [p[0] for p in unique]
    if max(lons) - min(lons) > 180:
        return None
    return sum(lons) / len(unique), sum(p[1] for p in unique) / len(unique)


def number_text(value: float) -> str:
    return repr(float(value))  # the shortest text that reads back to the same float


def checked_size(path: Path) -> int:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise UnreadableFile(
            f"the file is {size / (1 << 20):,.0f} MB; KML and GeoJSON files "
            f"up to {MAX_FILE_BYTES >> 20} MB are read"
        )
    return size
