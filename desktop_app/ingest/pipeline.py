"""The import: file -> preset -> validated rows + rejects -> one batch in the store.

Nothing reaches the store until every row has been checked; the write itself is one
transaction (see ``store/bulk.py``), so an unreadable file, a crash or a cancelled
import leaves the project as it was. Re-importing rows already in the project adds
nothing: each event has a 64-bit fingerprint, from the tool's own id where that id is
globally unique (ACLED, GDELT), otherwise from its content.

A big file is handled in slices of ``CHUNK_ROWS`` rows inside that one transaction: the
store's writer thread ingests slice k while slice k+1 is normalised, and memory holds a
slice's working tables rather than the whole file's. What crosses slices (places,
actors and sources met so far, fingerprints written, row numbers, rejects) lives in
``_State``; the day/month order of each date column is decided on the whole column
first (see ``_plan_slices``), so slicing changes no result.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import select

from desktop_app.domain import grades
from desktop_app.domain.dates import DateOrder, OrderReport
from desktop_app.ingest import presets as preset_registry
from desktop_app.ingest.filecheck import check_file
from desktop_app.ingest.locations import LocationRegistry, project_locations, resolve
from desktop_app.ingest.presets import gdelt
from desktop_app.ingest.presets.base import (
    Draft,
    Options,
    Reject,
    recording_orders,
    replaying_orders,
)
from desktop_app.ingest.readers import RawTable, UnreadableFile, read_table
from desktop_app.ingest.vector import (
    json_lists,
    json_objects,
    map_distinct,
    split_names,
    to_float,
)
from desktop_app.store.bulk import EVENT_COLUMNS, BatchWriteError, BatchWriter, batch_writer
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
    check_file(path)  # a FIFO or device is refused before anything opens it
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


@dataclass
class Preview:
    """What importing a file would do, worked out without a store (the wizard shows it).

    ``error`` says why the file cannot be interpreted as asked (then ``draft`` is None and
    nothing would be imported). Duplicates of events already in a project are only
    known at import time.
    """

    table: RawTable
    preset: str
    draft: Draft | None
    rejects: list[Reject] = field(default_factory=list)
    accepted: int = 0
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def rejected_rows(self) -> int:
        return len({r.row for r in self.rejects})


def preview_table(table: RawTable, options: Options) -> Preview:
    """Interpret and check a table already read (as :func:`read_for_import` reads it)."""
    try:
        preset = preset_registry.choose(table, options.preset)
        draft = preset.normalize(table, options)
    except UnreadableFile as exc:
        return Preview(table, (options.preset or ""), None, error=str(exc))
    checked = Validated.check(draft)
    return Preview(table, draft.preset, draft, checked.rejects, int(checked.accepted.sum()),
                   int(checked.skipped.sum()), list(draft.warnings))


def preview(path: str | Path, options: Options) -> Preview:
    """Read a file and say what importing it would do. Raises UnreadableFile."""
    return preview_table(read_for_import(Path(path), options), options)


# Rows normalised and written at a time. A big file is read whole (pyarrow, all cores),
# then handled in slices: the store's writer thread ingests slice k while slice k+1 is
# prepared, and the working memory is that of a slice.
CHUNK_ROWS = 100_000
# slice only when the date columns hold at most this share of distinct rows (the order
# is decided by running the preset once on those rows)
PLAN_MAX_DISTINCT = 0.25


class ImportCancelled(Exception):
    """The import was cancelled before it was committed; nothing was changed."""

    expected = True  # not a crash: the worker prints no traceback


def import_file(
    project: Project, path: str | Path, options: Options | None = None,
    progress: Progress | None = None, cancel: threading.Event | None = None,
) -> ImportResult:
    """Import one file into the project. Raises UnreadableFile if it cannot be read.

    ``cancel`` (set from any thread) stops the import at its next progress step, before
    the commit, with :class:`ImportCancelled`; the project is left as it was.
    """
    path = Path(path)
    options = options or Options()
    notify = progress or (lambda _stage, _fraction: None)

    def report(stage: str, fraction: float) -> None:
        notify(stage, fraction)
        if cancel is not None and cancel.is_set() and stage != "done":
            raise ImportCancelled("the import was cancelled; nothing was imported")

    try:
        return _import_file(project, path, options, report)
    except BatchWriteError as exc:
        if isinstance(exc.__cause__, ImportCancelled):  # raised inside the transaction
            raise exc.__cause__ from None
        raise


def _import_file(project: Project, path: Path, options: Options,
                 report: Progress) -> ImportResult:
    report("reading", 0.0)
    background = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sightline-import")
    try:
        check_file(path)  # before the hash thread opens it (a FIFO would block it)
        digest = background.submit(file_sha256, path)  # hashlib releases the GIL
        table = read_for_import(path, options)
        preset = preset_registry.choose(table, options.preset)
        slices, orders = _plan_slices(table, preset, options)
        report("checking", 0.2)
        known = Known.load(project)  # every read happens before the write starts
        state = _State(known)
        rows_read = len(table.frame) + len(table.bad_rows)

        n_rows = len(table.frame)
        # one table per slice, then none for the whole: a slice's rows are freed (in
        # pyarrow's blocks) once it is written
        parts = [_slice(table, lo, hi, first=k == 0) for k, (lo, hi) in enumerate(slices)]
        table.frame = table.frame.iloc[:0]

        def drafts() -> Iterator[Draft]:
            for k, (lo, _hi) in enumerate(slices):
                report("writing" if k else "checking", 0.2 + 0.7 * lo / max(n_rows, 1))
                part = parts[k]
                parts[k] = None  # type: ignore[call-overload]
                with replaying_orders(orders) if orders is not None else nullcontext():
                    draft = preset.normalize(part, options)
                del part
                yield draft

        pending = drafts()
        first = [next(pending)]  # its mapping goes into the batch record
        batch = {
            "file_name": path.name, "sha256": "", "preset": first[0].preset,
            "mapping": first[0].mapping,
            "options": {"encoding": table.encoding, "delimiter": table.delimiter,
                        "sheet": table.sheet,
                        "date_order": options.date_order.value if options.date_order else None},
            "rows_read": rows_read, "imported": 0, "duplicates": 0, "rejected": 0,
            "unlocated": 0,
        }
        with batch_writer(project, batch) as writer:
            for draft in itertools.chain([first.pop()], pending):
                _import_slice(draft, state, writer, background)
                del draft
            writer.final_counts = {
                "sha256": digest.result(), "imported": state.imported,
                "duplicates": state.duplicates, "rejected": len({r.row for r in state.rejects}),
                "unlocated": state.unlocated,
            }
            report("indexing", 0.9)
            batch_id = writer.batch_id
    finally:
        background.shutdown()
    report("done", 1.0)
    rejects = sorted(state.rejects, key=lambda r: r.row)
    unresolved = dict(sorted(state.unresolved.items(), key=lambda kv: -kv[1]))
    return ImportResult(
        imported=state.imported, duplicates=state.duplicates,
        rejected=len({r.row for r in rejects}), unlocated=state.unlocated, batch=batch_id,
        preset=state.preset, rows_read=rows_read, skipped=state.skipped,
        rejects=rejects, warnings=state.warnings + _place_warning(unresolved),
        unresolved_places=unresolved, encoding=table.encoding,
        delimiter=table.delimiter, sheet=table.sheet,
    )


def _plan_slices(
    table: RawTable, preset: preset_registry.Preset, options: Options,
) -> tuple[list[tuple[int, int]], list[tuple[str, OrderReport]] | None]:
    """Row ranges to normalise one at a time, and the date-order reports they replay.

    The day/month order of a date column is decided on the whole column: the preset is
    run once on the rows holding each distinct combination of its date columns (the
    order depends on nothing else), recording each column's report.
    """
    n = len(table.frame)
    if n <= CHUNK_ROWS or preset.date_sources is None:
        return [(0, n)], None
    sources = preset.date_sources(table, options)
    if not sources:
        return [(0, n)], None
    frame = table.frame
    codes = _row_codes([frame[c] for c in sources])
    firsts = np.unique(codes, return_index=True)[1]
    if len(firsts) > n * PLAN_MAX_DISTINCT:  # dates mostly distinct: read it whole
        return [(0, n)], None
    firsts.sort()
    sample = RawTable(frame.iloc[firsts].reset_index(drop=True), table.row_numbers[firsts],
                      table.has_header, table.encoding, table.delimiter, table.sheet,
                      table.sheets, [])
    with recording_orders() as orders:
        preset.normalize(sample, options)
    return [(lo, min(lo + CHUNK_ROWS, n)) for lo in range(0, n, CHUNK_ROWS)], orders


def _row_codes(columns: list[pd.Series]) -> np.ndarray:
    """Dense codes of equal rows across the given columns."""
    codes = np.zeros(len(columns[0]), np.int64)
    for col in columns:
        c, uniques = pd.factorize(col)
        codes = codes * (len(uniques) + 1) + (c + 1)
        codes = pd.factorize(codes)[0].astype(np.int64)
    return codes


def _slice(table: RawTable, lo: int, hi: int, *, first: bool) -> RawTable:
    whole = lo == 0 and hi == len(table.frame)
    frame = table.frame if whole else table.frame.iloc[lo:hi].reset_index(drop=True)
    return RawTable(frame, table.row_numbers[lo:hi], table.has_header, table.encoding,
                    table.delimiter, table.sheet, table.sheets,
                    table.bad_rows if first else [])


class _State:
    """What an import carries from one slice of the file to the next."""

    def __init__(self, known: Known) -> None:
        self.known = known
        self.fingerprints = _Fingerprints(known.fingerprints)
        self.locations = LocationRegistry(known.locations)
        self.location_ids: dict[int, int] = {}  # local id of a place -> its position written
        self.actors: dict[str, int] = {}  # new actor name -> local id
        self.sources: dict[str, int] = {}  # new "title\x1furl" -> local id
        self.events = 0  # events written so far (the next one's position in the batch)
        self.imported = self.duplicates = self.unlocated = self.skipped = 0
        self.rejects: list[Reject] = []
        self.warnings: list[str] = []
        self.unresolved: dict[str, int] = {}
        self.preset = ""


class _Fingerprints:
    """The fingerprints of the project and of the events written so far."""

    def __init__(self, known: np.ndarray) -> None:
        self.parts = [np.sort(known)] if len(known) else []

    def fresh(self, fingerprints: np.ndarray) -> np.ndarray:
        """False for rows already in the project, written earlier, or repeated earlier
        in ``fingerprints``; the others are remembered."""
        fresh = ~pd.Series(fingerprints).duplicated().to_numpy()
        order = np.argsort(fingerprints, kind="stable")
        ordered = fingerprints[order]  # sorted probes walk each part in order
        seen = np.zeros(len(ordered), bool)
        for part in self.parts:
            at = np.minimum(np.searchsorted(part, ordered), len(part) - 1)
            seen |= part[at] == ordered
        fresh[order[seen]] = False
        if fresh.any():
            self.parts.append(np.sort(fingerprints[fresh]))
        if len(self.parts) > 8:
            self.parts = [np.sort(np.concatenate(self.parts))]
        return fresh


def _import_slice(draft: Draft, state: _State, writer: BatchWriter,
                  background: ThreadPoolExecutor) -> None:
    """Check, place, de-duplicate and write the rows of one slice."""
    state.preset = draft.preset
    state.warnings.extend(w for w in draft.warnings if w not in state.warnings)
    rows = Validated.check(draft)
    state.rejects.extend(rows.rejects)
    state.skipped += int(rows.skipped.sum())
    keep = rows.accepted
    # the attributes JSON is built by pyarrow kernels (no GIL) while the rest goes on
    attributes = background.submit(_attributes_json, draft, keep)
    n_keep = int(keep.sum())
    located = resolve(
        state.known.locations,
        draft.place[keep] if draft.place is not None else _blank(n_keep),
        draft.country[keep] if draft.country is not None else _blank(n_keep),
        rows.lat[keep], rows.lon[keep],
        (draft.geo_precision[keep] if draft.geo_precision is not None
         else _blank(n_keep, "unknown")).fillna("unknown"),
        draft.location_attributes[keep] if draft.location_attributes is not None else None,
        registry=state.locations,
    )
    for name, count in located.unresolved.items():
        state.unresolved[name] = state.unresolved.get(name, 0) + count
    events = _event_table(draft, rows, keep, located)
    fresh = state.fingerprints.fresh(events["fingerprint"].to_numpy())
    events = events[fresh].reset_index(drop=True) if not fresh.all() else events
    locations = _used_locations(events, state)
    written = np.flatnonzero(keep)[fresh]  # draft rows that become events
    state.unlocated += int((events["location_id"].isna() & events["location_new"].isna()).sum())
    state.duplicates += int((~fresh).sum())
    # the writer ingests each table on its own thread while the next is computed;
    # links may come before their events (the ids are known already)
    writer.add_locations(locations)
    if draft.actors:
        names, links = _actor_links(draft, written, state)
        writer.add_actors(names)
        writer.add_event_actors(links)
    if draft.sources:
        new_sources, links = _source_links(draft, written, state)
        writer.add_sources(new_sources)
        writer.add_event_sources(links)
    extra = attributes.result()
    events["attributes"] = extra[fresh].reset_index(drop=True) if not fresh.all() else extra
    writer.add_events(events)
    state.events += len(events)
    state.imported += len(events)


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
        "credibility": (pd.array(v.credibility[keep].reset_index(drop=True), dtype="Int64")
                        if d.credibility is not None else pd.array([pd.NA] * n, dtype="Int64")),
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
        return _id_fingerprints(d.id_namespace, events["external_id"].fillna(""))
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


def _id_fingerprints(namespace: str, ids: pd.Series) -> np.ndarray:
    """``hash_pandas_object(DataFrame({"ns": namespace, "id": ids}), index=False)``, the
    fingerprint of an event with a global id, without hashing the constant column per row
    (the same per-column hashes, combined as pandas combines them)."""
    from pandas.core.util.hashing import hash_array

    n = len(ids)
    columns = (np.full(n, hash_array(np.array([namespace], dtype=object))[0], np.uint64),
               hash_array(ids.to_numpy(dtype=object), categorize=False))
    out = np.full(n, 0x345678, np.uint64)
    mult = np.uint64(1000003)
    for i, h in enumerate(columns):
        out ^= h
        out *= mult
        mult += np.uint64(82520 + 2 * (len(columns) - i))
    out += np.uint64(97531)
    return out.view(np.int64)


def _kept(values: pd.Series | None, keep: np.ndarray) -> np.ndarray:
    return _coordinate(values, len(keep))[keep]


def _new_rows(existing: np.ndarray, fingerprints: np.ndarray) -> np.ndarray:
    """False for rows already in the project or repeated earlier in the same file."""
    repeated = pd.Series(fingerprints).duplicated().to_numpy()
    return ~repeated & ~np.isin(fingerprints, existing)


def _used_locations(events: pd.DataFrame, state: _State) -> pd.DataFrame:
    """The new places written events use that are not written yet, in local-id order;
    ``location_new`` becomes the position of each place among those written."""
    local = events["location_new"].to_numpy(dtype=np.int64, na_value=-1)
    used = np.unique(local[local >= 0])
    todo = np.array([u for u in used.tolist() if u not in state.location_ids], np.int64)
    first = len(state.location_ids)
    for i, u in enumerate(todo.tolist()):
        state.location_ids[u] = first + i
    if len(used):
        remap = np.full(int(used.max()) + 1, -1, np.int64)
        remap[used] = [state.location_ids[u] for u in used.tolist()]
        events["location_new"] = _ids(np.where(local >= 0, remap[np.maximum(local, 0)], -1))
    return state.locations.rows(todo)


def _match(keys: list[str], known: dict[str, int],
           new: dict[str, int]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Per distinct key: existing id or -1, and local id of a new one or -1 (``new``
    remembers them across slices); and the keys first met here, in local-id order."""
    existing = np.full(len(keys), -1, np.int64)
    local = np.full(len(keys), -1, np.int64)
    added: list[str] = []
    for i, key in enumerate(keys):
        hit = known.get(key)
        if hit is not None:
            existing[i] = hit
            continue
        at = new.get(key)
        if at is None:
            at = new[key] = len(new)
            added.append(key)
        local[i] = at
    return existing, local, added


