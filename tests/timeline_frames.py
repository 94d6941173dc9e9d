"""Event frames and layouts for the timeline tests (test_timeline, test_timeline_hides_nothing):
civil seconds of a date, a frame from a list of events, a synthetic crowd of them."""

from __future__ import annotations

from datetime import datetime

import numpy as np

from desktop_app.domain.dates import span_end_seconds, to_seconds
from desktop_app.frame.event_frame import EventFrame, Links
from desktop_app.views.timeline import TimelineView
from desktop_app.views.timeline.layout import SparseLayout

DAY = 86_400


def s(*parts: int) -> int:
    """Civil seconds of a date."""
    return to_seconds(datetime(*parts))  # type: ignore[arg-type]


def make_frame(events: list[tuple[int, int, int | None, str]], titles: bool = True) -> EventFrame:
    """A frame from (start, precision, own end or None, category) tuples; ids from 1."""
    order = np.argsort([e[0] for e in events], kind="stable")
    events = [events[i] for i in order]
    n = len(events)
    start = np.array([e[0] for e in events], np.int64)
    precision = np.array([e[1] for e in events], np.int8)
    has_end = np.array([e[2] is not None for e in events])
    end = np.where(has_end, [e[2] or 0 for e in events], span_end_seconds(start, precision))
    cats = sorted({e[3] for e in events if e[3]})
    codes = np.array([cats.index(e[3]) if e[3] else -1 for e in events], np.int32)
    z = np.zeros(0, np.int64)
    return EventFrame(
        ids=np.array([int(i) + 1 for i in order], np.int64),
        start=start,
        end=np.maximum(end, start + 1).astype(np.int64),
        precision=precision,
        has_end=has_end,
        lat=np.full(n, np.nan),
        lon=np.full(n, np.nan),
        location_id=np.full(n, -1, np.int64),
        title=np.array([f"event {i + 1}" if titles else "" for i in order], object),
        place=np.full(n, "", object),
        single={"category": (codes, cats)},
        multi={f: Links(z, np.zeros(0, np.int32), []) for f in ("actor", "tag", "source")},
    )


def synthetic(n: int, seed: int = 0) -> EventFrame:
    """``n`` random events over 2010-2024, mostly day-precise, some rough or with ends."""
    rng = np.random.default_rng(seed)
    start = np.sort(rng.integers(s(2010, 1, 1), s(2025, 1, 1), n)).astype(np.int64)
    precision = rng.choice(np.array([1, 2, 3, 4], np.int8), n, p=[0.02, 0.08, 0.6, 0.3])
    has_end = rng.random(n) < 0.1
    end = np.where(
        has_end, start + rng.integers(3600, 90 * DAY, n), span_end_seconds(start, precision)
    )
    cats = [f"category {i:02d}" for i in range(15)]
    z = np.zeros(0, np.int64)
    return EventFrame(
        ids=np.arange(1, n + 1, dtype=np.int64),
        start=start,
        end=np.maximum(end, start + 1).astype(np.int64),
        precision=precision,
        has_end=has_end,
        lat=np.full(n, np.nan),
        lon=np.full(n, np.nan),
        location_id=np.full(n, -1, np.int64),
        title=np.array([f"event {i}" for i in range(n)], object),
        place=np.full(n, "", object),
        single={"category": (rng.integers(-1, 15, n).astype(np.int32), cats)},
        multi={f: Links(z, np.zeros(0, np.int32), []) for f in ("actor", "tag", "source")},
    )


def sparse(view: TimelineView) -> SparseLayout:
    layout = view.canvas.current_layout()
    assert isinstance(layout, SparseLayout)
    return layout
