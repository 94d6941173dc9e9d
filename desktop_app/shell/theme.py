"""Light and dark: View ▸ Theme follows the system (the default) or is chosen, and is
remembered. The whole window takes a dark palette (Fusion style, whose dark palette
covers every standard widget); the painted panes read it (the timeline's colours, the
link chart) and the map page gets a dark basemap. Exports stay light: the PDF pack
draws the map light while it captures it, and the PNG and HTML exports make their own
light pictures.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

THEMES = ("system", "light", "dark")
SETTING = "view/theme"


def dark_palette() -> QPalette:
    palette = QPalette()
    role = QPalette.ColorRole
    for r, colour in (
        (role.Window, "#1f2329"), (role.WindowText, "#e3e6ea"), (role.Base, "#181b20"),
        (role.AlternateBase, "#23272e"), (role.ToolTipBase, "#2b3038"),
        (role.ToolTipText, "#e3e6ea"), (role.Text, "#e3e6ea"), (role.Button, "#2a2f36"),
        (role.ButtonText, "#e3e6ea"), (role.BrightText, "#ff6b6b"),
        (role.Highlight, "#2f6fb3"), (role.HighlightedText, "#ffffff"),
        (role.Link, "#7fb2f0"), (role.PlaceholderText, "#8a929c"),
        # the edges Fusion draws frames and tick boxes with: visible on a dark base
        (role.Light, "#5a626d"), (role.Midlight, "#454c56"), (role.Mid, "#3a414b"),
        (role.Dark, "#8a929c"), (role.Shadow, "#0c0e11"),
    ):  # fmt: skip
        palette.setColor(r, QColor(colour))
    for r in (role.Text, role.WindowText, role.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, r, QColor("#6b727c"))
    return palette


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return bool(hints is not None and hints.colorScheme() == Qt.ColorScheme.Dark)


def is_dark(mode: str) -> bool:
    return mode == "dark" or (mode == "system" and system_is_dark())


def apply(mode: str) -> bool:
    """Give the application the palette of ``mode``; returns whether it is dark."""
    app = QApplication.instance()
    dark = is_dark(mode)
    if not isinstance(app, QApplication):
        return dark
    if dark:
        app.setStyle("Fusion")
        app.setPalette(dark_palette())
    else:
        style = app.style()
        app.setPalette(style.standardPalette())
    return dark
