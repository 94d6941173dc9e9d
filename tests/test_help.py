"""Help inside the program: the user guide (offline, the project's own docs), the
keyboard shortcuts from the action registry, About with versions, tooltips on every
action and button, the sample banner and the empty-project hint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers import run_js
from PySide6.QtCore import QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractButton, QApplication, QFileDialog

from desktop_app.features.help.first_start import EMPTY_TEXT
from desktop_app.features.help.guide import GuideWindow, guide_sections
from desktop_app.store.project import Project
from desktop_app.views.details.view import EMPTY_PROJECT

ROOT = Path(__file__).resolve().parents[1]


def test_the_guide_is_the_readme_by_section_and_the_docs(
    make_main_window: Any, project: Project
) -> None:
    window = make_main_window(project)
    guide = window.features["help"].show_guide()
    titles = [s.title for s in guide.sections]
    readme_heads = [
        line[3:].strip()
        for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("## ")
    ]
    assert titles[0] == "Sightline" and titles[1 : 1 + len(readme_heads)] == readme_heads
    assert "Sightline's architecture" in titles  # docs/ARCHITECTURE.md
    guide.show_title("Editing")
    assert "Editing" in guide.page.toPlainText().splitlines()[0]
    assert guide.page.refused_resources == []  # the screenshots are named, not loaded
    guide.show_title("Sightline")
    assert "(picture:" in guide.page.toPlainText()


def test_the_guide_renders_no_html_and_loads_nothing(qtbot: Any, tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(
        "# Tool\n\nIntro <img src='http://example.com/x.png'> "
        "<b onclick='x()'>bold?</b>\n\n## Part\n\n![a picture](shot.png) and **real bold**\n",
        encoding="utf-8",
    )
    guide = GuideWindow(root=tmp_path)
    qtbot.addWidget(guide)
    assert [s.title for s in guide_sections(tmp_path)] == ["Sightline", "Part"]
    text = guide.page.toPlainText()
    # raw HTML in the Markdown is shown as the characters it is, never as markup
    assert "<img src='http://example.com/x.png'>" in text and "<b onclick='x()'>" in text
    assert "&lt;img" in guide.page.toHtml() and "<img" not in guide.page.toHtml()
    guide.show_title("Part")
    assert "(picture: a picture)" in guide.page.toPlainText()
    assert guide.page.refused_resources == []


def test_shortcuts_dialog_lists_every_shortcut_of_the_registry(
    make_main_window: Any, project: Project
) -> None:
    window = make_main_window(project)
    window.workbench.actions.action("help.shortcuts").trigger()
    dialog = window.features["help"].shortcuts_dialog
    assert dialog is not None and dialog.isVisible()
    expected = {
        (a.shortcut().toString(QKeySequence.SequenceFormat.NativeText), a.text().replace("&", ""))
        for _id, a in window.workbench.actions.actions()
        if not a.shortcut().isEmpty()
    }
    listed = set(dialog.listed())
    assert {keys for keys, _ in listed} == {keys for keys, _ in expected}
    assert len(listed) == len(expected) >= 15
    assert ("Ctrl+Z", "Undo") in listed and ("Ctrl+Shift+H", "Import history") in listed


def test_about_tells_the_versions(make_main_window: Any, project: Project) -> None:
    import platform

    import PySide6
    from PySide6.QtCore import qVersion

    text = make_main_window(project).features["help"].about_text()
    assert f"Qt {qVersion()}" in text and f"PySide6 {PySide6.__version__}" in text
    assert f"Python {platform.python_version()}" in text and "Log folder:" in text


def test_every_action_and_button_has_a_tooltip(make_main_window: Any, project: Project) -> None:
    window = make_main_window(project)
    bare = [
        action_id
        for action_id, action in window.workbench.actions.actions()
        # Qt's fallback tooltip is the bare text: a real tip says more
        if action.toolTip().replace("&", "") == action.text().replace("&", "")
    ]
    assert bare == []
    for _id, action in window.workbench.actions.actions():
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        assert keys in action.toolTip()
    buttons = [b for b in window.findChildren(QAbstractButton) if b.text()]
    assert len(buttons) > 5
    assert [b.text() for b in buttons if not b.toolTip()] == []
    tool_buttons = window.features["editing"].toolbar.actions()
    assert all(a.toolTip() for a in tool_buttons)


def test_sample_banner_offers_an_import_and_stays_hidden_once_closed(
    make_main_window: Any, qtbot: Any, sample_project: Project
) -> None:
    window = make_main_window(sample_project)
    first = window.features["help"].first_start
    banner = first.banner
    assert banner.isVisible() and not first.hint.isVisible()
    assert "sample dataset" in banner.label.text()
    assert "Russia–China" in banner.label.text() and "airborne" in banner.label.text()  # noqa: RUF001
    assert banner.geometry().top() == window.map.mapTo(window, window.map.rect().topLeft()).y()
    # it covers none of the page's controls: zoom buttons at the left, tools at the right
    qtbot.waitUntil(lambda: window.map.is_ready, timeout=30_000)
    controls = run_js(
        qtbot,
        window.map.page,
        "Array.from(document.querySelectorAll('.leaflet-control')).filter(function (c) {"
        " return c.offsetWidth > 0 && c.getBoundingClientRect().top < 120; }).map(function (c) {"
        " var r = c.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })",
    )
    origin = window.map.mapTo(window, window.map.rect().topLeft())
    box = banner.geometry().translated(-origin.x(), -origin.y())
    assert len(controls) >= 2
    for left, top, right, bottom in controls:
        assert right <= box.left() or left >= box.right() + 1 or top >= box.bottom() + 1, (
            (left, top, right, bottom),
            box,
        )

    triggered: list[bool] = []
    window.workbench.actions.action("file.import").triggered.connect(
        lambda *_a: triggered.append(True)
    )

    def close_the_file_dialog() -> None:
        dialogs = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QFileDialog) and w.isVisible()
        ]
        if dialogs:
            dialogs[0].reject()
        else:
            QTimer.singleShot(20, close_the_file_dialog)

    QTimer.singleShot(0, close_the_file_dialog)
    banner.import_button.click()  # File ▸ Import's own dialog opens (and is closed)
    assert triggered == [True]

    banner.close_button.click()
    assert not banner.isVisible()
    first.refresh()
    assert not banner.isVisible()  # remembered


def test_an_empty_project_says_where_to_drop_a_file(
    make_main_window: Any, project: Project
) -> None:
    window = make_main_window(project)
    first = window.features["help"].first_start
    assert first.hint.isVisible() and first.hint.text() == EMPTY_TEXT
    assert not first.banner.isVisible()
    assert window.map.geometry().contains(
        window.map.mapFrom(window, first.hint.geometry().center())
    )
    assert window.details.card_text().strip() == EMPTY_PROJECT