def _first_each(keys: np.ndarray) -> np.ndarray:
    """Mask of the first occurrence of each value."""
    return ~pd.Series(keys).duplicated().to_numpy()


def _actor_links(d: Draft, rows: np.ndarray, state: _State) -> tuple[pd.Series, pd.DataFrame]:
    """New actor names, and (event, actor) links for the written rows."""
    names: dict[str, int] = {}  # this slice's distinct names, in order of first appearance
    parts = []
    for c in d.actors:
        row, code, distinct = split_names(c.values.iloc[rows], c.separator)
        ids = np.array([names.setdefault(x, len(names)) for x in distinct], np.int64)
        parts.append((row, ids[code] if len(ids) else code, c.role))
    row = np.concatenate([p[0] for p in parts])
    name = np.concatenate([p[1] for p in parts])
    role = np.concatenate([np.full(len(p[0]), p[2], np.int64) for p in parts])
    once = _first_each((row * (len(names) + 1) + name) * 8 + role)
    row, name, role = row[once], name[once], role[once]
    existing, local, added = _match(list(names), state.known.actors, state.actors)
    order = np.lexsort((role, name, row))  # links in event order: SQLite appends them
    row, name, role = row[order], name[order], role[order]
    return pd.Series(added, dtype=object), pd.DataFrame({
        "event": row + state.events, "actor_id": _ids(existing[name]),
        "actor_new": _ids(local[name]), "role": role,
    })


