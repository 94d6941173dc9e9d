"""The import wizard: mapping by dropdown, date order preview, rejects before writing,
remembered mappings, cancelling, and the rejects file; with a real SQLite project."""

from __future__ import annotations

import csv
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from sqlalchemy import select
from wizard_steps import WAIT_MS, _choose, _counts, _go_to, _map_odd, _run_import, _settle

from desktop_app.domain.dates import DateOrder
from desktop_app.features.importing.state import REMEMBERED_NOTE
from desktop_app.ingest import mapping_memory
from desktop_app.ingest.pipeline import ImportCancelled, Options, import_file, preview
from desktop_app.store.project import Project
from desktop_app.store.schema import Event
from desktop_app.workbench.tasks import Task


# ---------------------------------------------------------------------- mapping
def test_unusual_headers_are_mapped_with_the_dropdowns(
    make_wizard: Any, odd_file: Path, qtbot: Any
) -> None:
    wizard = make_wizard(odd_file)
    page = wizard.mapping_page
    # no known tool and no column named as a date: the dates are found by content (and
    # the preview says which column), the title is mapped by hand
    assert wizard.effective_preset == "generic"
    assert wizard.preview.error == ""
    assert any("'Occurred On'" in w for w in wizard.preview.warnings)
    guessed = {t: c.currentData() for t, c in page.combos.items() if c.currentData()}
    assert guessed == {
        "start": "Occurred On",
        "place": "Where",
        "country": "Nation",
        "latitude": "Y",
        "longitude": "X",
    }

    _map_odd(qtbot, wizard)
    assert page.isComplete()
    assert wizard.preview.draft is not None
    assert wizard.preview.draft.mapping["start"] == "Occurred On"
    assert list(wizard.preview.draft.title[:2]) == ["Airborne drill", "Agreement reported"]
    # a column serves one field: moving "Heading" to the description frees the title
    _choose(qtbot, wizard, "description", "Heading")
    assert page.combos["title"].currentData() is None
    assert page.combos["description"].currentData() == "Heading"


def test_encoding_and_delimiter_changes_reread_the_preview(
    make_wizard: Any, tmp_path: Path, qtbot: Any
) -> None:
    path = tmp_path / "semi.csv"
    path.write_bytes("date;title;place\n2024-01-02;Café opened;Paris\n".encode("cp1252"))
    wizard = make_wizard(path)
    source = wizard.source_page
    assert wizard.table.delimiter == ";" and wizard.table.encoding == "cp1252"
    assert source.rows.item(0, 2).text() == "Café opened"
    source.delimiter.setCurrentIndex(source.delimiter.findData(","))
    _settle(qtbot, wizard)
    assert wizard.table.columns == ["date;title;place"]
    assert source.rows.columnCount() == 2  # row number + one column
    source.delimiter.setCurrentIndex(source.delimiter.findData(";"))
    _settle(qtbot, wizard)
    source.encoding.setCurrentText("latin-1")
    _settle(qtbot, wizard)
    assert wizard.table.encoding == "latin-1"
    assert wizard.preview.accepted == 1


# ---------------------------------------------------------------------- dates
def test_dates_preview_in_both_orders(make_wizard: Any, odd_file: Path, qtbot: Any) -> None:
    wizard = make_wizard(odd_file)
    _map_odd(qtbot, wizard)
    page = wizard.dates_page
    rows = {r[1]: r for r in page.sample_rows()}
    # ambiguous column: read day first, and said so
    assert "either way" in page.detected.text()
    assert rows["03/04/2024"][2:] == ["3 April 2024", "day"]
    assert rows["2023"][2:] == ["2023, year only", "year"]
    assert rows["2024-02"][2:] == ["February 2024, month only", "month"]
    assert rows["banana"][2].startswith("not a date")

    page.order.setCurrentIndex(page.order.findData(DateOrder.MONTH_FIRST.value))
    _settle(qtbot, wizard)
    assert wizard.choices.date_order is DateOrder.MONTH_FIRST
    rows = {r[1]: r for r in page.sample_rows()}
    assert rows["03/04/2024"][2:] == ["4 March 2024", "day"]
    assert page.samples.item(0, 2).text() == "4 March 2024"  # the table shows it too

    page.order.setCurrentIndex(page.order.findData(DateOrder.DAY_FIRST.value))
    _settle(qtbot, wizard)
    assert page.samples.item(0, 2).text() == "3 April 2024"
    assert page.samples.item(0, 3).text() == "day"


