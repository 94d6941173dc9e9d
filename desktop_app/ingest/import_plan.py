"""How an import reads its file: whole, or streamed block by block (flat memory).

Both give an :class:`ImportPlan`: the preset, the slices to normalise one after another,
the date-order reports the slices replay (decided on the whole column first), the
counts, and how to tell whether the file's ids tell its events apart. A CSV/TSV file is
streamed (:mod:`stream`): a first pass keeps only the columns the whole file decides
on, a second hands out the slices. Anything the streamed read cannot do exactly is
read whole, as before; both ways give the same results.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from desktop_app.domain.dates import OrderReport
from desktop_app.ingest import presets as preset_registry
from desktop_app.ingest import stream
from desktop_app.ingest.columns import CONTENT_COLUMNS, CONTENT_SAMPLE
from desktop_app.ingest.csv_blocks import BLOCK_BYTES
from desktop_app.ingest.filecheck import UnreadableFile, check_file
from desktop_app.ingest.fingerprints import content_fingerprints, id_column, ids_are_unique
from desktop_app.ingest.presets import Preset, gdelt, generic
from desktop_app.ingest.presets.base import Options, recording_orders, text
from desktop_app.ingest.presets.missing import arrow_text
from desktop_app.ingest.preview import read_for_import
from desktop_app.ingest.rawtable import RawTable
from desktop_app.ingest.readers import geo_reader
from desktop_app.ingest.slices import plan_slices, row_codes, slice_table

Orders = list[tuple[str, OrderReport]]
# rows of the head normalised to learn which file column holds the provider's ids
ID_PROBE_ROWS = 2_000
# rows read at a time when the rows of repeated ids are read again for their content
CONTENT_SLICE_ROWS = 100_000


@dataclass
class ImportPlan:
    """What to normalise and write, slice by slice, and what the whole file decided."""

    preset: Preset
    parts: Iterator[tuple[int, RawTable]]  # (position of the first row, slice)
    orders: Orders | None  # replayed by every slice (None: one slice, detected in it)
    n_rows: int
    rows_read: int
    encoding: str
    delimiter: str | None
    sheet: str | None
    # does each id of this column name one event? (given the first slice's frame)
    ids_unique: Callable[[object, pd.DataFrame], bool]
    repaired_rows: list[int] = field(default_factory=list)
    streamed: bool = False


def plan_whole(path: Path, options: Options, chunk_rows: int, max_distinct: float) -> ImportPlan:
    """The file read whole (pyarrow, or record by record), then sliced."""
    table = read_for_import(path, options)
    preset = preset_registry.choose(table, options.preset)
    slices, orders = plan_slices(table, preset, options, chunk_rows, max_distinct)
    n_rows = len(table.frame)
    # one table per slice, then none for the whole: a slice's rows are freed (in
    # pyarrow's blocks) once it is written
    parts: list[RawTable | None] = [
        slice_table(table, lo, hi, first=k == 0) for k, (lo, hi) in enumerate(slices)
    ]
    rows_read = n_rows + len(table.bad_rows)
    table.frame = table.frame.iloc[:0]

    def each() -> Iterator[tuple[int, RawTable]]:
        for k, (lo, _hi) in enumerate(slices):
            part = parts[k]
            parts[k] = None
            assert part is not None
            yield lo, part

    def unique(column: object, first: pd.DataFrame) -> bool:
        # the first slice (its draft holds it) and those not yet handed out
        return ids_are_unique([first, *(p.frame for p in parts if p is not None)], column)

    return ImportPlan(
        preset,
        each(),
        orders,
        n_rows,
        rows_read,
        table.encoding,
        table.delimiter,
        table.sheet,
        unique,
        list(table.repaired_rows),
    )


def streamable(path: Path, options: Options) -> tuple[bool | None, str | None] | None:
    """(header, delimiter) when the file is a CSV/TSV file ``read_for_import`` would
    read with ``read_delimited`` (None: an XLSX, KML, GeoJSON or GDELT event file)."""
    check_file(path)
    if path.suffix.lower() in (".xlsx", ".xlsm") or geo_reader(path) is not None:
        return None
    with path.open("rb") as handle:
        first = handle.readline(1 << 16).decode("utf-8", errors="replace")
        handle.seek(0)
        if handle.read(4) == b"PK\x03\x04":
            return None
    has_header: bool | None = None
    forced = (options.preset or "").lower().startswith("gdelt")
    if gdelt.looks_like(first) or (forced and not gdelt.is_header(first)):
        has_header = False
    if has_header is False and gdelt.looks_like(first):
        return None  # gdelt.read_events: 57- and 58-field records mixed
    return has_header, options.delimiter or ("\t" if has_header is False else None)


def head_decides(head: RawTable) -> bool:
    """True when what a preset reads from the content (the first CONTENT_SAMPLE
    non-blank values of each of the first CONTENT_COLUMNS columns) is all in the head."""
    for column in head.frame.columns[:CONTENT_COLUMNS]:
        if int((text(head.frame, str(column)) != "").sum()) < CONTENT_SAMPLE:
            return False
    return True


@dataclass
class _Decision:
    preset: Preset | None = None
    sources: list[str] = field(default_factory=list)
    id_guess: str | None = None
    sliced: bool = True


def plan_streamed(
    path: Path, options: Options, chunk_rows: int, block_bytes: int = BLOCK_BYTES
) -> ImportPlan | None:
    """The file streamed (see the module's note), or None when it must be read whole."""
    how = streamable(path, options)
    if how is None:
        return None
    has_header, delimiter = how
    remembered = dict(options.found_dates)
    decision = _Decision()

    def decide(head: RawTable, whole: bool) -> list[str] | None:
        try:
            preset = preset_registry.choose(head, options.preset)
        except UnreadableFile:
            return None  # the whole read says why
        try:
            mapping = generic._mapping(head, options) if preset.name == "generic" else {}
        except UnreadableFile:
            return None
        by_content = preset.name == "generic" and not {"start", "year"} & set(mapping)
        if by_content and not whole and not head_decides(head):
            return None
        sources = preset.date_sources(head, options) if preset.date_sources else []
        if not sources and not whole:
            return None
        decision.preset, decision.sources = preset, sources
        decision.sliced = preset.date_sources is not None and bool(sources)
        decision.id_guess = _id_guess(preset, head, options)
        return sources + ([decision.id_guess] if decision.id_guess else [])

    found = stream.survey_file(
        path,
        options.encoding,
        delimiter,
        True if has_header is None else has_header,
        decide,
        block_bytes=block_bytes,
    )
    if found is None or decision.preset is None:
        options.found_dates.clear()
        options.found_dates.update(remembered)
        return None
    survey = found
    preset = decision.preset
    orders: Orders | None = None
    if not decision.sliced or survey.rows <= chunk_rows:
        chunk_rows = survey.rows + 1  # one slice: it decides its own orders
    else:
        orders = _orders(survey, preset, options, decision.sources)
        if orders is None:
            options.found_dates.clear()
            options.found_dates.update(remembered)
            return None
    return ImportPlan(
        preset,
        survey.slices(chunk_rows),
        orders,
        survey.rows,
        survey.rows + len(survey.bad_rows),
        survey.source.encoding,
        survey.source.delimiter,
        None,
        lambda column, _first: _ids_unique(survey, str(column)),
        list(survey.repaired_rows),
        streamed=True,
    )


def _id_guess(preset: Preset, head: RawTable, options: Options) -> str | None:
    """The column the provider's ids are read from, by the head's first rows (the first
    slice's draft says for sure; a wrong guess costs a pass over the file)."""
    probe = RawTable(
        head.frame.iloc[:ID_PROBE_ROWS].reset_index(drop=True),
        head.row_numbers[:ID_PROBE_ROWS],
        head.has_header,
        head.encoding,
        head.delimiter,
    )
    try:
        with recording_orders():
            draft = preset.normalize(probe, options)
    except UnreadableFile:
        return None
    if draft.id_namespace is None or draft.external_id is None:
        return None
    column = id_column(draft)
    return None if column is None else str(column)


def _orders(
    survey: stream.Survey, preset: Preset, options: Options, sources: list[str]
) -> Orders | None:
    """The order reports of the whole date columns: the preset run once on one row per
    distinct combination of them (the other columns blank: the orders depend on the
    date columns alone; ``Preset.date_sources``)."""
    import pyarrow as pa

    columns = [survey.kept[s] for s in sources]
    codes = row_codes([pd.Series(_codes(c)) for c in columns])
    firsts = np.unique(codes, return_index=True)[1]
    firsts.sort()
    at = pa.array(firsts)
    n = len(firsts)
    frame = pd.DataFrame(
        {
            name: (
                survey.kept[name].take(at).to_pandas(types_mapper=lambda _t: pd.StringDtype())
                if name in sources
                else pd.Series([""] * n, dtype=pd.StringDtype())
            )
            for name in survey.columns
        }
    )
    sample = RawTable(
        frame,
        np.arange(n, dtype=np.int64) + survey.first_row,
        survey.source.header,
        survey.source.encoding,
        survey.source.delimiter,
    )
    try:
        with recording_orders() as orders:
            preset.normalize(sample, options)
    except UnreadableFile:
        return None
    return orders


def _codes(column: object) -> np.ndarray:
    """Dense codes of equal values (in order of first appearance)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    assert isinstance(column, pa.ChunkedArray)
    encoded = pc.dictionary_encode(column).combine_chunks()
    return np.asarray(encoded.indices.to_numpy(zero_copy_only=False), np.int64)


def _ids_unique(survey: stream.Survey, column: str) -> bool:
    """``fingerprints.ids_are_unique`` over the streamed file: the id column is kept
    from the first pass (or read again); rows whose id repeats are read again for
    their content."""
    import pyarrow.compute as pc

    ids = arrow_text(survey.column(column))
    codes = _codes(ids)
    repeated = (np.bincount(codes)[codes] > 1) & ~np.asarray(
        pc.equal(ids, "").to_numpy(zero_copy_only=False), bool
    )
    if not repeated.any():
        return True
    content: list[np.ndarray] = []
    for lo, part in survey.slices(CONTENT_SLICE_ROWS):
        mine = repeated[lo : lo + len(part.frame)]
        if mine.any():
            content.append(content_fingerprints(part.frame[mine]))
    groups = pd.DataFrame(
        {
            "id": ids.filter(pa_array(repeated)).to_numpy(),
            "content": np.concatenate(content),
        }
    )
    return bool((groups.groupby("id", sort=False)["content"].nunique() == 1).all())


def pa_array(values: np.ndarray) -> object:
    import pyarrow as pa

    return pa.array(values)
