"""The import: file -> preset -> validated rows + rejects -> one batch in the store.

Nothing reaches the store until every row has been checked; the write itself is one
transaction (see ``store/bulk.py``), so an unreadable file, a crash or a cancelled
import leaves the project as it was. Re-importing rows already in the project adds
nothing: each event has a 64-bit fingerprint, from the tool's own id where that id is
globally unique (ACLED, GDELT), otherwise from its content.
"""

from __future__ import annotations

import csv
import hashlib
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import select

from desktop_app.domain import grades
from desktop_app.domain.dates import DateOrder
from desktop_app.ingest import presets as preset_registry
from desktop_app.ingest.locations import project_locations, resolve
from desktop_app.ingest.presets import gdelt
from desktop_app.ingest.presets.base import Draft, Options, Reject
from desktop_app.ingest.readers import RawTable, UnreadableFile, read_table
from desktop_app.ingest.vector import (
    explode_names, json_lists, json_objects, map_distinct, to_float,
)
from desktop_app.store.bulk import EVENT_COLUMNS, batch_writer
from desktop_app.store.project import Project
from desktop_app.store.schema import Actor, Event, Source

Progress = Callable[[str, float], None]


@dataclass
class ImportResult:
    """What an import did. ``rejects`` lists every row not imported, with its reason."""

    imported: int
    duplicates: int
    rejected: int
    unlocated: int
    batch: int | None
    preset: str
    rows_read: int
    skipped: int = 0  # rows that are not events by the format's own rules
    rejects: list[Reject] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unresolved_places: dict[str, int] = field(default_factory=dict)
    encoding: str = ""
    delimiter: str | None = None
    sheet: str | None = None

    def summary(self) -> dict[str, object]:
        """The fixed JSON summary of ``sightline import --json``."""
        return {"imported": self.imported, "duplicates": self.duplicates,
                "rejected": self.rejected, "unlocated": self.unlocated,
                "batch": self.batch, "preset": self.preset}

    def write_rejects(self, path: Path) -> None:
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["row", "column", "reason"])
            for r in self.rejects:
                writer.writerow([r.row, r.column, r.reason])


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_for_import(path: Path, options: Options) -> RawTable:
    """Read the file, without a header when it is a GDELT event file."""
    has_header: bool | None = None
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        with path.open("rb") as handle:
            first = handle.readline(1 << 16).decode("utf-8", errors="replace")
        if gdelt.looks_like(first) or (options.preset or "").lower().startswith("gdelt"):
            has_header = False
    table = read_table(path, sheet=options.sheet, encoding=options.encoding,
                       delimiter=options.delimiter or ("\t" if has_header is False else None),
                       has_header=has_header)
    if table.frame.empty and not table.bad_rows:
        raise UnreadableFile("the file has a header but no rows")
    return table


def prepare(path: Path, options: Options) -> tuple[RawTable, Draft]:
    """Read and interpret a file (no store needed): what the wizard previews."""
    table = read_for_import(path, options)
    preset = preset_registry.choose(table, options.preset)
    return table, preset.normalize(table, options)