# ---------------------------------------------------------------------- rejects
def test_rejects_are_shown_before_anything_is_written(
    make_wizard: Any, odd_file: Path, project: Project, qtbot: Any
) -> None:
    wizard = make_wizard(odd_file)
    _map_odd(qtbot, wizard)
    _go_to(qtbot, wizard, wizard.review_page)
    page = wizard.review_page
    shown = [
        [page.rejects.item(r, c).text() for c in range(3)] for r in range(page.rejects.rowCount())
    ]
    assert shown == [
        ["5", "Occurred On", "date: unrecognised date 'banana'"],
        ["6", "Y", "latitude out of range (-90 to 90)"],
    ]
    assert "<b>3</b> rows will be imported and <b>2</b> rejected" in page.counts.text()
    assert _counts(project) == (0, 0)  # nothing written yet


def test_preview_without_a_store_matches_the_import(odd_file: Path, project: Project) -> None:
    options = Options(
        preset="generic",
        mapping={"start": "Occurred On", "title": "Heading", "latitude": "Y", "longitude": "X"},
    )
    seen = preview(odd_file, options)
    result = import_file(project, odd_file, options)
    assert (seen.accepted, seen.rejected_rows) == (result.imported, result.rejected)
    assert seen.rejects == result.rejects


# ---------------------------------------------------------------------- import
def test_import_summary_rejects_file_and_remembered_mapping(
    make_wizard: Any, odd_file: Path, project: Project, qtbot: Any, tmp_path: Path
) -> None:
    wizard = make_wizard(odd_file)
    _map_odd(qtbot, wizard)
    wizard.dates_page.order.setCurrentIndex(
        wizard.dates_page.order.findData(DateOrder.MONTH_FIRST.value)
    )
    _settle(qtbot, wizard)
    _run_import(qtbot, wizard)
    assert _counts(project) == (1, 3)
    result = wizard.import_result
    assert (result.imported, result.rejected) == (3, 2)
    summary = wizard.summary_page
    assert "Imported" in summary.counts.text() and "<b>3</b>" in summary.counts.text()
    assert summary.save_button.isEnabled()
    out = summary.save_rejects(tmp_path / "rejects.csv", open_after=False)
    with out.open(encoding="utf-8") as handle:
        assert list(csv.reader(handle)) == [
            ["row", "column", "reason", "repeats_row"],
            ["5", "Occurred On", "date: unrecognised date 'banana'", ""],
            ["6", "Y", "latitude out of range (-90 to 90)", ""],
        ]
    with project.session() as session:
        starts = sorted(session.scalars(select(Event.title)))
    assert starts == ["Agreement reported", "Airborne drill", "Review published"]

    # a second file with the same header (spelled differently) maps itself
    second = tmp_path / "second.csv"
    second.write_text(
        "occurred_on,HEADING,where,nation,y,x\n07/08/2024,Second drill,Moscow,Russia,55.7,37.6\n",
        encoding="utf-8",
    )
    again = make_wizard(second)
    page = again.mapping_page
    assert page.note.isVisibleTo(page) and page.note.text().startswith(REMEMBERED_NOTE)
    assert page.combos["start"].currentData() == "occurred_on"
    assert page.combos["title"].currentData() == "HEADING"
    assert page.combos["latitude"].currentData() == "y"
    assert again.choices.date_order is DateOrder.MONTH_FIRST
    assert again.dates_page.sample_rows()[0][2] == "8 July 2024"
    assert again.preview.accepted == 1
    # changing a column takes the note away
    _choose(qtbot, again, "place", None)  # type: ignore[arg-type]
    assert not page.note.isVisibleTo(page)


def test_mapping_memory_without_qt(project: Project) -> None:
    columns = ["Occurred On", "Heading", "Y"]
    assert mapping_memory.recall(project, columns) is None
    mapping_memory.remember(
        project,
        columns,
        {"start": "Occurred On", "title": "Heading", "bogus": "Y", "latitude": "gone"},
        date_order=DateOrder.DAY_FIRST,
    )
    assert mapping_memory.header_signature(
        ["occurred on", "HEADING", "y"]
    ) == mapping_memory.header_signature(columns)
    assert mapping_memory.header_signature(
        ["Heading", "Occurred On", "Y"]
    ) != mapping_memory.header_signature(columns)
    got = mapping_memory.recall(project, ["occurred_on", "heading", "Y"])
    assert got is not None
    assert got.mapping == {"start": "occurred_on", "title": "heading"}
    assert got.date_order is DateOrder.DAY_FIRST and got.preset == "generic"
    mapping_memory.forget(project, columns)
    assert mapping_memory.recall(project, columns) is None


