"""The import: file -> preset -> validated rows + rejects -> one batch in the store.

Nothing reaches the store until every row has been checked; the write itself is one
transaction (see ``store/bulk.py``), so an unreadable file, a crash or a cancelled
import leaves the project as it was. Re-importing rows already in the project adds
nothing: each event has a 64-bit fingerprint, from the tool's own id where that id is
globally unique (ACLED, GDELT), otherwise from the row's whole content as written (see
``fingerprints.py``); duplicates are told apart as "already in the project" and
"repeats row N" of the same file.

A big file is handled in slices of ``CHUNK_ROWS`` rows inside that one transaction: the
store's writer thread ingests slice k while slice k+1 is normalised, and memory holds a
slice's working tables rather than the whole file's. What crosses slices (places,
actors and sources met so far, fingerprints written, row numbers, rejects) lives in
``ImportState``; the day/month order of each date column is decided on the whole column
first (see ``slices.py``), so slicing changes no result.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from desktop_app.domain.dates import DateOrder
from desktop_app.ingest.assembly import (
    ImportState,
    Known,
    actor_links,
    attributes_json,
    blank,
    event_table,
    source_links,
    used_locations,
    with_own_coordinates,
)
from desktop_app.ingest.csv_blocks import BLOCK_BYTES
from desktop_app.ingest.filecheck import check_file
from desktop_app.ingest.fingerprints import id_column
from desktop_app.ingest.import_plan import ImportPlan, plan_streamed, plan_whole
from desktop_app.ingest.locations import place_hints, resolve
from desktop_app.ingest.presets.base import (
    Draft,
    Options,
    Reject,
    built_titles_warning,
    replaying_orders,
)
from desktop_app.ingest.preview import Preview, preview, preview_table, read_for_import
from desktop_app.ingest.readers import UnreadableFile
from desktop_app.ingest.validation import Validated
from desktop_app.store.bulk import BatchWriteError, BatchWriter, batch_writer, early_worker
from desktop_app.store.guard import WriteBusy
from desktop_app.store.project import Project
from desktop_app.store.wal import truncate_wal

Progress = Callable[[str, float], None]


ALREADY_IN_PROJECT = "already in the project"


@dataclass
class ImportResult:
    """What an import did. ``rejects`` lists every row not imported, with its reason.

    ``duplicates`` counts every row that repeats an event: ``duplicates_in_file`` of them
    repeat an earlier row of the same file, the others an event already in the project.
    ``duplicate_rows`` holds the file row of each and ``duplicate_of`` the row it repeats
    (-1: already in the project).
    """

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
    duplicates_in_file: int = 0
    duplicate_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    duplicate_of: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    @property
    def duplicates_in_project(self) -> int:
        return self.duplicates - self.duplicates_in_file

    def summary(self) -> dict[str, object]:
        """The fixed JSON summary of ``sightline import --json``."""
        return {
            "imported": self.imported,
            "duplicates": self.duplicates,
            "duplicates_in_file": self.duplicates_in_file,
            "rejected": self.rejected,
            "unlocated": self.unlocated,
            "batch": self.batch,
            "preset": self.preset,
        }

    def write_rejects(self, path: Path) -> None:
        """Every row not imported: the rejects with their reason, and the duplicates
        with the row they repeat, in file order."""
        rows: list[tuple[int, str, str, str]] = [
            (r.row, r.column, r.reason, "") for r in self.rejects
        ]
        rows.extend(
            (row, "", ALREADY_IN_PROJECT, "") if of < 0 else (row, "", f"repeats row {of}", str(of))
            for row, of in zip(
                self.duplicate_rows.tolist(), self.duplicate_of.tolist(), strict=True
            )
        )
        rows.sort(key=lambda r: r[0])
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["row", "column", "reason", "repeats_row"])
            writer.writerows(rows)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# Rows normalised and written at a time. A CSV/TSV file is streamed (read block by block
# twice, see import_plan.py), any other file read whole, then handled in slices: the
# store's writer ingests slice k while slice k+1 is prepared, and the working memory
# is that of a slice.
CHUNK_ROWS = 100_000
# bytes pyarrow reads at a time when the file is streamed
STREAM_BLOCK_BYTES = BLOCK_BYTES
# a file read whole is sliced only when the date columns hold at most this share of
# distinct rows (the order is decided by running the preset once on those rows)
PLAN_MAX_DISTINCT = 0.25


class ImportCancelled(Exception):
    """The import was cancelled before it was committed; nothing was changed."""


def import_file(
    project: Project,
    path: str | Path,
    options: Options | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
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

    # one import at a time per project, across threads and processes: what is already
    # known (for duplicates) is read under the same lock as the batch is written
    waiting = (lambda text: notify(text, -1.0)) if progress is not None else None
    try:
        with project.write_lock(f"the import of {path.name}", on_wait=waiting):
            result = _import_file(project, path, options, report)
        truncate_wal(project)  # committed: the next open does not read the import back
        return result
    except WriteBusy as exc:
        raise BatchWriteError(f"Nothing was imported: {exc}") from exc
    except BatchWriteError as exc:
        if isinstance(exc.__cause__, ImportCancelled):  # raised inside the transaction
            raise exc.__cause__ from None
        raise


def _import_file(project: Project, path: Path, options: Options, report: Progress) -> ImportResult:
    report("reading", 0.0)
    background = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sightline-import")
    stack = ExitStack()
    try:
        check_file(path)  # before the hash thread opens it (a FIFO would block it)
        worker = stack.enter_context(early_worker(project, path.stat().st_size) or nullcontext())
        digest = background.submit(file_sha256, path)  # hashlib releases the GIL
        plan = plan_streamed(path, options, CHUNK_ROWS, STREAM_BLOCK_BYTES) or plan_whole(
            path, options, CHUNK_ROWS, PLAN_MAX_DISTINCT
        )
        preset, orders = plan.preset, plan.orders
        report("checking", 0.2)
        known = Known.load(project)  # every read happens before the write starts
        state = ImportState(known)
        if plan.repaired_rows:
            state.warnings.append(repaired_warning(plan.repaired_rows))
        rows_read = plan.rows_read
        n_rows = plan.n_rows

        def drafts() -> Iterator[Draft]:
            for k, (lo, part) in enumerate(plan.parts):
                report("writing" if k else "checking", 0.2 + 0.7 * lo / max(n_rows, 1))
                with replaying_orders(orders) if orders is not None else nullcontext():
                    draft = preset.normalize(part, options)
                del part
                yield draft

        pending = drafts()
        first = [next(pending)]  # its mapping goes into the batch record
        _decide_ids(first[0], plan, state)
        batch = {
            "file_name": path.name,
            "sha256": "",
            "preset": first[0].preset,
            "mapping": first[0].mapping,
            "options": {
                "encoding": plan.encoding,
                "delimiter": plan.delimiter,
                "sheet": plan.sheet,
                "date_order": options.date_order.value if options.date_order else None,
            },
            "rows_read": rows_read,
            "imported": 0,
            "duplicates": 0,
            "rejected": 0,
            "unlocated": 0,
        }
        with batch_writer(project, batch, worker) as writer:
            for draft in itertools.chain([first.pop()], pending):
                _import_slice(draft, state, writer, background)
                del draft
            writer.final_counts = {
                "sha256": digest.result(),
                "imported": state.imported,
                "duplicates": state.duplicates,
                "rejected": len({r.row for r in state.rejects}),
                "unlocated": state.unlocated,
            }
            report("indexing", 0.9)
            batch_id = writer.batch_id
    finally:
        background.shutdown()
        stack.close()
    report("done", 1.0)
    rejects = sorted(state.rejects, key=lambda r: r.row)
    unresolved = dict(sorted(state.unresolved.items(), key=lambda kv: -kv[1]))
    duplicate_rows = np.concatenate([np.zeros(0, np.int64), *state.duplicate_rows])
    duplicate_of = np.concatenate([np.zeros(0, np.int64), *state.duplicate_of])
    return ImportResult(
        imported=state.imported,
        duplicates=len(duplicate_rows),
        rejected=len({r.row for r in rejects}),
        unlocated=state.unlocated,
        batch=batch_id,
        preset=state.preset,
        rows_read=rows_read,
        skipped=state.skipped,
        rejects=rejects,
        warnings=(
            state.warnings + built_titles_warning(state.built_titles) + _place_warning(unresolved)
        ),
        unresolved_places=unresolved,
        encoding=plan.encoding,
        delimiter=plan.delimiter,
        sheet=plan.sheet,
        duplicates_in_file=int((duplicate_of >= 0).sum()),
        duplicate_rows=duplicate_rows,
        duplicate_of=duplicate_of,
    )


def repaired_warning(rows: list[int]) -> str:
    """What the reader did with bytes of a UTF-8 file that were not UTF-8."""
    n = len(rows)
    shown = ", ".join(str(r) for r in rows[:5]) + (", …" if n > 5 else "")
    return (
        f"{n:,} row{'s' if n != 1 else ''} held a byte that is not UTF-8 (a Windows-1252 "
        f"character pasted into this UTF-8 file): read as Windows-1252 and kept "
        f"(row{'s' if n != 1 else ''} {shown})"
    )


def _decide_ids(first: Draft, plan: ImportPlan, state: ImportState) -> None:
    """Whether the provider's ids tell events apart in this file: not when two rows of
    the file share an id and differ in anything else (then content does)."""
    if first.id_namespace is None or first.external_id is None:
        return
    column = id_column(first)
    state.by_id = column is not None and plan.ids_unique(column, first.table.frame)
    if column is not None and not state.by_id:
        state.warnings.append(
            f"Column {column!r} gives the same id to rows that differ: rows are told apart "
            f"by their whole content, and none of them is taken for a duplicate of another"
        )


def _import_slice(
    draft: Draft, state: ImportState, writer: BatchWriter, background: ThreadPoolExecutor
) -> None:
    """Check, place, de-duplicate and write the rows of one slice."""
    state.preset = draft.preset
    state.warnings.extend(w for w in draft.warnings if w not in state.warnings)
    state.built_titles += draft.built_titles
    rows = Validated.check(draft)
    state.rejects.extend(rows.rejects)
    state.skipped += int(rows.skipped.sum())
    keep = rows.accepted
    # the attributes JSON is built by pyarrow kernels (no GIL) while the rest goes on
    attributes = background.submit(attributes_json, draft, keep)
    n_keep = int(keep.sum())
    located = resolve(
        state.known.locations,
        draft.place[keep] if draft.place is not None else blank(n_keep),
        draft.country[keep] if draft.country is not None else blank(n_keep),
        rows.lat[keep],
        rows.lon[keep],
        (
            draft.geo_precision[keep]
            if draft.geo_precision is not None
            else blank(n_keep, "unknown")
        ).fillna("unknown"),
        draft.location_attributes[keep] if draft.location_attributes is not None else None,
        registry=state.locations,
        # a state/province helps find a place by name: only rows without coordinates
        admin=place_hints(draft, keep) if np.isnan(rows.lat[keep]).any() else None,
    )
    for name, count in located.unresolved.items():
        state.unresolved[name] = state.unresolved.get(name, 0) + count
    state.warnings.extend(w for w in located.warnings if w not in state.warnings)
    events = event_table(draft, rows, keep, located, state.by_id)
    kept_rows = draft.table.row_numbers[keep]
    repeats = state.fingerprints.probe(events["fingerprint"].to_numpy(), kept_rows)
    fresh = repeats.fresh
    state.duplicate_rows.append(kept_rows[repeats.positions])
    state.duplicate_of.append(repeats.repeats_row)
    events = events[fresh].reset_index(drop=True) if not fresh.all() else events
    new_places = used_locations(events, state)
    written = np.flatnonzero(keep)[fresh]  # draft rows that become events
    state.unlocated += int((~located.has_coordinates[fresh]).sum())
    # the writer ingests each table on its own thread while the next is computed;
    # links may come before their events (the ids are known already)
    writer.add_locations(new_places)
    if draft.actors:
        names, links = actor_links(draft, written, state)
        writer.add_actors(names)
        writer.add_event_actors(links)
    if draft.sources:
        new_sources, links = source_links(draft, written, state)
        writer.add_sources(new_sources)
        writer.add_event_sources(links)
    extra = with_own_coordinates(draft, keep, located.moved, attributes.result())
    events["attributes"] = extra[fresh].reset_index(drop=True) if not fresh.all() else extra
    writer.add_events(events)
    state.events += len(events)
    state.imported += len(events)


def _place_warning(unresolved: dict[str, int]) -> list[str]:
    if not unresolved:
        return []
    names = ", ".join(f"{k} ({v})" for k, v in list(unresolved.items())[:10])
    more = f" and {len(unresolved) - 10} more" if len(unresolved) > 10 else ""
    return [
        f"{sum(unresolved.values())} rows name a place that could not be located: "
        f"{names}{more}; the places are kept without coordinates (locate one in "
        f"Edit ▸ Place and all its events follow)"
    ]


__all__ = [
    "DateOrder",
    "ImportCancelled",
    "ImportResult",
    "Options",
    "Preview",
    "UnreadableFile",
    "Validated",
    "import_file",
    "preview",
    "preview_table",
    "read_for_import",
]