def import_file(
    project: Project, path: str | Path, options: Options | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import one file into the project. Raises UnreadableFile if it cannot be read."""
    path = Path(path)
    options = options or Options()
    report = progress or (lambda _stage, _fraction: None)
    report("reading", 0.0)
    background = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sightline-import")
    digest = background.submit(file_sha256, path)  # hashlib releases the GIL
    table, draft = prepare(path, options)
    report("checking", 0.3)
    rows = Validated.check(draft)
    # the attributes JSON is built by pyarrow kernels (no GIL) while the rest goes on
    attributes = background.submit(_attributes_json, draft, rows.accepted)
    known = Known.load(project)  # every read happens before the write starts
    report("placing", 0.45)
    keep = rows.accepted
    n_keep = int(keep.sum())
    located = resolve(
        known.locations,
        draft.place[keep] if draft.place is not None else _blank(n_keep),
        draft.country[keep] if draft.country is not None else _blank(n_keep),
        rows.lat[keep], rows.lon[keep],
        (draft.geo_precision[keep] if draft.geo_precision is not None
         else _blank(n_keep, "unknown")).fillna("unknown"),
        draft.location_attributes[keep] if draft.location_attributes is not None else None,
    )
    events = _event_table(draft, rows, keep, located)
    fresh = _new_rows(known.fingerprints, events["fingerprint"].to_numpy())
    events = events[fresh].reset_index(drop=True) if not fresh.all() else events
    locations = _used_locations(events, located.locations)
    written = np.flatnonzero(keep)[fresh]  # draft rows that become events
    unlocated = int((events["location_id"].isna() & events["location_new"].isna()).sum())
    counts = {"rows_read": len(draft) + len(table.bad_rows), "imported": len(events),
              "duplicates": int((~fresh).sum()), "rejected": rows.rejected_rows,
              "unlocated": unlocated}
    batch = {
        "file_name": path.name, "sha256": digest.result(), "preset": draft.preset,
        "mapping": draft.mapping,
        "options": {"encoding": table.encoding, "delimiter": table.delimiter,
                    "sheet": table.sheet,
                    "date_order": options.date_order.value if options.date_order else None},
        **counts,
    }
    report("writing", 0.6)
    with batch_writer(project, batch) as writer:
        # the writer ingests each table on its own thread while the next is computed;
        # links may come before their events (the ids are known already)
        writer.add_locations(locations)
        if draft.actors:
            names, links = _actor_links(draft, written, known.actors)
            writer.add_actors(names)
            writer.add_event_actors(links)
        if draft.sources:
            new_sources, links = _source_links(draft, written, known.sources)
            writer.add_sources(new_sources)
            writer.add_event_sources(links)
        extra = attributes.result()
        events["attributes"] = extra[fresh].reset_index(drop=True) if not fresh.all() else extra
        writer.add_events(events)
        batch_id = writer.batch_id
    background.shutdown()
    report("done", 1.0)
    return ImportResult(
        imported=counts["imported"], duplicates=counts["duplicates"],
        rejected=counts["rejected"], unlocated=unlocated, batch=batch_id, preset=draft.preset,
        rows_read=counts["rows_read"], skipped=int(rows.skipped.sum()),
        rejects=rows.rejects, warnings=draft.warnings + _place_warning(located.unresolved),
        unresolved_places=located.unresolved, encoding=table.encoding,
        delimiter=table.delimiter, sheet=table.sheet,
    )


@dataclass
class Known:
    """What the project already holds that an import matches against."""

    fingerprints: np.ndarray
    actors: dict[str, int]
    sources: dict[str, int]  # "title\x1furl" -> id
    locations: pd.DataFrame

    @classmethod
    def load(cls, project: Project) -> Known:
        with project.engine.connect() as conn:
            fingerprints = np.fromiter(conn.execute(select(Event.fingerprint)).scalars(),
                                       np.int64)
            actors = dict(conn.execute(select(Actor.name, Actor.id)).all())
            sources = {f"{t}\x1f{u or ''}": i for t, u, i in
                       conn.execute(select(Source.title, Source.url, Source.id)).all()}
        return cls(fingerprints, actors, sources, project_locations(project))


def _blank(n: int, value: str = "") -> pd.Series:
    return pd.Series([value] * n, dtype="string")


def _place_warning(unresolved: dict[str, int]) -> list[str]:
    if not unresolved:
        return []
    names = ", ".join(f"{k} ({v})" for k, v in list(unresolved.items())[:10])
    more = f" and {len(unresolved) - 10} more" if len(unresolved) > 10 else ""
    return [f"{sum(unresolved.values())} rows name a place that could not be located, "
            f"imported without a location: {names}{more}"]


# ---------------------------------------------------------------- validation
@dataclass
class Validated:
    """Row checks shared by every preset."""

    accepted: np.ndarray
    skipped: np.ndarray
    rejects: list[Reject]
    lat: np.ndarray
    lon: np.ndarray
    end_s: pd.Series  # Int64
    reliability: pd.Series
    credibility: pd.Series

    @property
    def rejected_rows(self) -> int:
        return len({r.row for r in self.rejects})

    @classmethod
    def check(cls, d: Draft) -> Validated:
        n = len(d)
        rownum = d.table.row_numbers
        skipped = d.skip if d.skip is not None else np.zeros(n, bool)
        bad = np.zeros(n, bool)
        rejects = list(d.rejects) + [Reject(r, "", reason) for r, reason in d.table.bad_rows]

        def reject(mask: np.ndarray, column: str,
                   reasons: str | Callable[[np.ndarray], np.ndarray]) -> None:
            mask = mask & ~skipped
            if not mask.any():
                return
            texts = reasons(mask) if callable(reasons) else np.full(int(mask.sum()), reasons)
            rejects.extend(Reject(int(r), column, str(t)) for r, t in zip(rownum[mask], texts,
                                                                          strict=True))
            bad[:] |= mask

        start = d.start.parsed
        reject(~start.ok, d.start.column, lambda m: np.array(
            ["no date" if e == "empty" else f"date: {e}" for e in start.error[m]]))
        end_s = pd.Series(pd.NA, index=range(n), dtype="Int64")
        if d.end is not None:
            end = d.end.parsed
            given = end.error != "empty"
            reject(given & ~end.ok, d.end.column,
                   lambda m: np.array([f"end date: {e}" for e in end.error[m]]))
            from desktop_app.domain.dates import span_end_seconds

            end_span = span_end_seconds(end.seconds, end.precision)
            before = given & end.ok & start.ok & (end_span <= start.seconds)
            reject(before, d.end.column, "the end is before the start")
            has_end = given & end.ok
            end_s[has_end] = end_span[has_end]  # exclusive end of the end's own span
        reject((d.title.fillna("") == "").to_numpy(), "title", "no title or description")

        lat = _coordinate(d.latitude, n)
        lon = _coordinate(d.longitude, n)
        lat_col, lon_col = d.coord_columns
        if d.latitude is not None:
            given = (d.latitude.fillna("") != "").to_numpy()
            reject(given & np.isnan(lat), lat_col, "latitude is not a number")
            reject(np.abs(lat) > 90, lat_col, "latitude out of range (-90 to 90)")
        if d.longitude is not None:
            given = (d.longitude.fillna("") != "").to_numpy()
            reject(given & np.isnan(lon), lon_col, "longitude is not a number")
            reject(np.abs(lon) > 180, lon_col, "longitude out of range (-180 to 180)")
        if d.latitude is not None and d.longitude is not None:
            reject(np.isnan(lat) ^ np.isnan(lon), lat_col, "latitude and longitude come in pairs")
        lat = np.where(np.abs(lat) <= 90, lat, np.nan)
        lon = np.where(np.abs(lon) <= 180, lon, np.nan)

        reliability = _grade(d.reliability, n, grades.normalise_reliability, reject, "reliability")
        credibility = _grade(d.credibility, n, grades.normalise_credibility, reject, "credibility")
        accepted = ~bad & ~skipped
        rejects.sort(key=lambda r: r.row)
        return cls(accepted, skipped, rejects, lat, lon, end_s, reliability, credibility)


def _coordinate(values: pd.Series | None, n: int) -> np.ndarray:
    return np.full(n, np.nan) if values is None else to_float(values)


def _grade(values: pd.Series | None, n: int, normalise: Callable[[str], object],
           reject: Callable[..., None], column: str) -> pd.Series:
    """Grades normalised (B, 2), with a reject for each value outside its scale."""
    if values is None:
        return pd.Series([None] * n, dtype=object)

    def check(value: object) -> tuple[object, str]:
        try:
            return normalise(str(value) if value is not None else ""), ""
        except ValueError as exc:
            return None, str(exc)

    checked = map_distinct(values.fillna(""), check)
    reasons = np.array([r for _, r in checked], dtype=object)
    reject(reasons != "", column, lambda m: reasons[m])
    return pd.Series([g for g, _ in checked], dtype=object)


# ---------------------------------------------------------------- building the batch
def _event_table(d: Draft, v: Validated, keep: np.ndarray, located: object) -> pd.DataFrame:
    start = d.start.parsed
    n = int(keep.sum())
    ext = d.external_id[keep].reset_index(drop=True) if d.external_id is not None else None
    title = d.title[keep].reset_index(drop=True)
    description = d.description[keep].reset_index(drop=True) if len(d.description) else _blank(n)
    start_s = start.seconds[keep]
    precision = start.precision[keep]
    end_s = v.end_s[keep].reset_index(drop=True)
    tags = json_lists([(c.values[keep], c.separator) for c in d.tags], n)
    events = pd.DataFrame({
        "external_id": ext.where(ext != "", None) if ext is not None else None,
        "title": title, "description": description.where(description != "", None),
        "start_s": start_s, "end_s": end_s, "precision": precision.astype(np.int64),
        "category": (d.category[keep].reset_index(drop=True).replace("", None)
                     if d.category is not None else None),
        "tags": tags, "reliability": v.reliability[keep].reset_index(drop=True),
        "credibility": pd.array(v.credibility[keep].reset_index(drop=True), dtype="Int64"),
        "attributes": None,  # filled from _attributes_json before writing
        "location_id": located.existing,  # type: ignore[attr-defined]
        "location_new": located.new,  # type: ignore[attr-defined]
    })
    events["fingerprint"] = _fingerprints(d, events, keep)
    return events[[*EVENT_COLUMNS, "location_id", "location_new"]]


def _attributes_json(d: Draft, keep: np.ndarray) -> pd.Series:
    """Columns no field took, as one JSON object per kept row (None when all empty)."""
    if d.attributes is None:
        return pd.Series([None] * int(keep.sum()), dtype=object)
    return json_objects(d.attributes[keep].reset_index(drop=True))


def _fingerprints(d: Draft, events: pd.DataFrame, keep: np.ndarray) -> np.ndarray:
    if d.id_namespace is not None and d.external_id is not None:
        key = pd.DataFrame({"ns": d.id_namespace, "id": events["external_id"].fillna("")})
    else:
        place = d.place[keep].reset_index(drop=True) if d.place is not None else ""
        key = pd.DataFrame({
            "title": events["title"], "description": events["description"].fillna(""),
            "start": events["start_s"], "precision": events["precision"],
            "end": events["end_s"].fillna(-1), "place": place,
            "lat": pd.Series(np.round(_kept(d.latitude, keep), 5)).fillna(999.0),
            "lon": pd.Series(np.round(_kept(d.longitude, keep), 5)).fillna(999.0),
        })
    return pd.util.hash_pandas_object(key, index=False).to_numpy().view(np.int64)


def _kept(values: pd.Series | None, keep: np.ndarray) -> np.ndarray:
    return _coordinate(values, len(keep))[keep]


def _new_rows(existing: np.ndarray, fingerprints: np.ndarray) -> np.ndarray:
    """False for rows already in the project or repeated earlier in the same file."""
    repeated = pd.Series(fingerprints).duplicated().to_numpy()
    return ~repeated & ~np.isin(fingerprints, existing)


def _used_locations(events: pd.DataFrame, locations: pd.DataFrame) -> pd.DataFrame:
    """The new locations that written (non-duplicate) events use, renumbered in place."""
    local = events["location_new"].to_numpy(dtype=np.int64, na_value=-1)
    used = np.unique(local[local >= 0])
    if len(used) < len(locations):  # duplicates dropped some: renumber
        remap = np.full(len(locations) + 1, -1, np.int64)
        remap[used] = np.arange(len(used))
        events["location_new"] = _ids(remap[local])
    return locations.iloc[used].reset_index(drop=True)


def _match(keys: pd.Series, known: dict[str, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per key: (existing id or -1, new local id or -1), and which distinct keys are new."""
    codes, uniques = pd.factorize(keys)
    existing = np.array([known.get(k, -1) for k in uniques] + [-1], dtype=np.int64)
    fresh = existing[:-1] < 0
    local = np.full(len(uniques) + 1, -1, np.int64)
    local[:-1][fresh] = np.arange(int(fresh.sum()))
    return existing[codes], local[codes], fresh


def _actor_links(d: Draft, rows: np.ndarray,
                 known: dict[str, int]) -> tuple[pd.Series, pd.DataFrame]:
    """New actor names, and (event, actor) links for the written rows."""
    links = pd.concat(
        [explode_names(c.values.iloc[rows], c.separator).assign(role=c.role) for c in d.actors],
        ignore_index=True,
    )
    codes, uniques = pd.factorize(links["name"])
    links = links[~pd.DataFrame({"r": links["row"].to_numpy(), "c": codes,
                                 "k": links["role"].to_numpy()}).duplicated().to_numpy()]
    existing, local, fresh = _match(links["name"], known)
    names = pd.Series(pd.unique(links["name"]), dtype=object)[fresh]
    return names, pd.DataFrame({
        "event": links["row"].to_numpy(), "actor_id": _ids(existing),
        "actor_new": _ids(local), "role": links["role"].to_numpy(),
    })


def _source_links(d: Draft, rows: np.ndarray,
                  known: dict[str, int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """New sources (a source is its title and URL), and (event, source) links."""
    pieces = []
    for col in d.sources:
        titles = explode_names(col.titles.iloc[rows], col.separator)
        urls = (col.urls.iloc[rows].reset_index(drop=True).fillna("")
                if col.urls is not None else pd.Series([""] * len(rows), dtype="string"))
        titles["url"] = urls.to_numpy(dtype=object)[titles["row"].to_numpy()]
        titles["publisher"] = titles["name"] if col.publisher_is_title else None
        pieces.append(titles)
    links = pd.concat(pieces, ignore_index=True)
    keys = links["name"].astype("string") + "\x1f" + links["url"].astype("string")
    codes = pd.factorize(keys)[0]
    once = ~pd.DataFrame({"r": links["row"].to_numpy(), "c": codes}).duplicated().to_numpy()
    links, keys = links[once].reset_index(drop=True), keys[once].reset_index(drop=True)
    existing, local, fresh = _match(keys, known)
    distinct = links.iloc[np.unique(pd.factorize(keys)[0], return_index=True)[1]]
    new = distinct[fresh]
    sources = pd.DataFrame({
        "title": new["name"].to_numpy(), "publisher": new["publisher"].to_numpy(),
        "url": new["url"].replace("", None).to_numpy(), "date": None, "notes": None,
    })
    return sources, pd.DataFrame({"event": links["row"].to_numpy(),
                                  "source_id": _ids(existing), "source_new": _ids(local)})


def _ids(values: np.ndarray) -> pd.Series:
    """Ids with -1 meaning none, as a nullable integer column."""
    return pd.Series(values, dtype="Int64").where(values >= 0)


def undo_import(project: Project, batch_id: int) -> int:
    """Remove every event of a batch (and the places, actors and sources only it made)."""
    from desktop_app.store.batches import undo_batch

    return undo_batch(project, batch_id)


__all__ = ["DateOrder", "ImportResult", "Options", "UnreadableFile", "import_file",
           "prepare", "undo_import"]
