"""The import wizard tests' file, fixtures and steps (registered for every test in
conftest's ``pytest_plugins``): ``odd_file``, a CSV whose headers no preset knows, and
``make_wizard``, an ImportWizard on it shown and settled; the steps an analyst takes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from desktop_app.features.importing.wizard import ImportWizard
from desktop_app.store.project import Project
from desktop_app.store.schema import Event, ImportBatch

HEADER = "Occurred On,Heading,Where,Nation,Y,X\n"
ROWS = (
    "03/04/2024,Airborne drill,Moscow,Russia,55.75,37.62\n"
    "2023,Agreement reported,Beijing,China,39.9,116.4\n"
    "2024-02,Review published,London,United Kingdom,51.5,-0.12\n"
    "banana,Bad date,Manila,Philippines,14.6,120.98\n"
    "05/06/2024,Out of range,Taipei,Taiwan,95,121.56\n"
)
WAIT_MS = 20_000


def _counts(project: Project) -> tuple[int, int]:
    with project.session() as session:
        return (
            session.scalar(select(func.count()).select_from(ImportBatch)) or 0,
            session.scalar(select(func.count()).select_from(Event)) or 0,
        )


@pytest.fixture()
def odd_file(tmp_path: Path) -> Path:
    path = tmp_path / "odd headers.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    return path


@pytest.fixture()
def make_wizard(qtbot: Any, project: Project) -> Any:
    def make(path: Path) -> ImportWizard:
        wizard = ImportWizard(project, path)
        qtbot.addWidget(wizard)
        wizard.show()
        _settle(qtbot, wizard)  # the file is read and previewed on a worker
        return wizard

    return make


def _settle(qtbot: Any, wizard: ImportWizard) -> None:
    """Wait for the wizard's worker to finish reading or re-interpreting the file."""
    qtbot.waitUntil(lambda: not wizard.busy, timeout=WAIT_MS)


def _choose(qtbot: Any, wizard: ImportWizard, target: str, column: str) -> None:
    """Pick a column in the mapping page's dropdown, as the analyst does."""
    _settle(qtbot, wizard)
    combo = wizard.mapping_page.combos[target]
    combo.setCurrentIndex(combo.findData(column))
    _settle(qtbot, wizard)


def _map_odd(qtbot: Any, wizard: ImportWizard) -> None:
    _choose(qtbot, wizard, "start", "Occurred On")
    _choose(qtbot, wizard, "title", "Heading")


def _go_to(qtbot: Any, wizard: ImportWizard, page: Any) -> None:
    while wizard.currentPage() is not page:
        _settle(qtbot, wizard)
        wizard.next()


def _run_import(qtbot: Any, wizard: ImportWizard) -> None:
    _go_to(qtbot, wizard, wizard.review_page)
    with qtbot.waitSignal(wizard.imported, timeout=WAIT_MS):
        wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page, timeout=WAIT_MS)
