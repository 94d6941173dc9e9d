"""The workbench's wiring: frame + filters -> what every pane shows.

The linker holds the loaded frame and the visible mask. When the filters change it
recomputes the mask (``frame.visible.filter_masks``), hands it to every attached pane,
and computes the facet counts for the filters pane on a thread. The panes are attached
by the shell (``attach``) as plain :class:`View` objects: the linker knows no widget.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol, cast

import numpy as np
from PySide6.QtCore import QObject, Signal

from desktop_app.frame import FACETS, EventFrame
from desktop_app.frame.visible import FilterMasks, SearchFn, filter_masks
from desktop_app.state.models import FilterModel


class View(Protocol):
    def set_frame(self, frame: EventFrame) -> None: ...
    def set_visible(self, mask: np.ndarray) -> None: ...


class CountsView(Protocol):
    """Where the totals and facet counts go (the filters pane)."""

    def show_total(self, visible: int, total: int) -> None: ...
    def show_counts(
        self, visible: int, total: int, counts: dict[str, list[tuple[str, int]]], /
    ) -> None: ...


class Linker(QObject):
    """Signals:
    refiltered(int visible, float ms): every pane has been given the new visible mask.
    counts_shown(): the filters pane shows the facet counts of the current filters
        (computed on the next event-loop turn, after the panes have updated).
    """

    refiltered = Signal(int, float)
    counts_shown = Signal()
    _counted = Signal(int, object)  # (generation, counts) from the counting thread

    def __init__(
        self,
        filters: FilterModel,
        search: SearchFn | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.filters = filters
        self.counts_view: CountsView | None = None
        self.views: list[View] = []
        self.search: SearchFn | None = search
        self.frame = EventFrame.empty()
        self.visible = np.zeros(0, bool)
        self._search_cache: tuple[str, np.ndarray] | None = None
        # facet counts are computed on a thread (numpy releases the GIL), so filtering a
        # million events never holds the window up; stale results are dropped
        self._counter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sightline-facets")
        self._generation = 0
        self._counted.connect(self._on_counted)
        filters.changed.connect(lambda _source: self.refilter())

    def attach(self, views: Iterable[View], counts_view: CountsView | None = None) -> None:
        """Panes that follow the frame and the visible mask (and the counts' pane)."""
        self.views.extend(views)  # they get the frame when one is loaded
        if counts_view is not None:
            self.counts_view = counts_view

    def set_frame(self, frame: EventFrame) -> None:
        self.frame = frame
        self._search_cache = None
        for view in self.views:
            view.set_frame(frame)
        self.refilter()

    def _search(self, text: str) -> np.ndarray:
        if self._search_cache is None or self._search_cache[0] != text:
            ids = self.search(text) if self.search else np.zeros(0, np.int64)
            self._search_cache = (text, ids)
        return self._search_cache[1]

    def masks(self) -> FilterMasks:
        """The current filters as masks (frame.visible, with the search results cached)."""
        f = self.filters.filters
        return filter_masks(
            self.frame,
            f.t0,
            f.t1,
            f.text,
            f.facets,
            self._search if self.search is not None else None,
            area=f.area,
        )

    def refilter(self) -> None:
        started = time.perf_counter()
        masks = self.masks()
        visible = masks.visible()
        self.visible = visible
        for view in self.views:
            view.set_visible(visible)
        if self.counts_view is not None:
            self.counts_view.show_total(int(visible.sum()), len(self.frame))
        self._generation += 1
        self._counter.submit(self._count, self._generation, self.frame, masks, visible)
        self.refiltered.emit(int(visible.sum()), (time.perf_counter() - started) * 1000)

    def _count(
        self, generation: int, frame: EventFrame, masks: FilterMasks, visible: np.ndarray
    ) -> None:
        """On the counting thread: every facet's value counts under the current filters."""
        if generation != self._generation:
            return  # the filters changed again meanwhile
        counts = {}
        for facet in FACETS:
            # a facet's own counts ignore its own choice, so siblings stay pickable
            mask = masks.without(facet) if facet in masks.facets else visible
            counts[facet] = frame.facet_counts(facet, mask)
        self._counted.emit(generation, (int(visible.sum()), len(frame), counts))

    def _on_counted(self, generation: int, result: object) -> None:
        if generation != self._generation:
            return
        visible, total, counts = cast(tuple[int, int, dict[str, list[tuple[str, int]]]], result)
        if self.counts_view is not None:
            self.counts_view.show_counts(visible, total, counts)
        self.counts_shown.emit()

    def shutdown(self) -> None:
        self._counter.shutdown(wait=True, cancel_futures=True)


def search_function(project_getter: Callable[[], object]) -> SearchFn:
    """Full-text search through the open project's index."""
    from desktop_app.store.search import search_ids

    def search(text: str) -> np.ndarray:
        project = project_getter()
        return search_ids(project, text) if project is not None else np.zeros(0, np.int64)  # type: ignore[arg-type]

    return search
