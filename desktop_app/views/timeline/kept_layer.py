"""The timeline's last painted layer of bars, kept with what it was painted from.

An edit or a selection's echo hands the canvas a frame or a selection that changes no
bar (a title edited; the same histogram from the same index): the layer of bars it
painted last is then the one it would paint again (~20-80 ms at a million events), so it
is drawn as it is. Marks painted one by one (a sparse range) are always painted again.
"""

from __future__ import annotations

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
