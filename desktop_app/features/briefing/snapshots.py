"""Saved views: capture a stage's picture and put one back.

``capture_view`` reads a stage's state into a :class:`ViewSnapshot`; ``apply_view``
puts one back (filters, selection, timeline range, map view), gliding the timeline and
flying the map when asked to. A *stage* is the main window (:class:`MainStage`: the
workbench's state and the shell's map and timeline) or the presentation window, which
share the selection and filters but not the view.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import QEasingCurve, QVariantAnimation, SignalInstance

from desktop_app.features.host import Host
from desktop_app.state.models import FilterModel, SelectionModel, ViewState
from desktop_app.state.snapshot import ViewSnapshot
from desktop_app.store.project import Project
from desktop_app.views.map import MapView
from desktop_app.views.timeline import TimelineView
from desktop_app.workbench import Workbench
from desktop_app.workbench.linking import Linker

GLIDE_MS = 800  # the timeline's move to a step's range
FLY_SECONDS = 1.2  # the map's flight to a step's view
CLASSIFICATION_KEY = "classification"


class Stage(Protocol):
    """What a view is applied to: the main window or the presentation window."""

    @property
    def selection(self) -> SelectionModel: ...
    @property
    def filters(self) -> FilterModel: ...
    @property
    def view_state(self) -> ViewState: ...
    @property
    def map(self) -> MapView: ...
    @property
    def timeline(self) -> TimelineView: ...


@dataclass(frozen=True)
class MainStage:
    """The main window as a stage: the workbench's state, the shell's map and timeline."""

    workbench: Workbench
    host: Host

    @property
    def selection(self) -> SelectionModel:
        return self.workbench.selection

    @property
    def filters(self) -> FilterModel:
        return self.workbench.filters

    @property
    def view_state(self) -> ViewState:
        return self.workbench.view_state

    @property
    def linker(self) -> Linker:
        return self.workbench.linker

    @property
    def project(self) -> Project | None:
        return self.workbench.project

    @property
    def frame_loaded(self) -> SignalInstance:
        return self.workbench.frame_loaded

    @property
    def map(self) -> MapView:
        return self.host.map

    @property
    def timeline(self) -> TimelineView:
        return self.host.timeline


# ---------------------------------------------------------------------- views
def capture_view(stage: Stage, title: str = "", note: str = "") -> ViewSnapshot:
    """The stage's current picture: filters, selection, timeline range and map view."""
    timeline = stage.view_state.timeline or stage.timeline.time_range
    return ViewSnapshot(
        title=title,
        note=note,
        timeline=timeline,
        map=stage.view_state.map,
        filters=stage.filters.filters,
        selection=stage.selection.ids,
        active=stage.selection.active,
        annotations=stage.view_state.annotations,
    )


def apply_view(stage: Stage, snapshot: ViewSnapshot, animate: bool = True) -> None:
    """Return the stage to ``snapshot``; with ``animate`` the timeline glides and the map
    flies there (the view state follows once they arrive)."""
    stage.filters.set(snapshot.filters, source=stage)
    stage.selection.set(snapshot.selection, active=snapshot.active, source=stage)
    stage.view_state.set_annotations(snapshot.annotations, source=stage)
    glide = _glide_of(stage.view_state)
    glide.stop()
    if snapshot.timeline is not None:
        current = stage.view_state.timeline
        if animate and current is not None and current != snapshot.timeline:
            glide.start_to(current, snapshot.timeline)
        else:
            stage.view_state.set_timeline(*snapshot.timeline, source=stage)
    if snapshot.map is not None:
        m = snapshot.map
        if animate and stage.map.is_ready and stage.view_state.map is not None:
            stage.map.fly_to(m.lat, m.lon, m.zoom, FLY_SECONDS)
        else:
            stage.view_state.set_map(m, source=stage)


class _TimelineGlide(QVariantAnimation):
    """Moves ``ViewState.timeline`` to a new range: the centre moves linearly and the
    span changes geometrically, so zooming far in or out looks even."""

    NAME = "sightline-timeline-glide"

    def __init__(self, view_state: ViewState) -> None:
        super().__init__(view_state)
        self.setObjectName(self.NAME)
        self._view_state = view_state
        self._from = (0, 1)
        self._to = (0, 1)
        self.setStartValue(0.0)
        self.setEndValue(1.0)
        self.setDuration(GLIDE_MS)
        self.setEasingCurve(QEasingCurve.Type.InOutCubic)
        self.valueChanged.connect(self._step)

    def start_to(self, start: tuple[int, int], end: tuple[int, int]) -> None:
        self._from, self._to = start, end
        self.start()

    def _step(self, value: object) -> None:
        f = float(value)  # type: ignore[arg-type]
        if f >= 1.0:
            t0, t1 = self._to
        else:
            (a0, a1), (b0, b1) = self._from, self._to
            centre = (a0 + a1) / 2 * (1 - f) + (b0 + b1) / 2 * f
            span = math.exp(math.log(max(a1 - a0, 1)) * (1 - f) + math.log(max(b1 - b0, 1)) * f)
            t0, t1 = round(centre - span / 2), round(centre + span / 2)
        self._view_state.set_timeline(t0, t1, source=self)


def _glide_of(view_state: ViewState) -> _TimelineGlide:
    glide = view_state.findChild(_TimelineGlide, _TimelineGlide.NAME)
    return glide if isinstance(glide, _TimelineGlide) else _TimelineGlide(view_state)
