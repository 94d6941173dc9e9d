"""Help: the user guide (the project's own docs, offline), the keyboard shortcuts (from
the action registry), About (versions and the log folder), tooltips for every action
and button, and the first-start banner and empty-project hint on the map.
"""

from __future__ import annotations

import platform
from pathlib import Path

import PySide6
from PySide6.QtCore import QObject, Qt, qVersion
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app import __version__
from desktop_app.features.help.first_start import FirstStart
from desktop_app.features.help.guide import GuideWindow
from desktop_app.features.host import Host
from desktop_app.views import plain_text
from desktop_app.workbench import MenuId, Workbench


class ShortcutsDialog(QDialog):
    """Every keyboard shortcut of the window, read from the action registry."""

    def __init__(self, rows: list[tuple[str, str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.table = QTableWidget(len(rows), 2, self)
        self.table.setObjectName("shortcutsTable")
        self.table.setHorizontalHeaderLabels(["Keys", "Action"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.table.horizontalHeader().setStretchLastSection(True)
        for row, (keys, text, action_id) in enumerate(sorted(rows, key=lambda r: r[1].lower())):
            key_item = QTableWidgetItem(keys)
            key_item.setData(Qt.ItemDataRole.UserRole, action_id)
            self.table.setItem(row, 0, key_item)
            self.table.setItem(row, 1, QTableWidgetItem(text.rstrip("…")))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(460, 520)

    def listed(self) -> list[tuple[str, str]]:
        """(keys, action text) of every row, as shown."""
        rows = []
        for r in range(self.table.rowCount()):
            keys, text = self.table.item(r, 0), self.table.item(r, 1)
            assert keys is not None and text is not None
            rows.append((keys.text(), text.text()))
        return rows


class Help(QObject):
    def __init__(self, workbench: Workbench, host: Host, log_location: Path | None) -> None:
        super().__init__(workbench)
        self.wb, self.host = workbench, host
        self.log_location = log_location  # the log file, or its folder when not yet written
        self.guide: GuideWindow | None = None
        self.shortcuts_dialog: ShortcutsDialog | None = None
        add = workbench.actions.add
        add("help.guide", "User &guide", self.show_guide, menu=MenuId.HELP,
            shortcut=QKeySequence.StandardKey.HelpContents,
            tip="Read how to use Sightline (its own documentation, offline)")  # fmt: skip
        add("help.shortcuts", "&Keyboard shortcuts", self.show_shortcuts, menu=MenuId.HELP,
            order=1, shortcut="Ctrl+/", tip="Every keyboard shortcut of the window")  # fmt: skip
        add("help.about", "&About Sightline", self.show_about, menu=MenuId.HELP, group=9,
            tip="Version, libraries and where the log is")  # fmt: skip
        self.first_start = FirstStart(workbench, host)
        fill_tooltips(workbench, host.window_widget())
        # lists rebuilt as they change (Open recent, the screens) get theirs again
        workbench.actions.changed.connect(
            lambda _menu: fill_tooltips(workbench, host.window_widget())
        )

    # ------------------------------------------------------------------ the guide
    def show_guide(self) -> GuideWindow:
        if self.guide is None:
            self.guide = GuideWindow(self.host.window_widget())
        if self.guide.isVisible():
            self.guide.raise_()  # already open: to the front
        else:
            self.guide.show()
        return self.guide

    # ------------------------------------------------------------------ shortcuts
    def show_shortcuts(self) -> ShortcutsDialog:
        if self.shortcuts_dialog is not None:
            self.shortcuts_dialog.deleteLater()
        self.shortcuts_dialog = ShortcutsDialog(
            self.wb.actions.shortcuts(), self.host.window_widget()
        )
        self.shortcuts_dialog.show()
        return self.shortcuts_dialog

    # ------------------------------------------------------------------ about
    def about_text(self) -> str:
        where = self.log_location
        folder = (where.parent if where.suffix else where) if where is not None else "none"
        project = self.wb.project.display_name if self.wb.project is not None else "none"
        return (
            f"Sightline {__version__}\nOffline exploration of events in time and space."
            f"\n\nQt {qVersion()} · PySide6 {PySide6.__version__} · "
            f"Python {platform.python_version()} ({platform.system()} {platform.machine()})"
            f"\n\nProject: {project}\nLog folder: {folder}"
            "\n(send sightline.log from there with a bug report)"
        )

    def show_about(self) -> None:
        plain_text.message_box(
            self.host.window_widget(),
            QMessageBox.Icon.Information,
            "About Sightline",
            self.about_text(),
        ).exec()


# tips for the actions declared without one (by id: a label may be reworded)
TIPS = {
    "edit.clear_selection": "Select no event",
    "edit.clear_filters": "Remove every filter: show all events",
    "file.quit": "Close the window (the project is saved as you go)",
    "file.open_project": "Open another project file",
    "view.zoom_to_selection": "Show the selected events on the timeline and the map",
    "view.reset_layout": "Put every pane back where it was at the first start",
    "briefing.present": "Show the current story full screen, one saved view per step",
    "briefing.present_from_step": "Present the story from the step picked in Stories",
    "briefing.export_pack": "Write the story as a PDF briefing pack (map, timeline, events)",
    "briefing.classification": "The line printed on every exported page and shown when presenting",
    "briefing.stories_pane": "Show the Stories pane",
    "file.export.csv": "Write the events the filters show as a CSV file",
    "file.export.geojson": "Write the located events the filters show as GeoJSON",
    "file.export.kml": "Write the located events the filters show as KML (Google Earth)",
    "file.export.html_view": "Write this view as one offline HTML page",
    "file.export.html_story": "Write the current story as one offline HTML page",
    "file.export.png_window": "Save a picture of the whole window",
    "file.export.png_pane": "Save a picture of one pane",
    "edit.undo": "Undo the last edit or import",
    "edit.redo": "Redo what was undone last",
    "edit.new_event": "Add an event by hand",
    "edit.edit_event": "Change the selected event's date, title, place, grade…",
    "edit.delete_event": "Delete the selected event (Undo brings it back)",
    "edit.edit_place": "Change the name or coordinates of the selected event's place",
    "edit.move_place": "Click on the map where the selected event's place really is",
    "edit.merge_places": "Make two places one (their events move to the one kept)",
    "edit.new_source": "Add a source, cited by the selected event",
    "edit.edit_source": "Change the source the selected event cites",
}


def _with_keys(text: str, action_keys: str) -> str:
    return f"{text} ({action_keys})" if action_keys else text


def fill_tooltips(workbench: Workbench, window: QWidget) -> list[str]:
    """Give every registry action without a tip one (from ``TIPS``, else its name),
    with its shortcut; returns the ids filled. (Buttons carry their own tips; a test
    checks that every one has.)"""
    filled = []
    for action_id, action in workbench.actions.actions():
        if action.statusTip():
            if action.shortcut().toString():
                keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                action.setToolTip(_with_keys(action.statusTip(), keys))
            continue
        name = action.text().replace("&", "").rstrip("…")
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        if action_id in TIPS:
            name = TIPS[action_id]
        elif action_id.startswith("view.pane."):
            name = f"Show or hide the {name} pane"
        elif action_id.startswith("file.recent."):
            name = f"Open the project {name}"
        elif action_id.startswith("briefing.screen."):
            name = f"Present on the screen {name}"
        action.setToolTip(_with_keys(name, keys))
        filled.append(action_id)
    return filled


def install(workbench: Workbench, host: Host, log_location: Path | None = None) -> Help:
    return Help(workbench, host, log_location)
