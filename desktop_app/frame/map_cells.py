"""What the map draws for one viewport: individual events when sparse, grid cells when dense.

Positions are kept in Web-Mercator "world" units (0..1 across the world, y down), computed
once per frame by :class:`MapIndex`, so each viewport change costs only comparisons and
bincounts. Cells are squares of ``cell_px`` screen pixels at the current zoom, anchored to
the world origin so they stay put while the analyst pans. No Qt here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_LAT = 85.05112878  # Web-Mercator's limit
TILE_PX = 256.0
MAX_POINTS = 1500  # at most this many individual events in view, else cells
CELL_PX = 56.0
MARGIN = 0.25  # fraction of the viewport added on each side
MAX_SELECTED = 2000  # selected events drawn one by one; beyond, selected cells


@dataclass(frozen=True)
class Viewport:
    """The map's bounds in degrees (west/east may pass ±180 after panning) and zoom."""

    south: float
    west: float
    north: float
    east: float
    zoom: float


@dataclass
class Points:
    """Individual events: frame rows, and positions (lon shifted into the viewport's copy)."""

    rows: np.ndarray  # int64 frame rows
    lat: np.ndarray
    lon: np.ndarray


@dataclass
class Cells:
    """Grid cells holding at least one event: count, centroid and the id when alone."""

    count: np.ndarray  # int64
    lat: np.ndarray  # centroid
    lon: np.ndarray
    single_row: np.ndarray  # int64 frame row when count == 1, else -1


@dataclass
class ViewFeatures:
    """Either points or cells (the other one is empty), and how many events are in view."""

    points: Points
    cells: Cells
    in_view: int

    @property
    def aggregated(self) -> bool:
        return len(self.cells.count) > 0


def mercator_x(lon: np.ndarray | float) -> np.ndarray:
    return (np.asarray(lon, np.float64) + 180.0) / 360.0


def mercator_y(lat: np.ndarray | float) -> np.ndarray:
    lat = np.clip(np.asarray(lat, np.float64), -MAX_LAT, MAX_LAT)
    s = np.sin(np.radians(lat))
    return 0.5 - np.log((1.0 + s) / (1.0 - s)) / (4.0 * np.pi)


def latitude_of(y: np.ndarray) -> np.ndarray:
    return np.degrees(np.arctan(np.sinh(np.pi * (1.0 - 2.0 * y))))


def _empty_points() -> Points:
    return Points(np.zeros(0, np.int64), np.zeros(0), np.zeros(0))


def _empty_cells() -> Cells:
    z = np.zeros(0)
    return Cells(np.zeros(0, np.int64), z, z, np.zeros(0, np.int64))


