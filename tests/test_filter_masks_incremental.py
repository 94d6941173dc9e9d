"""The linker's kept masks (frame.visible.MaskCache): a sequence of random filter
changes through one cache gives exactly the masks a fresh computation gives, on a
frame sorted by start (the binary-searched time window) and on one that is not."""

from __future__ import annotations

import numpy as np
import pytest

from desktop_app.domain.dates import DAY_SECONDS
from desktop_app.frame.event_frame import EventFrame, Links
from desktop_app.frame.numeric import NumberColumn
from desktop_app.frame.visible import MaskCache, filter_masks, time_mask

N = 3_000
CATEGORIES = ["Battles", "Protests", "Riots", "Violence against civilians"]
ACTORS = ["Army", "Police", "Rebels", "Civilians", "Militia"]


def _frame(rng: np.random.Generator, *, by_start: bool) -> EventFrame:
    start = rng.integers(0, 400 * DAY_SECONDS, N).astype(np.int64)
    if by_start:
        start = np.sort(start)
    length = rng.choice([1, 3600, DAY_SECONDS, 40 * DAY_SECONDS], N)
    lat = rng.uniform(-60, 70, N)
    lat[rng.random(N) < 0.1] = np.nan
    lon = np.where(np.isnan(lat), np.nan, rng.uniform(-170, 170, N))
    links_rows = rng.integers(0, N, 2 * N)
    return EventFrame(
        ids=rng.permutation(N).astype(np.int64) + 1,
        start=start,
        end=start + length,
        precision=rng.integers(1, 7, N).astype(np.int8),
        has_end=np.zeros(N, bool),
        lat=lat,
        lon=lon,
        location_id=np.full(N, -1, np.int64),
        title=np.array([f"event {i}" for i in range(N)], object),
        place=np.full(N, "", object),
        single={
            "category": (rng.integers(-1, len(CATEGORIES), N).astype(np.int32), CATEGORIES),
            "country": (np.full(N, -1, np.int32), []),
        },
        multi={
            "actor": Links(
                links_rows.astype(np.int64),
                rng.integers(0, len(ACTORS), len(links_rows)).astype(np.int32),
                ACTORS,
            )
        },
    )


def _random_filters(rng: np.random.Generator, frame: EventFrame) -> dict[str, object]:
    """Filters as the window's pickers make them, some repeated from a small pool so the
    cache is hit as often as missed."""
    t0 = int(rng.choice([0, 50, 120, 300])) * DAY_SECONDS if rng.random() < 0.7 else None
    t1 = None if rng.random() < 0.2 else (t0 or 0) + int(rng.choice([7, 30, 90])) * DAY_SECONDS
    facets: dict[str, frozenset[str]] = {}
    if rng.random() < 0.6:
        facets["category"] = frozenset(rng.choice(CATEGORIES, rng.integers(1, 3)).tolist())
    if rng.random() < 0.4:
        facets["actor"] = frozenset(rng.choice(ACTORS, rng.integers(1, 3)).tolist())
    text = str(rng.choice(["", "", "fire", "water"]))
    area = ()
    if rng.random() < 0.3:
        area = ((-50.0, -30.0), (60.0, -30.0), (60.0, 40.0), (-50.0, 40.0))
    ranges = {}
    if rng.random() < 0.4:
        ranges["score"] = (float(rng.choice([0, 10])), float(rng.choice([50, 90])))
    clock = frozenset(rng.integers(0, 168, 5).tolist()) if rng.random() < 0.3 else frozenset()
    return {"t0": t0, "t1": t1, "text": text, "facets": facets, "area": area,
            "ranges": ranges, "clock": clock}  # fmt: skip


@pytest.mark.parametrize("by_start", [True, False])
def test_kept_masks_equal_a_full_recompute_on_random_filters(by_start: bool) -> None:
    rng = np.random.default_rng(7 if by_start else 8)
    frame = _frame(rng, by_start=by_start)
    words = {"fire": frame.ids[rng.random(N) < 0.3], "water": frame.ids[rng.random(N) < 0.5]}
    numbers = {"score": NumberColumn.of("score", np.round(rng.uniform(0, 100, N)))}
    cache = MaskCache()
    for _ in range(150):
        chosen = _random_filters(rng, frame)
        args = (frame, chosen["t0"], chosen["t1"], chosen["text"], chosen["facets"])
        kwargs = {"ranges": chosen["ranges"], "numbers": numbers, "clock": chosen["clock"],
                  "area": chosen["area"]}  # fmt: skip
        kept = filter_masks(*args, words.__getitem__, cache=cache, **kwargs)  # type: ignore[arg-type]
        fresh = filter_masks(*args, words.__getitem__, **kwargs)  # type: ignore[arg-type]
        assert np.array_equal(kept.base, fresh.base)
        assert kept.facets.keys() == fresh.facets.keys()
        for key, mask in fresh.facets.items():
            assert np.array_equal(kept.facets[key], mask), key
        assert np.array_equal(kept.visible(), fresh.visible())
        for key in fresh.facets:
            assert np.array_equal(kept.without(key), fresh.without(key))


def test_a_new_frame_is_never_given_the_masks_of_the_last() -> None:
    rng = np.random.default_rng(3)
    first, second = _frame(rng, by_start=True), _frame(rng, by_start=True)
    cache = MaskCache()
    window = (50 * DAY_SECONDS, 80 * DAY_SECONDS)
    facets = {"category": frozenset({"Riots"})}
    filter_masks(first, *window, "", facets, cache=cache)
    kept = filter_masks(second, *window, "", facets, cache=cache)
    assert np.array_equal(kept.base, second.time_mask(*window))
    assert np.array_equal(kept.facets["category"], second.facet_mask("category", {"Riots"}))


def test_the_binary_searched_window_is_the_frames_own() -> None:
    rng = np.random.default_rng(5)
    frame = _frame(rng, by_start=True)
    day = DAY_SECONDS
    windows = [(None, None), (None, 9 * day), (5 * day, None), (0, 1), (30 * day, 31 * day)]
    for t0, t1 in [*windows, (500 * day, 10**12)]:
        assert np.array_equal(time_mask(frame, t0, t1, True), frame.time_mask(t0, t1))
