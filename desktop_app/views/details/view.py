"""DetailsView: the active event as a readable card; several events as a summary.

For one event the card shows everything the project knows: dates with their precision,
place with coordinates, actors, grades, sources, description, import batch and extra
attributes (read through :func:`desktop_app.store.details.event_detail`). For several
events it shows a summary and a list to pick one from.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.coords import STYLES, Style
from desktop_app.domain.dates import Precision, from_seconds, iso_text
from desktop_app.frame.event_frame import EventFrame
from desktop_app.frame.summary import SelectionSummary, summarise
from desktop_app.ingest.countries import country_name
from desktop_app.state.models import SelectionModel, ViewState
from desktop_app.store.details import event_detail
from desktop_app.store.project import Project
from desktop_app.views import plain_text
from desktop_app.views.details import card
from desktop_app.views.details.browser import SafeTextBrowser

ProjectProvider = Callable[[], Project | None]
LIST_LIMIT = 1_000  # events listed for picking; the summary counts all of them
EVENT_ID_ROLE = Qt.ItemDataRole.UserRole


EMPTY_PROJECT = (
    "This project has no events yet. Drop a CSV, TSV or XLSX file on the window, "
    "or use File ▸ Import events…"
)


def _to_top(browser: QTextBrowser) -> None:
    """A new selection is read from its start (its heading), not where the last one
    was scrolled to."""
    browser.verticalScrollBar().setValue(0)
    browser.horizontalScrollBar().setValue(0)


class DetailsView(QWidget):
    """The detail pane.

    Signals: none of its own; picking an event in the list writes
    ``selection.set(ids, active=id, source=self)``.
    """

    def __init__(
        self,
        selection: SelectionModel,
        view_state: ViewState,
        parent: QWidget | None = None,
        project_provider: ProjectProvider | None = None,
    ) -> None:
        super().__init__(parent)
        self._selection = selection
        self._view_state = view_state
        self._project_provider = project_provider or (lambda: None)
        self._frame = EventFrame.empty()
        self._visible = np.zeros(0, bool)
        self._listed_ids: frozenset[int] | None = None  # ids the list was built for
        # (frame, ids, summary) of the last summary card's selection
        self._summary: tuple[EventFrame, frozenset[int], SelectionSummary] | None = None
        self._filling = False
        self.shown_event: int | None = None  # the event the card shows
        self.coordinate_style: Style = "dd"  # View ▸ Coordinates (set_coordinate_style)

        self.summary = SafeTextBrowser(self)
        self.summary.setObjectName("selectionSummary")
        self.summary.setMaximumHeight(170)
        self.list_note = plain_text.label(parent=self)
        self.list_note.setStyleSheet(f"color: {card.MUTED}; padding: 2px 4px;")
        self.event_list = QListWidget(self)
        self.event_list.setObjectName("selectedEvents")
        self.event_list.setUniformItemSizes(True)
        self.event_list.setAlternatingRowColors(True)
        self.event_list.currentItemChanged.connect(self._on_pick)
        self.summary_panel = QWidget(self)
        top = QVBoxLayout(self.summary_panel)
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(2)
        top.addWidget(self.summary)
        top.addWidget(self.list_note)
        top.addWidget(self.event_list, 1)

        self.card = SafeTextBrowser(self)
        self.card.setObjectName("eventCard")
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.summary_panel)
        splitter.addWidget(self.card)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        for browser in (self.summary, self.card):
            browser.setFrameShape(SafeTextBrowser.Shape.NoFrame)
            browser.document().setDocumentMargin(12)
        self.setStyleSheet(
            "QTextBrowser { background: palette(base); }"
            "QListWidget { border: none; border-top: 1px solid palette(mid); "
            "alternate-background-color: palette(alternate-base); }"
        )

        selection.changed.connect(self._on_selection_changed)
        self._refresh()

    # ------------------------------------------------------------------ view contract
    def set_frame(self, frame: EventFrame) -> None:
        self._frame = frame
        self._visible = np.ones(len(frame), bool)
        self._listed_ids = None
        self._refresh()

    def set_visible(self, mask: np.ndarray) -> None:
        mask = np.asarray(mask, bool)
        if len(mask) == len(self._visible) and np.array_equal(mask, self._visible):
            return
        self._visible = mask.copy()
        ids = self._selection.ids
        if len(ids) > 1 and (ids is self._listed_ids or ids == self._listed_ids):
            # the list stays (the selection did not change): only the summary's "hidden
            # by the filters" count can, so rebuilding a thousand rows is spared
            self._show_summary(ids, self._frame.rows_of(ids))
        elif len(ids) > 1:
            self._refresh()

    def set_coordinate_style(self, style: Style) -> None:
        """Write coordinates as decimal degrees, DMS or MGRS (and show the card again)."""
        if style not in STYLES:
            raise ValueError(f"unknown coordinate style {style!r}")
        if style == self.coordinate_style:
            return
        self.coordinate_style = style
        if self.shown_event is not None:
            self._show_event(self.shown_event)

    def refresh(self) -> None:
        """Re-read the active event (after it was edited in the store)."""
        self._listed_ids = None
        self._refresh()

    # ------------------------------------------------------------------ state -> pane
    def _on_selection_changed(self, source: object) -> None:
        if source is self:
            return  # our own pick: the card was updated already
        self._refresh()

    def _refresh(self) -> None:
        ids = self._selection.ids
        several = len(ids) > 1
        self.summary_panel.setVisible(several)
        if several and ids != self._listed_ids:
            self._fill_summary(ids)
        if several:
            self._mark_current(self._selection.active)
        active = self._selection.active
        if active is None and len(ids) == 1:
            active = next(iter(ids))
        if active is not None:
            self._show_event(active)
        elif several:
            self._show_message(f"Pick one of the {len(ids):,} events above to read it.")
        elif not len(self._frame):
            self._show_message(EMPTY_PROJECT)
        else:
            self._show_message(
                "No event selected. Click an event on the map, the "
                "timeline or the table to read it here."
            )

    def _fill_summary(self, ids: frozenset[int]) -> None:
        self._listed_ids = ids
        rows = self._frame.rows_of(ids)  # sorted = by start (the set: its rows are kept)
        self._show_summary(ids, rows)
        self._filling = True
        try:
            self.event_list.clear()
            for row in rows[:LIST_LIMIT].tolist():
                date = iso_text(
                    from_seconds(int(self._frame.start[row])),
                    Precision(int(self._frame.precision[row])),
                )
                item = QListWidgetItem(f"{date}   {self._frame.title[row]}")
                item.setData(EVENT_ID_ROLE, int(self._frame.ids[row]))
                item.setToolTip(plain_text.tooltip(str(self._frame.title[row])))
                self.event_list.addItem(item)
        finally:
            self._filling = False
        self.event_list.scrollToTop()
        missing = len(ids) - len(rows)
        note = f"{len(rows):,} events, earliest first"
        if len(rows) > LIST_LIMIT:
            note = f"The earliest {LIST_LIMIT:,} of {len(rows):,} events"
        if missing:
            note += f" ({missing:,} not loaded)"
        self.list_note.setText(note)

    def _show_summary(self, ids: frozenset[int], rows: np.ndarray) -> None:
        """The summary card of the selected rows, with how many the filters hide (the
        figures of one selection are worked out once: a filter changes the count only)."""
        hidden = int((~self._visible[rows]).sum()) if len(self._visible) == len(self._frame) else 0
        kept = self._summary
        if kept is None or kept[0] is not self._frame or kept[1] is not ids:
            kept = self._summary = (self._frame, ids, summarise(self._frame, rows))
        self.summary.setHtml(card.summary_card(kept[2], hidden))
        _to_top(self.summary)

    def _mark_current(self, event_id: int | None) -> None:
        self._filling = True
        try:
            for i in range(self.event_list.count()):
                item = self.event_list.item(i)
                if item.data(EVENT_ID_ROLE) == event_id:
                    self.event_list.setCurrentItem(item)
                    self.event_list.scrollToItem(item)
                    return
            self.event_list.setCurrentRow(-1)
        finally:
            self._filling = False

    # ------------------------------------------------------------------ pane -> state
    def _on_pick(self, current: QListWidgetItem | None, _previous: object) -> None:
        if self._filling or current is None:
            return
        event_id = int(current.data(EVENT_ID_ROLE))
        self._selection.set(self._selection.ids, active=event_id, source=self)
        self._show_event(event_id)

    def pick(self, event_id: int) -> None:
        """Make ``event_id`` (one of the listed events) the active one, as a click would."""
        for i in range(self.event_list.count()):
            if self.event_list.item(i).data(EVENT_ID_ROLE) == event_id:
                self.event_list.setCurrentRow(i)
                return
        raise KeyError(f"event {event_id} is not in the list")

    # ------------------------------------------------------------------ the card
    def _show_event(self, event_id: int) -> None:
        self.shown_event = event_id
        project = self._project_provider()
        detail = event_detail(project, event_id) if project is not None else None
        if detail is not None:
            self.card.setHtml(card.event_card(detail, country_name, self.coordinate_style))
            _to_top(self.card)
            return
        row = self._frame.row_of(event_id)
        if row is None:
            self._show_message(f"Event #{event_id} is not in this project.")
            self.shown_event = event_id
            return
        f = self._frame
        codes, names = f.single.get("category", (np.full(len(f), -1), []))
        category = names[int(codes[row])] if int(codes[row]) >= 0 else ""
        self.card.setHtml(
            card.frame_card(
                str(f.title[row]),
                int(f.start[row]),
                int(f.precision[row]),
                str(f.place[row]),
                category,
                float(f.lat[row]),
                float(f.lon[row]),
                self.coordinate_style,
            )
        )
        _to_top(self.card)

    def _show_message(self, text: str) -> None:
        self.shown_event = None
        self.card.setHtml(card.message(text))
        _to_top(self.card)

    def card_text(self) -> str:
        """The card as plain text (what the analyst reads)."""
        return self.card.toPlainText()
