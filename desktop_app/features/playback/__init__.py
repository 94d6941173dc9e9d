"""Time playback: step the time window through the events (every pane follows) and
render it to a video for the briefing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFileDialog, QProgressDialog

from desktop_app.features.host import Host
from desktop_app.features.playback.animation import AnimationRender
from desktop_app.features.playback.panel import PlaybackPanel
from desktop_app.views import plain_text
from desktop_app.workbench import MenuId, Workbench
from desktop_app.workbench.playback import Playback


class PlaybackFeature:
    """The playback controller, its dock's panel, and Briefing ▸ Export animation."""

    def __init__(self, workbench: Workbench, host: Host, playback: Playback) -> None:
        self.wb, self.host, self.playback = workbench, host, playback
        self.panel = PlaybackPanel(playback)
        self.render: AnimationRender | None = None
        playback.moved.connect(self._draw_trail)

    def _draw_trail(self, index: int, _count: int, _caption: str) -> None:
        """The map draws the last windows' events fading behind the current ones (and,
        while a trail is played, draws each next window with its trail in one push)."""
        self.host.map.trail_follows = index >= 0 and self.playback.trail > 0
        self.host.map.set_trail(self.playback.trail_masks())

    def export_dialog(self) -> None:
        window = self.host.window_widget()
        path, _ = QFileDialog.getSaveFileName(
            window, "Export animation", "playback.mp4", "MP4 video (*.mp4);;GIF (*.gif)"
        )
        if path:
            self.export_animation(Path(path))

    def export_animation(
        self, path: Path, fps: float = 2.0, size: QSize | None = None
    ) -> AnimationRender:
        """Render the playback as it is set (window, step) to ``path``; ``finished`` or
        ``failed`` on the returned renderer tell the end. A progress dialog can cancel."""
        render = AnimationRender(
            self.host,
            self.playback,
            path,
            fps,
            size,
            classification=self.wb.classification(),
            parent=self.wb,
        )
        self.render = render
        window = self.host.window_widget()
        progress = QProgressDialog("Rendering the animation…", "Cancel", 0, 0, window)
        progress.setWindowTitle("Export animation")
        progress.setMinimumDuration(500)
        progress.canceled.connect(render.cancel)

        def advance(done: int, total: int) -> None:
            progress.setMaximum(total)
            progress.setValue(done)

        render.progress.connect(advance)
        render.finished.connect(lambda p, n: self._done(progress, p, n))
        render.failed.connect(lambda message: self._failed(progress, message))
        render.start()
        return render

    def _done(self, progress: QProgressDialog, path: str, frames: int) -> None:
        progress.close()
        self.wb.messages.say(f"Animation written: {path} ({frames} frames)", 15000)

    def _failed(self, progress: QProgressDialog, message: str) -> None:
        progress.close()
        if message != "cancelled":
            plain_text.warn(self.host.window_widget(), "Export animation", message)


def install(workbench: Workbench, host: Host) -> PlaybackFeature:
    """The Playback dock (tabbed with the table) and its actions in the View menu."""
    playback = Playback(workbench)
    feature = PlaybackFeature(workbench, host, playback)
    host.add_dock(
        "playback",
        "Playback",
        feature.panel,
        Qt.DockWidgetArea.BottomDockWidgetArea,
        tabify_with="table",
    )
    host.docks["table"].raise_()
    add = workbench.actions.add
    add("view.playback.toggle", "&Play / pause the events", playback.toggle, menu=MenuId.VIEW,
        group=-1, shortcut="Ctrl+Space", tip="Step the time window through the events")  # fmt: skip
    add("view.playback.forward", "Playback: step &forward", lambda: playback.step(1),
        menu=MenuId.VIEW, group=-1, order=1, shortcut="Ctrl+.")  # fmt: skip
    add("view.playback.back", "Playback: step &back", lambda: playback.step(-1),
        menu=MenuId.VIEW, group=-1, order=2, shortcut="Ctrl+,")  # fmt: skip
    add("view.playback.stop", "Playback: &stop", playback.stop, menu=MenuId.VIEW, group=-1,
        order=3, tip="Stop and give back the time window you had")  # fmt: skip
    add("briefing.export_animation", "Export &animation…", feature.export_dialog,
        menu=MenuId.BRIEFING, group=4, order=2,
        tip="The playback as a video (MP4 or GIF) of map, timeline and dates")  # fmt: skip
    return feature
