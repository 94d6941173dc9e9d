"""Heat squares and colour slots (frame/map_overlays.py), on frames made here."""

from __future__ import annotations

import numpy as np

from desktop_app.frame.event_frame import EventFrame, Links
from desktop_app.frame.map_cells import MapIndex, Viewport
from desktop_app.frame.map_overlays import (
    NO_VALUE,
    OTHER,
    bubble_mix,
    colouring,
    dominant,
    heat_points,
)

WORLD_VIEW = Viewport(-80.0, -180.0, 80.0, 180.0, 2.0)


def _frame(lat: np.ndarray, lon: np.ndarray, category: list[str], actors: Links) -> EventFrame:
    n = len(lat)
    names = sorted({c for c in category if c})
    codes = np.array([names.index(c) if c else -1 for c in category], np.int32)
    return EventFrame(
        ids=np.arange(1, n + 1, dtype=np.int64),
        start=np.zeros(n, np.int64),
        end=np.ones(n, np.int64),
        precision=np.zeros(n, np.int8),
        has_end=np.zeros(n, bool),
        lat=lat,
        lon=lon,
        location_id=np.full(n, -1, np.int64),
        title=np.array(["e"] * n, dtype=object),
        place=np.array([""] * n, dtype=object),
        single={"category": (codes, names)},
        multi={"actor": actors},
    )


def actors_of_none() -> Links:
    return Links(np.zeros(0, np.int64), np.zeros(0, np.int32), [])


def test_heat_squares_hold_every_visible_located_event_once() -> None:
    rng = np.random.default_rng(1)
    lat = rng.uniform(-60, 60, 5000)
    lon = rng.uniform(-170, 170, 5000)
    lat[:10] = np.nan  # no location: no heat
    index = MapIndex(lat, lon)
    visible = np.ones(5000, bool)
    visible[4000:] = False
    points = heat_points(index, visible, WORLD_VIEW)
    assert sum(n for _lat, _lon, n in points) == 3990
    assert all(-80 <= la <= 80 and -180 <= lo <= 180 for la, lo, _n in points)
    assert heat_points(index, np.zeros(5000, bool), WORLD_VIEW) == []
    # one spot: one square at that spot
    one = heat_points(MapIndex(np.array([55.75]), np.array([37.62])), np.ones(1, bool), WORLD_VIEW)
    assert len(one) == 1 and abs(one[0][0] - 55.75) < 0.01 and abs(one[0][1] - 37.62) < 0.01


def test_colour_slots_rank_values_among_the_visible_and_pool_the_rest() -> None:
    category = ["riot"] * 5 + ["battle"] * 3 + ["protest"] * 2 + ["looting"] + [""]
    n = len(category)
    actors = Links(
        rows=np.array([0, 0, 1, 2, 3], np.int64),
        codes=np.array([1, 0, 1, 2, 2], np.int32),
        names=["army", "police", "rebels"],
    )
    frame = _frame(np.zeros(n), np.zeros(n), category, actors)
    visible = np.ones(n, bool)
    colour = colouring(frame, "category", visible, top=2)
    assert colour.legend == [("riot", 5), ("battle", 3), (OTHER, 4)]
    assert colour.other_slot == 2
    assert colour.slots.tolist() == [0] * 5 + [1] * 3 + [2] * 4
    # ranked among the visible: hide the riots and battle comes first
    visible[:5] = False
    ranked = colouring(frame, "category", visible, top=2)
    assert [v for v, _n in ranked.legend] == ["battle", "protest", OTHER]
    # all values fit: the event without one is "other"; an empty value is named
    every = colouring(frame, "category", np.ones(n, bool), top=10)
    assert every.legend[-2:] == [("looting", 1), (OTHER, 1)]
    named = _frame(np.zeros(2), np.zeros(2), ["riot", "riot"], actors_of_none())
    named.single["category"] = (np.array([0, 1], np.int32), ["", "riot"])
    assert colouring(named, "category", np.ones(2, bool)).legend == [(NO_VALUE, 1), ("riot", 1)]
    # several actors: the best ranked of an event's actors; none: other
    by_actor = colouring(frame, "actor", np.ones(n, bool), top=1)
    assert by_actor.legend[0] == ("police", 2)  # events 0 and 1
    assert by_actor.slots[:4].tolist() == [0, 0, 1, 1] and set(by_actor.slots[4:]) == {1}


def test_a_bubble_counts_the_events_nearest_it_and_takes_the_most_common_slot() -> None:
    # two clusters far apart: 30 riots + 10 battles near Moscow, 25 battles near Lagos
    lat = np.concatenate([np.full(40, 55.7), np.full(25, 6.5)])
    lon = np.concatenate([np.full(40, 37.6), np.full(25, 3.4)])
    category = ["riot"] * 30 + ["battle"] * 10 + ["battle"] * 25
    frame = _frame(lat, lon, category, Links(np.zeros(0, np.int64), np.zeros(0, np.int32), []))
    index = MapIndex(lat, lon)
    visible = np.ones(len(lat), bool)
    colour = colouring(frame, "category", visible)
    mix = bubble_mix(
        colour, index, visible, WORLD_VIEW, np.array([55.7, 6.5]), np.array([37.6, 3.4])
    )
    battle, riot = colour.legend[0][0], colour.legend[1][0]
    assert (battle, riot) == ("battle", "riot")
    assert mix.tolist() == [[10, 30, 0], [25, 0, 0]]
    assert dominant(colour, mix) == [1, 0]
    # a bubble with no event near it: "other"
    lonely = bubble_mix(colour, index, np.zeros(len(lat), bool), WORLD_VIEW,
                        np.array([0.0]), np.array([0.0]))  # fmt: skip
    assert dominant(colour, lonely) == [colour.other_slot]
