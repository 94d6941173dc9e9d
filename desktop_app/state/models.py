"""The only shared mutable UI state: selection, filters and the view (time window, map).

Views read the frame and these objects, and write only to these objects. Every setter
is a no-op when nothing changes; otherwise it emits ``changed`` with the ``source``
that made the change, so a view can ignore the echo of its own action.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from PySide6.QtCore import QObject, Signal

from desktop_app.frame.numeric import describe_clock, describe_range


class SelectionModel(QObject):
    """A set of selected event ids plus the active one (what the detail pane shows).

    Signals:
        changed(object source): the ids or the active id changed.
    """

    changed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids: frozenset[int] = frozenset()
        self._active: int | None = None

    @property
    def ids(self) -> frozenset[int]:
        return self._ids

    @property
    def active(self) -> int | None:
        return self._active

    def set(self, ids: object, active: int | None = None, source: object = None) -> None:
        """Select ``ids``; ``active`` defaults to the only id, or keeps a still-selected one."""
        # a frozenset (of ints) is kept as it is: rebuilding a million-id set costs 0.3 s
        new_ids = ids if type(ids) is frozenset else frozenset(int(i) for i in ids)  # type: ignore[attr-defined]
        if active is None:
            if len(new_ids) == 1:
                active = next(iter(new_ids))
            elif self._active in new_ids:
                active = self._active
        elif active not in new_ids:
            new_ids = new_ids | {int(active)}
        if new_ids == self._ids and active == self._active:
            return
        self._ids, self._active = new_ids, active
        self.changed.emit(source)

    def clear(self, source: object = None) -> None:
        self.set((), None, source)


Range = tuple[float | None, float | None]  # [low, high] of a numeric column; None: open


@dataclass(frozen=True)
class Filters:
    """What the analyst asked to see: a time window, search text, facet values, ranges
    of numeric columns (``ranges``: name -> [low, high], missing values left out) and
    weekday x hour cells (``clock``: ``weekday * 24 + hour``, Monday 0; see
    :mod:`desktop_app.frame.numeric`)."""

    t0: int | None = None  # civil seconds; events whose span overlaps [t0, t1) show
    t1: int | None = None
    text: str = ""
    facets: dict[str, frozenset[str]] = field(default_factory=dict)
    # an area drawn on the map, (lon, lat) corners: only the events inside show
    area: tuple[tuple[float, float], ...] = ()
    ranges: dict[str, Range] = field(default_factory=dict)
    clock: frozenset[int] = frozenset()

    def with_range(self, name: str, low: float | None, high: float | None) -> Filters:
        ranges = dict(self.ranges)
        if low is None and high is None:
            ranges.pop(name, None)
        else:
            ranges[name] = (low, high)
        return replace(self, ranges=ranges)

    def number_parts(self) -> list[str]:
        """The ranges and the grid choice in words: ['fatalities 5-100', 'Mon-Fri ...']."""
        parts = [describe_range(name, *bounds) for name, bounds in sorted(self.ranges.items())]
        if self.clock:
            parts.append(describe_clock(self.clock))
        return [p for p in parts if p]

    def with_facet(self, facet: str, values: frozenset[str]) -> Filters:
        facets = dict(self.facets)
        if values:
            facets[facet] = values
        else:
            facets.pop(facet, None)
        return replace(self, facets=facets)


class FilterModel(QObject):
    """Signals:
    changed(object source): the filters changed.
    """

    changed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._filters = Filters()

    @property
    def filters(self) -> Filters:
        return self._filters

    def set(self, filters: Filters, source: object = None) -> None:
        if filters == self._filters:
            return
        self._filters = filters
        self.changed.emit(source)

    def set_time_window(self, t0: int | None, t1: int | None, source: object = None) -> None:
        self.set(replace(self._filters, t0=t0, t1=t1), source)

    def set_text(self, text: str, source: object = None) -> None:
        self.set(replace(self._filters, text=text), source)

    def set_facet(self, facet: str, values: frozenset[str], source: object = None) -> None:
        self.set(self._filters.with_facet(facet, values), source)

    def set_range(
        self, name: str, low: float | None, high: float | None, source: object = None
    ) -> None:
        """Show only events whose ``name`` lies in [low, high] (both None: no range)."""
        self.set(self._filters.with_range(name, low, high), source)

    def set_clock(self, cells: frozenset[int], source: object = None) -> None:
        """Show only events whose weekday x hour cell is in ``cells`` (empty: all)."""
        self.set(replace(self._filters, clock=frozenset(int(c) for c in cells)), source)

    def clear(self, source: object = None) -> None:
        self.set(Filters(), source)


@dataclass(frozen=True)
class MapView:
    lat: float
    lon: float
    zoom: float


class ViewState(QObject):
    """Where the analyst is looking: the timeline's visible range and the map view.

    Signals:
        timeline_changed(object source)
        map_changed(object source)
        annotations_changed(object source): which annotations the map shows changed.
    """

    timeline_changed = Signal(object)
    map_changed = Signal(object)
    annotations_changed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timeline: tuple[int, int] | None = None
        self._map: MapView | None = None
        self._annotations: frozenset[int] | None = None  # None: every annotation

    @property
    def timeline(self) -> tuple[int, int] | None:
        return self._timeline

    @property
    def map(self) -> MapView | None:
        return self._map

    @property
    def annotations(self) -> frozenset[int] | None:
        """The ids of the annotations the map shows (None: all of them)."""
        return self._annotations

    def set_annotations(self, ids: frozenset[int] | None, source: object = None) -> None:
        ids = None if ids is None else frozenset(int(i) for i in ids)
        if ids != self._annotations:
            self._annotations = ids
            self.annotations_changed.emit(source)

    def set_timeline(self, t0: int, t1: int, source: object = None) -> None:
        if (t0, t1) != self._timeline:
            self._timeline = (int(t0), int(t1))
            self.timeline_changed.emit(source)

    def set_map(self, view: MapView, source: object = None) -> None:
        if view != self._map:
            self._map = view
            self.map_changed.emit(source)
