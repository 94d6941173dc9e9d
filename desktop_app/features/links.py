"""The link chart: its dock, the Links menu (ego network, shortest path, merge and
rename actors, GraphML/GEXF export), and the undoable actor edits.

``install`` makes the :class:`~desktop_app.views.links.LinksView`, attaches it to the
linker (it follows the filters and the time window like every pane), runs its graph
work on the workbench's task runner, and docks it tabified with the table. Merging and
renaming actors are commands on the workbench's undo stack, each one store function of
:mod:`desktop_app.store.actors`; after each the events are read again
(``workbench.reload``), since a merge changes the links of many events.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QInputDialog,
    QLineEdit,
)

from desktop_app.features.host import Host
from desktop_app.graph.export import write_graph
from desktop_app.graph.svg import write_svg
from desktop_app.store import actors as store
from desktop_app.store.editing import EditError
from desktop_app.store.guard import WriteBusy
from desktop_app.store.project import Project, WriteFailed
from desktop_app.views.links import LinksView
from desktop_app.workbench import MenuId, Workbench

log = logging.getLogger("sightline.links")


class Links(QObject):
    """The window's link chart.

    Signals:
        written(): a merge, rename, or their undo or redo reached the store.
    """

    written = Signal()

    def __init__(self, workbench: Workbench, host: Host) -> None:
        super().__init__(workbench)
        self.wb, self.host = workbench, host
        self.window = host.window_widget()
        self.view = LinksView(workbench.selection)
        self.view.runner = self._run
        self.last_message = ""
        workbench.linker.attach([self.view])
        if len(workbench.linker.frame):  # a frame came before the pane
            self.view.set_frame(workbench.linker.frame)
            self.view.set_visible(workbench.linker.visible)
        self.dock = host.add_dock(
            "links", "Links", self.view, Qt.DockWidgetArea.BottomDockWidgetArea,
            tabify_with="table",
        )  # fmt: skip
        table = host.docks.get("table")
        if table is not None and workbench.settings.value("window/state") is None:
            # a first start: the table stays the tab shown (a tab bar exists once the
            # window is shown, so on the event loop's first turn); a saved layout keeps
            # whichever tab the analyst left on top
            QTimer.singleShot(0, table.raise_)
        self._declare_actions()

    def _run(
        self, fn: Callable[..., Any], args: tuple[Any, ...], done: Callable[[Any], None]
    ) -> None:
        self.wb.tasks.run("links", fn, *args, label="Drawing the link chart…", on_success=done)

    def _declare_actions(self) -> None:
        add, menu = self.wb.actions.add, MenuId.LINKS
        add("links.ego", "&Ego network of the picked node", self.ego, menu=menu,
            tip="The picked node and everything linked to it")  # fmt: skip
        add("links.whole", "&Whole chart", self.view.show_all, menu=menu, order=1,
            tip="Back from an ego network or a path to the top nodes")  # fmt: skip
        add("links.path", "&Shortest path…", self.path_dialog, menu=menu, order=2,
            tip="The fewest links between two actors, and the events along them")  # fmt: skip
        add("links.merge", "&Merge actors…", self.merge_dialog, menu=menu, group=1,
            tip="Two actors that are the same one (undoable)")  # fmt: skip
        add("links.rename", "&Rename actor…", self.rename_dialog, menu=menu, group=1, order=1)
        add("links.export", "Export &GraphML/GEXF/SVG…", self.export_dialog, menu=menu,
            group=2, tip="The chart as drawn: for Gephi or networkx, or as a picture")  # fmt: skip

    # ------------------------------------------------------------------ analysis
    def show(self) -> None:
        self.dock.show()
        self.dock.raise_()

    def ego(self) -> None:
        picked = self.view.picked_keys()
        if not picked:
            self._say("Pick a node in the link chart first.")
            return
        self.show()
        self.view.show_ego(picked[0])

    def actor_names(self) -> list[str]:
        return list(self.wb.linker.frame.multi["actor"].names)

    def _picked_actor_names(self) -> list[str]:
        return [k.split(":", 1)[1] for k in self.view.picked_keys() if k.startswith("actor:")]

    def path(self, start: str, goal: str) -> list[int] | None:
        """Show the shortest path between two actors (names) and select its events."""
        if self.view.choice not in ("actors", "mixed"):
            self.view.set_choice("actors")
        self.show()
        ids = self.view.show_path(f"actor:{start}", f"actor:{goal}")
        if ids is None:
            self._say(f"No chain of shared events joins “{start}” and “{goal}”.")
        else:
            self._say(f"{start} to {goal}: {len(ids):,} events along the shortest path.")
        return ids

    def path_dialog(self) -> None:
        values = self._two_actors("Shortest path", "From:", "To:")
        if values is not None:
            self.path(*values)

    # ------------------------------------------------------------------ actor edits
    @property
    def project(self) -> Project:
        project = self.wb.project
        if project is None:
            raise EditError("no project is open")
        return project

    def merge(self, kept: str, merged: str) -> bool:
        """Merge the actor ``merged`` into ``kept`` (names), undoably."""
        try:
            kept_id = store.actor_id(self.project, kept)
            merged_id = store.actor_id(self.project, merged)
        except EditError as exc:
            return self._refused(str(exc))
        done: list[store.ActorMerge] = []  # the last merge, which its undo needs

        def apply() -> None:
            done[:] = [store.merge_actors(self.project, kept_id, merged_id)]

        return self._push(
            _ActorCommand(
                self,
                f"Merge actor “{merged[:40]}” into “{kept[:40]}”",
                apply,
                lambda: store.unmerge_actors(self.project, done[0]),
            )
        )

    def rename(self, old: str, new: str) -> bool:
        try:
            actor = store.actor_id(self.project, old)
        except EditError as exc:
            return self._refused(str(exc))
        return self._push(
            _ActorCommand(
                self,
                f"Rename actor “{old[:40]}”",
                lambda: store.rename_actor(self.project, actor, new),
                lambda: store.rename_actor(self.project, actor, old),
            )
        )

    def _push(self, command: _ActorCommand) -> bool:
        if not command.attempt(command.apply):
            return self._refused(f"“{command.text()}” was not made: {command.error}")
        command.written = True
        self.wb.undo_stack.push(command)  # its redo() only reloads
        return True

    def merge_dialog(self) -> None:
        values = self._two_actors("Merge actors", "Keep:", "Merge into it:")
        if values is not None:
            self.merge(*values)

    def rename_dialog(self) -> None:
        names = self.actor_names()
        if not names:
            self._say("There is no actor to rename.")
            return
        picked = self._picked_actor_names()
        old, ok = QInputDialog.getItem(
            self.window, "Rename actor", "Actor:", names,
            names.index(picked[0]) if picked else 0, False,
        )  # fmt: skip
        if not ok:
            return
        new, ok = QInputDialog.getText(
            self.window, "Rename actor", "New name:", QLineEdit.EchoMode.Normal, old
        )
        if ok and new.strip() and new != old:
            self.rename(old, new)

    def _two_actors(self, title: str, first: str, second: str) -> tuple[str, str] | None:
        names = self.actor_names()
        if len(names) < 2:
            self._say("There are not two actors.")
            return None
        dialog = QDialog(self.window)
        dialog.setWindowTitle(title)
        form = QFormLayout(dialog)
        boxes = []
        picked = self._picked_actor_names()
        for i, text in enumerate((first, second)):
            box = QComboBox()
            box.addItems(names)  # item text is always plain
            if i < len(picked):
                box.setCurrentIndex(names.index(picked[i]))
            form.addRow(text, box)
            boxes.append(box)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        form.addRow(buttons)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        a, b = boxes[0].currentText(), boxes[1].currentText()
        if a == b:
            self._say("Choose two different actors.")
            return None
        return a, b

    # ------------------------------------------------------------------ export
    def export_graph(self, path: Path) -> str:
        """Write the chart as drawn to ``path`` (.graphml, .gexf, or .svg for the
        picture); returns the kind."""
        self.view.bring_up_to_date()  # a hidden pane's chart waits for it to be shown
        chart, graph = self.view.chart, self.view.graph
        if chart is None or graph is None:
            raise ValueError("the link chart is not drawn yet")
        if path.suffix.lower() == ".svg":
            write_svg(chart, self.view.canvas.positions, path)
            kind = "svg"
        else:
            kind = write_graph(chart, graph.keys, path, self.wb.linker.frame.ids)
        self._say(f"Exported the link chart ({len(chart):,} nodes) as {kind}: {path}")
        return kind

    def export_dialog(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self.window, "Export the link chart", "links.graphml",
            "GraphML (*.graphml);;GEXF for Gephi (*.gexf);;SVG picture (*.svg)",
        )  # fmt: skip
        if name:
            try:
                self.export_graph(Path(name))
            except (OSError, ValueError) as exc:
                self._refused(f"The link chart was not exported: {exc}")

    # ------------------------------------------------------------------ messages
    def _say(self, text: str) -> None:
        self.last_message = text
        self.wb.messages.say(text)

    def _refused(self, text: str) -> bool:
        self._say(text)
        self.wb.messages.warn("Not saved", text)
        return False


class _ActorCommand(QUndoCommand):
    """An actor edit: ``apply`` writes it, ``revert`` undoes it, then every event is
    read again. Pushed once its write has committed (``written``), so its first
    ``redo`` only reloads; undone or redone by the stack, it writes, and a failed write
    drops the command (obsolete) with a message instead of raising."""

    def __init__(
        self,
        links: Links,
        text: str,
        apply: Callable[[], object],
        revert: Callable[[], object],
    ) -> None:
        super().__init__(text)
        self.links = links
        self._apply, self._revert = apply, revert
        self.error: str | None = None
        self.written = False

    def apply(self) -> None:
        self._apply()

    def revert(self) -> None:
        self._revert()

    def attempt(self, step: Callable[[], None]) -> bool:
        try:
            step()
        except (EditError, WriteBusy, WriteFailed) as exc:
            self.error = str(exc)
            return False
        except Exception as exc:  # a bug: logged, told as a sentence
            log.error("an actor edit failed", exc_info=exc)
            self.error = "an unexpected error (the details are in the log)"
            return False
        self.error = None
        return True

    def _step(self, step: Callable[[], None], verb: str) -> None:
        if self.written:
            self.written = False
        elif not self.attempt(step):
            self.setObsolete(True)
            self.links._refused(f"{verb} “{self.text()}” failed: {self.error}")
            return
        self.links.wb.reload()
        self.links.written.emit()

    def redo(self) -> None:
        self._step(self.apply, "Redo of")

    def undo(self) -> None:
        self._step(self.revert, "Undo of")


def install(workbench: Workbench, host: Host) -> Links:
    return Links(workbench, host)
