"""The PDF briefing pack of a story, written with Qt's PDF writer (QPdfWriter + QPainter).

The pack is a cover page (title, date, project, number of steps and their list) and one
landscape A4 page per step: the caption (title and note), the map and timeline images,
and the step's events (date with its precision, place, title) with their sources. Every
page carries the project's classification/handling line at top and bottom (when one is
set) and a page number.

This module only lays out what it is given: the app captures the images
(:mod:`desktop_app.features.briefing`). It needs QtGui (fonts, images, the PDF writer) but no
widgets. Event text is escaped before it reaches the rich-text layout.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextDocument,
)

from desktop_app.domain.dates import Precision, describe, from_seconds, iso_text
from desktop_app.frame.event_frame import EventFrame
from desktop_app.store.details import event_detail
from desktop_app.store.project import Project

DPI = 72  # one device unit is one PostScript point: layout reads in points
PAGE = QRectF(0, 0, 842, 595)  # A4 landscape, points
MARGIN = 34.0
INK = QColor("#1d2733")
MUTED = QColor("#5c6773")
RULE = QColor("#c9d1da")
ACCENT = QColor("#1f4e79")
CLASSIFICATION = QColor("#a61b1b")
FAMILIES = ("DejaVu Sans", "Segoe UI", "Helvetica Neue", "Arial")
EVENTS_PER_PAGE = 40  # more than fits; what does not fit is counted, not dropped silently


@dataclass(frozen=True)
class PackEvent:
    date: str  # with its precision, e.g. "2023, year only"
    place: str
    title: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class PackStep:
    title: str
    note: str
    period: str = ""  # the time window shown, e.g. "2023 to 2025"
    map_image: QImage | None = None
    timeline_image: QImage | None = None
    events: tuple[PackEvent, ...] = ()
    total_events: int | None = None  # when ``events`` is a first part of a longer list
    events_label: str = "Events"  # "Selected events" or "Events in view"


@dataclass(frozen=True)
class PackDocument:
    title: str
    project: str
    classification: str = ""
    created: datetime = field(default_factory=datetime.now)
    steps: tuple[PackStep, ...] = ()
    chart_image: QImage | None = None  # the link chart of the steps' events, a last page


def date_text(start: int, end: int | None, precision: int) -> str:
    """An event's date in words with its precision; a range when an end was given."""
    p = Precision(int(precision))
    text = describe(from_seconds(int(start)), p)
    if end is not None and int(end) > int(start):
        last = from_seconds(int(end) - 1)
        if iso_text(last, p) != iso_text(from_seconds(int(start)), p):
            text += f" to {iso_text(last, p)}"
    return text


def pack_events(
    project: Project | None, frame: EventFrame, ids: Iterable[int], limit: int = EVENTS_PER_PAGE
) -> tuple[tuple[PackEvent, ...], int]:
    """The first ``limit`` of ``ids`` (in time order) as pack rows, and how many there are."""
    rows = np.sort(frame.rows_of(list(ids)))
    out: list[PackEvent] = []
    for row in rows[:limit]:
        event_id = int(frame.ids[row])
        sources: tuple[str, ...] = ()
        end: int | None = int(frame.end[row]) if bool(frame.has_end[row]) else None
        if project is not None:
            detail = event_detail(project, event_id)
            if detail is not None:
                sources = tuple(_source_text(s.title, s.publisher, s.date) for s in detail.sources)
                end = detail.end_s
        out.append(
            PackEvent(
                date=date_text(int(frame.start[row]), end, int(frame.precision[row])),
                place=str(frame.place[row] or "") or "no location",
                title=str(frame.title[row] or ""),
                sources=sources,
            )
        )
    return tuple(out), len(rows)


def _source_text(title: str, publisher: str | None, date: str | None) -> str:
    extra = ", ".join(x for x in (publisher, date) if x)
    return f"{title} ({extra})" if extra else title


# ---------------------------------------------------------------------- writing
def write_pack(path: Path | str, document: PackDocument) -> int:
    """Write the pack to ``path``; returns the number of pages."""
    writer = QPdfWriter(str(path))
    writer.setResolution(DPI)
    writer.setTitle(document.title)
    writer.setCreator("Sightline")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Landscape,
            QMarginsF(0, 0, 0, 0),
        )
    )
    pages = 1 + len(document.steps) + (document.chart_image is not None)
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"cannot write a PDF to {path}")
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        _cover(painter, document)
        _frame_page(painter, document, 1, pages)
        for number, step in enumerate(document.steps, start=2):
            writer.newPage()
            _step_page(painter, document, step, number - 1)
            _frame_page(painter, document, number, pages)
        if document.chart_image is not None:
            writer.newPage()
            _chart_page(painter, document, document.chart_image)
            _frame_page(painter, document, pages, pages)
    finally:
        painter.end()
    return pages


