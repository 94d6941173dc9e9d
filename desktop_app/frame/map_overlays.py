"""What the map's heatmap and "colour by" draw for one viewport. No Qt here.

The heatmap is a grid of small squares (``HEAT_PX`` screen pixels at the current zoom)
over the viewport and its margin: each square with visible events becomes one weighted
point at the centre of its events, so the page draws the same heat from a thousand
events or a million.

Colour by a facet gives each event the palette slot of its facet value: the ``top``
values most frequent among the visible events get a slot each, every other value (and
no value) shares the last slot, "other". An event with several values (actors, sources,
tags) takes the best ranked of them. A bubble of many events is filled with the slot most of
its events have and ringed with the share of each (each event counted with the bubble
nearest to it on the screen).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from desktop_app.frame.event_frame import EventFrame
from desktop_app.frame.map_cells import WORLD, MapIndex, Viewport, _cell_shift, _window
from desktop_app.frame.mercator import latitude_of, mercator_x, mercator_y

HEAT_PX = 8
MARGIN = 0.25
TOP_VALUES = 8
NO_VALUE = "(none)"
OTHER = "(other values)"
# colour-blind-safe hues (Okabe-Ito, and two more), one a slot; a grey for "other values"
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9", "#8c564b", "#b8a000")
OTHER_COLOUR = "#8a8f98"


def _squares(
    index: MapIndex, mask: np.ndarray, view: Viewport
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int, int, int, int] | None:
    """Visible located rows in the window round the viewport, and their square's key
    (None when there are none): rows, keys, x and y from the window's corner (x0, y0),
    squares per row of the grid, log2 of a square's side in world pixels."""
    keep = mask & index.located
    shift = _cell_shift(view.zoom, HEAT_PX)
    x0, y0, width, height = _window(view, MARGIN, shift)
    rel_x = (index.qx - np.int32(x0)) & np.int32(WORLD - 1)  # wraps around the world
    rel_y = index.qy - np.int32(y0)
    inside = keep & (rel_y >= 0) & (rel_y < height)
    if width < WORLD:
        inside &= rel_x < width
    at = np.flatnonzero(inside)
    if len(at) == 0:
        return None
    ncx = (min(width, WORLD) >> shift) + 1
    key = (rel_y[at] >> shift).astype(np.int64) * ncx + (rel_x[at] >> shift)
    return at, key, rel_x[at], rel_y[at], x0, y0, ncx, shift


def heat_points(index: MapIndex, mask: np.ndarray, view: Viewport) -> list[list[float]]:
    """[lat, lon, events] per heat square holding visible located events."""
    square = _squares(index, mask, view)
    if square is None:
        return []
    _at, key, rel_x, rel_y, x0, y0, _ncx, _shift = square
    count = np.bincount(key)
    sum_x = np.bincount(key, weights=rel_x.astype(np.float64))
    sum_y = np.bincount(key, weights=rel_y.astype(np.float64))
    cells = np.flatnonzero(count)
    n = count[cells]
    wx = (x0 + sum_x[cells] / n) / WORLD
    wy = (y0 + sum_y[cells] / n) / WORLD
    lat = np.round(latitude_of(wy), 5)
    lon = wx * 360.0 - 180.0
    centre = (view.west + view.east) / 2.0
    lon = np.round(lon + 360.0 * np.floor((centre - lon) / 360.0 + 0.5), 5)
    return [list(p) for p in zip(lat.tolist(), lon.tolist(), n.tolist(), strict=True)]


@dataclass(frozen=True)
class Colouring:
    """Each frame row's palette slot (0..len(values); the last one is "other") and the
    legend: (value, visible events having it) per slot, "other" last when it has any."""

    facet: str
    slots: np.ndarray  # int16 per frame row
    legend: list[tuple[str, int]]
    other_slot: int


def colour_of(slot: int, other_slot: int) -> str:
    """The CSS colour of a palette slot."""
    return OTHER_COLOUR if slot == other_slot or slot >= len(PALETTE) else PALETTE[slot]


