"""The import wizard from the main window and on its worker: File > Import opens it and the
panes reload, a known tool maps itself, reading runs on a worker while the window stays
live, file content shows as plain text, the check page previews which places resolve, and
closing the wizard while it reads. With a real SQLite project.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from wizard_steps import WAIT_MS, _counts, _go_to, _map_odd, _run_import, _settle

from desktop_app.domain.dates import DateOrder
from desktop_app.features.importing.wizard import ImportWizard
from desktop_app.ingest.pipeline import Options, import_file
from desktop_app.store.project import Project


# ---------------------------------------------------------------------- main window
def test_file_import_opens_the_wizard_and_the_panes_reload(
    make_main_window: Any,
    project: Project,
    odd_file: Path,
    qtbot: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QFileDialog

    window = make_main_window(project)
    launcher = window.features["importing"]
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *_a, **_k: (str(odd_file), ""))
    )
    action = next(a for a in window.findChildren(QAction) if a.text() == "&Import events…")
    with qtbot.waitSignal(launcher.opened, timeout=WAIT_MS) as opened:
        action.trigger()
    wizard = opened.args[0]
    assert isinstance(wizard, ImportWizard) and wizard.isVisible()
    _map_odd(qtbot, wizard)
    with qtbot.waitSignal(window.workbench.frame_loaded, timeout=WAIT_MS):
        _run_import(qtbot, wizard)
    assert len(window.workbench.linker.frame.ids) == 3
    assert _counts(project) == (1, 3)
    wizard.accept()


def test_a_known_tool_maps_itself_until_mapped_by_hand(
    make_wizard: Any, data_dir: Path, qtbot: Any
) -> None:
    wizard = make_wizard(data_dir / "acled_sample.csv")
    page = wizard.mapping_page
    assert wizard.effective_preset == "acled"
    assert not page.combos["start"].isEnabled()
    assert page.combos["start"].currentData() == "event_date"
    assert page.manual.isVisibleTo(page)
    accepted = wizard.preview.accepted
    page.manual.click()
    _settle(qtbot, wizard)
    assert wizard.effective_preset == "generic" and page.combos["start"].isEnabled()
    assert wizard.preview.draft is not None and wizard.preview.accepted > 0
    wizard.source_page.preset.setCurrentIndex(0)  # back to "detect from the header"
    _settle(qtbot, wizard)
    assert wizard.effective_preset == "acled" and wizard.preview.accepted == accepted


# ---------------------------------------------------------------------- the worker
def test_reading_runs_on_a_worker_and_the_window_stays_live(
    qtbot: Any, project: Project, odd_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read that takes long (a huge or hostile file) leaves the GUI thread free: the
    wizard opens at once, says it is reading, cannot be left, and fills in when done."""
    from desktop_app.features.importing import wizard as import_wizard

    started, release = threading.Event(), threading.Event()
    real = import_wizard.read_for_import
    gui_thread = threading.current_thread()
    threads: list[threading.Thread] = []

    def slow_read(path: Path, options: Options) -> Any:
        threads.append(threading.current_thread())
        started.set()
        release.wait(WAIT_MS / 1000)
        return real(path, options)

    monkeypatch.setattr(import_wizard, "read_for_import", slow_read)
    wizard = ImportWizard(project, odd_file)  # returns while the read is held
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitUntil(started.is_set, timeout=WAIT_MS)
    source = wizard.source_page
    assert wizard.busy and wizard.table is None
    assert source.message.text() == "Reading the file…"
    assert not source.isComplete()
    wizard.next()
    assert wizard.currentPage() is source  # cannot go on while reading
    qtbot.mouseClick(wizard.mapping_page.manual, Qt.MouseButton.LeftButton)  # still live
    with qtbot.waitSignal(wizard.settled, timeout=WAIT_MS):
        release.set()
    assert threads and threads[0] is not gui_thread
    assert not wizard.busy and source.isComplete() and source.message.text() == ""
    assert wizard.table is not None and wizard.table.columns[0] == "Occurred On"
    assert source.rows.rowCount() == 5


def test_changes_made_while_reading_are_not_lost(
    make_wizard: Any, odd_file: Path, qtbot: Any
) -> None:
    wizard = make_wizard(odd_file)
    # several choices in a row, each starting or queueing a job: the last one wins
    wizard.map_field("start", "Occurred On")
    wizard.map_field("title", "Heading")
    wizard.set_date_order(DateOrder.MONTH_FIRST)
    assert wizard.busy
    _settle(qtbot, wizard)
    assert wizard.choices.mapping is not None
    assert (wizard.choices.mapping["start"], wizard.choices.mapping["title"]) == (
        "Occurred On",
        "Heading",
    )
    assert wizard.choices.date_order is DateOrder.MONTH_FIRST
    assert wizard.dates_page.sample_rows()[0][2] == "4 March 2024"
    assert wizard.preview.accepted == 3


def test_file_content_is_shown_as_plain_text(make_wizard: Any, tmp_path: Path, qtbot: Any) -> None:
    path = tmp_path / "markup.csv"
    path.write_text(
        '<b>when</b>,<img src="file:///etc/passwd">\nsoon,"<a href=\'x\'>click</a>"\n',
        encoding="utf-8",
    )
    wizard = make_wizard(path)
    message = wizard.mapping_page.message
    assert "no usable date column" in message.text()
    assert "<b>when</b>" in message.text()  # the column's name as written
    assert message.textFormat() is Qt.TextFormat.PlainText
    assert wizard.source_page.rows.item(0, 2).text() == "<a href='x'>click</a>"
    from PySide6.QtWidgets import QLabel

    rich = {wizard.review_page.counts, wizard.summary_page.counts}  # numbers only
    for page in (
        wizard.source_page,
        wizard.mapping_page,
        wizard.dates_page,
        wizard.review_page,
        wizard.import_page,
        wizard.summary_page,
    ):
        for label in page.findChildren(QLabel):
            expected = Qt.TextFormat.RichText if label in rich else Qt.TextFormat.PlainText
            assert label.textFormat() is expected, label.text()


