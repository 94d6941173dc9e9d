"""TableView: the visible events as a sortable table, linked to the shared selection.

Selecting rows writes the ids to the :class:`SelectionModel`; a selection made in
another pane selects the matching rows here and scrolls to the active one. Mapping
ids to rows is vectorised (frame.rows_of + a row -> position array) and contiguous
rows become one selection range, so a 100,000-event selection costs milliseconds,
not a Python loop per id.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.frame.event_frame import EventFrame
from desktop_app.state.models import SelectionModel, ViewState
from desktop_app.views.table.model import HEADERS, Column, EventTableModel

_SELECT = QItemSelectionModel.SelectionFlag
# Above this many separate row runs a selection from another pane is painted by the
# model instead of handed to QItemSelectionModel (its range bookkeeping is quadratic:
# 40,000 runs take seconds). The analyst's own clicks always use the native selection.
NATIVE_RUNS_LIMIT = 2_000
# Above this many rows a selection is painted too: handed to Qt, one range of a million
# rows makes Qt ask the Python model for flags() cell by cell (35 s at 1M events).
NATIVE_ROWS_LIMIT = 10_000
# A new frame this many rows bigger or smaller than the last fits the columns again
REFIT_AFTER_ROWS = 100
# Column widths in characters: at least the header's, at most this much for a column
# fitted to its values (the Title takes what is left)
FIT_SAMPLE_ROWS = 200
COLUMN_CHARS = {
    Column.DATE: (12, 22),
    Column.CATEGORY: (10, 34),
    Column.PLACE: (8, 30),
    Column.COUNTRY: (8, 22),
    Column.PRECISION: (9, 12),
}


class _EventTable(QTableView):
    """A QTableView whose Select All (its own Ctrl+A) selects through the shared
    selection, so it takes the painted path instead of a million-row Qt selection."""

    def __init__(self, select_all: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._select_all = select_all

    def selectAll(self) -> None:  # Qt override
        self._select_all()


def contiguous_runs(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first, last) of each run of consecutive values in sorted, unique ``rows``."""
    rows = np.asarray(rows, np.int64)
    if not len(rows):
        empty = np.zeros(0, np.int64)
        return empty, empty
    breaks = np.flatnonzero(np.diff(rows) != 1)
    firsts = np.concatenate([rows[:1], rows[breaks + 1]])
    lasts = np.concatenate([rows[breaks], rows[-1:]])
    return firsts, lasts


