"""The timeline's last painted layer of bars, kept with what it was painted from.

An edit or a selection's echo hands the canvas a frame or a selection that changes no
bar (a title edited; the same histogram from the same index): the layer of bars it
painted last is then the one it would paint again (~20-80 ms at a million events), so it
is drawn as it is. Marks painted one by one (a sparse range) are always painted again.
Under new bars (a filter changed them) the ground, the background and the grid lines of
the range, is the one painted for the last bars of the same range and size (:class:`Ground`):
a few dozen antialiased lines the height of the pane are not drawn again.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QWidget

from desktop_app.views.timeline.layout import DenseLayout, SparseLayout

Kept = tuple[tuple[object, ...], QPixmap]


def bars_key(
    canvas: QWidget, layout: SparseLayout | DenseLayout, t0: int, t1: int
) -> tuple[object, ...] | None:
    """Everything a layer of bars is painted from (None for marks one by one): the
    bars, the range, the size, the palette, and whether there is anything to show."""
    if not isinstance(layout, DenseLayout):
        return None
    selected = None if layout.selected is None else layout.selected.tobytes()
    index, frame = canvas.index, canvas.frame  # type: ignore[attr-defined]
    return (
        canvas.width(), canvas.height(), canvas.devicePixelRatioF(), t0, t1,
        canvas.palette().cacheKey(), layout.counts.tobytes(), selected, layout.bar_width,
        layout.in_view, len(index) > 0, len(frame) > 0,
    )  # fmt: skip


def again(kept: Kept | None, key: tuple[object, ...] | None) -> QPixmap | None:
    """The kept layer when it was painted from ``key``."""
    if key is not None and kept is not None and kept[0] == key:
        return kept[1]
    return None


def keep(key: tuple[object, ...] | None, pixmap: QPixmap) -> Kept | None:
    return None if key is None else (key, pixmap)


class Ground:
    """The background and grid of a layer of bars, kept under what they are painted
    from (the size, the palette, the plot and the axis): each layer starts as a copy."""

    def __init__(self) -> None:
        self._key: tuple[object, ...] | None = None
        self._pixmap: QPixmap | None = None

    def layer(
        self, key: tuple[object, ...], size: QSize, ratio: float, paint: Callable[[QPixmap], None]
    ) -> QPixmap:
        """A new layer holding the ground of ``key`` (``paint`` paints it when not kept)."""
        if self._pixmap is None or self._key != key:
            pixmap = QPixmap(size)
            pixmap.setDevicePixelRatio(ratio)
            paint(pixmap)
            self._pixmap, self._key = pixmap, key
        return self._pixmap.copy()  # painted on in turn: the kept one stays as it is
