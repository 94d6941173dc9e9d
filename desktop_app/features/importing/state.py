"""What the wizard's pages see of the wizard: its one shared state and the changes a page
may ask for. The wizard (``wizard.ImportWizard``) has this shape; the pages import this
module, never the wizard, so the two do not depend on each other.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QWizardPage

from desktop_app.domain.dates import DateOrder
from desktop_app.ingest.pipeline import ImportResult, Preview
from desktop_app.ingest.place_preview import PlacePreview
from desktop_app.ingest.presets.base import Options
from desktop_app.ingest.readers import RawTable
from desktop_app.store.project import Project

PREVIEW_ROWS = 50  # rows of the file shown on the first page
REMEMBERED_NOTE = "Using the mapping you saved for files with these columns."


class WizardState(Protocol):
    """``preview_changed()``: the table or the choices changed; pages redraw.
    ``import_started(object task)``: the import's worker started."""

    project: Project
    path: Path
    choices: Options
    table: RawTable | None
    read_error: str
    preview: Preview | None
    sheets: list[str]
    places: PlacePreview | None
    import_result: ImportResult | None
    busy_stage: str
    preview_changed: SignalInstance
    import_started: SignalInstance

    @property
    def busy(self) -> bool: ...
    @property
    def is_spreadsheet(self) -> bool: ...
    @property
    def is_geographic(self) -> bool: ...
    @property
    def effective_preset(self) -> str: ...
    @property
    def using_remembered(self) -> bool: ...

    def set_read_options(
        self, *, encoding: str | None = None, delimiter: str | None = None, sheet: str | None = None
    ) -> None: ...
    def set_preset(self, name: str | None) -> None: ...
    def map_field(self, target: str, column: str | None) -> None: ...
    def current_mapping(self) -> dict[str, str]: ...
    def set_date_order(self, order: DateOrder | None) -> None: ...
    def import_options(self) -> Options: ...
    def finish_import(self, result: ImportResult) -> None: ...
    def next(self) -> None: ...
    def currentPage(self) -> QWizardPage: ...
