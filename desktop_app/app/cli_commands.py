"""The parts of the command line that need more than a few lines: column mapping
(``import --map``/``--mapping``), ``export`` and the extra ``info --json`` keys.

A mapping names the wizard's fields (``ingest/columns.FIELD_LABELS``) and the file's
columns, exactly as the wizard and ``ingest/mapping_memory.py`` do: ``--map
start=Occurred On`` is what choosing "Occurred On" in the "Date / start" dropdown does.
Fields not named are guessed from the header as the wizard guesses them; a column
serves one field. ``--mapping FILE.json`` reads the record the wizard remembers
(``{"preset": ..., "mapping": {field: column}, "date_order": ...}``) or a plain
``{field: column}`` object.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from desktop_app.domain.dates import DateOrder, Precision
from desktop_app.ingest.columns import FIELD_LABELS, guess_mapping, normalise
from desktop_app.ingest.presets.base import Options
from desktop_app.store.project import Project
from desktop_app.store.schema import Event, Location

# dates split over three columns (GTD's iyear/imonth/iday; 0 or blank is unknown)
SPLIT_DATE_FIELDS = ("year", "month", "day")
EXPORT_FORMATS = {".csv": "csv", ".geojson": "geojson", ".kml": "kml"}


class UsageError(Exception):
    """A command-line argument that cannot be used; the message is the one line shown."""


@dataclass(frozen=True)
class MappingRequest:
    """The mapping asked for on the command line, before the file is read."""

    fields: dict[str, str]  # target field -> column as typed
    preset: str | None = None  # from a remembered record
    date_order: DateOrder | None = None  # from a remembered record
    exact: bool = False  # a remembered mapping is used as it is (no guessing)

    @property
    def empty(self) -> bool:
        return not self.fields and self.preset is None


def valid_fields() -> list[str]:
    return list(dict.fromkeys([*FIELD_LABELS, *SPLIT_DATE_FIELDS]))


def _check_field(name: str, where: str) -> None:
    if name not in valid_fields():
        raise UsageError(
            f"{where}: unknown field {name!r}; the fields are: " + ", ".join(valid_fields())
        )


def parse_map_args(pairs: Sequence[str]) -> dict[str, str]:
    """``FIELD=COLUMN`` arguments as a mapping (the column may contain '=' and spaces)."""
    fields: dict[str, str] = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        field, column = field.strip(), column.strip()
        if not sep or not field or not column:
            raise UsageError(f'--map {pair!r}: write FIELD=COLUMN, e.g. --map start="Occurred On"')
        _check_field(field, f"--map {pair}")
        fields[field] = column
    return fields


def read_mapping_file(path: Path) -> MappingRequest:
    """The JSON the wizard remembers, or a plain {field: column} object."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"--mapping {path}: cannot read it ({exc.strerror or exc})") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise UsageError(f"--mapping {path}: not a JSON file ({exc})") from None
    if not isinstance(record, dict):
        raise UsageError(f"--mapping {path}: expected a JSON object")
    remembered = "mapping" in record and isinstance(record.get("mapping"), dict)
    mapping = record["mapping"] if remembered else record
    fields: dict[str, str] = {}
    for field, column in mapping.items():
        if not isinstance(column, str):
            raise UsageError(f"--mapping {path}: the column of {field!r} is not text")
        _check_field(str(field), f"--mapping {path}")
        fields[str(field)] = column
    preset = str(record["preset"]) if remembered and record.get("preset") else None
    order = record.get("date_order") if remembered else None
    try:
        date_order = DateOrder(order) if order else None
    except ValueError:
        raise UsageError(f"--mapping {path}: unknown date_order {order!r}") from None
    return MappingRequest(fields, preset, date_order, exact=remembered)


def resolve_mapping(
    request: MappingRequest, overrides: dict[str, str], columns: Sequence[str]
) -> dict[str, str]:
    """Field -> file column: the request's columns found in the file (exact name, else
    the one column with the same normalised name), guesses for the other fields."""
    by_norm: dict[str, list[str]] = {}
    for column in columns:
        by_norm.setdefault(normalise(column), []).append(column)

    def find(field: str, column: str, where: str) -> str:
        if column in columns:
            return column
        same = by_norm.get(normalise(column), [])
        if len(same) == 1:
            return same[0]
        raise UsageError(
            f"{where} {field}={column}: the file has no column {column!r}; "
            "its columns are: "
            + ", ".join(columns[:60])
            + (f" ... ({len(columns)} in all)" if len(columns) > 60 else "")
        )

    chosen = {f: find(f, c, "--mapping") for f, c in request.fields.items()}
    chosen.update({f: find(f, c, "--map") for f, c in overrides.items()})
    if request.exact and not overrides:
        return chosen
    base = {} if request.exact else guess_mapping(columns)
    if any(f in chosen for f in SPLIT_DATE_FIELDS):  # split dates replace a guessed date
        base = {f: c for f, c in base.items() if f not in ("start", "time")}
    used = set(chosen.values())
    merged = {f: c for f, c in base.items() if f not in chosen and c not in used}
    merged.update(chosen)
    return merged


