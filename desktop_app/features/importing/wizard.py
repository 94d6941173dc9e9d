"""File ▸ Import…: a wizard that shows what an import will do before it writes anything.

Pages (see ``pages.py`` and ``check.py``): the file as read (preset, encoding, delimiter,
sheet, first rows) -> the column mapping -> the date order with sample dates -> the rows
that will be rejected -> the import itself (worker, progress, cancel) -> a summary.

:class:`ImportWizard` holds the one shared state: the table as read, the
:class:`~desktop_app.ingest.presets.base.Options` chosen so far and the
:class:`~desktop_app.ingest.pipeline.Preview` they give. Every change re-interprets the
table (no store is touched) and emits ``preview_changed``; the pages redraw from it.
``feature.Importing`` opens it from File ▸ Import….

Reading and interpreting run on a worker thread (``tasks.Task``), so a big or hostile
file (a huge workbook, a FIFO, a million rows) never freezes the window: while one runs
``busy`` is True, the pages show "Reading…"/"Checking…" and cannot be left, and Cancel
still closes the wizard. One job runs at a time; a change made meanwhile is queued
(only the latest), and a result is applied only when no newer job waits, so a late
result never overwrites a newer choice. ``settled`` is emitted when the last job is done.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget, QWizard

from desktop_app.domain.dates import DateOrder
from desktop_app.features.importing import check, import_page, pages
from desktop_app.ingest import mapping_memory
from desktop_app.ingest.columns import guess_mapping
from desktop_app.ingest.pipeline import (
    ImportResult,
    Options,
    Preview,
    UnreadableFile,
    preview_table,
    read_for_import,
)
from desktop_app.ingest.place_preview import PlacePreview, known_places, preview_places
from desktop_app.ingest.readers import RawTable, list_sheets
from desktop_app.store.project import Project
from desktop_app.workbench.tasks import Task, message_of

GEO_SUFFIXES = (".kml", ".kmz", ".geojson", ".json")
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm")
FILE_FILTER = (
    "Event lists (*.csv *.tsv *.txt *.xlsx *.xlsm *.kml *.kmz *.geojson *.json);;All files (*)"
)


@dataclass
class _Outcome:
    """What a worker job found: applied to the wizard on the GUI thread."""

    choices: Options
    preview: Preview | None
    places: PlacePreview | None
    read: bool = False  # a read job: the fields below replace the wizard's
    table: RawTable | None = None
    read_error: str = ""
    remembered: mapping_memory.RememberedMapping | None = None
    sheets: list[str] | None = None


class ImportWizard(QWizard):
    """Import one file into a project, step by step.

    Signals:
        preview_changed(): the table was re-read or re-interpreted, or a job started
            or ended (``busy``); pages redraw.
        settled(): the last queued read/preview job is done; the state is current.
        import_started(object task): the import Task was created (not yet started).
        imported(object result): an ImportResult; the batch is committed.
    """

    preview_changed = Signal()
    settled = Signal()
    import_started = Signal(object)
    imported = Signal(object)

    def __init__(self, project: Project, path: str | Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.path = Path(path)
        self.choices = Options()
        self.table: RawTable | None = None
        self.read_error = ""
        self.preview: Preview | None = None
        self.remembered: mapping_memory.RememberedMapping | None = None
        self.sheets: list[str] = []
        self.places: PlacePreview | None = None
        self.import_result: ImportResult | None = None
        self.busy_stage = ""  # "reading" or "checking" while a job runs
        self._task: Task | None = None
        self._queued: str = ""  # the job to run next: "", "read" or "preview"
        self._known_places: pd.DataFrame | None = None  # the project's places (worker)
        self.setWindowTitle(f"Import {self.path.name}")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage)
        self.resize(980, 680)
        self.source_page = pages.SourcePage(self)
        self.mapping_page = pages.MappingPage(self)
        self.dates_page = pages.DatesPage(self)
        self.review_page = check.ReviewPage(self)
        self.import_page = import_page.ImportPage(self)
        self.summary_page = check.SummaryPage(self)
        for page in (
            self.source_page,
            self.mapping_page,
            self.dates_page,
            self.review_page,
            self.import_page,
            self.summary_page,
        ):
            self.addPage(page)
        self.reread()

    # ------------------------------------------------------------------ state
    @property
    def busy(self) -> bool:
        """A read or preview runs (or waits): the pages show it and cannot be left."""
        return bool(self.busy_stage)

    @property
    def is_spreadsheet(self) -> bool:
        return bool(self.sheets)

    @property
    def is_geographic(self) -> bool:
        """A KML/KMZ/GeoJSON file: no encoding or delimiter to choose."""
        return self.path.suffix.lower() in GEO_SUFFIXES

    @property
    def effective_preset(self) -> str:
        """The preset the preview used ('generic' when nothing else fits the header)."""
        if self.preview is not None and self.preview.preset:
            return self.preview.preset
        return self.choices.preset or "generic"

    @property
    def using_remembered(self) -> bool:
        return (
            self.remembered is not None
            and self.preview is not None
            and self.preview.draft is not None
            and self.preview.preset == self.remembered.preset
            and (
                self.remembered.preset != "generic"
                or self.preview.draft.mapping == self.remembered.mapping
            )
        )

    def set_read_options(
        self, *, encoding: str | None = None, delimiter: str | None = None, sheet: str | None = None
    ) -> None:
        """Read the file again with these choices (None: detect)."""
        self.choices = dataclasses.replace(
            self.choices, encoding=encoding, delimiter=delimiter, sheet=sheet
        )
        self.reread()

    def reread(self) -> None:
        """Read the file with the current options, offer a remembered mapping, preview
        (on the worker)."""
        self._schedule("read")

    def set_preset(self, name: str | None) -> None:
        """A preset by name, or None to detect it from the header."""
        mapping = self.choices.mapping if name == "generic" else None
        if name == "generic" and mapping is None and self.table is not None:
            mapping = guess_mapping(self.table.columns)
        self.choices = dataclasses.replace(self.choices, preset=name, mapping=mapping)
        self.refresh()

    def set_mapping(self, mapping: dict[str, str]) -> None:
        """Map the columns by hand (the generic preset): target field -> column."""
        self.choices = dataclasses.replace(
            self.choices, preset="generic", mapping={k: v for k, v in mapping.items() if v}
        )
        self.refresh()

    def map_field(self, target: str, column: str | None) -> None:
        """Put one field on a column (None: leave it unused)."""
        mapping = dict(self.current_mapping())
        mapping.pop(target, None)
        if column:
            mapping = {k: v for k, v in mapping.items() if v != column}  # one field per column
            mapping[target] = column
        self.set_mapping(mapping)

    def current_mapping(self) -> dict[str, str]:
        """Target field -> file column as the preview uses it (generic) or would guess it."""
        if self.choices.mapping is not None:
            return dict(self.choices.mapping)
        if (
            self.preview is not None
            and self.preview.draft is not None
            and self.preview.preset == "generic"
        ):
            return dict(self.preview.draft.mapping)
        return guess_mapping(self.table.columns) if self.table is not None else {}

    def set_date_order(self, order: DateOrder | None) -> None:
        self.choices = dataclasses.replace(self.choices, date_order=order)
        self.refresh()

    def refresh(self) -> None:
        """Interpret the table with the current options (on the worker; nothing is
        written)."""
        self._schedule("preview")

    # ------------------------------------------------------------------ the worker
    def _schedule(self, kind: str) -> None:
        if self._task is not None:  # one job at a time: run the latest request next
            self._queued = "read" if "read" in (kind, self._queued) else kind
            return
        self._start(kind)

    def _start(self, kind: str) -> None:
        self.busy_stage = "reading" if kind == "read" else "checking"
        job: Callable[[], _Outcome]
        if kind == "read":
            job = _ReadJob(self.project, self.path, self.choices, self._places_source)
        else:
            job = _PreviewJob(self.table, self.choices, self._places_source)
        task = Task(f"import-{kind}", job)  # no parent: it may outlive a closed wizard
        task.succeeded.connect(self._job_done)
        task.failed.connect(self._job_failed)
        task.done.connect(self._job_finished)
        self._task = task
        self.preview_changed.emit()
        task.start()

    def _places_source(self) -> pd.DataFrame:
        """The project's places (read on the worker the first time, then kept)."""
        if self._known_places is None:
            self._known_places = known_places(self.project)
        return self._known_places

    def _job_done(self, outcome: object) -> None:
        assert isinstance(outcome, _Outcome)
        if outcome.read:
            self.table, self.read_error = outcome.table, outcome.read_error
            if outcome.sheets is not None:
                self.sheets = outcome.sheets
        if self._queued:  # a newer choice waits: this result would overwrite it
            return
        if outcome.read:
            self.remembered = outcome.remembered
        self.choices, self.preview, self.places = (outcome.choices, outcome.preview, outcome.places)

    def _job_failed(self, error: BaseException) -> None:
        # the readers raise UnreadableFile, caught in the job; anything else lands here
        self.table, self.preview, self.places = None, None, None
        self.read_error = message_of(error)

    def _job_finished(self) -> None:
        self._task = None
        if self._queued:
            kind, self._queued = self._queued, ""
            self._start(kind)
            return
        self.busy_stage = ""
        self.preview_changed.emit()
        self.settled.emit()

    # ------------------------------------------------------------------ import
    def import_options(self) -> Options:
        """The options the import runs with: exactly those the preview used."""
        table = self.table
        return dataclasses.replace(
            self.choices,
            preset=self.effective_preset,
            encoding=self.choices.encoding or (table.encoding if table else None),
            delimiter=self.choices.delimiter or (table.delimiter if table else None),
            sheet=self.choices.sheet or (table.sheet if table else None),
        )

    def finish_import(self, result: ImportResult) -> None:
        """Remember the choices for files with these columns, then announce the result."""
        self.import_result = result
        if self.table is not None and self.preview is not None:
            mapping = self.current_mapping() if result.preset == "generic" else {}
            mapping_memory.remember(
                self.project,
                self.table.columns,
                mapping,
                preset=result.preset,
                date_order=self.choices.date_order,
            )
        self.imported.emit(result)

    def reject(self) -> None:  # Cancel / Esc: a running import is cancelled first
        if self.import_page.running:
            self.import_page.request_cancel()
            self.import_page.finished.connect(super().reject)
            return
        super().reject()


