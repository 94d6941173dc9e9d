"""The Stories pane: the project's stories and their steps (saved views), and the buttons
to save the current view, arrange steps and present.

The pane edits stories through :class:`desktop_app.store.views_repo.ViewsRepository`
(given with :meth:`StoriesView.set_repository`) and asks the composition root for
everything else: it gets the current view from a ``capture`` callable and emits
signals to show a view, present a story or export it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QSizePolicy,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.state.snapshot import PlaySpec, ViewSnapshot
from desktop_app.store.views_repo import StoryRecord, ViewsRepository
from desktop_app.views import plain_text

STORY_ROLE = Qt.ItemDataRole.UserRole  # story id on story items
STEP_ROLE = Qt.ItemDataRole.UserRole + 1  # step id on step items
DEFAULT_STORY = "Briefing"
PLAY_WIDTHS = [("Show it still", "-"), ("Play it a day at a time", "1d"),
               ("Play it a week at a time", "1w"), ("Play it a month at a time", "1M"),
               ("Play it a year at a time", "1y"),
               ("Play it growing (cumulative)", "")]  # fmt: skip
PLAY_STEPS = [("by the window", ""), ("by a day", "1d"), ("by a week", "1w"),
              ("by a month", "1M")]  # fmt: skip
PLAY_TRAILS = [("no trail", 0), ("a trail of 1 window", 1), ("a trail of 3 windows", 3)]
PLAY_MARK = "\u25b6 "  # a step that plays its period


class SaveViewDialog(QDialog):
    """Asks for a view's title and note, and whether presenting plays its period."""

    def __init__(self, title: str, note: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Save view")
        self.title_field = QLineEdit(title, self)
        self.title_field.selectAll()  # typing replaces the default title
        self.title_field.setFocus()
        self.note_field = QPlainTextEdit(note, self)
        self.note_field.setPlaceholderText("What this view shows (the caption when presenting)")
        self.note_field.setFixedHeight(90)
        self.play_box = self._combo(PLAY_WIDTHS, "Presenting this step plays its time window")
        self.step_box = self._combo(PLAY_STEPS, "How far each step of the playback moves")
        self.trail_box = self._combo(PLAY_TRAILS, "Earlier windows fading on the map")
        self.play_box.currentIndexChanged.connect(lambda _i: self._update_play())
        play_row = QHBoxLayout()
        for box in (self.play_box, self.step_box, self.trail_box):
            play_row.addWidget(box)
        form = QFormLayout()
        form.addRow("Title", self.title_field)
        form.addRow("Note", self.note_field)
        form.addRow("Period", play_row)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
            parent=self,
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(560, 250)
        self._update_play()

    def _combo(self, items: Sequence[tuple[str, object]], tip: str) -> QComboBox:
        box = QComboBox(self)
        box.setToolTip(tip)
        box.setAccessibleName(tip)
        for label, value in items:
            box.addItem(label, value)
        return box

    def _update_play(self) -> None:
        playing = self.play_box.currentData() != "-"
        self.step_box.setEnabled(playing)
        self.trail_box.setEnabled(playing and self.play_box.currentData() != "")

    def play(self) -> PlaySpec | None:
        """The playback chosen for the step (None: the step is shown still)."""
        width = str(self.play_box.currentData())
        if width == "-":
            return None
        step = str(self.step_box.currentData()) or None
        trail = int(self.trail_box.currentData()) if width else 0
        return PlaySpec(width or None, step if width or step else "1w", trail=trail)


class StoriesView(QWidget):
    """Stories and their steps.

    Signals:
        show_requested(object snapshot): show this saved view (a ViewSnapshot).
        present_requested(int story_id, int step_index): present a story from a step.
        stories_changed(): something was saved, renamed, moved or deleted.
    """

    show_requested = Signal(object)
    present_requested = Signal(int, int)
    stories_changed = Signal()

    def __init__(self, capture: Callable[[], ViewSnapshot], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._capture = capture
        self._repo: ViewsRepository | None = None
        self._stories: list[StoryRecord] = []

        self.tree = QTreeWidget(self)
        self.tree.setAccessibleName("Stories and their saved views")
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.itemDoubleClicked.connect(self._on_double_click)
        self.tree.currentItemChanged.connect(lambda *_a: self._update_buttons())
        self.hint = QLabel(
            "Save a view (Ctrl+S) to start a story: each saved view is a step.", self
        )
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #666;")

        self.save_button = self._button(
            "Save view…",
            "Save the current view as a step of the selected story",
            self.save_view_dialog,
        )
        self.new_story_button = self._button(
            "New story", "Start a new, empty story", self.new_story_dialog
        )
        self.add_button = self._button(
            "Add to story", "Copy the selected step into another story", None
        )
        self.add_menu = QMenu(self.add_button)
        self.add_menu.aboutToShow.connect(self._fill_add_menu)
        self.add_button.setMenu(self.add_menu)
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.up_button = self._button(
            "▲ Up", "Move the step earlier (or the story up)", lambda: self.move_current(-1)
        )
        self.down_button = self._button(
            "▼ Down", "Move the step later (or the story down)", lambda: self.move_current(1)
        )
        self.rename_button = self._button("Rename…", "Rename the story or step", self.rename_dialog)
        self.duplicate_button = self._button(
            "Duplicate", "Copy the story or step", self.duplicate_current
        )
        self.delete_button = self._button("Delete", "Delete the story or step", self.delete_current)
        self.present_button = self._button(
            "▶ Present", "Present the story full screen from the selected step (F5)", self._present
        )
        bold = QFont(self.present_button.font())
        bold.setBold(True)
        self.present_button.setFont(bold)

        grid = QGridLayout()
        grid.setSpacing(4)
        for i, b in enumerate(
            (
                self.save_button,
                self.new_story_button,
                self.add_button,
                self.up_button,
                self.down_button,
                self.rename_button,
                self.duplicate_button,
                self.delete_button,
                self.present_button,
            )
        ):
            grid.addWidget(b, i // 3, i % 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.hint)
        layout.addLayout(grid)
        self._update_buttons()

    def _button(self, text: str, tip: str, slot: Callable[[], object] | None) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        if slot is not None:
            button.clicked.connect(lambda _c=False: slot())
        return button

    # ------------------------------------------------------------------ data
    def set_repository(self, repo: ViewsRepository | None) -> None:
        self._repo = repo
        self.reload()

    @property
    def stories(self) -> list[StoryRecord]:
        return list(self._stories)

    def reload(self, story_id: int | None = None, step_id: int | None = None) -> None:
        """Read the stories again and select ``step_id`` (or ``story_id``, or the same)."""
        if story_id is None and step_id is None:
            story_id, step_id = self.current_story_id(), self.current_step_id()
        self._stories = self._repo.stories() if self._repo is not None else []
        self.tree.clear()
        current: QTreeWidgetItem | None = None
        for story in self._stories:
            count = len(story.steps)
            item = QTreeWidgetItem([f"{story.title}   ({count} view{'s' if count != 1 else ''})"])
            item.setData(0, STORY_ROLE, story.id)
            font = item.font(0)
            font.setBold(True)
            item.setFont(0, font)
            self.tree.addTopLevelItem(item)
            for number, step in enumerate(story.steps, start=1):
                plays = PlaySpec.from_dict(step.view.state.get("play")) is not None
                mark = PLAY_MARK if plays else ""
                child = QTreeWidgetItem([f"{number}. {mark}{step.view.title or 'Untitled view'}"])
                child.setData(0, STORY_ROLE, story.id)
                child.setData(0, STEP_ROLE, step.id)
                child.setToolTip(0, plain_text.tooltip(step.view.note or step.view.title))
                item.addChild(child)
                if step.id == step_id:
                    current = child
            item.setExpanded(True)
            if current is None and step_id is None and story.id == story_id:
                current = item
        if current is None and self.tree.topLevelItemCount():
            current = self.tree.topLevelItem(0)
        if current is not None:
            self.tree.setCurrentItem(current)
        self.hint.setVisible(not any(s.steps for s in self._stories))
        self._update_buttons()

    def current_story_id(self) -> int | None:
        item = self.tree.currentItem()
        value = item.data(0, STORY_ROLE) if item is not None else None
        return int(value) if value is not None else None

    def current_step_id(self) -> int | None:
        item = self.tree.currentItem()
        value = item.data(0, STEP_ROLE) if item is not None else None
        return int(value) if value is not None else None

    def current_step_index(self) -> int:
        """Index of the selected step in its story (0 when a story itself is selected)."""
        item = self.tree.currentItem()
        parent = item.parent() if item is not None else None
        return parent.indexOfChild(item) if parent is not None and item is not None else 0

    def select_step(self, story_id: int, index: int) -> None:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item is None or item.data(0, STORY_ROLE) != story_id:
                continue
            child = item.child(index) if 0 <= index < item.childCount() else None
            if child is not None:
                self.tree.setCurrentItem(child)

    # ------------------------------------------------------------------ actions
    def save_view(
        self,
        title: str,
        note: str = "",
        story_id: int | None = None,
        play: PlaySpec | None = None,
    ) -> int | None:
        """Save the current view as the last step of a story (the selected one, else the
        first, else a new one); ``play``: presenting the step plays its time window.
        Returns the new step id."""
        if self._repo is None:
            return None
        snapshot = self._capture().with_text(title, note).with_play(play)
        story_id = story_id or self.current_story_id()
        if story_id is None:
            story_id = self._repo.create_story(DEFAULT_STORY)
        view_id = self._repo.save_view(title, note, snapshot.to_dict())
        step_id = self._repo.add_step(story_id, view_id)
        self._changed(story_id, step_id)
        return step_id

    def save_view_dialog(self) -> None:
        if self._repo is None:
            return
        story = next((s for s in self._stories if s.id == self.current_story_id()), None)
        number = (len(story.steps) if story else 0) + 1
        dialog = SaveViewDialog(f"View {number}", parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.save_view(
                dialog.title_field.text().strip() or f"View {number}",
                dialog.note_field.toPlainText().strip(),
                play=dialog.play(),
            )

    def new_story(self, title: str) -> int | None:
        if self._repo is None:
            return None
        story_id = self._repo.create_story(title)
        self._changed(story_id, None)
        return story_id

    def new_story_dialog(self) -> None:
        title, ok = QInputDialog.getText(
            self, "New story", "Title", text=f"Story {len(self._stories) + 1}"
        )
        if ok and title.strip():
            self.new_story(title.strip())

    def _add_to(self, story_id: int, _checked: bool = False) -> None:
        self.add_to_story(story_id)

    def add_to_story(self, story_id: int) -> int | None:
        """Copy the selected step (its view) to the end of another story."""
        step_id = self.current_step_id()
        if self._repo is None or step_id is None:
            return None
        view = self._step_view_id(step_id)
        if view is None:
            return None
        new_step = self._repo.add_step(story_id, self._repo.duplicate_view(view))
        self._changed(story_id, new_step)
        return new_step

    def move_current(self, offset: int) -> None:
        if self._repo is None:
            return
        step_id, story_id = self.current_step_id(), self.current_story_id()
        if step_id is not None:
            self._repo.move_step(step_id, offset)
            self._changed(story_id, step_id)
        elif story_id is not None:
            order = [s.id for s in self._stories]
            i = order.index(story_id)
            j = max(0, min(i + offset, len(order) - 1))
            order.insert(j, order.pop(i))
            self._repo.reorder_stories(order)
            self._changed(story_id, None)

    def rename_current(self, title: str) -> None:
        if self._repo is None or not title.strip():
            return
        step_id, story_id = self.current_step_id(), self.current_story_id()
        if step_id is not None:
            view = self._step_view_id(step_id)
            if view is not None:
                self._repo.rename_view(view, title.strip())
            self._changed(story_id, step_id)
        elif story_id is not None:
            self._repo.rename_story(story_id, title.strip())
            self._changed(story_id, None)

    def rename_dialog(self) -> None:
        item = self.tree.currentItem()
        if item is None:
            return
        step_id = self.current_step_id()
        if step_id is not None:
            current = next(
                s.view.title for st in self._stories for s in st.steps if s.id == step_id
            )
        else:
            current = next(s.title for s in self._stories if s.id == self.current_story_id())
        title, ok = QInputDialog.getText(self, "Rename", "Title", text=current)
        if ok:
            self.rename_current(title)

    def duplicate_current(self) -> None:
        if self._repo is None:
            return
        step_id, story_id = self.current_step_id(), self.current_story_id()
        if step_id is not None:
            self._changed(story_id, self._repo.duplicate_step(step_id))
        elif story_id is not None:
            self._changed(self._repo.duplicate_story(story_id), None)

    def delete_current(self, confirm: bool = True) -> None:
        if self._repo is None:
            return
        step_id, story_id = self.current_step_id(), self.current_story_id()
        if step_id is not None:
            self._repo.remove_step(step_id)
            self._changed(story_id, None)
        elif story_id is not None:
            story = next(s for s in self._stories if s.id == story_id)
            if (
                confirm
                and story.steps
                and not plain_text.ask(
                    self,
                    "Delete story",
                    f"Delete the story “{story.title}” and its {len(story.steps)} views?",
                )
            ):
                return
            self._repo.delete_story(story_id)
            self._changed(None, None)

    def snapshot_of(self, step_id: int) -> ViewSnapshot | None:
        for story in self._stories:
            for step in story.steps:
                if step.id == step_id:
                    return ViewSnapshot.from_dict(step.view.state).with_text(
                        step.view.title, step.view.note
                    )
        return None

    # ------------------------------------------------------------------ internals
    def _changed(self, story_id: int | None, step_id: int | None) -> None:
        self.reload(story_id if story_id is not None else -1, step_id)
        self.stories_changed.emit()

    def _step_view_id(self, step_id: int) -> int | None:
        return next((s.view.id for st in self._stories for s in st.steps if s.id == step_id), None)

    def _fill_add_menu(self) -> None:
        self.add_menu.clear()
        here = self.current_story_id()
        for story in self._stories:
            if story.id != here:
                action = self.add_menu.addAction(story.title.replace("&", "&&"))
                action.triggered.connect(partial(self._add_to, story.id))
        if self.add_menu.isEmpty():
            action = self.add_menu.addAction("(make another story first)")
            action.setEnabled(False)

    def _on_double_click(self, item: QTreeWidgetItem, _column: int) -> None:
        step_id = item.data(0, STEP_ROLE)
        if step_id is not None:
            snapshot = self.snapshot_of(int(step_id))
            if snapshot is not None:
                self.show_requested.emit(snapshot)

    def _present(self) -> None:
        story_id = self.current_story_id()
        if story_id is not None:
            self.present_requested.emit(story_id, self.current_step_index())

    def _update_buttons(self) -> None:
        has_repo = self._repo is not None
        story = self.current_story_id() is not None
        step = self.current_step_id() is not None
        steps = any(s.steps for s in self._stories if s.id == self.current_story_id())
        self.save_button.setEnabled(has_repo)
        self.new_story_button.setEnabled(has_repo)
        self.add_button.setEnabled(step and len(self._stories) > 1)
        for b in (
            self.up_button,
            self.down_button,
            self.rename_button,
            self.duplicate_button,
            self.delete_button,
        ):
            b.setEnabled(story)
        self.present_button.setEnabled(steps)
