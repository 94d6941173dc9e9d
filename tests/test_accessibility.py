"""Screen readers: every control of the window has a name (its text, or an accessible
name where it has none: search boxes, date fields, icon buttons, lists)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QComboBox,
    QLineEdit,
    QScrollBar,
    QTreeWidget,
    QWidget,
)

from desktop_app.store.project import Project


def _unnamed(root: QWidget) -> list[str]:
    found = []
    kinds = (QLineEdit, QComboBox, QAbstractSlider, QAbstractButton, QTreeWidget)
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, kinds) or widget.objectName().startswith("qt_"):
            continue
        if isinstance(widget.parent(), (QComboBox, QAbstractSlider, QLineEdit)):
            continue  # the parts of a compound control (a box's clear button), named by it
        if isinstance(widget, QScrollBar):
            continue  # named by the area it scrolls
        text = widget.text() if isinstance(widget, QAbstractButton) else ""
        if not (widget.accessibleName() or text or widget.toolTip()):
            found.append(f"{type(widget).__name__} in {type(widget.parent()).__name__}")
    return found


def test_every_control_has_a_name(make_main_window: Any, sample_project: Project) -> None:
    window = make_main_window(sample_project)
    assert _unnamed(window) == []


def test_every_pane_is_reachable_from_the_keyboard(
    make_main_window: Any, sample_project: Project, qtbot: Any
) -> None:
    window = make_main_window(sample_project)
    targets = {
        "timeline": window.timeline.canvas,
        "table": window.table.table,
        "filters": window.filters_view.search,
    }
    for pane, widget in targets.items():
        action = window.workbench.actions.action(f"view.focus.{pane}")
        assert action.shortcut().toString().startswith("Alt+")
        action.trigger()
        qtbot.waitUntil(lambda w=widget: w.hasFocus() or w.isAncestorOf(
            window.focusWidget() or w))  # fmt: skip