# ---------------------------------------------------------------------- worker jobs
def _interpret(
    table: RawTable, choices: Options, places: Callable[[], pd.DataFrame]
) -> tuple[Options, Preview, PlacePreview | None]:
    """Preview the table; with no known tool and no date column, map by hand (generic)."""
    preview = preview_table(table, choices)
    if preview.draft is None and choices.preset is None:
        choices = dataclasses.replace(
            choices, preset="generic", mapping=guess_mapping(table.columns)
        )
        preview = preview_table(table, choices)
    located = (
        preview_places(preview.draft, places())
        if preview.draft is not None and preview.accepted
        else None
    )
    return choices, preview, located


@dataclass
class _ReadJob:
    """Read the file (and list a workbook's sheets), recall a mapping, preview."""

    project: Project
    path: Path
    choices: Options
    places: Callable[[], pd.DataFrame]

    def __call__(self) -> _Outcome:
        choices = self.choices
        sheets = None
        try:
            if self.path.suffix.lower() in SPREADSHEET_SUFFIXES:
                sheets = list_sheets(self.path)
            table = read_for_import(self.path, choices)
        except UnreadableFile as exc:
            return _Outcome(choices, None, None, read=True, read_error=str(exc), sheets=sheets)
        remembered = mapping_memory.recall(self.project, table.columns)
        if remembered is not None:
            r = remembered
            choices = dataclasses.replace(
                choices,
                preset=r.preset,
                date_order=r.date_order,
                mapping=dict(r.mapping) if r.preset == "generic" else None,
            )
        choices, preview, located = _interpret(table, choices, self.places)
        return _Outcome(
            choices, preview, located, read=True, table=table, remembered=remembered, sheets=sheets
        )


@dataclass
class _PreviewJob:
    """Interpret the table already read with the current choices."""

    table: RawTable | None
    choices: Options
    places: Callable[[], pd.DataFrame]

    def __call__(self) -> _Outcome:
        if self.table is None:
            return _Outcome(self.choices, None, None)
        choices, preview, located = _interpret(self.table, self.choices, self.places)
        return _Outcome(choices, preview, located)
