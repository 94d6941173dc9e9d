"""What the map draws for one viewport: individual events when sparse, grid cells when dense.

Individual events whose dots (or stacks of events at one spot, with their count badge)
would touch at the current zoom are clustered into count bubbles by the very merge the
cells go through (``frame.bubbles``), so no marker hides another at any zoom.

Positions are kept in Web-Mercator "world" units (0..1 across the world, y down), computed
once per frame by :class:`MapIndex`, so each viewport change costs only comparisons and
bincounts. Cells are squares of ``cell_px`` screen pixels at the current zoom, anchored to
the world origin so they stay put while the analyst pans. No Qt here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from desktop_app.frame.bubbles import merge_overlapping, merge_spots
from desktop_app.frame.mercator import latitude_of, mercator_x, mercator_y

TILE_PX = 256.0
MAX_POINTS = 1500  # at most this many individual events in view, else cells
CELL_PX = 64  # cell side in screen pixels at an integer zoom (a power of two)
SUB_BITS = 3  # 8x8 sub-cells per cell, for the centroid
QBITS = 26  # world pixels: 2**26 across the world (zoom 18 at 256-px tiles)
WORLD = 1 << QBITS
MARGIN = 0.25  # fraction of the viewport added on each side
MAX_SELECTED = 2000  # selected events drawn one by one; beyond, selected cells
SPARSE_SHARE = 8  # rows shown below 1/8 of the frame are gathered first (same answer)


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
class Members:
    """The events inside a point view's cluster bubbles: frame rows, and the index in
    ``cells`` of the bubble each one is counted in."""

    rows: np.ndarray  # int64 frame rows
    bubble: np.ndarray  # int64


def _empty_members() -> Members:
    return Members(np.zeros(0, np.int64), np.zeros(0, np.int64))


@dataclass
class ViewFeatures:
    """What to draw, and how many events are in view. A dense view is grid cells only
    (``aggregated``); a sparse one is points, and the bubbles of clustered points
    (``cells``, every one of several events, its events in ``members``)."""

    points: Points
    cells: Cells
    in_view: int
    members: Members = field(default_factory=_empty_members)

    @property
    def aggregated(self) -> bool:
        """Grid cells: too many events in view to draw them one by one."""
        return len(self.cells.count) > 0 and not len(self.members.rows)

    @property
    def clustered(self) -> bool:
        """Points, some of which are gathered into cluster bubbles."""
        return len(self.members.rows) > 0


def in_box(
    lat: np.ndarray, lon: np.ndarray, south: float, west: float, north: float, east: float
) -> np.ndarray:
    """Which positions lie inside a lat/lon box (west/east may pass ±180)."""
    inside = (lat >= south) & (lat <= north)
    if east - west >= 360.0:
        return np.asarray(inside)
    return np.asarray(inside & (np.mod(lon - west, 360.0) <= east - west))


def _cell_shift(zoom: float, cell_px: int) -> int:
    """log2 of a cell's side in world pixels: ``cell_px`` screen pixels at the nearest
    integer zoom."""
    level = int(np.floor(zoom + 0.5))
    return int(np.clip(QBITS - 8 - level + int(np.log2(cell_px)), SUB_BITS, QBITS))


def _window(view: Viewport, margin: float, shift: int) -> tuple[int, int, int, int]:
    """World-pixel window (x0, y0, width, height) around the viewport, margin included,
    its origin on a cell corner so cells stay put while panning."""
    world = float(WORLD)
    x0 = float(mercator_x(view.west)) * world
    x1 = float(mercator_x(view.east)) * world
    y0 = float(mercator_y(view.north)) * world
    y1 = float(mercator_y(view.south)) * world
    dx, dy = (x1 - x0) * margin, (y1 - y0) * margin
    cell = 1 << shift
    left = int(np.floor((x0 - dx) / cell)) * cell
    top = int(np.floor(max(y0 - dy, 0.0) / cell)) * cell
    width = min(int(np.ceil(x1 + dx)) - left, WORLD)
    height = min(int(np.ceil(y1 + dy)), WORLD) - top
    return left, top, max(width, 1), max(height, 1)


def _world_pixels(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Web-Mercator world pixels (int32, ``WORLD`` across) of positions (NaN -> 0)."""
    world = float(WORLD)
    x = np.floor(mercator_x(np.nan_to_num(lon)) * world)
    y = np.floor(mercator_y(np.nan_to_num(lat)) * world)
    return np.clip(x, 0, WORLD - 1).astype(np.int32), np.clip(y, 0, WORLD - 1).astype(np.int32)