def test_an_unreadable_file_says_why_in_plain_text(make_wizard: Any, data_dir: Path) -> None:
    wizard = make_wizard(data_dir / "binary_garbage.csv")
    source = wizard.source_page
    assert wizard.table is None and not source.isComplete()
    assert source.message.text().startswith("Cannot read the file: ")
    assert "binary" in source.message.text()


# ---------------------------------------------------------------------- places
PLACES = (
    "date,title,place,country,lat,lon\n"
    "2024-01-01,By coordinates,Pier 4,PH,14.58,120.97\n"
    "2024-01-02,Gazetteer city,Manila,Philippines,,\n"
    "2024-01-03,Known base,Subic Bay Freeport,PH,,\n"
    "2024-01-04,Lost one,Nowhere Town,PH,,\n"
    "2024-01-05,Lost two,Nowhere Town,PH,,\n"
    "2024-01-06,Lost three,Zzyzx Creek Landing,PH,,\n"
    "2024-01-07,No place at all,,,,\n"
    "banana,Rejected row,Nowhere Town,PH,,\n"
)


def test_check_page_previews_which_places_resolve(
    make_wizard: Any, tmp_path: Path, project: Project, qtbot: Any
) -> None:
    # a place the project already has (from an earlier import)
    earlier = tmp_path / "earlier.csv"
    earlier.write_text(
        "date,title,place,country,lat,lon\n"
        "2023-06-01,Base opened,Subic Bay Freeport,PH,14.79,120.27\n",
        encoding="utf-8",
    )
    assert import_file(project, earlier).imported == 1
    path = tmp_path / "places.csv"
    path.write_text(PLACES, encoding="utf-8")
    wizard = make_wizard(path)
    places = wizard.places
    assert places is not None
    assert (
        places.rows,
        places.by_coordinates,
        places.project_places,
        places.gazetteer,
        places.unresolved,
        places.no_place,
    ) == (7, 1, 1, 1, 3, 1)
    assert places.top_unresolved == [("Nowhere Town", 2), ("Zzyzx Creek Landing", 1)]
    _go_to(qtbot, wizard, wizard.review_page)
    page = wizard.review_page
    assert page.places.text() == (
        "Places: 3 of 7 rows will be located (1 by their coordinates, 1 at places already "
        "in the project, 1 by place name (offline gazetteer)). Not located: 3 rows naming "
        "a place that cannot be found (imported without a location). 1 row without a "
        "place or coordinates."
    )
    shown = [
        [page.unresolved.item(r, c).text() for c in range(2)]
        for r in range(page.unresolved.rowCount())
    ]
    assert shown == [["Nowhere Town", "2"], ["Zzyzx Creek Landing", "1"]]
    assert _counts(project) == (1, 1)  # the preview wrote nothing
    # what the preview said is what the import does
    with qtbot.waitSignal(wizard.imported, timeout=WAIT_MS):
        wizard.next()
    result = wizard.import_result
    assert result.unresolved_places == {"Nowhere Town": 2, "Zzyzx Creek Landing": 1}
    assert result.unlocated == places.unresolved + places.no_place


def test_a_kml_file_in_the_wizard(make_wizard: Any, tmp_path: Path) -> None:
    path = tmp_path / "pins.kml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder>'
        "<name>Visits</name><Placemark><name>Port call</name><TimeStamp><when>"
        "2024-03</when></TimeStamp><Point><coordinates>120.97,14.58</coordinates>"
        "</Point></Placemark></Folder></Document></kml>",
        encoding="utf-8",
    )
    wizard = make_wizard(path)
    source = wizard.source_page
    assert not source.encoding.isEnabled() and not source.delimiter.isEnabled()
    assert wizard.preview.accepted == 1 and wizard.effective_preset == "generic"
    assert wizard.mapping_page.combos["category"].currentData() == "category"
    assert wizard.places is not None and wizard.places.by_coordinates == 1


def test_closing_the_wizard_while_it_reads(
    qtbot: Any, project: Project, odd_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cancel works while a read is held; the read ending later touches nothing."""
    import shiboken6
    from PySide6.QtWidgets import QApplication

    from desktop_app.features.importing import wizard as import_wizard

    started, release = threading.Event(), threading.Event()
    real = import_wizard.read_for_import
    threads: list[threading.Thread] = []

    def slow_read(path: Path, options: Options) -> Any:
        threads.append(threading.current_thread())
        started.set()
        release.wait(WAIT_MS / 1000)
        return real(path, options)

    monkeypatch.setattr(import_wizard, "read_for_import", slow_read)
    wizard = ImportWizard(project, odd_file)
    wizard.show()
    qtbot.waitUntil(started.is_set, timeout=WAIT_MS)
    with qtbot.waitSignal(wizard.rejected, timeout=WAIT_MS):
        wizard.button(QWizard.WizardButton.CancelButton).click()
    assert not wizard.isVisible()
    shiboken6.delete(wizard)  # as the launcher's deleteLater does
    release.set()
    qtbot.waitUntil(lambda: not threads[0].is_alive(), timeout=WAIT_MS)
    QApplication.processEvents()  # deliver whatever the worker queued: nothing breaks
    assert _counts(project) == (0, 0)
