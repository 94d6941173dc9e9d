"""Briefing: the Stories dock, the Briefing menu, presenting and the PDF pack.

Saved views are captured and applied by :mod:`.snapshots`; presenting is
:mod:`.presentation`, the PDF pack :mod:`.pack_capture`. ``install`` adds the Stories
dock (tabbed with Details) and declares the Briefing menu's actions.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QActionGroup, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QInputDialog

from desktop_app.features.briefing.pack_capture import PackCapture
from desktop_app.features.briefing.presentation import PresentationWindow
from desktop_app.features.briefing.snapshots import MainStage, apply_view, capture_view
from desktop_app.features.host import Host
from desktop_app.state.snapshot import ViewSnapshot, story_steps
from desktop_app.store.views_repo import ViewsRepository
from desktop_app.views import plain_text
from desktop_app.views.stories import StoriesView
from desktop_app.workbench import MenuId, Workbench


class Briefing(QObject):
    """The Stories dock, the Briefing menu, presenting and the PDF pack of one window.

    Signals:
        presentation_started(object window): a PresentationWindow is showing.
        pack_written(str path, int pages): a PDF pack was written.
    """

    presentation_started = Signal(object)
    pack_written = Signal(str, int)

    def __init__(self, workbench: Workbench, host: Host) -> None:
        super().__init__(workbench)
        self.wb, self.host = workbench, host
        self.window = host.window_widget()  # dialogs' parent
        self.stage = MainStage(workbench, host)
        self.presentation: PresentationWindow | None = None
        self.capture: PackCapture | None = None
        self.stories = StoriesView(lambda: capture_view(self.stage))
        self.stories.show_requested.connect(lambda snap: apply_view(self.stage, snap))
        self.stories.present_requested.connect(self.present)
        self.dock = host.add_dock(
            "stories",
            "Stories",
            self.stories,
            Qt.DockWidgetArea.RightDockWidgetArea,
            tabify_with="details",
        )
        host.docks["details"].raise_()
        self._declare_actions()
        workbench.frame_loaded.connect(self._project_changed)
        self._project_changed()

    # ------------------------------------------------------------------ menu
    def _declare_actions(self) -> None:
        add = self.wb.actions.add
        menu = MenuId.BRIEFING
        self.save_action = add("briefing.save_view", "&Save view…",
                               self.stories.save_view_dialog, menu=menu, shortcut="Ctrl+S",
                               tip="Save the current view as a step of a story")  # fmt: skip
        self.present_action = add("briefing.present", "&Present story", self.present_current,
                                  menu=menu, order=1, shortcut="F5")  # fmt: skip
        self.present_here_action = add("briefing.present_from_step",
                                       "Present from selected &step", self.present_from_selected,
                                       menu=menu, order=2, shortcut="Shift+F5")  # fmt: skip
        self.export_action = add("briefing.export_pack", "&Export PDF pack…",
                                 lambda: self.export_dialog(None), menu=menu, group=4,
                                 shortcut="Ctrl+P")  # fmt: skip
        self.classification_action = add("briefing.classification", "&Classification line…",
                                          self.classification_dialog, menu=menu, group=4,
                                          order=1)  # fmt: skip
        self.wb.actions.adopt("briefing.stories_pane", self.dock.toggleViewAction(), menu,
                              group=6)  # fmt: skip
        self._fill_screens()
        # screens come and go (a projector plugged in): the list follows
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.screenAdded.connect(lambda _s: self._fill_screens())
            app.screenRemoved.connect(lambda _s: self._fill_screens())

    def _fill_screens(self) -> None:
        registry = self.wb.actions
        registry.clear(MenuId.BRIEFING_SCREEN)
        group = QActionGroup(self)
        chosen = self.presentation_screen()
        for n, screen in enumerate(QGuiApplication.screens()):
            geometry = screen.geometry()
            name = screen.name()
            action = registry.add(
                f"briefing.screen.{n}",
                f"{name or 'Screen'}  ({geometry.width()}×{geometry.height()})",  # noqa: RUF001 (typography)
                self._chooser(name),
                menu=MenuId.BRIEFING_SCREEN,
                order=n,
                checkable=True,
            )
            action.setChecked(screen is chosen)
            group.addAction(action)

    def _chooser(self, name: str) -> Callable[[], None]:
        return lambda: self.choose_screen(name)

    def choose_screen(self, name: str) -> None:
        self.wb.settings.setValue("briefing/screen", name)

    def presentation_screen(self) -> object:
        """The chosen screen; by default one the main window is not on (a projector)."""
        screens = QGuiApplication.screens()
        name = self.wb.settings.value("briefing/screen")
        for screen in screens:
            if name and screen.name() == name:
                return screen
        here = self.window.screen()
        return next((s for s in screens if s is not here), here)

    # ------------------------------------------------------------------ project
    @property
    def repository(self) -> ViewsRepository | None:
        project = self.wb.project
        return ViewsRepository(project) if project is not None else None

    def _project_changed(self) -> None:
        repo = self.repository
        if (
            repo is None
            or self.stories._repo is None
            or self.stories._repo.project is not repo.project
        ):
            self.stories.set_repository(repo)

    def classification(self) -> str:
        return self.wb.classification()

    def set_classification(self, text: str) -> None:
        self.wb.set_classification(text)

    def classification_dialog(self) -> None:
        text, ok = QInputDialog.getText(
            self.window,
            "Classification line",
            "Printed at the top and bottom of every exported page and shown when presenting\n"
            "(free text, e.g. OFFICIAL-SENSITIVE; empty for none):",
            text=self.classification(),
        )
        if ok:
            self.set_classification(text)

    # ------------------------------------------------------------------ presenting
    def story_steps(self, story_id: int) -> tuple[str, list[ViewSnapshot]]:
        return story_steps(self.repository, story_id)

    def present_current(self) -> None:
        story_id = self.stories.current_story_id()
        if story_id is None and self.stories.stories:
            story_id = self.stories.stories[0].id
        if story_id is not None:
            self.present(story_id, 0)

    def present_from_selected(self) -> None:
        story_id = self.stories.current_story_id()
        if story_id is not None:
            self.present(story_id, self.stories.current_step_index())

    def present(
        self, story_id: int, start: int = 0, full_screen: bool = True
    ) -> PresentationWindow | None:
        title, steps = self.story_steps(story_id)
        if not steps:
            plain_text.inform(
                self.window,
                "Present",
                "This story has no views yet: save a view first (Briefing ▸ Save view…).",
            )
            return None
        if self.presentation is not None:
            self.presentation.close()
        shown = PresentationWindow(
            self.stage, steps, story_title=title, classification=self.classification(), start=start
        )
        self.presentation = shown

        def finished() -> None:
            self.stories.select_step(story_id, shown.index)
            if self.presentation is shown:
                self.presentation = None
            shown.deleteLater()

        shown.closed.connect(finished)
        shown.present(self.presentation_screen(), full_screen=full_screen)  # type: ignore[arg-type]
        self.presentation_started.emit(shown)
        return shown

    # ------------------------------------------------------------------ PDF pack
    def export_dialog(self, story_id: int | None) -> None:
        story_id = story_id or self.stories.current_story_id()
        if story_id is None and self.stories.stories:
            story_id = self.stories.stories[0].id
        if story_id is None:
            plain_text.inform(self.window, "Export PDF pack", "Save a view into a story first.")
            return
        title, _ = self.story_steps(story_id)
        name = "".join(c if c.isalnum() or c in " -_" else "_" for c in title).strip()
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Export PDF briefing pack", f"{name or 'briefing'}.pdf", "PDF (*.pdf)"
        )
        if path:
            self.export_pack(story_id, Path(path))

    def export_pack(self, story_id: int, path: Path) -> PackCapture:
        """Write the story's pack on the event loop; ``pack_written`` tells when it is done."""
        title, steps = self.story_steps(story_id)
        capture = PackCapture(self.stage, title, steps, path, self.classification(), parent=self)
        self.capture = capture
        capture.finished.connect(self._pack_done)
        capture.failed.connect(
            lambda message: plain_text.warn(
                self.window, "Export PDF pack", f"The pack was not written: {message}"
            )
        )
        self.wb.messages.say(f"Writing the briefing pack of “{title}”…", 0)
        capture.start()
        return capture

    def _pack_done(self, path: str, pages: int) -> None:
        self.wb.messages.say(f"Briefing pack written: {path} ({pages} pages)", 15000)
        self.pack_written.emit(path, pages)


def install(workbench: Workbench, host: Host) -> Briefing:
    """Add the Stories dock and declare the Briefing menu."""
    return Briefing(workbench, host)
