"""Event text is plain text in every Qt widget: labels, tooltips, message boxes, captions.

A hostile title names a real local image and carries markup; wherever the window shows
it, Qt must show the characters, never read the file or draw the bold "warning".
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QTextDocument, QTextImageFormat
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import QLabel, QMessageBox, QTreeWidget, QWidget

from desktop_app.ingest.pipeline import import_file
from desktop_app.state.snapshot import ViewSnapshot
from desktop_app.store.project import Project
from desktop_app.store.views_repo import ViewsRepository
from desktop_app.views import plain_text
from desktop_app.views.table.model import Column


def _hostile_project(project: Project, tmp_path: Path) -> tuple[str, str]:
    image = tmp_path / "secret.png"
    picture = QImage(8, 8, QImage.Format.Format_RGB32)
    picture.fill(QColor("red"))
    assert picture.save(str(image))
    title = f'<img src="{image}"><b>FAKE WARNING</b>'
    actor = "<i>Actor</i> <img src='file:///etc/hostname'>"
    path = tmp_path / "hostile.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "date", "lat", "lon", "actors", "description"])
        writer.writerow([title, "2024-08-01", "50.45", "30.52", actor, "<h1>big</h1>"])
        writer.writerow(["plain event", "2024-08-02", "55.75", "37.61", "Someone", ""])
    result = import_file(project, path)
    assert result.imported == 2
    return title, actor


def _shows_literally(tip: str, text: str) -> None:
    """Rendered as Qt renders a tooltip, ``tip`` shows ``text`` and holds no image."""
    document = QTextDocument()
    if GuiQt.mightBeRichText(tip):
        document.setHtml(tip)
    else:
        document.setPlainText(tip)
    assert text in document.toPlainText()
    block = document.begin()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            fragment = fragments.fragment()
            assert not fragment.charFormat().isImageFormat(), tip
            assert not isinstance(fragment.charFormat(), QTextImageFormat)
            assert not fragment.charFormat().font().bold(), tip
            fragments += 1
        block = block.next()


def _labels_are_plain(root: QWidget, needle: str) -> int:
    """Every label showing ``needle`` shows it as plain text; how many showed it."""
    seen = 0
    for label in root.findChildren(QLabel):
        if needle in label.text():
            seen += 1
            assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName()
    return seen


def test_tooltip_helper_shows_markup_literally() -> None:
    for text in ("<b>bold</b>", "<img src='/etc/passwd'>", "a & b\nline two", "plain"):
        _shows_literally(plain_text.tooltip(text), text.split("\n")[0])
    assert plain_text.tooltip("") == ""


def test_message_boxes_show_plain_text(qtbot: Any) -> None:
    box = plain_text.message_box(None, QMessageBox.Icon.Warning, "t", "<b>not bold</b>")
    qtbot.addWidget(box)
    assert box.textFormat() == Qt.TextFormat.PlainText


def test_event_text_is_plain_in_every_pane(
    make_main_window: Any, qtbot: Any, project: Project, tmp_path: Path
) -> None:
    title, actor = _hostile_project(project, tmp_path)
    window = make_main_window(project)
    frame = window.workbench.linker.frame
    ids = [int(i) for i in frame.ids]

    # table: the title cell's tooltip
    model = window.table.model
    rows = [r for r in range(model.rowCount()) if model.data(model.index(r, Column.TITLE)) == title]
    assert rows
    tip = model.data(model.index(rows[0], Column.TITLE), Qt.ItemDataRole.ToolTipRole)
    _shows_literally(tip, title)

    # details: several selected -> a list whose items carry the title as a tooltip
    window.workbench.selection.set(ids, source="test")
    items = [window.details.event_list.item(i) for i in range(window.details.event_list.count())]
    tips = [item.toolTip() for item in items if title in item.text()]
    assert tips
    _shows_literally(tips[0], title)

    # filters: the actor facet's tooltip
    def facet_tips() -> list[str]:
        found = []
        for tree in window.findChildren(QTreeWidget):
            for i in range(tree.topLevelItemCount()):
                item = tree.topLevelItem(i)
                if actor in item.text(0):
                    found.append(item.toolTip(0))
        return found

    qtbot.waitUntil(lambda: bool(facet_tips()), timeout=10_000)  # counts follow a turn later
    for facet_tip in facet_tips():
        _shows_literally(facet_tip, actor)

    # every label of the window that shows either text shows it as plain text
    _labels_are_plain(window, title)
    _labels_are_plain(window, actor)


def test_presentation_captions_are_plain(
    make_main_window: Any, qtbot: Any, project: Project, tmp_path: Path
) -> None:
    title, _actor = _hostile_project(project, tmp_path)
    window = make_main_window(project)
    repo = ViewsRepository(project)
    story = repo.create_story(title)
    view = ViewSnapshot(title, f"note {title}", timeline=None, map=None)
    repo.add_step(story, repo.save_view(view.title, view.note, view.to_dict()))
    window.features["briefing"].stories.reload(story_id=story)
    shown = window.features["briefing"].present(story, full_screen=False)
    assert shown is not None
    try:
        assert _labels_are_plain(shown, title) >= 2  # the title and the note
        assert _labels_are_plain(shown, title.upper()) >= 1  # the story line
        # the stories pane's tooltip of the step
        tree = window.features["briefing"].stories.tree
        step = tree.topLevelItem(0).child(0)
        _shows_literally(step.toolTip(0), title)
    finally:
        shown.close()


def test_every_message_box_goes_through_the_plain_text_helper() -> None:
    """Qt's static QMessageBox calls guess rich text; the app builds none of them."""
    import re

    root = Path(__file__).resolve().parent.parent / "desktop_app"
    pattern = re.compile(
        r"QMessageBox\.(warning|information|question|critical|about)\(|"
        r"QMessageBox\("
    )
    offenders = [
        f"{path.relative_to(root)}:{n}"
        for path in root.rglob("*.py")
        if path.name != "plain_text.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []


def test_about_names_the_log_folder(make_main_window: Any, project: Project) -> None:
    window = make_main_window(project)
    text = window.features["help"].about_text()
    assert "Log folder:" in text and "sightline" in text.lower()
