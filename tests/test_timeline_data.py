"""Timeline numbers without Qt: span histograms, range queries, lanes, brushing."""

from __future__ import annotations

import numpy as np
import pytest

from desktop_app.frame.timeline_data import (
    NO_CATEGORY,
    OTHER_LANE,
    TimelineIndex,
    assign_lanes,
    brushed_ids,
    histogram,
    overlapping,
)

DAY = 86_400


def _naive_histogram(start: np.ndarray, end: np.ndarray, t0: int, t1: int, bins: int) -> np.ndarray:
    edges = [t0 + (t1 - t0) * i // bins for i in range(bins + 1)]
    # bins as the integer arithmetic draws them: second s is in bin (s - t0) * bins // span
    out = np.zeros(bins, np.int64)
    for s, e in zip(start, end, strict=True):
        lo, hi = max(s, t0), min(e, t1)
        if lo >= hi:
            continue
        first = (lo - t0) * bins // (t1 - t0)
        last = (hi - 1 - t0) * bins // (t1 - t0)
        out[first : last + 1] += 1
    assert len(edges) == bins + 1
    return out


def test_a_span_counts_in_every_bin_it_overlaps() -> None:
    start = np.array([0, 5 * DAY, 9 * DAY + 10])
    end = np.array([10 * DAY, 5 * DAY + 1, 9 * DAY + 20])  # a long span, two instants
    counts = histogram(start, end, 0, 10 * DAY, 10)
    assert counts.tolist() == [1, 1, 1, 1, 1, 2, 1, 1, 1, 2]
    # the exclusive end: a span ending exactly on a bin edge does not reach that bin
    assert histogram(np.array([0]), np.array([2 * DAY]), 0, 10 * DAY, 10).tolist() == [
        1,
        1,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
    ]


def test_spans_reaching_outside_the_range_are_clipped_not_dropped() -> None:
    start = np.array([-100 * DAY, 3 * DAY, 50 * DAY])
    end = np.array([100 * DAY, 200 * DAY, 60 * DAY])
    counts = histogram(start, end, 0, 10 * DAY, 5)
    assert counts.tolist() == [1, 2, 2, 2, 2]


def test_histogram_matches_a_naive_count_and_respects_the_mask() -> None:
    rng = np.random.default_rng(3)
    start = np.sort(rng.integers(0, 1000, 400))
    end = start + rng.integers(1, 300, 400)
    mask = rng.random(400) < 0.6
    for t0, t1, bins in ((0, 1000, 7), (250, 600, 13), (990, 1300, 50), (-50, 5, 3)):
        expected = _naive_histogram(start[mask], end[mask], t0, t1, bins)
        assert histogram(start, end, t0, t1, bins, mask).tolist() == expected.tolist()
        index = TimelineIndex(start, end, mask)
        assert index.histogram(t0, t1, bins).tolist() == expected.tolist()


def test_histogram_totals_of_instants_equal_the_events_in_range() -> None:
    rng = np.random.default_rng(4)
    start = np.sort(rng.integers(0, 10_000, 5000))
    end = start + 1
    counts = histogram(start, end, 2000, 7000, 97)
    assert counts.sum() == int(((start >= 2000) & (start < 7000)).sum())
    assert histogram(start, end, 2000, 2000, 10).tolist() == [0] * 10


def test_overlap_queries_agree_with_the_index() -> None:
    rng = np.random.default_rng(5)
    start = np.sort(rng.integers(0, 10_000, 3000))
    end = start + np.where(rng.random(3000) < 0.05, 5000, rng.integers(1, 50, 3000))
    mask = rng.random(3000) < 0.7
    index = TimelineIndex(start, end, mask)
    for t0, t1 in ((0, 10), (4000, 4100), (9990, 20_000), (-5, 0)):
        expected = overlapping(start, end, t0, t1, mask)
        assert index.rows_in(t0, t1).tolist() == expected.tolist()
        assert index.count_in(t0, t1) == len(expected)
        assert np.all(start[expected] < t1) and np.all(end[expected] > t0)
    assert index.extent == (int(start[mask][0]), int(end[mask].max()))
    assert TimelineIndex(start, end, np.zeros(3000, bool)).extent is None


def test_brushed_ids_are_the_overlapping_visible_events_in_either_order() -> None:
    ids = np.array([10, 11, 12, 13])
    start = np.array([0, 100, 200, 300])
    end = np.array([1000, 150, 250, 301])
    mask = np.array([True, True, False, True])
    assert brushed_ids(ids, start, end, 260, 120, mask).tolist() == [10, 11]
    assert brushed_ids(ids, start, end, 300, 300, mask).tolist() == [10, 13]


def test_lanes_busiest_first_with_a_lane_for_no_category() -> None:
    codes = np.array([0, 1, 1, -1, 2, 1, 0], np.int32)
    lanes = assign_lanes(codes, ["a", "b", "c"])
    # ties keep the categories' order, "no category" last
    assert lanes.names == ["b", "a", "c", "(no category)"]
    assert lanes.counts.tolist() == [3, 2, 1, 1]
    assert lanes.lane_of_row.tolist() == [1, 0, 0, 3, 2, 0, 1]
    assert NO_CATEGORY in lanes.names


def test_lanes_share_an_other_lane_beyond_the_limit_and_skip_hidden_rows() -> None:
    codes = np.repeat(np.arange(20, dtype=np.int32), np.arange(20, 0, -1))  # 0 busiest
    names = [f"c{i}" for i in range(20)]
    mask = np.ones(len(codes), bool)
    mask[codes == 0] = False  # a hidden category gets no lane
    lanes = assign_lanes(codes, names, mask, max_lanes=12)
    assert len(lanes.names) == 12 and lanes.names[-1] == OTHER_LANE
    assert lanes.names[:11] == [f"c{i}" for i in range(1, 12)]
    assert lanes.counts[-1] == sum(range(1, 9))  # c12..c19 have 8..1 events
    assert np.all(lanes.lane_of_row[~mask] == -1)
    assert np.all(lanes.lane_of_row[codes >= 12] == 11)


@pytest.mark.parametrize("bins", [1, 400, 2000])
def test_histogram_of_a_million_spans(bins: int) -> None:
    rng = np.random.default_rng(6)
    n = 1_000_000
    start = np.sort(rng.integers(0, 10 * 365 * DAY, n))
    end = start + rng.choice([60, DAY, 365 * DAY], n)
    index = TimelineIndex(start, end)
    counts = index.histogram(0, 10 * 365 * DAY, bins)
    if bins == 1:
        assert counts.tolist() == [n]
    assert counts.max() <= n
    # every event that starts inside the range is counted at least once
    assert counts.sum() >= n