class TableView(QWidget):
    """A table of the visible events; follows and writes the shared selection.

    Signals: none of its own; it writes to ``selection`` (source=self) and listens to
    ``selection.changed``.
    """

    def __init__(
        self, selection: SelectionModel, view_state: ViewState, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._selection = selection
        self._view_state = view_state
        self._applying = False  # True while this view mirrors the shared selection
        self._pending_visible: np.ndarray | None = None  # a filter met while out of sight
        self.model = EventTableModel(self)
        self.table = _EventTable(self.select_all_visible, self)
        self.table.setObjectName("eventTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.sortByColumn(Column.DATE, Qt.SortOrder.AscendingOrder)
        vertical = self.table.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no per-row sizing
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        # fitting a column samples the rows in sight and this many more (Qt's default
        # 1,000 asked the Python model for ~40,000 cells and roles: ~0.3 s of an open)
        header.setResizeContentsPrecision(FIT_SAMPLE_ROWS)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setMinimumSectionSize(4 * self.fontMetrics().horizontalAdvance("0"))
        self._fit_columns()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        self.table.setStyleSheet(
            # the palette's colours, so a dark theme reaches the table too
            "QTableView { border: none; selection-background-color: #2f6fb3; "
            "alternate-background-color: palette(alternate-base); background: palette(base); }"
            "QHeaderView::section { padding: 4px 6px; border: none; "
            "border-bottom: 1px solid palette(mid); background: palette(window); "
            "color: palette(window-text); font-weight: 600; }"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)

        self.table.selectionModel().selectionChanged.connect(self._on_table_selection)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row)
        self.model.modelReset.connect(self._apply_selection)
        selection.changed.connect(self._on_selection_changed)

    # ------------------------------------------------------------------ view contract
    def set_frame(self, frame: EventFrame) -> None:
        self._pending_visible = None
        before = len(self.model.frame)
        self.model.set_frame(frame)
        # an edit's patched frame (a few rows more, fewer or changed) keeps the widths:
        # fitting asks the model for a thousand rows' cells per column (~0.5 s)
        if not before or abs(len(frame) - before) > REFIT_AFTER_ROWS:
            self._fit_columns()

    # ------------------------------------------------------------------ columns
    def _fit_columns(self) -> None:
        """Each short column as wide as its values (sampled by Qt: the visible rows and
        FIT_SAMPLE_ROWS more), between its limits; the Title stretches over the rest but
        is the one to give way, so Category is never cut beside an empty Title."""
        header = self.table.horizontalHeader()
        char = self.fontMetrics().horizontalAdvance("0")
        for column, (low, high) in COLUMN_CHARS.items():
            if header.isSectionHidden(column):
                continue
            fitted = self.table.sizeHintForColumn(column) if self.model.rowCount() else 0
            wanted = max(fitted + char, header.sectionSizeHint(column), low * char)
            header.resizeSection(column, min(wanted, high * char))

    def column_actions(self) -> list[QAction]:
        """One checkable action per column but the Title: shown or hidden (the column
        chooser of the header's menu)."""
        header = self.table.horizontalHeader()
        actions = []
        for column in Column:
            if column == Column.TITLE:
                continue
            action = QAction(HEADERS[column], self)
            action.setObjectName(f"column-{column.name.lower()}")
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.toggled.connect(lambda on, c=column: self.show_column(c, on))
            actions.append(action)
        return actions

    def show_column(self, column: Column, shown: bool) -> None:
        self.table.horizontalHeader().setSectionHidden(column, not shown)
        if shown:
            self._fit_columns()

    def hidden_columns(self) -> list[Column]:
        header = self.table.horizontalHeader()
        return [c for c in Column if header.isSectionHidden(c)]

    def header_menu(self) -> QMenu:
        """The header's right-click menu: which columns to show, and fit them again."""
        menu = QMenu(self)
        menu.setObjectName("tableHeaderMenu")
        for action in self.column_actions():
            action.setParent(menu)
            menu.addAction(action)
        menu.addSeparator()
        fit = menu.addAction("Fit columns to their values")
        fit.triggered.connect(self._fit_columns)
        return menu

    def _header_menu(self, pos: QPoint) -> None:
        menu = self.header_menu()
        menu.aboutToHide.connect(menu.deleteLater)
        menu.popup(self.table.horizontalHeader().mapToGlobal(pos))

    def set_visible(self, mask: np.ndarray) -> None:
        # out of sight in a shown window (its dock closed, its tab behind another), the
        # table does not sort a million rows for each filter or playback step: it takes
        # the last mask when it is shown again
        if self.window().isVisible() and not self.isVisible():
            self._pending_visible = np.array(mask, bool)
            return
        self._pending_visible = None
        self.model.set_visible(mask)

    def _catch_up(self) -> None:
        """Apply a mask that arrived while the table was out of sight."""
        if self._pending_visible is not None:
            mask, self._pending_visible = self._pending_visible, None
            self.model.set_visible(mask)

    def showEvent(self, event: QShowEvent) -> None:  # Qt override
        self._catch_up()
        super().showEvent(event)

    @property
    def visible_count(self) -> int:
        """How many events the table shows (what the filters let through)."""
        self._catch_up()
        return self.model.visible_count

    # ------------------------------------------------------------------ table -> state
    def select_all_visible(self) -> None:
        """Every event the table shows becomes the shared selection (painted here)."""
        self._catch_up()
        rows = np.sort(self.model.order)  # frame rows of what the table shows
        ids = frozenset(self.model.frame.ids[rows].tolist())
        self.model.frame.remember_rows(ids, rows)  # no pane looks the ids up again
        self._selection.set(ids, source=None)  # a still-selected active stays

    def selected_rows(self) -> np.ndarray:
        """Display rows shown as selected (natively or painted), sorted."""
        self._catch_up()
        return np.union1d(self._native_rows(), self.model.highlighted_rows())

    def _native_rows(self) -> np.ndarray:
        ranges = self.table.selectionModel().selection()
        parts = [np.arange(r.top(), r.bottom() + 1, dtype=np.int64) for r in ranges]  # type: ignore[attr-defined]  # iterable at run time
        if len(parts) <= 1:
            return parts[0] if parts else np.zeros(0, np.int64)
        return np.unique(np.concatenate(parts))

    def _on_table_selection(self, *_: object) -> None:
        if self._applying:
            return
        self.model.set_highlight(None)  # the analyst's own selection replaces it
        ids = self.model.ids_at(self._native_rows())
        current = self.table.selectionModel().currentIndex()
        active = self.model.event_id(current.row()) if current.isValid() else None
        selected = set(ids.tolist())
        self._selection.set(selected, active=active if active in selected else None, source=self)

    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._applying or not current.isValid():
            return
        event_id = self.model.event_id(current.row())
        if event_id in self._selection.ids and event_id != self._selection.active:
            self._selection.set(self._selection.ids, active=event_id, source=self)

    # ------------------------------------------------------------------ state -> table
    def _on_selection_changed(self, source: object) -> None:
        if source is self:
            return
        self._apply_selection()

    def _apply_selection(self) -> None:
        """Select the rows of the shared selection; make the active one current and visible."""
        ids = self._selection.ids  # the set itself: the frame keeps its rows for every pane
        rows = self.model.display_rows_of(ids)
        firsts, lasts = contiguous_runs(rows)
        active = self._selection.active
        active_rows = (
            self.model.display_rows_of([active]) if active is not None else np.zeros(0, np.int64)
        )
        chooser = self.table.selectionModel()
        self._applying = True
        try:
            if len(firsts) <= NATIVE_RUNS_LIMIT and len(rows) <= NATIVE_ROWS_LIMIT:
                self.model.set_highlight(None)
                chooser.select(
                    self.model.row_ranges(firsts, lasts), _SELECT.ClearAndSelect | _SELECT.Rows
                )
            else:
                chooser.clearSelection()
                self.model.set_highlight(self.model.frame.ids_mask(ids))
                if len(active_rows):  # the active row is selected for real
                    chooser.select(
                        self.model.row_ranges(active_rows, active_rows),
                        _SELECT.Select | _SELECT.Rows,
                    )
            if len(active_rows):
                index = self.model.index(int(active_rows[0]), Column.TITLE)
                chooser.setCurrentIndex(index, _SELECT.NoUpdate)
                self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
            elif len(rows):
                self.table.scrollTo(self.model.index(int(rows[0]), Column.TITLE))
        finally:
            self._applying = False
