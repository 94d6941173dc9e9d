"""TimelineView: the timeline pane (toolbar, from/to fields, and the painted canvas).

It links the canvas to the shared state: the visible range lives in
``ViewState.timeline``, picks and brushes go to the ``SelectionModel``, and both are
followed when another view changes them.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
from PySide6.QtCore import QPointF, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.dates import DAY_SECONDS, civil_from_days, parse_date, to_seconds
from desktop_app.frame.event_frame import EventFrame
from desktop_app.frame.timeline_data import LANE_FACETS
from desktop_app.state.models import SelectionModel, ViewState
from desktop_app.views import plain_text
from desktop_app.views.timeline.canvas import TimelineCanvas

_INVALID = "QLineEdit { background: #fde8e8; }"


def _ymd(t: int) -> tuple[int, int, int]:
    y, m, d = civil_from_days(np.array([t // DAY_SECONDS]))
    return int(y[0]), int(m[0]), int(d[0])


def _level(t: int) -> int:
    """The coarsest precision (1 year .. 4 minute) at which ``t`` is a boundary."""
    if t % DAY_SECONDS:
        return 4
    _, m, d = _ymd(t)
    return 1 if (m, d) == (1, 1) else 2 if d == 1 else 3


def _text(t: int, level: int) -> str:
    y, m, d = _ymd(t)
    if level == 1:
        return f"{y:04d}"
    if level == 2:
        return f"{y:04d}-{m:02d}"
    if level == 3:
        return f"{y:04d}-{m:02d}-{d:02d}"
    return f"{y:04d}-{m:02d}-{d:02d} {t % DAY_SECONDS // 3600:02d}:{t % 3600 // 60:02d}"


def format_bound(t: int, is_end: bool, level: int | None = None) -> str:
    """Text that reads back (through ``parse_date``) as the bound ``t``.

    An end is exclusive and a typed "to" means the end of that period, so the range
    [2023-01-01, 2024-01-01) shows as "2023" to "2023". ``level`` (1 year .. 4 minute)
    asks for a finer text than the bound needs; times off a day boundary show to the
    minute (an end rounded up to the next minute).
    """
    level = max(_level(t), level or 1)
    if level == 4:
        minute = (-(-t // 60) - 1) * 60 if is_end else t // 60 * 60
        return _text(minute, 4)
    return _text(t - 1 if is_end else t, level)


def format_range(t0: int, t1: int) -> tuple[str, str]:
    """From/to texts for [t0, t1) at one precision, e.g. ("2019-01", "2019-01")."""
    level = max(_level(t0), _level(t1))
    return format_bound(t0, False, level), format_bound(t1, True, level)


class TimelineView(QWidget):
    """The timeline pane.

    Signals:
        brushed(qint64 t0, qint64 t1): the analyst brushed [t0, t1) (civil seconds); the
            composition root may offer to use it as the time filter.
    """

    brushed = Signal("qint64", "qint64")  # type: ignore[arg-type]  # 64-bit times

    def __init__(
        self, selection: SelectionModel, view_state: ViewState, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._selection = selection
        self._view_state = view_state
        self._frame = EventFrame.empty()
        self._has_range = False
        self._shown = ("", "")  # what the from/to fields were last set to
        self.canvas = TimelineCanvas(self)

        self.from_field = QLineEdit(self)
        self.to_field = QLineEdit(self)
        for field, tip in (
            (self.from_field, "From: 2023, 2023-05 or 2023-05-14"),
            (self.to_field, "To (inclusive): 2023, 2023-05 or 2023-05-14"),
        ):
            field.setPlaceholderText(tip.split(":")[0])
            field.setToolTip(tip)
            field.setAccessibleName(f"Timeline range {tip.split(':')[0].lower()}")
            field.setMaximumWidth(140)
            field.editingFinished.connect(self._apply_fields)
        self.fit_all_button = QPushButton("Fit all", self)
        self.fit_all_button.setToolTip("Show every visible event")
        self.fit_selection_button = QPushButton("Fit selection", self)
        self.fit_selection_button.setToolTip("Show the selected events")
        self.brush_button = QToolButton(self)
        self.brush_button.setText("Brush")
        self.brush_button.setCheckable(True)
        self.brush_button.setToolTip(
            "Drag to select a time range (or shift+drag any time); Esc clears it"
        )
        self.lanes_box = QComboBox(self)
        self.lanes_box.setToolTip("What the lanes are: one per value of this field")
        self.lanes_box.setAccessibleName("Timeline lanes by")
        for facet in LANE_FACETS:
            self.lanes_box.addItem("No lanes" if facet == "none" else facet.capitalize(), facet)
        self.lanes_box.currentIndexChanged.connect(
            lambda _i: self.canvas.set_lane_facet(str(self.lanes_box.currentData()))
        )
        self.status = plain_text.label(parent=self)
        self.status.setStyleSheet("color: #666;")

        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 0)
        bar.addWidget(QLabel("From", self))
        bar.addWidget(self.from_field)
        bar.addWidget(QLabel("to", self))
        bar.addWidget(self.to_field)
        bar.addSpacing(8)
        bar.addWidget(self.fit_all_button)
        bar.addWidget(self.fit_selection_button)
        bar.addWidget(self.brush_button)
        bar.addSpacing(8)
        bar.addWidget(QLabel("Lanes", self))
        bar.addWidget(self.lanes_box)
        bar.addStretch(1)
        bar.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addWidget(self.canvas, 1)

        self.fit_all_button.clicked.connect(self.fit_all)
        self.fit_selection_button.clicked.connect(self.fit_selection)
        self.brush_button.toggled.connect(self._set_brush_mode)
        self.canvas.range_changed.connect(self._on_canvas_range)
        self.canvas.brushed.connect(self._on_brushed)
        self.canvas.picked.connect(self._on_picked)
        self.canvas.empty_clicked.connect(self._on_empty_click)
        selection.changed.connect(self._on_selection_changed)
        view_state.timeline_changed.connect(self._on_view_state_changed)
        if view_state.timeline is not None:
            self._has_range = True
            self.canvas.set_range(*view_state.timeline)
        self._show_range()

    # ---------------------------------------------------------------- contract
    def set_frame(self, frame: EventFrame) -> None:
        self._frame = frame
        self.canvas.set_frame(frame)
        self._after_data_change()

    def set_visible(self, mask: np.ndarray) -> None:
        self.canvas.set_visible(mask)
        self._after_data_change()

    def _after_data_change(self) -> None:
        t0, t1 = self.canvas.time_range
        if not self._has_range or (len(self.canvas.index) and not self.canvas.index.any_in(t0, t1)):
            self.fit_all()
        self._show_status()

    # ---------------------------------------------------------------- public actions
    def set_range(self, t0: int, t1: int) -> None:
        """Show [t0, t1) and store it in the view state."""
        self.canvas.set_range(t0, t1)
        self._store_range()

    def fit_all(self) -> None:
        """Show every visible event."""
        if self.canvas.fit_all():
            self._store_range()

    def fit_selection(self) -> None:
        """Show the selected (visible) events."""
        if self._selection.ids and self.canvas.fit_rows(self._frame.rows_of(self._selection.ids)):
            self._store_range()

    def brush(self, t0: int, t1: int) -> None:
        """Brush [t0, t1): select every visible event overlapping it."""
        self.canvas.brush(t0, t1)

    def event_at(self, pos: QPointF) -> int | None:
        """The event under ``pos`` (canvas coordinates), if any."""
        return self.canvas.event_at(pos)

    @property
    def time_range(self) -> tuple[int, int]:
        return self.canvas.time_range

    # ---------------------------------------------------------------- canvas -> state
    def _on_canvas_range(self, t0: int, t1: int) -> None:
        self._store_range()

    def _store_range(self) -> None:
        self._has_range = True
        t0, t1 = self.canvas.time_range
        self._view_state.set_timeline(t0, t1, source=self)
        self._show_range()
        self._show_status()

    def _on_brushed(self, t0: int, t1: int) -> None:
        ids = self.canvas.ids_overlapping(t0, t1)
        self._write_selection(ids.tolist(), None)
        self.brushed.emit(t0, t1)

    def _on_picked(self, event_id: int, additive: bool) -> None:
        if additive:
            ids = set(self._selection.ids)
            if event_id in ids:
                ids.discard(event_id)
                active = self._selection.active if self._selection.active in ids else None
                self._write_selection(ids, active)
                return
            self._write_selection(ids | {event_id}, event_id)
        else:
            self._write_selection({event_id}, event_id)

    def _on_empty_click(self) -> None:
        self._write_selection((), None)

    def _write_selection(self, ids: object, active: int | None) -> None:
        self._selection.set(ids, active=active, source=self)
        self.canvas.set_selection(self._selection.ids, self._selection.active)
        self._show_status()

    def _set_brush_mode(self, on: bool) -> None:
        self.canvas.brush_mode = on

    # ---------------------------------------------------------------- state -> canvas
    def _on_selection_changed(self, source: object) -> None:
        if source is self:
            return
        self.canvas.set_selection(self._selection.ids, self._selection.active)
        self._show_status()

    def _on_view_state_changed(self, source: object) -> None:
        if source is self or self._view_state.timeline is None:
            return
        self._has_range = True
        self.canvas.set_range(*self._view_state.timeline)
        t0, t1 = self.canvas.time_range
        if (t0, t1) != self._view_state.timeline:  # clamped: tell the others
            self._view_state.set_timeline(t0, t1, source=self)
        self._show_range()
        self._show_status()

    # ---------------------------------------------------------------- fields
    def _apply_fields(self) -> None:
        t0, t1 = self.canvas.time_range
        new0, ok0 = self._read_field(self.from_field, t0, is_end=False)
        new1, ok1 = self._read_field(self.to_field, t1, is_end=True)
        if ok0 and ok1 and new1 > new0 and (new0, new1) != (t0, t1):
            self.set_range(new0, new1)
        elif ok0 and ok1 and new1 <= new0:
            self.to_field.setStyleSheet(_INVALID)
            self.to_field.setToolTip("The end must come after the start")

    def _read_field(self, field: QLineEdit, current: int, is_end: bool) -> tuple[int, bool]:
        text = field.text().strip()
        if not text or text == self._shown[1 if is_end else 0]:  # untouched
            field.setStyleSheet("")
            return current, True
        try:
            parsed = parse_date(text)
        except ValueError as error:
            field.setStyleSheet(_INVALID)
            field.setToolTip(plain_text.tooltip(f"Not a date: {error}"))
            return current, False
        field.setStyleSheet("")
        field.setToolTip("")
        moment: datetime = parsed.end if is_end else parsed.start
        return to_seconds(moment), True

    def _show_range(self) -> None:
        t0, t1 = self.canvas.time_range
        self._shown = format_range(t0, t1)
        for field, text in zip((self.from_field, self.to_field), self._shown, strict=True):
            if not field.hasFocus():
                field.setText(text)
                field.setStyleSheet("")

    def _show_status(self) -> None:
        t0, t1 = self.canvas.time_range
        in_view = self.canvas.index.count_in(t0, t1)
        selected = len(self._selection.ids)
        text = f"{in_view:,} of {len(self.canvas.index):,} events in view"
        if selected:
            text += f" · {selected:,} selected"
        self.status.setText(text)