class MapIndex:
    """Frame positions projected once, answering per-viewport questions quickly."""

    def __init__(self, lat: np.ndarray, lon: np.ndarray) -> None:
        self.lat = np.asarray(lat, np.float64)
        self.lon = np.asarray(lon, np.float64)
        self.located = ~(np.isnan(self.lat) | np.isnan(self.lon))
        # float32 halves the memory traffic; its error (~1e-7 of the world) is far below
        # a pixel at every zoom the map offers for cells, and points use float64 degrees
        self.x = np.where(self.located, mercator_x(np.nan_to_num(self.lon)), -1.0).astype(
            np.float32)
        self.y = np.where(self.located, mercator_y(np.nan_to_num(self.lat)), -1.0).astype(
            np.float32)

    def __len__(self) -> int:
        return len(self.lat)

    # ------------------------------------------------------------------ geometry
    def _window(self, view: Viewport, margin: float) -> tuple[float, float, float, float]:
        """World-unit window (x0, y0, x1, y1) around the viewport, margin included."""
        x0, x1 = float(mercator_x(view.west)), float(mercator_x(view.east))
        y0, y1 = float(mercator_y(view.north)), float(mercator_y(view.south))
        dx, dy = (x1 - x0) * margin, (y1 - y0) * margin
        return x0 - dx, max(y0 - dy, 0.0), x1 + dx, min(y1 + dy, 1.0)

    def _in_window(self, mask: np.ndarray, window: tuple[float, float, float, float]
                   ) -> tuple[np.ndarray, np.ndarray | None]:
        """Rows of ``mask`` inside the window, and their x shifted into the window's world
        copy (None when no shift is needed)."""
        x0, y0, x1, y1 = window
        inside = mask & (self.y >= y0) & (self.y <= y1)
        if x1 - x0 >= 1.0:
            rows = np.flatnonzero(inside)
            shifted = x0 + np.mod(self.x[rows] - x0, 1.0)
            return rows, shifted
        if 0.0 <= x0 and x1 <= 1.0:
            inside &= (self.x >= x0) & (self.x <= x1)
            return np.flatnonzero(inside), None
        # the window crosses the antimeridian: compare in the window's own copy
        rows = np.flatnonzero(inside)
        shifted = x0 + np.mod(self.x[rows] - x0, 1.0)
        keep = shifted <= x1
        return rows[keep], shifted[keep]

    # ------------------------------------------------------------------ queries
    def features(self, mask: np.ndarray, view: Viewport, *, max_points: int = MAX_POINTS,
                 cell_px: float = CELL_PX, margin: float = MARGIN) -> ViewFeatures:
        """Events of ``mask`` (visible rows) in and around the viewport."""
        rows, shifted = self._in_window(mask & self.located, self._window(view, margin))
        if len(rows) <= max_points:
            return ViewFeatures(self._points(rows, shifted), _empty_cells(), len(rows))
        return ViewFeatures(_empty_points(), self._cells(rows, shifted, view.zoom, cell_px),
                            len(rows))

    def selected(self, selected_rows: np.ndarray, mask: np.ndarray, view: Viewport, *,
                 max_points: int = MAX_SELECTED, cell_px: float = CELL_PX,
                 margin: float = MARGIN) -> ViewFeatures:
        """Selected rows that are visible, located and in view: points, or cells beyond
        ``max_points``."""
        sel = np.asarray(selected_rows, np.int64)
        sel = sel[(sel >= 0) & (sel < len(self))]
        if not len(sel):
            return ViewFeatures(_empty_points(), _empty_cells(), 0)
        sub = np.zeros(len(self), bool)
        sub[sel] = True
        sub &= mask
        return self.features(sub, view, max_points=max_points, cell_px=cell_px, margin=margin)

    def _points(self, rows: np.ndarray, shifted: np.ndarray | None) -> Points:
        lon = self.lon[rows]
        if shifted is not None:
            lon = lon + 360.0 * np.round((shifted.astype(np.float64) * 360.0 - 180.0 - lon)
                                         / 360.0)
        return Points(rows.astype(np.int64), self.lat[rows], lon)

    def _cells(self, rows: np.ndarray, shifted: np.ndarray | None, zoom: float,
               cell_px: float) -> Cells:
        size = cell_px / (TILE_PX * 2.0 ** zoom)  # cell side in world units
        x = self.x[rows] if shifted is None else shifted
        y = self.y[rows]
        ix = np.floor(x / size).astype(np.int64)
        iy = np.floor(y / size).astype(np.int64)
        ix0, iy0 = int(ix.min()), int(iy.min())
        ix -= ix0
        iy -= iy0
        nx = int(ix.max()) + 1
        key = iy * nx + ix
        n_keys = int(key.max()) + 1
        count = np.bincount(key, minlength=n_keys)
        sum_x = np.bincount(key, weights=x, minlength=n_keys)
        sum_y = np.bincount(key, weights=y, minlength=n_keys)
        last = np.full(n_keys, -1, np.int64)
        last[key] = rows  # any row of the cell; the only one where count == 1
        used = np.flatnonzero(count)
        n = count[used]
        cx = sum_x[used] / n
        cy = sum_y[used] / n
        return Cells(count=n.astype(np.int64), lat=latitude_of(cy), lon=cx * 360.0 - 180.0,
                     single_row=np.where(n == 1, last[used], -1))

    def bounds(self, mask: np.ndarray) -> tuple[float, float, float, float] | None:
        """(south, west, north, east) of the located rows of ``mask``, None if there are none."""
        keep = mask & self.located
        if not keep.any():
            return None
        lat, lon = self.lat[keep], self.lon[keep]
        return float(lat.min()), float(lon.min()), float(lat.max()), float(lon.max())

    def rows_in_box(self, mask: np.ndarray, south: float, west: float, north: float,
                    east: float) -> np.ndarray:
        """Located rows of ``mask`` inside a lat/lon box (west/east may pass ±180)."""
        keep = mask & self.located & (self.lat >= south) & (self.lat <= north)
        if east - west >= 360.0:
            return np.flatnonzero(keep)
        rel = np.mod(self.lon - west, 360.0)
        return np.flatnonzero(keep & (rel <= east - west))