def export_colours(
    frame: EventFrame, facet: str, title: str, mask: np.ndarray
) -> dict[str, object]:
    """Colour by ``facet`` for an export of the rows of ``mask``: the facet's ``title``,
    the legend as [value, events, colour] and each event id's colour (``of``)."""
    colour = colouring(frame, facet, mask)
    rows = np.flatnonzero(mask)
    return {
        "facet": title,
        "legend": [
            [value, n, colour_of(slot, colour.other_slot)]
            for slot, (value, n) in enumerate(colour.legend)
        ],
        "of": {
            int(i): colour_of(int(s), colour.other_slot)
            for i, s in zip(frame.ids[rows], colour.slots[rows], strict=True)
        },
    }


def colouring(
    frame: EventFrame, facet: str, visible: np.ndarray, top: int = TOP_VALUES
) -> Colouring:
    """Palette slots by ``facet`` for the rows of ``frame``, ranked among ``visible``."""
    names = frame.facet_values(facet)
    counts = frame.facet_counts(facet, visible)
    chosen = [value for value, _n in counts[:top]]
    rank = np.full(len(names) + 1, top, np.int16)  # the last entry: no value
    where = {name: i for i, name in enumerate(names)}
    for slot, value in enumerate(chosen):
        rank[where[value]] = slot
    other = len(chosen)
    rank[rank == top] = other
    n_rows = len(frame)
    if facet in frame.multi:
        links = frame.multi[facet]
        slots = np.full(n_rows, other, np.int16)
        np.minimum.at(slots, links.rows, rank[links.codes])
    else:
        codes = frame.single[facet][0]
        slots = rank[np.where(codes >= 0, codes, len(names))]
    legend = [(value or NO_VALUE, n) for value, n in counts[:top]]
    rest = int((visible & (slots == other)).sum())
    if rest:
        legend.append((OTHER, rest))
    return Colouring(facet, slots.astype(np.int16), legend, other)


def bubble_mix(
    colour: Colouring,
    index: MapIndex,
    mask: np.ndarray,
    view: Viewport,
    bubble_lat: np.ndarray,
    bubble_lon: np.ndarray,
) -> np.ndarray:
    """Each bubble's events per slot (bubbles x slots): every visible event in the
    window is counted with the bubble nearest to it (on the grid of ``HEAT_PX`` squares)."""
    n_slots = len(colour.legend) + 1
    if len(bubble_lat) == 0:
        return np.zeros((0, n_slots), np.int64)
    square = _squares(index, mask, view)
    if square is None:
        return np.zeros((len(bubble_lat), n_slots), np.int64)
    at, key, _rel_x, _rel_y, x0, y0, ncx, shift = square
    n_keys = int(key.max()) + 1  # the window's squares: tens of thousands at most
    per_key = np.bincount(key * n_slots + colour.slots[at], minlength=n_keys * n_slots)
    per_key = per_key.reshape(n_keys, n_slots)
    squares = np.flatnonzero(per_key.any(axis=1))
    per_square = per_key[squares]
    # square centres and bubbles in world pixels, bubbles' longitudes into the window
    sx = x0 + ((squares % ncx) + 0.5) * (1 << shift)
    sy = y0 + ((squares // ncx) + 0.5) * (1 << shift)
    bx = np.asarray(mercator_x(np.asarray(bubble_lon, np.float64))) * WORLD
    by = np.asarray(mercator_y(np.asarray(bubble_lat, np.float64))) * WORLD
    bx = x0 + np.mod(bx - x0, WORLD)
    nearest = np.empty(len(squares), np.int64)
    step = 4096
    for start in range(0, len(squares), step):
        dx = sx[start : start + step, None] - bx[None, :]
        dy = sy[start : start + step, None] - by[None, :]
        nearest[start : start + step] = np.argmin(dx * dx + dy * dy, axis=1)
    totals = np.zeros((len(bubble_lat), n_slots), np.int64)
    np.add.at(totals, nearest, per_square)  # few squares: small next to the bincounts
    return totals


def dominant(colour: Colouring, mix: np.ndarray) -> list[int]:
    """The slot most of each bubble's events have ("other" for a bubble of none)."""
    best = np.argmax(mix, axis=1) if mix.shape[1] else np.zeros(len(mix), np.int64)
    best[mix.sum(axis=1) == 0] = colour.other_slot
    return [int(b) for b in best]
