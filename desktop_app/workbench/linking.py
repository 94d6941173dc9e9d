"""The workbench's wiring: frame + filters -> what every pane shows.

The linker holds the loaded frame and the visible mask. When the filters change it
recomputes the mask (``frame.visible.filter_masks``), hands it to every attached pane,
and computes the facet counts and charts for the filters pane on a thread. The numeric
columns an import kept are read after the frame (``workbench.numbers``) and join it.
The panes are attached by the shell (``attach``) as plain :class:`View` objects: the
linker knows no widget.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol, cast

import numpy as np
from PySide6.QtCore import QObject, Signal

from desktop_app.frame import FACETS, EventFrame
from desktop_app.frame.numeric import Numbers, NumberTable
from desktop_app.frame.visible import (
    Charts,
    FilterMasks,
    MaskCache,
    SearchFn,
    charts_of,
    filter_masks,
)
from desktop_app.state.models import FilterModel
from desktop_app.workbench.numbers import NumberLoader, ProjectGetter


class View(Protocol):
    def set_frame(self, frame: EventFrame) -> None: ...
    def set_visible(self, mask: np.ndarray) -> None: ...


class CountsView(Protocol):
    """Where the totals and facet counts go (the filters pane)."""

    def show_total(self, visible: int, total: int) -> None: ...
    def show_counts(
        self, visible: int, total: int, counts: dict[str, list[tuple[str, int]]], /
    ) -> None: ...
    def show_charts(self, charts: Charts, loading: bool, /) -> None: ...


class Linker(QObject):
    """Signals:
    refiltered(int visible, float ms): every pane has been given the new visible mask.
    counts_shown(): the filters pane shows the facet counts of the current filters
        (computed on the next event-loop turn, after the panes have updated).
    numbers_changed(): the frame's numeric columns arrived (or changed).
    """

    refiltered = Signal(int, float)
    counts_shown = Signal()
    numbers_changed = Signal()
    _counted = Signal(int, object)  # (generation, counts) from the counting thread

    def __init__(
        self,
        filters: FilterModel,
        search: SearchFn | None = None,
        parent: QObject | None = None,
        project: ProjectGetter | None = None,
    ) -> None:
        super().__init__(parent)
        self.filters = filters
        self.counts_view: CountsView | None = None
        self.views: list[View] = []
        self.search: SearchFn | None = search
        self.frame = EventFrame.empty()
        self.visible = np.zeros(0, bool)
        self._search_cache: tuple[str, np.ndarray] | None = None
        # the last select all: (frame ids, visible mask, the ids' set, their rows); a
        # million-id set costs ~0.1 s to build, and ids survive an edit's patch
        self._select_all: tuple[np.ndarray, np.ndarray, frozenset[int], np.ndarray] | None = None
        # each filter's mask kept under its choice: a change recomputes what changed
        self._mask_cache = MaskCache()
        # facet counts are computed on a thread (numpy releases the GIL), so filtering a
        # million events never holds the window up; stale results are dropped
        self._counter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sightline-facets")
        self._generation = 0
        self._counted.connect(self._on_counted)
        # the numeric columns: read on their own thread after the frame, by event id
        self.numbers = Numbers()
        self._numbers_ids: np.ndarray | None = None  # the frame ids numbers are aligned to
        self._numbers_wanted = False
        self.number_loader = NumberLoader(project, self) if project is not None else None
        if self.number_loader is not None:
            self.number_loader.loaded.connect(self._on_numbers)
        filters.changed.connect(lambda _source: self.refilter())

    def attach(self, views: Iterable[View], counts_view: CountsView | None = None) -> None:
        """Panes that follow the frame and the visible mask (and the counts' pane)."""
        self.views.extend(views)  # they get the frame when one is loaded
        if counts_view is not None:
            self.counts_view = counts_view

    def set_frame(self, frame: EventFrame) -> None:
        # a frame patched in place whose counted columns are all the old ones (a title
        # edited) filters and counts as the old one did: no recount on the counting
        # thread, which would compete with the panes for the GIL for ~0.1-0.3 s
        alike = _counted_alike(self.frame, frame)
        same_counts = (
            alike
            and not self.filters.filters.text  # a search may answer otherwise now
            and (self.number_loader is None or self.numbers.complete)
        )
        if alike:  # and so do the masks (but the text's)
            self._mask_cache.carry(self.frame, frame)
        self.frame = frame
        self._search_cache = None
        self._align_numbers()
        for view in self.views:
            view.set_frame(frame)
        self.refilter(recount=not same_counts)

    def _align_numbers(self) -> None:
        """The numbers held, by the new frame's rows; read again if they miss events."""
        loader = self.number_loader
        table = self.numbers.table
        if loader is None:
            return
        if table is not None and table.origin is loader.project():
            if self._numbers_ids is not self.frame.ids:  # the same rows: kept (an edit)
                self.numbers = table.aligned(self.frame.ids)
                self._numbers_ids = self.frame.ids
        else:
            self.numbers, self._numbers_ids = Numbers(), None
        # read once the panes show the frame and its first counts (see _on_counted)
        self._numbers_wanted = not self.numbers.complete and len(self.frame) > 0

    def _on_numbers(self, table: NumberTable) -> None:
        loader = self.number_loader
        if loader is None or table.origin is not loader.project():
            return  # read from a project closed since
        self.numbers = table.aligned(self.frame.ids)
        self._numbers_ids = self.frame.ids
        self.numbers_changed.emit()
        self.refilter()

    def _search(self, text: str) -> np.ndarray:
        if self._search_cache is None or self._search_cache[0] != text:
            ids = self.search(text) if self.search else np.zeros(0, np.int64)
            self._search_cache = (text, ids)
        return self._search_cache[1]

    def masks(self, window: tuple[int | None, int | None] | None = None) -> FilterMasks:
        """The current filters as masks (frame.visible, with the search results cached);
        ``window`` puts another time window in place of the filters' (a playback trail)."""
        f = self.filters.filters
        t0, t1 = window if window is not None else (f.t0, f.t1)
        return filter_masks(
            self.frame,
            t0,
            t1,
            f.text,
            f.facets,
            self._search if self.search is not None else None,
            area=f.area,
            ranges=f.ranges,
            numbers=self.numbers.columns,
            clock=f.clock,
            cache=self._mask_cache,
        )

    def visible_ids(self) -> frozenset[int]:
        """The ids of every visible event (what Select all selects), as the selection's
        set; the frame is told their rows, so no pane has to look a million ids up."""
        last = self._select_all
        if last is not None and last[0] is self.frame.ids and np.array_equal(last[1], self.visible):
            ids, rows = last[2], last[3]  # the same events as last time (an edit between)
        else:
            rows = np.flatnonzero(self.visible)
            ids = frozenset(self.frame.ids[rows].tolist())
            self._select_all = (self.frame.ids, self.visible.copy(), ids, rows)
        self.frame.remember_rows(ids, rows)
        return ids

    def refilter(self, recount: bool = True) -> None:
        """The visible mask again, given to every pane; ``recount=False`` keeps the
        facet counts and charts shown (the caller knows they did not change)."""
        started = time.perf_counter()
        masks = self.masks()
        visible = masks.visible()
        self.visible = visible
        shown = int(np.count_nonzero(visible))
        for view in self.views:
            view.set_visible(visible)
        if self.counts_view is not None:
            self.counts_view.show_total(shown, len(self.frame))
        if recount:
            self._generation += 1
            self._counter.submit(
                self._count, self._generation, self.frame, masks, visible, self.numbers
            )
        self.refiltered.emit(shown, (time.perf_counter() - started) * 1000)

    def _count(
        self,
        generation: int,
        frame: EventFrame,
        masks: FilterMasks,
        visible: np.ndarray,
        numbers: Numbers,
    ) -> None:
        """On the counting thread: every facet's value counts and every chart's under
        the current filters."""
        if generation != self._generation:
            return  # the filters changed again meanwhile
        counts = {}
        for facet in FACETS:
            # a facet's own counts ignore its own choice, so siblings stay pickable
            mask = masks.without(facet) if facet in masks.facets else visible
            counts[facet] = frame.facet_counts(facet, mask)
        charts = charts_of(frame, masks, numbers.columns)
        self._counted.emit(generation, (int(visible.sum()), len(frame), counts, charts))

    def _on_counted(self, generation: int, result: object) -> None:
        if generation != self._generation:
            return
        visible, total, counts, charts = cast(
            tuple[int, int, dict[str, list[tuple[str, int]]], Charts], result
        )
        if self.counts_view is not None:
            self.counts_view.show_counts(visible, total, counts)
            loading = self.number_loader is not None and self.number_loader.busy
            self.counts_view.show_charts(charts, loading or self._numbers_wanted)
        self.counts_shown.emit()
        if self._numbers_wanted and self.number_loader is not None:
            self._numbers_wanted = False
            self.number_loader.request()

    def shutdown(self) -> None:
        self._counter.shutdown(wait=True, cancel_futures=True)
        if self.number_loader is not None:
            self.number_loader.shutdown()


def search_function(project_getter: Callable[[], object]) -> SearchFn:
    """Full-text search through the open project's index."""
    from desktop_app.store.search import search_ids

    def search(text: str) -> np.ndarray:
        project = project_getter()
        return search_ids(project, text) if project is not None else np.zeros(0, np.int64)  # type: ignore[arg-type]

    return search


def _counted_alike(old: EventFrame, new: EventFrame) -> bool:
    """Whether every column the filters and the counts read is the same array in both
    frames (a frame patched in place shares what it did not change; only titles,
    which no mask reads, may differ)."""
    if len(old) != len(new) or not len(new):
        return False
    columns = ("ids", "start", "end", "precision", "has_end", "lat", "lon", "location_id", "place")
    if any(getattr(old, c) is not getattr(new, c) for c in columns):
        return False
    if old.single.keys() != new.single.keys() or old.multi.keys() != new.multi.keys():
        return False
    return all(
        old.single[f][0] is new.single[f][0] and old.single[f][1] is new.single[f][1]
        for f in new.single
    ) and all(old.multi[f] is new.multi[f] for f in new.multi)
