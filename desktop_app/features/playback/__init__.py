"""Time playback: step the time window through the events (every pane follows) and
render it to a video for the briefing."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop_app.features.host import Host
from desktop_app.features.playback.controller import Playback
from desktop_app.features.playback.panel import PlaybackPanel
from desktop_app.workbench import MenuId, Workbench


class PlaybackFeature:
    """The playback controller and its dock's panel."""

    def __init__(self, playback: Playback, panel: PlaybackPanel) -> None:
        self.playback, self.panel = playback, panel


def install(workbench: Workbench, host: Host) -> PlaybackFeature:
    """The Playback dock (tabbed with the table) and its actions in the View menu."""
    playback = Playback(workbench)
    panel = PlaybackPanel(playback)
    host.add_dock(
        "playback", "Playback", panel, Qt.DockWidgetArea.BottomDockWidgetArea, tabify_with="table"
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
    return PlaybackFeature(playback, panel)
