"""Work around a PySide6 6.12 refcount bug on CPython < 3.12 (called once at start-up by
the application, the test configuration and the timeline canvas).

Shiboken's wrappers of C++ methods returning void hand back ``None`` without a new
reference, so every such call (``painter.drawRect``, ``widget.update`` ...) lowers
None's refcount by one; a few thousand calls later CPython aborts with "none_dealloc:
deallocating None". The same happens to ``True`` and ``False`` on some calls that
return a C++ ``bool`` ("bool_dealloc: deallocating True or False", seen at the end of
the test run once the map tools and annotations came in). From CPython 3.12 these are
immortal and the bug is harmless. Here their refcounts are raised far out of reach
once; they are never freed anyway, so a too-high count costs nothing.
"""

from __future__ import annotations

import ctypes
import sys

_HEADROOM = 1 << 50


def keep_none_alive() -> None:
    """Give None, True and False enough references to outlive any number of leaking
    calls (idempotent)."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    for singleton in (None, True, False):
        if sys.getrefcount(singleton) < _HEADROOM // 2:
            ctypes.c_ssize_t.from_address(id(singleton)).value += _HEADROOM