def _differs(old: np.ndarray, new: np.ndarray) -> np.ndarray:
    """Where two float columns differ (NaN equals NaN)."""
    same: np.ndarray = (old == new) | (np.isnan(old) & np.isnan(new))
    return ~same


def _sorted_unique(rows: np.ndarray) -> np.ndarray:
    """``np.unique(rows)``, without its sort when the rows are sorted and distinct already
    (as ``EventFrame.rows_of`` gives them)."""
    if len(rows) < 2 or bool((rows[1:] > rows[:-1]).all()):
        return rows
    return np.unique(rows)


def _nearest_copy(lon: np.ndarray, view: Viewport) -> np.ndarray:
    """Longitudes moved by whole turns into the world copy nearest the viewport's centre,
    so events east of the antimeridian draw beside those west of it."""
    centre = (view.west + view.east) / 2.0
    return lon + 360.0 * np.floor((centre - lon) / 360.0 + 0.5)


def _unhidden(cells: Cells, zoom: float, scale: float) -> Cells:
    """The cells with every two whose bubbles would touch merged (frame.bubbles)."""
    count, lat, lon, group = merge_overlapping(cells.count, cells.lat, cells.lon, zoom, scale)
    if len(count) == len(cells.count):
        return cells
    sizes = np.bincount(group, minlength=len(count))
    member = np.full(len(count), -1, np.int64)
    member[group] = np.arange(len(group))  # the one member of each group of one
    single = np.full(len(count), -1, np.int64)
    alone = sizes == 1
    single[alone] = cells.single_row[member[alone]]
    lat[alone], lon[alone] = cells.lat[member[alone]], cells.lon[member[alone]]
    return Cells(count=count, lat=lat, lon=lon, single_row=single)


def _spots(points: Points) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The distinct positions the page draws the points at (five decimals, so a stack
    here is a stack there): their lat, lon, events, and each point's spot."""
    n = len(points.rows)
    lat5, lon5 = np.round(points.lat, 5), np.round(points.lon, 5)
    order = np.lexsort((lon5, lat5))
    first = np.ones(n, bool)
    first[1:] = (lat5[order][1:] != lat5[order][:-1]) | (lon5[order][1:] != lon5[order][:-1])
    spot_of = np.empty(n, np.int64)
    spot_of[order] = np.cumsum(first) - 1
    heads = order[first]
    return lat5[heads], lon5[heads], np.bincount(spot_of, minlength=len(heads)), spot_of


def _clustered(points: Points, zoom: float, scale: float) -> ViewFeatures:
    """The points with every two spots (a dot, or the dot and count badge of a stack of
    events at one spot) that would touch at ``zoom`` merged into cluster bubbles at their
    events' centroid (``frame.bubbles.merge_spots``); the spots left alone stay points."""
    n = len(points.rows)
    if n < 2:
        return ViewFeatures(points, _empty_cells(), n)
    spot_lat, spot_lon, size, spot_of = _spots(points)
    count, lat, lon, group = merge_spots(size, spot_lat, spot_lon, zoom, scale)
    spots_in = np.bincount(group, minlength=len(count))
    if not (spots_in > 1).any():
        return ViewFeatures(points, _empty_cells(), n)
    bubbles = np.flatnonzero(spots_in > 1)
    bubble_of = np.full(len(count), -1, np.int64)
    bubble_of[bubbles] = np.arange(len(bubbles))
    event_bubble = bubble_of[group[spot_of]]
    alone = event_bubble < 0
    kept = Points(points.rows[alone], points.lat[alone], points.lon[alone])
    cells = Cells(
        count=count[bubbles],
        lat=lat[bubbles],
        lon=lon[bubbles],
        single_row=np.full(len(bubbles), -1, np.int64),
    )
    members = Members(points.rows[~alone], event_bubble[~alone])
    return ViewFeatures(kept, cells, n, members)


def _empty_points() -> Points:
    return Points(np.zeros(0, np.int64), np.zeros(0), np.zeros(0))


def _empty_cells() -> Cells:
    z = np.zeros(0)
    return Cells(np.zeros(0, np.int64), z, z, np.zeros(0, np.int64))


