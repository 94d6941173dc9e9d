"""The pages of the import wizard. Each redraws from ``WizardState.preview``.

Anything that comes from the file (cells, column names, warnings, errors) is shown as
plain text: labels holding it are ``Qt.TextFormat.PlainText`` (AutoText would render
markup in a cell and load what an ``<img>`` names), table cells are plain items.
While the wizard reads or re-interprets the file on its worker (``busy``) a page says
so and cannot be left.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWizardPage,
)

from desktop_app.domain.dates import DateOrder, Precision, describe, from_seconds
from desktop_app.features.importing.state import PREVIEW_ROWS, REMEMBERED_NOTE, WizardState
from desktop_app.ingest.columns import FIELD_LABELS
from desktop_app.ingest.presets import PRESETS

ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"]
DELIMITERS = {",": "Comma (,)", ";": "Semicolon (;)", "\t": "Tab", "|": "Pipe (|)"}
UNUSED = "(not used)"
DATE_SAMPLES = 12
REJECTS_SHOWN = 1000


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def plain_label(text: str = "", *, wrap: bool = True) -> QLabel:
    """A label that shows text exactly as given (never as markup)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    return label


def rich_label() -> QLabel:
    """A label for Sightline's own words and numbers only (bold counts), never file
    content."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    return label


ERROR_STYLE = "color: #a00;"
BUSY_TEXT = {"reading": "Reading the file…", "checking": "Checking the rows…"}


def busy_text(wizard: WizardState) -> str:
    return BUSY_TEXT.get(wizard.busy_stage, "")


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(value))


class _Page(QWizardPage):
    def __init__(self, wizard: WizardState, title: str, subtitle: str) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self._updating = False
        wizard.preview_changed.connect(self._redraw)

    def _redraw(self) -> None:
        self._updating = True
        try:
            self.redraw()
        finally:
            self._updating = False
        self.completeChanged.emit()

    def redraw(self) -> None:
        raise NotImplementedError

    def validatePage(self) -> bool:  # never leave a page while its preview is stale
        return not self.owner.busy and super().validatePage()


# ---------------------------------------------------------------------- 1. the file
class SourcePage(_Page):
    """How the file is read: preset, encoding, delimiter, sheet, and the first rows."""

    def __init__(self, wizard: WizardState) -> None:
        super().__init__(
            wizard,
            "The file as read",
            "Check the first rows. Change the encoding, delimiter or sheet "
            "if they look wrong; the preview follows.",
        )
        self.preset = QComboBox()
        self.preset.addItem("Detect from the header", None)
        for preset in PRESETS.values():
            self.preset.addItem(preset.label, preset.name)
        self.encoding = QComboBox()
        self.encoding.addItems(ENCODINGS)
        self.delimiter = QComboBox()
        for value, label in DELIMITERS.items():
            self.delimiter.addItem(label, value)
        self.sheet = QComboBox()
        self.detected = plain_label(wrap=False)
        self.message = plain_label()
        self.rows = _table([])
        form = QFormLayout()
        form.addRow(plain_label("Preset", wrap=False), self.preset)
        form.addRow(plain_label("Encoding", wrap=False), self.encoding)
        form.addRow(plain_label("Delimiter", wrap=False), self.delimiter)
        form.addRow(plain_label("Sheet", wrap=False), self.sheet)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addLayout(form, 1)
        top.addWidget(self.detected, 1)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.rows, 1)
        self.preset.currentIndexChanged.connect(self._preset_chosen)
        self.encoding.currentTextChanged.connect(self._read_chosen)
        self.delimiter.currentIndexChanged.connect(self._read_chosen)
        self.sheet.currentTextChanged.connect(self._read_chosen)
        self._redraw()

    def redraw(self) -> None:
        w, table = self.owner, self.owner.table
        self.preset.setCurrentIndex(max(0, self.preset.findData(w.choices.preset)))
        spreadsheet = w.is_spreadsheet
        text_file = not spreadsheet and not w.is_geographic and not w.busy
        self.encoding.setEnabled(text_file)
        self.delimiter.setEnabled(text_file)
        self.sheet.setEnabled(spreadsheet and not w.busy)
        self.preset.setEnabled(not w.busy)
        if self.sheet.count() != len(w.sheets):
            self.sheet.clear()
            self.sheet.addItems(w.sheets)
        if table is not None and not w.busy:  # while reading, keep what was just chosen
            if table.encoding in ENCODINGS:
                self.encoding.setCurrentText(table.encoding)
            self.delimiter.setCurrentIndex(max(0, self.delimiter.findData(table.delimiter)))
            if table.sheet:
                self.sheet.setCurrentText(table.sheet)
        preset = PRESETS.get(w.effective_preset)
        self.detected.setText(
            "\n".join(
                [f"Preset: {preset.label if preset else '—'}"]
                + ([f"Encoding: {table.encoding}"] if table is not None else [])
                + (
                    [f"Delimiter: {DELIMITERS.get(table.delimiter or '', table.delimiter)}"]
                    if table is not None and table.delimiter
                    else []
                )
                + ([f"Rows: {len(table.frame):,}"] if table is not None else [])
            )
        )
        busy = busy_text(w)
        self.message.setStyleSheet("" if busy or not w.read_error else ERROR_STYLE)
        self.message.setText(
            busy or (f"Cannot read the file: {w.read_error}" if w.read_error else "")
        )
        if table is None:
            self.rows.setColumnCount(0)
            self.rows.setRowCount(0)
            return
        head = table.frame.head(PREVIEW_ROWS)
        self.rows.setColumnCount(len(head.columns) + 1)
        self.rows.setHorizontalHeaderLabels(["Row", *table.columns])
        _fill(
            self.rows,
            [
                [str(n), *[str(v) for v in values]]
                for n, values in zip(
                    table.row_numbers[: len(head)], head.itertuples(index=False), strict=True
                )
            ],
        )
        self.rows.resizeColumnsToContents()

    def _preset_chosen(self) -> None:
        if not self._updating:
            self.owner.set_preset(self.preset.currentData())

    def _read_chosen(self) -> None:
        if self._updating:
            return
        w = self.owner
        if w.is_spreadsheet:
            w.set_read_options(sheet=self.sheet.currentText() or None)
        else:
            w.set_read_options(
                encoding=self.encoding.currentText(), delimiter=self.delimiter.currentData()
            )

    def isComplete(self) -> bool:
        return self.owner.table is not None and not self.owner.busy


# ---------------------------------------------------------------------- 2. the columns
class MappingPage(_Page):
    """A dropdown per field: which column of the file holds it."""

    def __init__(self, wizard: WizardState) -> None:
        super().__init__(
            wizard,
            "Columns",
            "Choose the column that holds each field. Only the date is "
            "required; a title is taken from the description when missing.",
        )
        self.note = plain_label()
        self.note.setStyleSheet("background: #e8f1fb; padding: 6px; border-radius: 3px;")
        self.message = plain_label()
        self.fields = list(FIELD_LABELS)
        self.grid = _table(["Field", "Column in the file", "First value"])
        self.grid.setRowCount(len(self.fields))
        self.combos: dict[str, QComboBox] = {}
        for r, target in enumerate(self.fields):
            self.grid.setItem(r, 0, QTableWidgetItem(FIELD_LABELS[target]))
            combo = QComboBox()
            combo.currentIndexChanged.connect(lambda _i, t=target: self._chosen(t))
            self.combos[target] = combo
            self.grid.setCellWidget(r, 1, combo)
        self.grid.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.grid.setColumnWidth(1, 260)
        self.manual = QPushButton("Map the columns myself")
        self.manual.clicked.connect(lambda: self.owner.set_preset("generic"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.message)
        layout.addWidget(self.grid, 1)
        layout.addWidget(self.manual)
        self._redraw()

    def redraw(self) -> None:
        w = self.owner
        columns = w.table.columns if w.table is not None else []
        generic = w.effective_preset == "generic"
        mapping = (
            w.current_mapping()
            if generic
            else dict(w.preview.draft.mapping)
            if w.preview and w.preview.draft
            else {}
        )
        first = w.table.frame.iloc[0] if w.table is not None and len(w.table.frame) else None
        for r, target in enumerate(self.fields):
            combo = self.combos[target]
            combo.clear()
            combo.addItem(UNUSED, None)
            for column in columns:
                combo.addItem(column, column)
            value = mapping.get(target)
            if value is not None and combo.findData(value) < 0:
                combo.addItem(value, value)  # a preset's derived field, e.g. "a + b"
            combo.setCurrentIndex(max(0, combo.findData(value)))
            combo.setEnabled(generic)
            sample = str(first[value]) if first is not None and value in columns else ""
            self.grid.setItem(r, 2, QTableWidgetItem(sample))
        self.note.setVisible(w.using_remembered)
        self.note.setText(
            f"{_remembered_note()} Change any column to map it differently."
            if w.using_remembered
            else ""
        )
        preset = PRESETS.get(w.effective_preset)
        self.manual.setVisible(not generic)
        error = w.preview.error if w.preview is not None else w.read_error
        busy = busy_text(w)
        self.message.setStyleSheet(ERROR_STYLE if error and not busy else "")
        self.message.setText(
            busy
            or error
            or (
                ""
                if generic
                else f"The {preset.label if preset else ''} preset maps the columns itself."
            )
        )

    def _chosen(self, target: str) -> None:
        if not self._updating:
            self.owner.map_field(target, self.combos[target].currentData())

    def isComplete(self) -> bool:
        w = self.owner
        return not w.busy and w.preview is not None and w.preview.draft is not None


def _remembered_note() -> str:
    return REMEMBERED_NOTE


# ---------------------------------------------------------------------- 3. the dates
ORDER_CHOICES: list[tuple[str, DateOrder | None]] = [
    ("As detected", None),
    ("Day first (03/04/2024 is 3 April 2024)", DateOrder.DAY_FIRST),
    ("Month first (03/04/2024 is March 4, 2024)", DateOrder.MONTH_FIRST),
]


class DatesPage(_Page):
    """The day/month order, and how sample dates read with it."""

    def __init__(self, wizard: WizardState) -> None:
        super().__init__(
            wizard,
            "Dates",
            "Numeric dates like 03/04/2024 can be read day first or month "
            "first. Check how the sample dates read.",
        )
        self.order = QComboBox()
        for label, order in ORDER_CHOICES:  # Qt keeps a StrEnum as a plain str
            self.order.addItem(label, order.value if order else None)
        self.detected = plain_label()
        self.samples = _table(["Row", "As written", "Read as", "Precision"])
        self.warnings = plain_label()
        form = QFormLayout()
        form.addRow(plain_label("Date order", wrap=False), self.order)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.detected)
        layout.addWidget(self.samples, 1)
        layout.addWidget(self.warnings)
        self.order.currentIndexChanged.connect(self._chosen)
        self._redraw()

    def sample_rows(self) -> list[list[str]]:
        """Row, text, reading and precision of the first distinct date values."""
        w = self.owner
        if w.preview is None or w.preview.draft is None or w.table is None:
            return []
        draft, frame = w.preview.draft, w.table.frame
        start = draft.start
        texts = frame[start.column].astype(str) if start.column in frame.columns else None
        time_column = draft.mapping.get("time") if draft.preset == "generic" else None
        if texts is not None and time_column in frame.columns:
            texts = (texts + " " + frame[time_column].astype(str)).str.strip()
        rows, seen = [], set()
        for i in range(len(frame)):
            text = str(texts.iloc[i]) if texts is not None else ""
            if text in seen:
                continue
            seen.add(text)
            p = start.parsed
            if p.error[i]:
                reading, precision = f"not a date: {p.error[i]}", ""
            else:
                level = Precision(int(p.precision[i]))
                reading, precision = describe(from_seconds(int(p.seconds[i])), level), level.label
            rows.append([str(w.table.row_numbers[i]), text, reading, precision])
            if len(rows) >= DATE_SAMPLES:
                break
        return rows

    def redraw(self) -> None:
        w = self.owner
        chosen = w.choices.date_order
        self.order.setCurrentIndex(max(0, self.order.findData(chosen.value if chosen else None)))
        _fill(self.samples, self.sample_rows())
        self.samples.resizeColumnsToContents()
        draft = w.preview.draft if w.preview is not None else None
        if draft is None or w.busy:
            self.detected.setText(busy_text(w))
            self.warnings.setText("")
            return
        report, used = draft.start.order, draft.start.used
        if report is None or report.numeric_values == 0:
            found = "The dates name their month unambiguously (no nn/nn/yyyy values)."
        elif report.conflicting:
            found = "The column mixes day-first and month-first values."
        elif report.order is None:
            found = "Every numeric date could be read either way (days and months ≤ 12)."
        else:
            found = f"Detected: {report.order.value.replace('first', ' first')}."
        reading = used.value.replace("first", " first") if used else "day first"
        self.detected.setText(f"{found} Reading {reading} (column “{draft.start.column}”).")
        self.warnings.setText("\n".join(draft.warnings))

    def _chosen(self) -> None:
        if not self._updating:
            data = self.order.currentData()
            self.owner.set_date_order(DateOrder(data) if data else None)


# ---------------------------------------------------------------------- 5. the import
