"""The PDF briefing pack: pages, captions, events, sources, classification and page numbers."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Any

import pypdf
from PySide6.QtGui import QColor, QImage
from test_presentation import sample_story

from desktop_app.domain.dates import Precision, to_seconds
from desktop_app.export.pdf_pack import PackDocument, PackEvent, PackStep, date_text, write_pack
from desktop_app.store.project import Project

WAIT_MS = 60_000
CLASSIFICATION = "OFFICIAL-SENSITIVE – EXERCISE ONLY"  # noqa: RUF001 (typography)


def _pages(path: Path) -> list[str]:
    """Each page's text with runs of white space made single spaces."""
    reader = pypdf.PdfReader(str(path))
    return [
        re.sub(r"\s+", " ", unicodedata.normalize("NFKC", page.extract_text() or ""))
        for page in reader.pages
    ]  # NFKC: the "ﬁ" ligature reads as "fi"


def test_pack_of_the_sample_story(
    make_main_window: Any, qtbot: Any, sample_project: Project, tmp_path: Path
) -> None:
    window = make_main_window(sample_project)
    story, steps = sample_story(window)
    window.features["briefing"].set_classification(CLASSIFICATION)
    before = (
        window.workbench.filters.filters,
        window.workbench.selection.ids,
        window.workbench.view_state.map,
    )
    path = tmp_path / "pack.pdf"
    with qtbot.waitSignal(window.features["briefing"].pack_written, timeout=WAIT_MS) as written:
        capture = window.features["briefing"].export_pack(story, path)
    assert written.args == [str(path), 5]  # the cover, three steps, the link chart
    assert (
        window.workbench.filters.filters,
        window.workbench.selection.ids,
        window.workbench.view_state.map,
    ) == before
    assert [p.map_image is not None and not p.map_image.isNull() for p in capture._pages] == [
        True
    ] * 3
    # the map image shows the map (land colour), not a blank widget
    first = capture._pages[0].map_image
    assert first is not None
    land = QColor("#f1efe9")
    colours = {
        first.pixelColor(x, y).name()
        for x in range(0, first.width(), 37)
        for y in range(0, first.height(), 37)
    }
    assert land.name() in colours

    pages = _pages(path)
    assert len(pages) == 5
    cover, *step_pages, chart_page = pages
    assert "LINK CHART" in chart_page and "Who shares events" in chart_page
    assert capture._chart_image() is not None  # the steps' actors share events
    assert "Russia–China airborne cooperation" in cover  # noqa: RUF001 (typography)
    assert "3 views" in cover
    # a file's name; a server project's user@host/db (never the URL with its password)
    name = sample_project.path.stem if sample_project.path else sample_project.display_name
    assert name in cover
    for number, text in enumerate(pages, start=1):
        assert text.count(CLASSIFICATION) == 2, (number, text)  # top and bottom
        assert f"Page {number} of 5" in text
    frame = window.workbench.linker.frame
    for step, text in zip(steps, step_pages, strict=True):
        assert step.title in text and step.note in text
        for event_id in step.selection:
            title = str(frame.title[frame.row_of(event_id)])
            assert title[:40] in text, (title, text)
        assert "year only" in text  # dates keep their precision
        assert "Source: RUSI analysis of the Black Moon documents" in text
    assert f"SELECTED EVENTS ({len(steps[0].selection)})" in step_pages[0]
    assert "Moscow" in step_pages[0] and "Beijing" in step_pages[0]
    assert "STEP 2 OF 3" in step_pages[1]


def test_pack_without_images_escapes_event_text(tmp_path: Path, qtbot: Any) -> None:
    hostile = "<script>alert(1)</script> & <img src=x onerror=alert(2)>"
    many = tuple(
        PackEvent(f"{2000 + i}, year only", "Somewhere", f"Event {i}", ("A source",))
        for i in range(60)
    )
    image = QImage(400, 200, QImage.Format.Format_RGB32)
    image.fill(QColor("#336699"))
    document = PackDocument(
        title="Hostile text",
        project="test",
        created=datetime(2026, 1, 2),
        steps=(
            PackStep("One", "", events=(PackEvent("2023", "Here", hostile),)),
            PackStep(
                "Two",
                "A long list",
                map_image=image,
                timeline_image=image,
                events=many,
                total_events=75,
                events_label="Events in view",
            ),
        ),
    )
    path = tmp_path / "plain.pdf"
    assert write_pack(path, document) == 3
    cover, one, two = _pages(path)
    assert "02 January 2026" in cover and "OFFICIAL" not in cover  # no classification set
    assert hostile in one
    assert "EVENTS IN VIEW (75)" in two
    shown = len(re.findall(r"Event \d+\b", two))
    assert 5 < shown < 60 and f"and {75 - shown} more events" in two


def test_dates_are_written_with_their_precision() -> None:
    start = to_seconds(datetime(2023, 5, 14))
    assert date_text(start, None, Precision.DAY) == "14 May 2023"
    assert (
        date_text(
            to_seconds(datetime(2023, 1, 1)), to_seconds(datetime(2024, 1, 1)), Precision.YEAR
        )
        == "2023, year only"
    )  # its own span: no range
    assert (
        date_text(start, to_seconds(datetime(2023, 6, 2)), Precision.DAY)
        == "14 May 2023 to 2023-06-01"
    )
    assert (
        date_text(to_seconds(datetime(2023, 3, 1)), None, Precision.MONTH)
        == "March 2023, month only"
    )
