"""The shipped CJK font as every Qt widget's fallback, so 北京, 臺北 and Москва never
draw as boxes, on a machine with no CJK font of its own (a fresh Windows install without
the language packs, a minimal Linux).

:func:`install_fallback_font` registers ``resources/fonts/sightline-cjk.ttf`` (family
:data:`FAMILY`) once the QGuiApplication exists and makes it the fallback after the
families the program asks for: the application font gets it as its second family, and
every family the panes and exports name (the system UI font, the PDF pack's DejaVu
Sans/Segoe UI/Arial…) gets it as a substitute, which Qt tries for each character the
first family lacks. Latin text is unchanged: the font holds no ASCII. (Qt 6.8's
``addApplicationFallbackFontFamily`` would be the one call for this, but PySide6 does
not expose it.)
"""

from __future__ import annotations

import logging
from importlib.resources import files

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

FAMILY = "Sightline CJK"
FONT_FILE = ("fonts", "sightline-cjk.ttf")
# families named in code (export/pdf_pack.FAMILIES, the timeline and link chart use the
# application font) and the generic names a style sheet may use
NAMED_FAMILIES = (
    "DejaVu Sans",
    "Segoe UI",
    "Helvetica Neue",
    "Helvetica",
    "Arial",
    "Noto Sans",
    "Ubuntu",
    "Cantarell",
    ".AppleSystemUIFont",
    "SF Pro Text",
    "Monospace",
    "DejaVu Sans Mono",
)

_log = logging.getLogger("sightline.fonts")
_installed: list[str] = []


def font_bytes() -> bytes:
    """The shipped font file's bytes (read through importlib.resources: the frozen build too)."""
    return files("desktop_app.resources").joinpath(*FONT_FILE).read_bytes()


def install_fallback_font() -> str | None:
    """Register the font and make it the fallback; the family name, or None if it could
    not be loaded (logged: the program still runs, with the system's fonts). Idempotent."""
    if _installed:
        return _installed[0]
    if QGuiApplication.instance() is None:
        raise RuntimeError("install_fallback_font needs a QGuiApplication")
    font_id = QFontDatabase.addApplicationFontFromData(font_bytes())
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if FAMILY not in families:
        _log.warning("the CJK fallback font could not be loaded (got %r)", families)
        return None
    app_font = QGuiApplication.font()
    for family in {*NAMED_FAMILIES, *app_font.families(), app_font.defaultFamily()}:
        if family and family != FAMILY and FAMILY not in QFont.substitutes(family):
            QFont.insertSubstitution(family, FAMILY)
    wanted = [f for f in app_font.families() if f != FAMILY] + [FAMILY]
    if app_font.families() != wanted:
        app_font.setFamilies(wanted)
        QGuiApplication.setFont(app_font)
    _installed.append(FAMILY)
    return FAMILY
