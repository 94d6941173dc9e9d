"""Search box, facet lists with counts, the time window and "212 of 1,000,000 events",
the weekday x hour grid (``clock.py``) and a histogram with a range per numeric column
an import kept (``histogram.py``).

The pane writes only to the FilterModel. Counts are computed elsewhere (the composition
root knows the search index) and handed in with :meth:`FiltersView.show_counts` and
:meth:`FiltersView.show_charts`.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.dates import Precision, from_seconds, iso_text, parse_date, to_seconds
from desktop_app.domain.grades import CREDIBILITY, RELIABILITY
from desktop_app.frame.visible import Charts
from desktop_app.ingest.countries import country_name
from desktop_app.state.models import FilterModel, Filters
from desktop_app.views import plain_text
from desktop_app.views.filters.clock import ClockFilter
from desktop_app.views.filters.histogram import NumberFilter

FACET_LABELS = {
    "category": "Category",
    "actor": "Actor",
    "country": "Country",
    "tag": "Tag",
    "source": "Source",
    "reliability": "Source reliability",
    "credibility": "Credibility",
    "precision": "Date precision",
}
SHOWN_VALUES = 40  # per facet; the search box finds the rest
OPEN_NUMBERS = 3  # numeric columns shown open (the most often filled); the rest folded


def value_label(facet: str, value: str) -> str:
    """How a facet value reads to an analyst: 'Russia (RU)', 'B: usually reliable'."""
    if not value:
        return "(none)"
    if facet == "country":
        name = country_name(value)
        return f"{name} ({value})" if name != value else value
    if facet == "reliability" and value in RELIABILITY:
        return f"{value}: {RELIABILITY[value].lower()}"
    if facet == "credibility" and value.isdigit() and int(value) in CREDIBILITY:
        return f"{value}: {CREDIBILITY[int(value)].lower()}"
    return value


DARK_TICKS = (
    "QTreeWidget::indicator { width: 11px; height: 11px; border: 1px solid #8a929c; "
    "border-radius: 2px; background: #181b20; }"
    "QTreeWidget::indicator:checked { background: #4a90d9; border-color: #9cc3ee; }"
)


class FacetList(QTreeWidget):
    """Checkable values of one facet with their counts.

    Signals:
        picked(str facet, frozenset values): the checked values changed.
    """

    picked = Signal(str, frozenset)

    def __init__(self, facet: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.facet = facet
        self.setHeaderHidden(True)
        self.setColumnCount(2)
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self._updating = False
        self._shown: list[str] = []  # the values in the order they are listed
        self._pending: tuple[list[tuple[str, int]], frozenset[str]] | None = None
        self.itemChanged.connect(self._on_item_changed)

    def show_values(self, counts: list[tuple[str, int]], checked: frozenset[str]) -> None:
        """List the values by count; while the pointer is over the list the values keep
        their places (only the counts change), so a click never ticks a value that
        moved under it. They re-sort when the pointer leaves."""
        if self.underMouse() and self._shown:
            self._pending = (counts, checked)
            by_name = dict(counts)
            kept = [(name, by_name.get(name, 0)) for name in self._shown]
            known = set(self._shown)
            kept += [(name, n) for name, n in counts[:SHOWN_VALUES] if name not in known]
            self._fill(kept, checked, len(counts))
            return
        self._pending = None
        shown = counts[:SHOWN_VALUES]
        names = {name for name, _ in shown}
        shown += [(name, 0) for name in sorted(checked - names)]  # keep choices visible
        self._fill(shown, checked, len(counts))

    def changeEvent(self, event: QEvent) -> None:
        """On a dark palette the style's tick boxes vanish into the list: draw our own."""
        if event.type() == QEvent.Type.PaletteChange:
            dark = self.palette().color(QPalette.ColorRole.Base).lightness() < 128
            self.setStyleSheet(DARK_TICKS if dark else "")
        super().changeEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        super().leaveEvent(event)
        if self._pending is not None:
            counts, checked = self._pending
            self.show_values(counts, checked)

    def _fill(self, shown: list[tuple[str, int]], checked: frozenset[str], total: int) -> None:
        self._updating = True
        try:
            self.clear()
            self._shown = [name for name, _ in shown]
            for name, count in shown:
                item = QTreeWidgetItem([value_label(self.facet, name), f"{count:,}"])
                item.setToolTip(0, plain_text.tooltip(value_label(self.facet, name)))
                item.setData(0, Qt.ItemDataRole.UserRole, name)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(
                    0, Qt.CheckState.Checked if name in checked else Qt.CheckState.Unchecked
                )
                item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
                item.setForeground(1, self.palette().placeholderText())
                self.addTopLevelItem(item)
            if total > SHOWN_VALUES:
                more = QTreeWidgetItem([f"… {total - SHOWN_VALUES:,} more", ""])
                more.setFlags(Qt.ItemFlag.NoItemFlags)
                self.addTopLevelItem(more)
            rows = min(self.topLevelItemCount(), 8)
            self.setFixedHeight(max(1, rows) * (self.sizeHintForRow(0) or 20) + 6)
        finally:
            self._updating = False

    def uncheck_all(self) -> None:
        self._updating = True
        try:
            for i in range(self.topLevelItemCount()):
                item = self.topLevelItem(i)
                if item is not None and item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                    item.setCheckState(0, Qt.CheckState.Unchecked)
        finally:
            self._updating = False

    def checked_values(self) -> frozenset[str]:
        out = set()
        for i in range(self.topLevelItemCount()):
            item = self.topLevelItem(i)
            if item is not None and item.checkState(0) == Qt.CheckState.Checked:
                out.add(item.data(0, Qt.ItemDataRole.UserRole))
        return frozenset(out)

    def _on_item_changed(self, _item: QTreeWidgetItem, column: int) -> None:
        if not self._updating and column == 0:
            self.picked.emit(self.facet, self.checked_values())


