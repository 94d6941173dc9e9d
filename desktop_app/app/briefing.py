"""Briefing: capture and apply saved views, and the Stories dock and Briefing menu.

``capture_view`` reads a window's state into a :class:`ViewSnapshot`; ``apply_view``
puts one back (filters, selection, timeline range, map view), gliding the timeline
and flying the map when asked to. Both work on any *stage*: the main window or the
presentation window, which share the selection and filters but not the view.
``install_briefing(window)`` adds the Stories dock and the Briefing menu to a
:class:`~desktop_app.app.window.MainWindow`.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QEasingCurve, QObject, Qt, QVariantAnimation, Signal
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QDockWidget, QFileDialog, QInputDialog, QMenu

from desktop_app.state.models import FilterModel, SelectionModel, ViewState
from desktop_app.state.snapshot import ViewSnapshot, story_steps
from desktop_app.store.views_repo import ViewsRepository
from desktop_app.views import plain_text
from desktop_app.views.map import MapView
from desktop_app.views.stories import StoriesView
from desktop_app.views.timeline import TimelineView

if TYPE_CHECKING:
    from desktop_app.app.pack_capture import PackCapture
    from desktop_app.app.presentation import PresentationWindow
    from desktop_app.app.window import MainWindow

GLIDE_MS = 800  # the timeline's move to a step's range
FLY_SECONDS = 1.2  # the map's flight to a step's view
CLASSIFICATION_KEY = "classification"


class Stage(Protocol):
    """What a view is applied to: the main window or the presentation window."""

    selection: SelectionModel
    filters: FilterModel
    view_state: ViewState
    map: MapView
    timeline: TimelineView


# ---------------------------------------------------------------------- views
def capture_view(stage: Stage, title: str = "", note: str = "") -> ViewSnapshot:
    """The stage's current picture: filters, selection, timeline range and map view."""
    timeline = stage.view_state.timeline or stage.timeline.time_range
    return ViewSnapshot(
        title=title,
        note=note,
        timeline=timeline,
        map=stage.view_state.map,
        filters=stage.filters.filters,
        selection=stage.selection.ids,
        active=stage.selection.active,
    )


def apply_view(stage: Stage, snapshot: ViewSnapshot, animate: bool = True) -> None:
    """Return the stage to ``snapshot``; with ``animate`` the timeline glides and the map
    flies there (the view state follows once they arrive)."""
    stage.filters.set(snapshot.filters, source=stage)
    stage.selection.set(snapshot.selection, active=snapshot.active, source=stage)
    glide = _glide_of(stage.view_state)
    glide.stop()
    if snapshot.timeline is not None:
        current = stage.view_state.timeline
        if animate and current is not None and current != snapshot.timeline:
            glide.start_to(current, snapshot.timeline)
        else:
            stage.view_state.set_timeline(*snapshot.timeline, source=stage)
    if snapshot.map is not None:
        m = snapshot.map
        if animate and stage.map.is_ready and stage.view_state.map is not None:
            stage.map.fly_to(m.lat, m.lon, m.zoom, FLY_SECONDS)
        else:
            stage.view_state.set_map(m, source=stage)


class _TimelineGlide(QVariantAnimation):
    """Moves ``ViewState.timeline`` to a new range: the centre moves linearly and the
    span changes geometrically, so zooming far in or out looks even."""

    NAME = "sightline-timeline-glide"

    def __init__(self, view_state: ViewState) -> None:
        super().__init__(view_state)
        self.setObjectName(self.NAME)
        self._view_state = view_state
        self._from = (0, 1)
        self._to = (0, 1)
        self.setStartValue(0.0)
        self.setEndValue(1.0)
        self.setDuration(GLIDE_MS)
        self.setEasingCurve(QEasingCurve.Type.InOutCubic)
        self.valueChanged.connect(self._step)

    def start_to(self, start: tuple[int, int], end: tuple[int, int]) -> None:
        self._from, self._to = start, end
        self.start()

    def _step(self, value: object) -> None:
        f = float(value)  # type: ignore[arg-type]
        if f >= 1.0:
            t0, t1 = self._to
        else:
            (a0, a1), (b0, b1) = self._from, self._to
            centre = (a0 + a1) / 2 * (1 - f) + (b0 + b1) / 2 * f
            span = math.exp(math.log(max(a1 - a0, 1)) * (1 - f) + math.log(max(b1 - b0, 1)) * f)
            t0, t1 = round(centre - span / 2), round(centre + span / 2)
        self._view_state.set_timeline(t0, t1, source=self)


def _glide_of(view_state: ViewState) -> _TimelineGlide:
    glide = view_state.findChild(_TimelineGlide, _TimelineGlide.NAME)
    return glide if isinstance(glide, _TimelineGlide) else _TimelineGlide(view_state)