def test_cancelled_import_leaves_the_project_unchanged(
    make_wizard: Any, odd_file: Path, project: Project, qtbot: Any
) -> None:
    wizard = make_wizard(odd_file)
    _map_odd(qtbot, wizard)
    _go_to(qtbot, wizard, wizard.review_page)
    page = wizard.import_page
    reached, resume = threading.Event(), threading.Event()

    def hold(stage: str, _fraction: float) -> None:  # runs on the worker thread
        if stage == "indexing":  # inside the transaction: every row has been written
            reached.set()
            resume.wait(WAIT_MS / 1000)

    def attach(task: Task) -> None:
        task.progress.connect(hold, Qt.ConnectionType.DirectConnection)

    wizard.import_started.connect(attach)
    wizard.next()
    qtbot.waitUntil(reached.is_set, timeout=WAIT_MS)
    assert page.running
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(page.finished, timeout=WAIT_MS):
        resume.set()
    assert page.outcome == "cancelled"
    assert "nothing was imported" in page.stage.text()
    assert _counts(project) == (0, 0)
    assert wizard.import_result is None
    assert mapping_memory.recall(project, wizard.table.columns) is None
    # going back and importing again works
    wizard.back()
    assert wizard.currentPage() is wizard.review_page
    wizard.import_started.disconnect(attach)
    with qtbot.waitSignal(wizard.imported, timeout=WAIT_MS):
        wizard.next()
    assert _counts(project) == (1, 3)


def test_cancel_flag_raises_before_commit(odd_file: Path, project: Project) -> None:
    cancel = threading.Event()

    def progress(stage: str, _fraction: float) -> None:
        if stage == "indexing":
            cancel.set()

    options = Options(preset="generic", mapping={"start": "Occurred On", "title": "Heading"})
    with pytest.raises(ImportCancelled):
        import_file(project, odd_file, options, progress=progress, cancel=cancel)
    assert _counts(project) == (0, 0)


def test_closing_the_wizard_during_an_import_cancels_it(
    make_wizard: Any, odd_file: Path, project: Project, qtbot: Any
) -> None:
    wizard = make_wizard(odd_file)
    _map_odd(qtbot, wizard)
    _go_to(qtbot, wizard, wizard.review_page)
    reached, resume = threading.Event(), threading.Event()

    def hold(stage: str, _fraction: float) -> None:
        if stage == "checking":
            reached.set()
            resume.wait(WAIT_MS / 1000)

    wizard.import_started.connect(
        lambda task: task.progress.connect(hold, Qt.ConnectionType.DirectConnection)
    )
    wizard.next()
    qtbot.waitUntil(reached.is_set, timeout=WAIT_MS)
    wizard.button(QWizard.WizardButton.CancelButton).click()
    assert wizard.isVisible()  # waits for the worker to stop
    with qtbot.waitSignal(wizard.rejected, timeout=WAIT_MS):
        resume.set()
    assert _counts(project) == (0, 0)


def test_spreadsheet_sheets_can_be_chosen(make_wizard: Any, data_dir: Path, qtbot: Any) -> None:
    wizard = make_wizard(data_dir / "generic_multi_sheet.xlsx")
    source = wizard.source_page
    assert source.sheet.isEnabled() and not source.encoding.isEnabled()
    assert source.sheet.count() >= 2
    assert wizard.sheets == ["Notes", "Events"]
    assert wizard.table.sheet == "Events"  # the sheet whose header names a date
    assert source.sheet.currentText() == "Events" and wizard.preview.accepted > 0
    source.sheet.setCurrentText("Notes")
    _settle(qtbot, wizard)
    assert wizard.table.sheet == "Notes"
    assert wizard.preview.draft is None and "date" in wizard.preview.error
    assert source.rows.horizontalHeaderItem(1).text() == "Working notes - not an event list"
