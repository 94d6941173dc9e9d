"""Work around a PySide6 6.12 refcount bug on CPython < 3.12 (called once at start-up by
the application, the test configuration and the timeline canvas).

Shiboken's wrappers of C++ methods returning void hand back ``None`` without a new
reference, so every such call (``painter.drawRect``, ``widget.update`` ...) lowers
None's refcount by one; a few thousand calls later CPython aborts with "none_dealloc:
deallocating None". From CPython 3.12 None is immortal and the bug is harmless. Here
None's refcount is raised far out of reach once; None is never freed anyway, so a
too-high count costs nothing.
"""

from __future__ import annotations

import ctypes
import sys

_HEADROOM = 1 << 50


def keep_none_alive() -> None:
    """Give None enough references to outlive any number of leaking calls (idempotent)."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    if sys.getrefcount(None) < _HEADROOM // 2:
        ctypes.c_ssize_t.from_address(id(None)).value += _HEADROOM
