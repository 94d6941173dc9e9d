"""EventTableModel: the frame's visible events as a lazy Qt table model.

Nothing is built per row: ``data()`` reads the frame's numpy columns for the cells Qt
actually paints. The display order is one int64 array of frame rows (``order``), so a
million rows cost eight megabytes and filtering or sorting is a numpy operation.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from enum import IntEnum
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QItemSelectionRange,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFontDatabase

from desktop_app.domain.dates import Precision, describe, from_seconds, iso_text
from desktop_app.frame.event_frame import PRECISION_NAMES, EventFrame
from desktop_app.ingest.countries import country_name
from desktop_app.views import plain_text
from desktop_app.views.table.orders import patched_text_order, same_inputs

AnyIndex = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    DATE = 0
    TITLE = 1
    CATEGORY = 2
    PLACE = 3
    COUNTRY = 4
    PRECISION = 5


HEADERS = {
    Column.DATE: "Date",
    Column.TITLE: "Title",
    Column.CATEGORY: "Category",
    Column.PLACE: "Place",
    Column.COUNTRY: "Country",
    Column.PRECISION: "Precision",
}
EVENT_ID_ROLE = Qt.ItemDataRole.UserRole
# Sorting a million distinct titles takes Arrow ~0.6 s; above this size the title order
# is worked out in a background thread as soon as the frame arrives (Arrow's sort runs
# without the GIL), so the first click on the Title header finds it ready.
PREPARE_TITLE_ORDER_FROM = 100_000
_SORTER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sightline-table-sort")
DASH = "\u2013"


class EventTableModel(QAbstractTableModel):
    """Visible events of an :class:`EventFrame`, one row each, sortable by any column.

    ``Qt.UserRole`` gives a row's event id. The model resets (it does not move
    persistent indexes) when the frame, the visible rows or the sort order change:
    the table view re-applies the shared selection afterwards.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._frame = EventFrame.empty()
        self._visible = np.zeros(0, bool)
        self._order = np.zeros(0, np.int64)  # display row -> frame row
        self._position: np.ndarray | None = None  # frame row -> display row or -1 (lazy)
        self._sort_column: int = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._perm_cache: dict[int, np.ndarray] = {}  # column -> frame rows, ascending
        self._title_order: Future[np.ndarray] | None = None
        self._country_names: list[str] = []
        self._highlight: np.ndarray | None = None  # bool per frame row, or None
        self._mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self._highlight_brush = QBrush(QColor("#d4e4f7"))

    # ------------------------------------------------------------------ data in
    @property
    def frame(self) -> EventFrame:
        return self._frame

    @property
    def order(self) -> np.ndarray:
        """Frame rows in display order (read-only view)."""
        view = self._order.view()
        view.flags.writeable = False
        return view

    def set_frame(self, frame: EventFrame, visible: np.ndarray | None = None) -> None:
        """New data; every event is visible unless ``visible`` says otherwise (a frame
        patched in place from the shown one keeps the rows shown, and when their order
        is kept too the model is not reset: only the cells change, the view keeps its
        scroll and selection)."""
        old = self._frame
        # an edit's patched frame shares the columns it did not change: their orders stay
        kept = {
            column: perm
            for column, perm in self._perm_cache.items()
            if same_inputs(old, frame, Column(column).name.lower())
        }
        patched = visible is None and frame.patched_rows(old) is not None
        same_order = patched and (self._sort_column < 0 or self._sort_column in kept)
        if not same_order:
            self.beginResetModel()
            self._highlight = None
        title_perm = self._perm_cache.get(Column.TITLE)
        self._frame, self._perm_cache = frame, kept
        self._title_order = self._prepare_title_order(old, frame, title_perm)
        codes_names = frame.single.get("country", (np.zeros(0, np.int32), []))[1]
        self._country_names = [country_name(c) if c else "" for c in codes_names]
        if same_order:  # the same rows in the same order (and marks): new cells only
            if self._order.size:
                self.dataChanged.emit(
                    self.index(0, 0), self.index(len(self._order) - 1, len(Column) - 1)
                )
            return
        if visible is not None:
            self._visible = visible.astype(bool)
        elif not patched:
            self._visible = np.ones(len(frame), bool)
        # else an edit's patched frame: the same rows as shown (the linker's mask follows)
        self._reorder()
        self.endResetModel()

    def set_visible(self, mask: np.ndarray) -> None:
        """Show only the frame rows where ``mask`` is true (kept in the current sort)."""
        mask = np.asarray(mask, bool)
        if len(mask) != len(self._frame):
            raise ValueError(f"mask has {len(mask)} rows, the frame {len(self._frame)}")
        if np.array_equal(mask, self._visible):
            return
        self.beginResetModel()
        self._visible = mask.copy()
        self._reorder()
        self.endResetModel()

    def _prepare_title_order(
        self, old: EventFrame, frame: EventFrame, old_perm: np.ndarray | None
    ) -> Future[np.ndarray] | None:
        """The title order, worked out in the background for a big frame: kept when the
        titles are the same array, patched when an edit changed a few, else sorted."""
        if len(frame) < PREPARE_TITLE_ORDER_FROM or Column.TITLE in self._perm_cache:
            return None
        if same_inputs(old, frame, "title") and self._title_order is not None:
            return self._title_order
        rows = frame.patched_rows(old)
        before: Future[np.ndarray] | np.ndarray | None = (
            old_perm if old_perm is not None else self._title_order
        )
        if rows is not None and before is not None:
            titles = frame.title
            return _SORTER.submit(
                lambda: patched_text_order(
                    before if isinstance(before, np.ndarray) else before.result(),
                    titles,
                    rows,
                    lambda: _text_order(titles, False),
                )
            )
        return _SORTER.submit(_text_order, frame.title, False)

    @property
    def visible_count(self) -> int:
        return len(self._order)

    def set_highlight(self, mask: np.ndarray | None) -> None:
        """Mark frame rows as selected by painting them (for selections too large for
        QItemSelectionModel, whose range arithmetic is quadratic); None removes the marks."""
        if mask is None and self._highlight is None:
            return
        self._highlight = None if mask is None else np.asarray(mask, bool)
        if self._order.size:
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(len(self._order) - 1, len(Column) - 1),
                [Qt.ItemDataRole.BackgroundRole],
            )

    def highlighted_rows(self) -> np.ndarray:
        """Display rows marked by :meth:`set_highlight`, sorted."""
        if self._highlight is None:
            return np.zeros(0, np.int64)
        return np.flatnonzero(self._highlight[self._order]).astype(np.int64)

    def row_ranges(self, firsts: np.ndarray, lasts: np.ndarray) -> QItemSelection:
        """A selection of whole display rows, one range per (first, last) run."""
        last_column = len(Column) - 1
        make = self.createIndex
        selection = QItemSelection()
        # one bulk += rather than a select()/append() per range: one call into Qt, and
        # not a void call per range (see views/qt_workarounds.py for the None refcount)
        ranges = [
            QItemSelectionRange(make(int(a), 0), make(int(b), last_column))
            for a, b in zip(firsts.tolist(), lasts.tolist(), strict=True)
        ]
        selection += ranges  # type: ignore[misc]
        return selection

    # ------------------------------------------------------------------ rows <-> ids
    def event_id(self, row: int) -> int:
        return int(self._frame.ids[self._order[row]])

    def ids_at(self, display_rows: np.ndarray) -> np.ndarray:
        return self._frame.ids[self._order[np.asarray(display_rows, np.int64)]]

    def display_rows_of(self, ids: Any) -> np.ndarray:
        """Sorted display rows of the given event ids (hidden or unknown ids dropped)."""
        frame_rows = self._frame.rows_of(ids)
        if not len(frame_rows):
            return np.zeros(0, np.int64)
        if len(frame_rows) * 16 > len(self._frame):  # many (select all): a mask, no sort
            chosen = np.zeros(len(self._frame), bool)
            chosen[frame_rows] = True
            return np.flatnonzero(chosen[self._order]).astype(np.int64)
        if self._position is None:
            position = np.full(len(self._frame), -1, np.int64)
            position[self._order] = np.arange(len(self._order))
            self._position = position
        shown = self._position[frame_rows]
        return np.sort(shown[shown >= 0])

    # ------------------------------------------------------------------ Qt model API
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(Column)
            and role == Qt.ItemDataRole.DisplayRole
        ):
            return HEADERS[Column(section)]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._order):
            return None
        row = int(self._order[index.row()])
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == EVENT_ID_ROLE:
            return int(self._frame.ids[row])
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == Column.DATE:
                return self._date_words(row)  # our own words, never event text
            return plain_text.tooltip(self._text(row, column)) or None
        if role == Qt.ItemDataRole.BackgroundRole:
            if self._highlight is not None and self._highlight[row]:
                return self._highlight_brush
            return None
        if column == Column.DATE and role == Qt.ItemDataRole.FontRole:
            return self._mono  # monospace: the years line up whatever the precision
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the visible rows by ``column`` (-1: frame order, i.e. by start)."""
        if column >= len(Column):
            return
        if (column, order) == (self._sort_column, self._sort_order):
            return
        self.beginResetModel()
        self._sort_column, self._sort_order = column, order
        self._reorder()
        self.endResetModel()

    def title_order_ready(self) -> bool:
        """Whether sorting by title will be instant (its order was prepared or cached)."""
        return (
            Column.TITLE in self._perm_cache
            or self._title_order is None
            or self._title_order.done()
        )

    @property
    def sort_column(self) -> int:
        return self._sort_column

    # ------------------------------------------------------------------ internals
    def _reorder(self) -> None:
        self._position = None
        if self._sort_column < 0:
            self._order = np.flatnonzero(self._visible).astype(np.int64, copy=False)
            return
        perm = self.sorted_rows(self._sort_column)
        if self._sort_order == Qt.SortOrder.DescendingOrder:
            perm = perm[::-1]
        self._order = np.ascontiguousarray(perm[self._visible[perm]])

    def sorted_rows(self, column: int) -> np.ndarray:
        """Every frame row in ascending order of ``column`` (cached per frame)."""
        cached = self._perm_cache.get(column)
        if cached is None:
            cached = self._perm_cache[column] = self._ascending(Column(column))
        return cached

    def _ascending(self, column: Column) -> np.ndarray:
        frame = self._frame
        n = len(frame)
        if column == Column.DATE:  # the frame is sorted by (start, id) already
            return np.arange(n, dtype=np.int64)
        if column == Column.PRECISION:
            return np.argsort(frame.precision, kind="stable").astype(np.int64)
        if column in (Column.CATEGORY, Column.COUNTRY):
            facet = "category" if column == Column.CATEGORY else "country"
            codes, names = frame.single.get(facet, (np.full(n, -1, np.int32), []))
            labels = self._country_names if column == Column.COUNTRY else names
            rank = np.empty(len(labels) + 1, np.int64)
            by_label = sorted(range(len(labels)), key=lambda i: labels[i].casefold())
            rank[np.array(by_label, np.int64)] = np.arange(len(labels))
            rank[-1] = len(labels)  # no value (-1) sorts last
            return np.argsort(rank[codes], kind="stable").astype(np.int64)
        if column == Column.TITLE:
            if self._title_order is not None:
                return self._title_order.result()
            return _text_order(frame.title, few_distinct=False)
        return _text_order(frame.place, few_distinct=True)

    def _text(self, row: int, column: int) -> str:
        frame = self._frame
        if column == Column.DATE:
            start = from_seconds(int(frame.start[row]))
            return iso_text(start, Precision(int(frame.precision[row])))
        if column == Column.TITLE:
            return str(frame.title[row])
        if column == Column.PLACE:
            return str(frame.place[row])
        if column == Column.CATEGORY:
            return _code_name(frame, "category", row)
        if column == Column.COUNTRY:
            codes = frame.single.get("country")
            code = -1 if codes is None else int(codes[0][row])
            return self._country_names[code] if code >= 0 else ""
        if column == Column.PRECISION:
            p = int(frame.precision[row])
            return PRECISION_NAMES[p] if 0 <= p < len(PRECISION_NAMES) else ""
        return ""

    def _date_words(self, row: int) -> str:
        frame = self._frame
        start = from_seconds(int(frame.start[row]))
        words = describe(start, Precision(int(frame.precision[row])))
        if frame.has_end[row]:
            last = from_seconds(int(frame.end[row]) - 1)
            words += f" {DASH} until {last:%d %B %Y}".replace(" 0", " ")
        return words


def _code_name(frame: EventFrame, facet: str, row: int) -> str:
    codes_names = frame.single.get(facet)
    if codes_names is None:
        return ""
    code = int(codes_names[0][row])
    return codes_names[1][code] if code >= 0 else ""


def _text_order(values: np.ndarray, few_distinct: bool) -> np.ndarray:
    """Stable, case-insensitive ascending order of a text column; blanks last.

    Arrow sorts strings in C++ (0.6 s for a million distinct titles, where sorting the
    object array in Python takes several seconds). A column of ``few_distinct`` values
    (places) ranks its distinct values and sorts the rows' integer ranks instead.
    """
    if not len(values):
        return np.zeros(0, np.int64)
    if few_distinct:
        codes, uniques = pd.factorize(values)
        keys = pc.utf8_lower(pa.array(np.asarray(uniques, object), pa.string()))
        rank = np.empty(len(uniques), np.int64)
        rank[pc.sort_indices(keys).to_numpy()] = np.arange(len(uniques))
        blank_code = np.flatnonzero(np.asarray(uniques, object) == "")
        rank_of_row = rank[codes]
        if len(blank_code):
            rank_of_row = np.where(codes == blank_code[0], len(uniques), rank_of_row)
        return np.asarray(np.argsort(rank_of_row, kind="stable"), np.int64)
    keys = pc.utf8_lower(pa.array(values, pa.string()))
    perm: np.ndarray = np.asarray(pc.sort_indices(keys).to_numpy(), np.int64)
    blank = (values == "")[perm]
    if blank.any():
        perm = np.concatenate([perm[~blank], perm[blank]])
    return perm
