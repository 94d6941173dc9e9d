"""Reading a file for an import, and saying what importing it would do (no store needed).

The wizard shows a :class:`Preview` while the analyst adjusts the options; the import
itself reads the file the same way (:func:`read_for_import`) and runs the same checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.ingest import presets as preset_registry
from desktop_app.ingest.filecheck import check_file
from desktop_app.ingest.presets import gdelt
from desktop_app.ingest.presets.base import Draft, Options, Reject, built_titles_warning
from desktop_app.ingest.readers import RawTable, UnreadableFile, read_table
from desktop_app.ingest.validation import Validated


def read_for_import(path: Path, options: Options) -> RawTable:
    """Read the file, without a header when it is a GDELT event file."""
    check_file(path)  # a FIFO or device is refused before anything opens it
    has_header: bool | None = None
    first = ""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        with path.open("rb") as handle:
            first = handle.readline(1 << 16).decode("utf-8", errors="replace")
        forced = (options.preset or "").lower().startswith("gdelt")
        if gdelt.looks_like(first) or (forced and not gdelt.is_header(first)):
            has_header = False
    if has_header is False and gdelt.looks_like(first) and path.is_file():
        table = gdelt.read_events(path, options.encoding)  # 57/58-field records mixed
    else:
        table = read_table(
            path,
            sheet=options.sheet,
            encoding=options.encoding,
            delimiter=options.delimiter or ("\t" if has_header is False else None),
            has_header=has_header,
        )
    if table.frame.empty and not table.bad_rows:
        raise UnreadableFile("the file has a header but no rows")
    return table


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
    return Preview(
        table,
        draft.preset,
        draft,
        checked.rejects,
        int(checked.accepted.sum()),
        int(checked.skipped.sum()),
        list(draft.warnings) + built_titles_warning(draft.built_titles),
    )


def preview(path: str | Path, options: Options) -> Preview:
    """Read a file and say what importing it would do. Raises UnreadableFile."""
    return preview_table(read_for_import(Path(path), options), options)