def _source_links(d: Draft, rows: np.ndarray,
                  state: _State) -> tuple[pd.DataFrame, pd.DataFrame]:
    """New sources (a source is its title and URL), and (event, source) links."""
    keys: dict[str, int] = {}  # "title\x1furl" of this slice's sources, first seen first
    info: list[tuple[str, str, bool]] = []  # (title, url, publisher is title) per key
    pieces = []
    for col in d.sources:
        row, code, titles = split_names(col.titles.iloc[rows], col.separator)
        if col.urls is not None:
            url_codes, urls = pd.factorize(col.urls.iloc[rows].reset_index(drop=True).fillna(""))
            urls = [str(u) for u in urls]
            url = url_codes[row]
        else:
            urls, url = [""], np.zeros(len(row), np.int64)
        pair = code * (len(urls) + 1) + url
        pair_codes, pairs = pd.factorize(pair)
        ids = []
        for p in pairs.tolist():
            key = f"{titles[p // (len(urls) + 1)]}\x1f{urls[p % (len(urls) + 1)]}"
            at = keys.get(key)
            if at is None:
                at = keys[key] = len(keys)
                info.append((titles[p // (len(urls) + 1)], urls[p % (len(urls) + 1)],
                             col.publisher_is_title))
            ids.append(at)
        pieces.append((row, np.array(ids, np.int64)[pair_codes] if ids else pair_codes))
    row = np.concatenate([p[0] for p in pieces])
    key = np.concatenate([p[1] for p in pieces])
    once = _first_each(row * (len(keys) + 1) + key)
    row, key = row[once], key[once]
    existing, local, added = _match(list(keys), state.known.sources, state.sources)
    new = [info[keys[k]] for k in added]
    sources = pd.DataFrame({
        "title": [t for t, _, _ in new], "publisher": [t if p else None for t, _, p in new],
        "url": [u or None for _, u, _ in new], "date": None, "notes": None,
    })
    order = np.lexsort((key, row))
    row, key = row[order], key[order]
    return sources, pd.DataFrame({"event": row + state.events,
                                  "source_id": _ids(existing[key]), "source_new": _ids(local[key])})


def _ids(values: np.ndarray) -> pd.Series:
    """Ids with -1 meaning none, as a nullable integer column."""
    return pd.Series(values, dtype="Int64").where(values >= 0)


__all__ = ["DateOrder", "ImportCancelled", "ImportResult", "Options", "Preview",
           "UnreadableFile", "import_file", "prepare", "preview", "preview_table"]
