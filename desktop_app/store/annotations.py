"""The analyst's annotations on the map: create, read, change, delete, put back.

An annotation is one of

- ``point``: a labelled spot, ``{"lat": .., "lon": ..}``
- ``text``: a text note anchored at a spot (same geometry as a point)
- ``line``: ``{"points": [[lat, lon], ...]}`` (two corners or more)
- ``polygon``: ``{"points": [[lat, lon], ...]}`` (three corners or more)
- ``ring``: range rings, ``{"lat": .., "lon": .., "radii": [r, ...], "unit": "km"}``
  (``unit`` one of km, nm, mi; radii positive, at most :data:`MAX_RINGS`)

with a ``label`` (plain text: every page and file shows it as text, never as markup)
and a ``style`` (``{"color": "#rrggbb"}``). Each function is one transaction through
:meth:`Project.writing`; annotations are not event data, so the data version stays
(no pane reloads its events). ``update_annotation`` returns the values before (apply
them to undo); ``delete_annotation`` returns the row for :func:`restore_annotation`,
which puts it back with its id (ids are never reused). As the data version does not
move, :func:`annotations_version` tells a window that someone else changed them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, func, insert, select, update

from desktop_app.store.project import Project
from desktop_app.store.schema import Annotation, table_of

ANNOTATION: Table = table_of(Annotation)
KINDS = ("point", "text", "line", "polygon", "ring")
UNITS = {"km": 1000.0, "nm": 1852.0, "mi": 1609.344}  # metres in one unit
MAX_RINGS = 12
MAX_CORNERS = 5_000
MAX_LABEL = 500
DEFAULT_COLOR = "#6d28d9"
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


class AnnotationError(ValueError):
    """An annotation that cannot be saved (the message says why, for the analyst)."""


def _number(value: object, name: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise AnnotationError(f"the {name} is not a number")
    number = float(value)
    if not math.isfinite(number) or not low <= number <= high:
        raise AnnotationError(f"the {name} {number:g} is outside {low:g}..{high:g}")
    return number


def _spot(geometry: dict[str, Any]) -> dict[str, float]:
    return {
        "lat": _number(geometry.get("lat"), "latitude", -90.0, 90.0),
        # Leaflet reports longitudes beyond ±180 when the world is scrolled round
        "lon": (_number(geometry.get("lon"), "longitude", -1e4, 1e4) + 180.0) % 360.0 - 180.0,
    }


def _corners(geometry: dict[str, Any], least: int) -> list[list[float]]:
    points = geometry.get("points")
    if not isinstance(points, list) or not least <= len(points) <= MAX_CORNERS:
        raise AnnotationError(f"it needs {least} to {MAX_CORNERS:,} corners")
    out = []
    for p in points:
        if not isinstance(p, list | tuple) or len(p) != 2:
            raise AnnotationError("a corner is a [latitude, longitude] pair")
        out.append(
            [
                _number(p[0], "latitude", -90.0, 90.0),
                _number(p[1], "longitude", -540.0, 540.0),  # a shape may cross ±180
            ]
        )
    return out


def clean_geometry(kind: str, geometry: object) -> dict[str, Any]:
    """The geometry checked and reduced to the keys of its kind."""
    if kind not in KINDS:
        raise AnnotationError(f"“{kind}” is not a kind of annotation")
    if not isinstance(geometry, dict):
        raise AnnotationError("an annotation's geometry is a JSON object")
    if kind in ("point", "text"):
        return _spot(geometry)
    if kind == "line":
        return {"points": _corners(geometry, 2)}
    if kind == "polygon":
        return {"points": _corners(geometry, 3)}
    unit = geometry.get("unit", "km")
    if unit not in UNITS:
        raise AnnotationError(f"“{unit}” is not a unit of range rings (km, nm or mi)")
    radii = geometry.get("radii")
    if not isinstance(radii, list) or not 1 <= len(radii) <= MAX_RINGS:
        raise AnnotationError(f"range rings need 1 to {MAX_RINGS} radii")
    values = sorted({_number(r, "radius", 1e-6, 20_000.0) for r in radii})
    return {**_spot(geometry), "radii": values, "unit": unit}


@dataclass(frozen=True)
class AnnotationFields:
    """What the analyst drew: kind, geometry, label and style."""

    kind: str
    geometry: dict[str, Any]
    label: str = ""
    style: dict[str, Any] = field(default_factory=dict)

    def checked(self) -> AnnotationFields:
        """The same annotation with its geometry, label and style cleaned; raises
        :class:`AnnotationError` when it cannot be saved."""
        label = str(self.label).strip()
        if len(label) > MAX_LABEL:
            raise AnnotationError(f"a label has at most {MAX_LABEL} characters")
        if self.kind == "text" and not label:
            raise AnnotationError("a text note needs some text")
        color = self.style.get("color", DEFAULT_COLOR) if isinstance(self.style, dict) else None
        if not isinstance(color, str) or not _COLOR.match(color):
            raise AnnotationError("a colour is written #rrggbb")
        return AnnotationFields(
            self.kind, clean_geometry(self.kind, self.geometry), label, {"color": color.lower()}
        )


@dataclass(frozen=True)
class AnnotationRecord:
    id: int
    fields: AnnotationFields

    def to_dict(self) -> dict[str, Any]:
        """Plain values for the page and the exports (label as text)."""
        f = self.fields
        return {"id": self.id, "kind": f.kind, "label": f.label, "geometry": f.geometry,
                "style": f.style}  # fmt: skip


def _record(row: Any) -> AnnotationRecord:
    return AnnotationRecord(
        int(row.id),
        AnnotationFields(str(row.kind), dict(row.geometry), str(row.label), dict(row.style or {})),
    )


def list_annotations(project: Project) -> list[AnnotationRecord]:
    """Every annotation of the project, oldest first."""
    with project.engine.connect() as conn:
        rows = conn.execute(select(ANNOTATION).order_by(ANNOTATION.c.id)).all()
    return [_record(r) for r in rows]


def annotations_version(project: Project) -> tuple[int, int, str]:
    """What changes whenever an annotation is added, changed, deleted or put back
    (how many, the sum of their ids, the latest change), read in one small query: a
    window compares it to follow the annotations another process or user writes."""
    table = ANNOTATION
    query = select(
        func.count(table.c.id), func.coalesce(func.sum(table.c.id), 0), func.max(table.c.updated_at)
    )
    with project.engine.connect() as conn:
        count, total, latest = conn.execute(query).one()
    return int(count), int(total), str(latest)


def read_annotation(project: Project, annotation_id: int) -> AnnotationRecord:
    with project.engine.connect() as conn:
        row = conn.execute(select(ANNOTATION).where(ANNOTATION.c.id == annotation_id)).first()
    if row is None:
        raise AnnotationError(f"there is no annotation #{annotation_id}")
    return _record(row)


def create_annotation(project: Project, values: AnnotationFields) -> int:
    """Save a new annotation; its id."""
    values = values.checked()
    now = datetime.now()
    with project.writing("the new annotation", changes_data=False) as conn:
        result = conn.execute(
            insert(ANNOTATION).values(
                kind=values.kind,
                label=values.label,
                geometry=values.geometry,
                style=values.style,
                created_at=now,
                updated_at=now,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])


def update_annotation(
    project: Project, annotation_id: int, values: AnnotationFields
) -> AnnotationFields:
    """Change an annotation (moved, renamed, restyled); the values it had before."""
    values = values.checked()
    with project.writing(f"the change of annotation #{annotation_id}", changes_data=False) as conn:
        row = conn.execute(select(ANNOTATION).where(ANNOTATION.c.id == annotation_id)).first()
        if row is None:
            raise AnnotationError(f"there is no annotation #{annotation_id}")
        if values.kind != row.kind:
            raise AnnotationError("an annotation keeps its kind")
        conn.execute(
            update(ANNOTATION)
            .where(ANNOTATION.c.id == annotation_id)
            .values(
                label=values.label,
                geometry=values.geometry,
                style=values.style,
                updated_at=datetime.now(),
            )
        )
    return _record(row).fields


def delete_annotation(project: Project, annotation_id: int) -> dict[str, Any]:
    """Delete an annotation; its row, for :func:`restore_annotation`."""
    with project.writing(
        f"the deletion of annotation #{annotation_id}", changes_data=False
    ) as conn:
        row = (
            conn.execute(select(ANNOTATION).where(ANNOTATION.c.id == annotation_id))
            .mappings()
            .first()
        )
        if row is None:
            raise AnnotationError(f"there is no annotation #{annotation_id}")
        conn.execute(delete(ANNOTATION).where(ANNOTATION.c.id == annotation_id))
    return dict(row)


def restore_annotation(project: Project, row: dict[str, Any]) -> None:
    """Put a deleted annotation back, with its id."""
    with project.writing("putting an annotation back", changes_data=False) as conn:
        conn.execute(insert(ANNOTATION).values(**row))