# ---------------------------------------------------------------------- export
def export_kind(path: Path) -> str:
    kind = EXPORT_FORMATS.get(path.suffix.lower())
    if kind is None:
        raise UsageError(f"cannot export to {path.name}: name the file .csv, .geojson or .kml")
    return kind


def export_all(project: Project, path: Path, kind: str) -> str:
    """Write every event (in time order) as File ▸ Export writes the visible ones;
    returns what was written, in words."""
    from desktop_app.export.csv_export import write_csv
    from desktop_app.export.geo import write_geojson, write_kml
    from desktop_app.export.records import export_events

    with project.engine.connect() as conn:
        ids = list(conn.execute(select(Event.id).order_by(Event.start_s, Event.id)).scalars())
    events = export_events(project, ids)
    name = project.path.stem if project.path else "Sightline events"
    # written beside the target and renamed at the end: a failed export leaves no
    # half-written file (and an older export of that name as it was)
    partial = path.with_name(f".{path.name}.partial")
    try:
        if kind == "csv":
            what = f"{write_csv(partial, events):,} events as CSV"
        elif kind == "geojson":
            count, located = write_geojson(partial, events, name)
            what = f"{count:,} events as GeoJSON ({located:,} with a location)"
        else:
            written, left_out = write_kml(partial, events, name)
            what = f"{written:,} events as KML" + (
                f" ({left_out:,} without a location are not in it)" if left_out else ""
            )
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return what


# ---------------------------------------------------------------------- info
def info_extra(project: Project) -> dict[str, object]:
    """Events per date precision, and events without a located place (no place, or a
    place without coordinates)."""
    with project.engine.connect() as conn:
        counts = dict(
            conn.execute(select(Event.precision, func.count()).group_by(Event.precision)).all()
        )
        unlocated = conn.execute(
            select(func.count())
            .select_from(Event)
            .outerjoin(Location, Location.id == Event.location_id)
            .where(
                (Event.location_id.is_(None))
                | Location.latitude.is_(None)
                | Location.longitude.is_(None)
            )
        ).scalar_one()
    return {
        "precision": {p.label: int(counts.get(int(p), 0)) for p in Precision},
        "unlocated": int(unlocated),
    }


def with_mapping(
    options: Options, path: Path, pairs: Sequence[str], mapping_file: Path | None
) -> Options:
    """``options`` with the command line's mapping (unchanged when none was given).

    The file is read once here to check the columns, before any project is opened."""
    import dataclasses

    from desktop_app.ingest.pipeline import read_for_import

    overrides = parse_map_args(pairs)
    request = read_mapping_file(mapping_file) if mapping_file else MappingRequest({})
    if not overrides and request.empty:
        return options
    preset = request.preset if request.preset and not overrides else "generic"
    if (
        options.preset
        and options.preset.lower() not in ("generic", "own")
        and (overrides or preset == "generic")
    ):
        raise UsageError(
            f"--preset {options.preset} maps its columns itself; "
            "--map/--mapping go with the generic preset (or no --preset)"
        )
    if preset != "generic":  # a remembered known tool: its preset, no mapping
        return dataclasses.replace(
            options,
            preset=options.preset or preset,
            date_order=options.date_order or request.date_order,
        )
    table = read_for_import(path, options)
    mapping = resolve_mapping(request, overrides, table.columns)
    return dataclasses.replace(
        options,
        preset="generic",
        mapping=mapping,
        date_order=options.date_order or request.date_order,
    )


# ---------------------------------------------------------------------- links
LINK_KINDS = {
    "actors": ("actor",),
    "places": ("place",),
    "sources": ("source",),
    "categories": ("category",),
    "mixed": ("actor", "place", "source"),
}


def links_graph(
    project: Project,
    kind: str,
    top: int | None = None,
    graph_files: Sequence[Path] = (),
) -> dict[str, object]:
    """``sightline links``: every node of that kind (or the ``top`` by events) and the
    edges among them, as one JSON object; each of ``graph_files`` gets the same graph
    as GraphML or GEXF (by its suffix)."""
    from desktop_app.frame.cache import load_frame
    from desktop_app.graph.analysis import chart_of, top_nodes
    from desktop_app.graph.build import build_graph
    from desktop_app.graph.export import chart_json, write_graph

    for path in graph_files:
        if path.suffix.lower() not in (".graphml", ".gexf"):
            raise UsageError(f"cannot tell the graph format of {path.name}: use .graphml or .gexf")
        if not path.parent.is_dir():
            raise UsageError(f"cannot write {path}: no folder {path.parent}")
    frame = load_frame(project)
    graph = build_graph(frame, None, LINK_KINDS[kind])
    chart = chart_of(graph, top_nodes(graph, top if top is not None else graph.n_nodes))
    for path in graph_files:
        write_graph(chart, graph.keys, path, frame.ids)
    return chart_json(chart, graph.keys, frame.ids)
