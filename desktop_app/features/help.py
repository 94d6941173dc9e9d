"""Help ▸ About: the version, the open project and where the log is (to send with a bug
report)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from desktop_app import __version__
from desktop_app.features.host import Host
from desktop_app.views import plain_text
from desktop_app.workbench import MenuId, Workbench


class Help(QObject):
    def __init__(self, workbench: Workbench, host: Host, log_location: Path | None) -> None:
        super().__init__(workbench)
        self.wb, self.host = workbench, host
        self.log_location = log_location  # the log file, or its folder when not yet written
        workbench.actions.add("help.about", "&About Sightline", self.show_about,
                              menu=MenuId.HELP, group=9)  # fmt: skip

    def about_text(self) -> str:
        where = self.log_location
        folder = (where.parent if where.suffix else where) if where is not None else "none"
        project = self.wb.project.display_name if self.wb.project is not None else "none"
        return (
            f"Sightline {__version__}\nOffline exploration of events in time and space."
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


def install(workbench: Workbench, host: Host, log_location: Path | None = None) -> Help:
    return Help(workbench, host, log_location)