def _font(size: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setFamilies(list(FAMILIES))
    font.setStyleHint(QFont.StyleHint.SansSerif)
    font.setPointSizeF(size)
    font.setBold(bold)
    return font


def _text(
    painter: QPainter,
    rect: QRectF,
    text: str,
    size: float,
    colour: QColor,
    flags: Qt.AlignmentFlag,
    bold: bool = False,
) -> QRectF:
    painter.setFont(_font(size, bold))
    painter.setPen(colour)
    wrapped = int(flags | Qt.TextFlag.TextWordWrap)
    used = painter.boundingRect(rect, wrapped, text)
    painter.drawText(rect, wrapped, text)
    return used


def _frame_page(painter: QPainter, document: PackDocument, number: int, pages: int) -> None:
    """Classification line at top and bottom, and the footer with the page number."""
    width = PAGE.width() - 2 * MARGIN
    if document.classification.strip():
        line = document.classification.strip()
        for y in (8.0, PAGE.height() - 22.0):
            _text(
                painter,
                QRectF(MARGIN, y, width, 14),
                line,
                9.5,
                CLASSIFICATION,
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter,
                bold=True,
            )
    footer_y = PAGE.height() - MARGIN + 4
    painter.setPen(QPen(RULE, 0.6))
    painter.drawLine(QPointF(MARGIN, footer_y - 4), QPointF(PAGE.width() - MARGIN, footer_y - 4))
    left = f"{document.title}  ·  {document.project}  ·  {document.created:%d %B %Y}"
    _text(
        painter,
        QRectF(MARGIN, footer_y, width * 0.8, 12),
        left,
        7.5,
        MUTED,
        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
    )
    _text(
        painter,
        QRectF(MARGIN, footer_y, width, 12),
        f"Page {number} of {pages}",
        7.5,
        MUTED,
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
    )


def _cover(painter: QPainter, document: PackDocument) -> None:
    band = QRectF(0, 150, PAGE.width(), 150)
    painter.fillRect(band, ACCENT)
    inner = band.adjusted(MARGIN + 20, 22, -MARGIN - 20, -16)
    _text(
        painter,
        QRectF(inner.left(), inner.top(), inner.width(), 16),
        "BRIEFING PACK",
        10,
        QColor("#c9dcef"),
        Qt.AlignmentFlag.AlignLeft,
        bold=True,
    )
    _text(
        painter,
        QRectF(inner.left(), inner.top() + 22, inner.width(), 80),
        document.title,
        28,
        QColor("white"),
        Qt.AlignmentFlag.AlignLeft,
        bold=True,
    )
    steps = len(document.steps)
    facts = [
        ("Date", f"{document.created:%d %B %Y}"),
        ("Project", document.project),
        ("Steps", f"{steps} view{'s' if steps != 1 else ''}"),
    ]
    y = band.bottom() + 26
    for label, value in facts:
        _text(
            painter,
            QRectF(MARGIN + 20, y, 90, 16),
            label.upper(),
            8.5,
            MUTED,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            bold=True,
        )
        _text(
            painter,
            QRectF(MARGIN + 110, y, 300, 16),
            value,
            11,
            INK,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
        )
        y += 22
    # contents: the steps with their pages
    left = PAGE.width() / 2 + 10
    y = band.bottom() + 26
    _text(
        painter,
        QRectF(left, y, 360, 16),
        "CONTENTS",
        8.5,
        MUTED,
        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
        bold=True,
    )
    y += 22
    for number, step in enumerate(document.steps, start=1):
        if y > PAGE.height() - MARGIN - 40:
            _text(
                painter,
                QRectF(left, y, 360, 14),
                f"… and {steps - number + 1} more",
                9.5,
                MUTED,
                Qt.AlignmentFlag.AlignLeft,
            )
            break
        title = painter.fontMetrics().elidedText(
            step.title or f"View {number}", Qt.TextElideMode.ElideRight, 290
        )
        _text(
            painter,
            QRectF(left, y, 330, 14),
            f"{number}.  {title}",
            10,
            INK,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
        )
        _text(
            painter,
            QRectF(left, y, 360, 14),
            str(number + 1),
            10,
            MUTED,
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
        )
        y += 18


def _chart_page(painter: QPainter, document: PackDocument, image: QImage) -> None:
    """The last page: who shares the pack's events (the actors' link chart)."""
    width = PAGE.width() - 2 * MARGIN
    _text(
        painter,
        QRectF(MARGIN, MARGIN, width, 12),
        f"{document.title.upper()}  ·  LINK CHART",
        7.5,
        MUTED,
        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
        bold=True,
    )
    _text(
        painter,
        QRectF(MARGIN, MARGIN + 16, width, 22),
        "Who shares events: the actors of the pack's events, linked by the events they "
        "share (line width: how many)",
        13,
        INK,
        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
        bold=True,
    )
    top = MARGIN + 46
    _image(painter, image, QRectF(MARGIN, top, width, PAGE.height() - top - MARGIN - 16))


def _step_page(painter: QPainter, document: PackDocument, step: PackStep, number: int) -> None:
    width = PAGE.width() - 2 * MARGIN
    top = MARGIN
    _text(
        painter,
        QRectF(MARGIN, top, width, 12),
        f"{document.title.upper()}  ·  STEP {number} OF {len(document.steps)}",
        7.5,
        MUTED,
        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
        bold=True,
    )
    if step.period:
        _text(
            painter,
            QRectF(MARGIN, top, width, 12),
            step.period,
            7.5,
            MUTED,
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
        )
    used = _text(
        painter,
        QRectF(MARGIN, top + 16, width, 60),
        step.title or f"View {number}",
        17,
        INK,
        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
        bold=True,
    )
    y = used.bottom() + 3
    if step.note:
        used = _text(
            painter,
            QRectF(MARGIN, y, width, 60),
            step.note,
            10,
            MUTED,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
        )
        y = used.bottom()
    y += 8
    painter.setPen(QPen(ACCENT, 1.2))
    painter.drawLine(QPointF(MARGIN, y), QPointF(PAGE.width() - MARGIN, y))
    y += 10
    bottom = PAGE.height() - MARGIN - 10
    images_w = width * 0.62
    map_h = bottom - y
    if step.timeline_image is not None:
        map_h *= 0.7
    below = y
    if step.map_image is not None:
        below = _image(painter, step.map_image, QRectF(MARGIN, y, images_w, map_h - 6)).bottom()
    if step.timeline_image is not None:
        _image(
            painter, step.timeline_image, QRectF(MARGIN, below + 8, images_w, bottom - below - 8)
        )
    column = QRectF(MARGIN + images_w + 16, y, width - images_w - 16, bottom - y)
    _events(painter, step, column)


def _image(painter: QPainter, image: QImage, box: QRectF) -> QRectF:
    """The image scaled to fit ``box`` (aspect kept, top-left aligned), with a hairline."""
    size = QSizeF(image.size()).scaled(box.size(), Qt.AspectRatioMode.KeepAspectRatio)
    target = QRectF(box.topLeft(), size)
    painter.drawImage(target, image)
    painter.setPen(QPen(RULE, 0.6))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(target)
    return target


def _event_html(event: PackEvent) -> str:
    sources = "".join(f"<div class='src'>Source: {html.escape(s)}</div>" for s in event.sources)
    return (
        f"<div class='ev'><div class='when'>{html.escape(event.date)}"
        f" &nbsp;·&nbsp; {html.escape(event.place)}</div>"
        f"<div class='title'>{html.escape(event.title)}</div>{sources}</div>"
    )


def _events(painter: QPainter, step: PackStep, column: QRectF) -> None:
    total = step.total_events if step.total_events is not None else len(step.events)
    head = f"{step.events_label} ({total})" if total else "No events in this view"
    used = _text(
        painter,
        QRectF(column.left(), column.top(), column.width(), 14),
        head.upper(),
        8.5,
        ACCENT,
        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
        bold=True,
    )
    area = QRectF(
        column.left(), used.bottom() + 6, column.width(), column.bottom() - used.bottom() - 6
    )
    style = (
        f"div.ev {{ margin-bottom: 7px; }} div.when {{ color: {ACCENT.name()}; "
        "font-size: 7.5pt; font-weight: bold; } div.title { color: #1d2733; "
        "font-size: 9pt; } div.src { color: #5c6773; font-size: 7pt; }"
    )
    shown = len(step.events)
    while True:
        doc = QTextDocument()
        doc.setDefaultFont(_font(9))
        doc.setDocumentMargin(0)
        doc.setDefaultStyleSheet(style)
        doc.setTextWidth(area.width())
        rest = total - shown
        more = (
            f"<div class='src'>… and {rest:,} more event{'s' if rest != 1 else ''}</div>"
            if rest > 0
            else ""
        )
        doc.setHtml("".join(_event_html(e) for e in step.events[:shown]) + more)
        if doc.size().height() <= area.height() or shown == 0:
            break
        shown -= 1
    painter.save()
    painter.translate(area.topLeft())
    doc.drawContents(painter, QRectF(0, 0, area.width(), area.height()))
    painter.restore()