# ---------------------------------------------------------------------- the window part
class Briefing(QObject):
    """The Stories dock, the Briefing menu, presenting and the PDF pack of one window.

    Signals:
        presentation_started(object window): a PresentationWindow is showing.
        pack_written(str path, int pages): a PDF pack was written.
    """

    presentation_started = Signal(object)
    pack_written = Signal(str, int)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.presentation: PresentationWindow | None = None
        self.capture: PackCapture | None = None
        self.stories = StoriesView(lambda: capture_view(window))
        self.stories.show_requested.connect(lambda snap: apply_view(window, snap))
        self.stories.present_requested.connect(self.present)

        dock = QDockWidget("Stories", window)
        dock.setObjectName("dock-stories")
        dock.setWidget(self.stories)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        if "details" in window.docks:
            window.tabifyDockWidget(window.docks["details"], dock)
            window.docks["details"].raise_()
        window.docks["stories"] = dock
        self.dock = dock
        self._menu()
        window.frame_loaded.connect(self._project_changed)
        self._project_changed()

    # ------------------------------------------------------------------ menu
    def _menu(self) -> None:
        bar = self.window.menuBar()
        menu = QMenu("&Briefing", bar)
        help_action = next((a for a in bar.actions() if a.text() == "&Help"), None)
        if help_action is not None:
            bar.insertMenu(help_action, menu)
        else:
            bar.addMenu(menu)
        self.menu = menu
        self.save_action = self._action("&Save view…", self.stories.save_view_dialog, "Ctrl+S")
        self.present_action = self._action("&Present story", self.present_current, "F5")
        self.present_here_action = self._action(
            "Present from selected &step", self.present_from_selected, "Shift+F5"
        )
        self.screen_menu = menu.addMenu("Present &on screen")
        self.screen_menu.aboutToShow.connect(self._fill_screens)
        menu.addSeparator()
        self.export_action = self._action(
            "&Export PDF pack…", lambda: self.export_dialog(None), "Ctrl+P"
        )
        self.classification_action = self._action(
            "&Classification line…", self.classification_dialog
        )
        menu.addSeparator()
        menu.addAction(self.dock.toggleViewAction())

    def _action(self, text: str, slot: object, shortcut: str | None = None) -> QAction:
        action = QAction(text, self.window)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _c=False: slot())  # type: ignore[operator]
        self.menu.addAction(action)
        return action

    def _fill_screens(self) -> None:
        self.screen_menu.clear()
        group = QActionGroup(self.screen_menu)
        chosen = self.presentation_screen()
        for screen in QGuiApplication.screens():
            geometry = screen.geometry()
            action = self.screen_menu.addAction(
                f"{screen.name() or 'Screen'}  ({geometry.width()}×{geometry.height()})"
            )  # noqa: RUF001 (typography)
            action.setCheckable(True)
            action.setChecked(screen is chosen)
            group.addAction(action)
            name = screen.name()
            action.triggered.connect(
                lambda _c=False, n=name: self.window.settings.setValue("briefing/screen", n)
            )

    def presentation_screen(self) -> object:
        """The chosen screen; by default one the main window is not on (a projector)."""
        screens = QGuiApplication.screens()
        name = self.window.settings.value("briefing/screen")
        for screen in screens:
            if name and screen.name() == name:
                return screen
        here = self.window.screen()
        return next((s for s in screens if s is not here), here)

    # ------------------------------------------------------------------ project
    @property
    def repository(self) -> ViewsRepository | None:
        project = self.window.project
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
        project = self.window.project
        return project.get_setting(CLASSIFICATION_KEY) if project is not None else ""

    def set_classification(self, text: str) -> None:
        if self.window.project is not None:
            self.window.project.set_setting(CLASSIFICATION_KEY, text.strip())

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
        from desktop_app.app.presentation import PresentationWindow

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
            self.window, steps, story_title=title, classification=self.classification(), start=start
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
        from desktop_app.app.pack_capture import PackCapture

        title, steps = self.story_steps(story_id)
        capture = PackCapture(self.window, title, steps, path, self.classification(), parent=self)
        self.capture = capture
        capture.finished.connect(self._pack_done)
        capture.failed.connect(
            lambda message: plain_text.warn(
                self.window, "Export PDF pack", f"The pack was not written: {message}"
            )
        )
        self.window.statusBar().showMessage(f"Writing the briefing pack of “{title}”…")
        capture.start()
        return capture

    def _pack_done(self, path: str, pages: int) -> None:
        self.window.statusBar().showMessage(f"Briefing pack written: {path} ({pages} pages)", 15000)
        self.pack_written.emit(path, pages)


def install_briefing(window: MainWindow) -> Briefing:
    """Add the Stories dock and the Briefing menu to ``window`` (once)."""
    existing = getattr(window, "briefing", None)
    if isinstance(existing, Briefing):
        return existing
    return Briefing(window)