class FiltersView(QWidget):
    """Signals:
    use_brush_requested(): the analyst wants the timeline's brush as the time window.
    """

    use_brush_requested = Signal()

    def __init__(self, filters: FilterModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filters = filters
        self.count_label = plain_text.label("No events")
        self.count_label.setObjectName("visibleCount")
        font = self.count_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.count_label.setFont(font)
        # the filters no box shows, in words (the ranges and the grid)
        self.summary_label = plain_text.label()
        self.summary_label.setObjectName("filterSummary")
        self.summary_label.setWordWrap(True)
        self.summary_label.hide()

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search titles and descriptions…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search the events' titles and descriptions")
        self._search_timer = QTimer(self, singleShot=True, interval=250)
        self._search_timer.timeout.connect(self._apply_search)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self._apply_search)

        self.date_from = QLineEdit()
        self.date_to = QLineEdit()
        for field, hint in (
            (self.date_from, "from, e.g. 2023"),
            (self.date_to, "to, e.g. 2025-06"),
        ):
            field.setPlaceholderText(hint)
            field.setAccessibleName(f"Time window {hint.split(',')[0]}")
            field.setClearButtonEnabled(True)
            field.editingFinished.connect(self._apply_window)
            # the clear button (or deleting the text) lifts that bound at once
            field.textChanged.connect(lambda text: self._apply_window() if not text else None)
        use_brush = QToolButton()
        use_brush.setText("Use timeline brush")
        use_brush.setToolTip("Make the range brushed on the timeline the time window")
        use_brush.clicked.connect(self.use_brush_requested)
        self.window_error = plain_text.label()
        self.window_error.setStyleSheet("color: #b3261e")
        self.window_error.hide()

        clear = QPushButton("Clear all filters")
        clear.setToolTip("Remove every filter: show all events (Ctrl+Shift+F)")
        clear.clicked.connect(lambda: self.filters.clear(source=None))

        # the area filter (drawn on the map): a chip that says so and lifts it
        self.area_chip = QToolButton()
        self.area_chip.setObjectName("areaChip")
        self.area_chip.setText("Inside the map area  \u2715")
        self.area_chip.setToolTip("Only the events inside the area drawn on the map; click to lift")
        self.area_chip.clicked.connect(
            lambda: self.filters.set(replace(self.filters.filters, area=()), source=None)
        )
        self.area_chip.hide()

        self.facets: dict[str, FacetList] = {}
        facet_box = QWidget()
        facet_layout = QVBoxLayout(facet_box)
        facet_layout.setContentsMargins(0, 0, 0, 0)
        self.clock = ClockFilter()
        self.clock.cells_picked.connect(lambda cells: self.filters.set_clock(cells, source=self))
        facet_layout.addWidget(self.clock)
        self.numbers_note = plain_text.label()
        self.numbers_note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.numbers_note.hide()
        facet_layout.addWidget(self.numbers_note)
        self.number_filters: dict[str, NumberFilter] = {}
        self._numbers_layout = QVBoxLayout()
        self._numbers_layout.setContentsMargins(0, 0, 0, 0)
        facet_layout.addLayout(self._numbers_layout)
        for facet, label in FACET_LABELS.items():
            title = QLabel(label)
            title.setStyleSheet("font-weight: 600; margin-top: 6px")
            facet_list = FacetList(facet)
            facet_list.setAccessibleName(f"{label}: values to filter on")
            facet_list.picked.connect(self._apply_facet)
            self.facets[facet] = facet_list
            facet_layout.addWidget(title)
            facet_layout.addWidget(facet_list)
        facet_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(facet_box)

        window = QFormLayout()
        window.addRow("From", self.date_from)
        window.addRow("To", self.date_to)
        top = QHBoxLayout()
        top.addWidget(use_brush)
        top.addStretch(1)
        top.addWidget(clear)
        layout = QVBoxLayout(self)
        layout.addWidget(self.count_label)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.search)
        layout.addLayout(window)
        layout.addWidget(self.window_error)
        layout.addLayout(top)
        layout.addWidget(self.area_chip)
        layout.addWidget(scroll, 1)
        self.filters.changed.connect(self._on_filters_changed)

    # ------------------------------------------------------------------ from outside
    def show_total(self, visible: int, total: int) -> None:
        self.count_label.setText(f"{visible:,} of {total:,} events")

    def show_counts(
        self, visible: int, total: int, facet_counts: dict[str, list[tuple[str, int]]]
    ) -> None:
        self.show_total(visible, total)
        current = self.filters.filters
        for facet, facet_list in self.facets.items():
            facet_list.show_values(
                facet_counts.get(facet, []), current.facets.get(facet, frozenset())
            )

    def show_charts(self, charts: Charts, loading: bool) -> None:
        """The grid's counts and a histogram per numeric column (sections made or
        dropped as the project's numeric columns change)."""
        self.clock.show_counts(charts.clock, charts.untimed)
        names = [chart.name for chart in charts.numbers]
        if names != list(self.number_filters):
            for section in self.number_filters.values():
                self._numbers_layout.removeWidget(section)
                section.deleteLater()
            self.number_filters = {}
            for at, name in enumerate(names):
                section = NumberFilter(name, open_=at < OPEN_NUMBERS)
                section.range_picked.connect(self._apply_range)
                self._numbers_layout.addWidget(section)
                self.number_filters[name] = section
        current = self.filters.filters
        for chart in charts.numbers:
            section = self.number_filters[chart.name]
            section.show_range(*current.ranges.get(chart.name, (None, None)))
            section.show_chart(chart)
        self.numbers_note.setText("Reading the numeric columns…" if loading else "")
        self.numbers_note.setVisible(loading)

    # ------------------------------------------------------------------ to the model
    def _apply_range(self, name: str, low: float | None, high: float | None) -> None:
        self.filters.set_range(name, low, high, source=self)

    def _apply_search(self) -> None:
        self.filters.set_text(self.search.text().strip(), source=self)

    def _apply_facet(self, facet: str, values: frozenset[str]) -> None:
        self.filters.set_facet(facet, values, source=self)

    def _apply_window(self) -> None:
        try:
            t0 = _parse_bound(self.date_from.text(), end=False)
            t1 = _parse_bound(self.date_to.text(), end=True)
        except ValueError as exc:
            self.window_error.setText(str(exc))
            self.window_error.show()
            return
        self.window_error.hide()
        self.filters.set_time_window(t0, t1, source=self)

    def _on_filters_changed(self, source: object) -> None:
        """Show the model's filters in the boxes (a clear empties them all), except for a
        change this pane made from what is typed in them."""
        current: Filters = self.filters.filters
        self.area_chip.setVisible(bool(current.area))
        self.clock.grid.set_chosen(current.clock)
        for name, section in self.number_filters.items():
            section.show_range(*current.ranges.get(name, (None, None)))
        parts = current.number_parts()
        self.summary_label.setText("Also showing only: " + " · ".join(parts) if parts else "")
        self.summary_label.setVisible(bool(parts))
        if source is self and current != Filters():
            return
        if self.search.text().strip() != current.text:
            self.search.blockSignals(True)
            self.search.setText(current.text)
            self.search.blockSignals(False)
        for box, text in (
            (self.date_from, _format_bound(current.t0, end=False)),
            (self.date_to, _format_bound(current.t1, end=True)),
        ):
            if box.text() != text:
                box.blockSignals(True)  # no re-application of what the model says
                box.setText(text)
                box.blockSignals(False)
        if not current.facets:
            for facet_list in self.facets.values():
                facet_list.uncheck_all()


def _parse_bound(text: str, end: bool) -> int | None:
    """'2023' as a lower bound is 2023-01-01; as an upper bound the end of 2023."""
    text = text.strip()
    if not text:
        return None
    date = parse_date(text)
    return to_seconds(date.end if end else date.start)


def _format_bound(seconds: int | None, end: bool) -> str:
    if seconds is None:
        return ""
    moment = from_seconds(seconds - 1 if end else seconds)
    day = moment.replace(hour=0, minute=0, second=0)
    return iso_text(day, Precision.DAY)
