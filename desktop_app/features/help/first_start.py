"""What the map says before the analyst has data of their own: a banner over the map
when the project holds only the sample dataset (the default project of a first start),
and a hint in its middle when the project has no events at all.

Both are plain-text labels laid over the map pane, following its size and place. They
are children of the window, not of the map, so a picture of the map (a PNG export, a
briefing pack page) never has them in it.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import as_file, files

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from desktop_app.features.host import Host
from desktop_app.store.batch_history import batch_history
from desktop_app.workbench import Workbench

SAMPLE_TEXT = (
    "This is the sample dataset: the events, places and sources of a news report on the "
    "reported 2023 Russia–China agreement to equip and train a Chinese airborne battalion. "  # noqa: RUF001
    "Explore it, then bring your own events."
)
EMPTY_TEXT = "Drop a CSV, TSV or XLSX file here, or File ▸ Import"
SAMPLE_MAX_EVENTS = 100  # the sample has 8: a bigger project is not it
CLOSED_KEY = "help/sample_banner_closed"  # a window setting: the analyst closed it


@cache
def sample_sha256() -> str:
    """The fingerprint of the sample's events file, as its import batch records it."""
    from desktop_app.ingest.pipeline import file_sha256  # the importer: not for the first paint

    with as_file(files("desktop_app.sample_data").joinpath("sample", "events.csv")) as path:
        return file_sha256(path)


class SampleBanner(QFrame):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("sampleBanner")
        self.setAutoFillBackground(True)
        self.setStyleSheet(
            "#sampleBanner { background: #fff8e1; border-bottom: 1px solid #e0c46c; }"
            "#sampleBanner QLabel { color: #4a3b00; }"
        )
        self.label = QLabel(SAMPLE_TEXT, self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.import_button = QPushButton("Import your own file…", self)
        self.import_button.setObjectName("sampleBannerImport")
        self.import_button.setToolTip("Import a CSV, TSV or XLSX event list (File ▸ Import)")
        self.close_button = QPushButton("Hide", self)
        self.close_button.setObjectName("sampleBannerHide")
        self.close_button.setToolTip("Hide this note (it does not come back)")
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 8, 6)
        row.addWidget(self.label, 1)
        row.addWidget(self.import_button)
        row.addWidget(self.close_button)


class EmptyHint(QLabel):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(EMPTY_TEXT, parent)
        self.setObjectName("emptyProjectHint")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setStyleSheet(
            "#emptyProjectHint { background: rgba(255, 255, 255, 235); color: #3b4350; "
            "border: 2px dashed #9aa5b5; border-radius: 10px; padding: 24px; "
            "font-size: 15px; }"
        )


class FirstStart(QObject):
    """The banner and the hint over ``host.map``, shown as the project's content says."""

    def __init__(self, workbench: Workbench, host: Host) -> None:
        super().__init__(workbench)
        self.wb, self.host = workbench, host
        stage = host.map
        window = host.window_widget()
        self.banner = SampleBanner(window)
        self.banner.hide()
        self.banner.import_button.clicked.connect(
            lambda: workbench.actions.action("file.import").trigger()
        )
        self.banner.close_button.clicked.connect(self.close_banner)
        self.hint = EmptyHint(window)
        self.hint.hide()
        stage.installEventFilter(self)
        workbench.frame_applied.connect(self.refresh)

    def is_sample(self) -> bool:
        """The project holds the sample dataset and nothing imported besides."""
        project = self.wb.project
        if project is None or len(self.wb.linker.frame) > SAMPLE_MAX_EVENTS:
            return False  # not the sample, and no query on the GUI thread of a big project
        live = [b for b in batch_history(project) if not b.undone]
        return len(live) == 1 and live[0].sha256 == sample_sha256()

    def refresh(self) -> None:
        empty = len(self.wb.linker.frame) == 0 and self.wb.project is not None
        self.hint.setVisible(empty)
        closed = self.wb.settings.value(CLOSED_KEY, False) in (True, "true")
        self.banner.setVisible(not empty and not closed and self.is_sample())
        self._place()

    def close_banner(self) -> None:
        self.wb.settings.setValue(CLOSED_KEY, True)
        self.banner.hide()

    def _place(self) -> None:
        stage = self.host.map
        width = stage.width()
        origin = stage.mapTo(self.host.window_widget(), QPoint(0, 0))
        x, y = origin.x(), origin.y()
        controls = 56  # the map's zoom buttons stay uncovered at its top left,
        tools = 56  # and its drawing and measuring tools at its top right
        inner = max(120, width - controls - tools)
        tall = (
            self.banner.heightForWidth(inner)
            if self.banner.hasHeightForWidth()
            else self.banner.sizeHint().height()
        )
        self.banner.setGeometry(x + controls, y, inner, tall)
        self.banner.raise_()
        hint_w = min(520, max(200, width - 40))
        hint_h = self.hint.heightForWidth(hint_w) if self.hint.hasHeightForWidth() else 90
        self.hint.setGeometry(
            x + (width - hint_w) // 2, y + (stage.height() - hint_h) // 2, hint_w, hint_h
        )
        self.hint.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt override
        if watched is self.host.map and event.type() in (QEvent.Type.Resize, QEvent.Type.Move):
            self._place()
        return False