class MapIndex:
    """Frame positions projected once, answering per-viewport questions quickly.

    Positions are stored as int32 world pixels at ``2**QBITS`` across the world, so the
    per-viewport work is integer arithmetic: wrapping around the antimeridian is a bit
    mask, a cell index is a shift, and one bincount over 8x8 sub-cells gives both each
    cell's count and (to 1/16 of a cell) its centroid.
    """

    def __init__(self, lat: np.ndarray, lon: np.ndarray) -> None:
        self.lat = np.asarray(lat, np.float64)
        self.lon = np.asarray(lon, np.float64)
        self.located = ~(np.isnan(self.lat) | np.isnan(self.lon))
        self.qx, self.qy = _world_pixels(self.lat, self.lon)

    def updated(self, lat: np.ndarray, lon: np.ndarray) -> MapIndex:
        """The index of new positions, made from this one when the rows are the same
        ones (an edit: the frame patched in place): itself when no position changed,
        else a copy with only the changed rows projected again."""
        lat, lon = np.asarray(lat, np.float64), np.asarray(lon, np.float64)
        if lat.shape != self.lat.shape or lon.shape != self.lon.shape:
            return MapIndex(lat, lon)
        changed = np.flatnonzero(_differs(self.lat, lat) | _differs(self.lon, lon))
        if not len(changed):
            return self
        if len(changed) > len(lat) // 10:
            return MapIndex(lat, lon)
        index = MapIndex.__new__(MapIndex)
        index.lat, index.lon = lat, lon
        index.located = self.located.copy()
        index.located[changed] = ~(np.isnan(lat[changed]) | np.isnan(lon[changed]))
        index.qx, index.qy = self.qx.copy(), self.qy.copy()
        index.qx[changed], index.qy[changed] = _world_pixels(lat[changed], lon[changed])
        return index

    def __len__(self) -> int:
        return len(self.lat)

    # ------------------------------------------------------------------ queries
    def features(
        self,
        mask: np.ndarray,
        view: Viewport,
        *,
        max_points: int = MAX_POINTS,
        cell_px: int = CELL_PX,
        margin: float = MARGIN,
        bubble_scale: float = 1.0,
        cluster: bool = True,
    ) -> ViewFeatures:
        """Events of ``mask`` (visible rows) in and around the viewport; cells whose
        bubbles (drawn ``bubble_scale`` times the normal size) would touch are merged,
        and so (unless ``cluster`` is False) are points whose markers would touch."""
        ok = mask & self.located
        shown = int(np.count_nonzero(ok))
        if shown * SPARSE_SHARE < len(ok):  # a week of a playback: work on its rows only
            rows = np.flatnonzero(ok)
            ones = np.ones(shown, bool)
            return self._query(rows, ones, view, max_points, cell_px, margin, bubble_scale, cluster)
        return self._query(None, ok, view, max_points, cell_px, margin, bubble_scale, cluster)

    def selected(
        self,
        selected_rows: np.ndarray,
        mask: np.ndarray,
        view: Viewport,
        *,
        max_points: int = MAX_SELECTED,
        cell_px: int = CELL_PX,
        margin: float = MARGIN,
        bubble_scale: float = 1.0,
    ) -> ViewFeatures:
        """Selected rows that are visible, located and in view: points (never clustered:
        each one highlights its event), or cells beyond ``max_points``. Costs in
        proportion to the selection, not the frame."""
        sel = _sorted_unique(np.asarray(selected_rows, np.int64))
        sel = sel[(sel >= 0) & (sel < len(self))]
        if len(sel) == len(self):  # everything (select all): masks, not gathers
            sel = np.flatnonzero(mask & self.located)
        else:
            sel = sel[mask[sel] & self.located[sel]]
        return self._query(
            sel, np.ones(len(sel), bool), view, max_points, cell_px, margin, bubble_scale, False
        )

    def _query(
        self,
        subset: np.ndarray | None,
        ok: np.ndarray,
        view: Viewport,
        max_points: int,
        cell_px: int,
        margin: float,
        bubble_scale: float = 1.0,
        cluster: bool = False,
    ) -> ViewFeatures:
        """Aggregate the rows ``subset`` (all rows when None) where ``ok`` holds."""
        qx = self.qx if subset is None else self.qx[subset]
        qy = self.qy if subset is None else self.qy[subset]
        shift = _cell_shift(view.zoom, cell_px)
        x0, y0, width, height = _window(view, margin, shift)
        rel_x = qx - np.int32(x0)
        rel_x &= np.int32(WORLD - 1)  # wraps around the world
        rel_y = qy - np.int32(y0)
        # 0 <= rel_y < height in one comparison: a negative one is huge unsigned
        inside = rel_y.view(np.uint32) < np.uint32(height)
        inside &= ok
        if width < WORLD:
            inside &= rel_x < width
        at = np.flatnonzero(inside)
        in_view = len(at)
        frame_rows = at if subset is None else subset[at]
        if in_view <= max_points:
            points = Points(
                frame_rows.astype(np.int64),
                self.lat[frame_rows],
                _nearest_copy(self.lon[frame_rows], view),
            )
            if cluster:
                return _clustered(points, view.zoom, bubble_scale)
            return ViewFeatures(points, _empty_cells(), in_view)
        cells = self._cells(
            inside, at, subset, frame_rows, rel_x, rel_y, x0, y0, width, height, shift
        )
        cells.lon = _nearest_copy(cells.lon, view)
        return ViewFeatures(_empty_points(), _unhidden(cells, view.zoom, bubble_scale), in_view)

    def _cells(
        self,
        inside: np.ndarray,
        at: np.ndarray,
        subset: np.ndarray | None,
        frame_rows: np.ndarray,
        rel_x: np.ndarray,
        rel_y: np.ndarray,
        x0: int,
        y0: int,
        width: int,
        height: int,
        shift: int,
    ) -> Cells:
        sub = max(shift - SUB_BITS, 0)
        per = 1 << (shift - sub)  # sub-cells per cell side
        ncx = (min(width, WORLD) >> shift) + 1
        ncy = (height >> shift) + 1
        nfx, nfy = ncx * per, ncy * per
        n_bins = nfx * nfy
        few = len(at) * 4 < len(inside)
        if few:  # few rows inside: work on them only
            key = (rel_y[at] >> sub) * np.int32(nfx) + (rel_x[at] >> sub)
            fine_flat = np.bincount(key, minlength=n_bins)
        else:  # most rows inside: one pass, rows outside counted in a spare bin
            fine = rel_y >> sub
            fine *= np.int32(nfx)
            fine += rel_x >> sub
            key = np.where(inside, fine, np.int32(n_bins))
            fine_flat = np.bincount(key, minlength=n_bins + 1)[:n_bins]
        # sum the sub-cells of each cell, weighting their centres for the centroid
        blocks = fine_flat.reshape(ncy, per, ncx, per)
        count = blocks.sum(axis=(1, 3))
        offs = (np.arange(per) + 0.5) * (1 << sub)
        sum_y = np.einsum("aibj,i->ab", blocks, offs)
        sum_x = np.einsum("aibj,j->ab", blocks, offs)
        cy_idx, cx_idx = np.nonzero(count)
        n = count[cy_idx, cx_idx]
        cell = float(1 << shift)
        wx = (x0 + cx_idx * cell + sum_x[cy_idx, cx_idx] / n) / WORLD
        wy = (y0 + cy_idx * cell + sum_y[cy_idx, cx_idx] / n) / WORLD
        lat = latitude_of(wy)
        lon = wx * 360.0 - 180.0
        single = np.full(len(n), -1, np.int64)
        if (n == 1).any():
            # events alone in their cell: their ids and exact positions, found by one
            # lookup of each event's sub-cell in a table of the lone cells' sub-cells
            lone_cell = np.repeat(np.repeat(count == 1, per, axis=0), per, axis=1).ravel()
            if not few:
                lone_cell = np.append(lone_cell, False)  # the spare bin of rows outside
            hit = np.flatnonzero(lone_cell[key])
            lone_key = key[hit]
            # ``hit``: positions in ``at`` (few), else among all the rows queried
            rows = frame_rows[hit] if few else (hit if subset is None else subset[hit])
            cell_of = (lone_key // nfx) // per * ncx + (lone_key % nfx) // per
            out_of = np.full(ncx * ncy, -1, np.int64)
            out_of[cy_idx * ncx + cx_idx] = np.arange(len(n))
            idx = out_of[cell_of]
            single[idx] = rows
            lat[idx] = self.lat[rows]
            lon[idx] = self.lon[rows]
        return Cells(count=n.astype(np.int64), lat=lat, lon=lon, single_row=single)

    def bounds(self, mask: np.ndarray) -> tuple[float, float, float, float] | None:
        """(south, west, north, east) of the located rows of ``mask``, None if there are none."""
        keep = mask & self.located
        if not keep.any():
            return None
        lat, lon = self.lat[keep], self.lon[keep]
        return float(lat.min()), float(lon.min()), float(lat.max()), float(lon.max())

    def rows_in_box(
        self, mask: np.ndarray, south: float, west: float, north: float, east: float
    ) -> np.ndarray:
        """Located rows of ``mask`` inside a lat/lon box (west/east may pass ±180)."""
        keep = mask & self.located & in_box(self.lat, self.lon, south, west, north, east)
        return np.flatnonzero(keep)
