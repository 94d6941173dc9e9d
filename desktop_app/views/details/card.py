"""The detail card and the selection summary as HTML, built from plain values (no Qt).

Event text is data, never markup: every value from the store or the frame goes through
:func:`html.escape` (the helper ``_e``) before it is placed in the page, and URLs are
shown as text, never as links or images.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import numpy as np

from desktop_app.domain.coords import CoordinateError, Style, format_point
from desktop_app.domain.dates import Precision, describe, from_seconds, iso_text, span_end_seconds
from desktop_app.domain.grades import describe_grade
from desktop_app.frame.summary import SelectionSummary
from desktop_app.store.details import EventDetail

MUTED = "#6b7280"
INK = "#1f2933"
RULE = "#e3e7ed"
ACCENT = "#2f6fb3"
DASH = "\u2013"  # en dash between the ends of a span
LABEL_WIDTH = 100  # px: labels of every section line up

CountryName = Callable[[str], str]


def _e(value: object) -> str:
    """Escape any value for HTML text and attributes."""
    return html.escape(str(value), quote=True)


# ---------------------------------------------------------------- dates
def last_unit(end_s: int, precision: int) -> tuple[datetime, Precision]:
    """The last whole unit of a span ending (exclusively) at ``end_s``.

    The coarsest unit, no coarser than ``precision``, whose span ends exactly at
    ``end_s``: a span to 2025-01-01 at year precision ends with "2024".
    """
    last = from_seconds(int(end_s) - 1)
    for p in range(int(precision), int(Precision.MINUTE) + 1):
        unit = _truncate(last, Precision(p))
        unit_end = int(span_end_seconds(np.array([_seconds(unit)]), np.array([p]))[0])
        if unit_end == end_s:
            return unit, Precision(p)
    return last.replace(second=0), Precision.MINUTE


def span_words(start_s: int, precision: int, end_s: int) -> str:
    """The first and last unit of a span of events: "2023 - 2025" (with an en dash)."""
    first = from_seconds(int(start_s))
    unit, unit_precision = last_unit(end_s, precision)
    first_text = iso_text(first, Precision(int(precision)))
    last_text = iso_text(unit, unit_precision)
    return first_text if first_text == last_text else f"{first_text} {DASH} {last_text}"


def _truncate(moment: datetime, precision: Precision) -> datetime:
    if precision is Precision.YEAR:
        return datetime(moment.year, 1, 1)
    if precision is Precision.MONTH:
        return datetime(moment.year, moment.month, 1)
    if precision is Precision.DAY:
        return datetime(moment.year, moment.month, moment.day)
    return moment.replace(second=0, microsecond=0)


def _seconds(moment: datetime) -> int:
    return int((moment - datetime(1970, 1, 1)).total_seconds())


# ---------------------------------------------------------------- building blocks
STYLE = f"""
p {{ margin: 0 0 4px 0; }}
p.title {{ font-size: 14pt; font-weight: 600; margin: 0 0 2px 0; }}
p.heading {{ font-size: 8pt; font-weight: 600; color: {MUTED}; margin: 16px 0 5px 0;
            text-transform: uppercase; }}
td {{ padding: 2px 10px 2px 0; vertical-align: top; }}
td.label {{ color: {MUTED}; white-space: nowrap; }}
.muted {{ color: {MUTED}; }}
.mono {{ font-family: monospace; }}
.chip {{ background-color: #eef2f7; color: #334155; }}
"""


def _page(body: str) -> str:
    return f"<html><head><style>{STYLE}</style></head><body>{body}</body></html>"


def _rows(pairs: Iterable[tuple[str, str]]) -> str:
    """A label/value table; labels are literal, values are already escaped HTML."""
    cells = "".join(
        f"<tr><td class='label' width='{LABEL_WIDTH}'>{_e(label)}</td><td>{value}</td></tr>"
        for label, value in pairs
        if value
    )
    return f"<table cellspacing='0' cellpadding='0'>{cells}</table>" if cells else ""


def _section(heading: str, content: str) -> str:
    return f"<p class='heading'>{_e(heading)}</p>{content}" if content else ""


def coordinates(lat: float, lon: float, style: Style = "dd") -> str:
    """A point in the analyst's format (View ▸ Coordinates); MGRS has no reference near
    the poles, where decimal degrees are written instead."""
    try:
        return format_point(lat, lon, style)
    except CoordinateError:
        return format_point(lat, lon, "dd") if style != "dd" else f"{lat:g}, {lon:g}"


def _chips(values: Iterable[str]) -> str:
    return " ".join(f"<span class='chip'>&nbsp;{_e(v)}&nbsp;</span>" for v in values)


# ---------------------------------------------------------------- the event card
def event_card(detail: EventDetail, country_name: CountryName = str, style: Style = "dd") -> str:
    """The whole card for one event (HTML, every value escaped); coordinates in ``style``."""
    precision = Precision(detail.precision)
    start = from_seconds(detail.start_s)
    when = [("Date", _e(describe(start, precision)))]
    if detail.end_s is not None:
        unit, unit_precision = last_unit(detail.end_s, precision)
        when.append(("Until", _e(describe(unit, unit_precision))))
    when.append(("Precision", _e(precision.label)))

    parts = [f"<p class='title'>{_e(detail.title)}</p>"]
    subtitle = [v for v in (detail.category, describe(start, precision)) if v]
    parts.append(f"<p class='muted'>{' · '.join(_e(v) for v in subtitle)}</p>")
    parts.append(_section("When", _rows(when)))
    parts.append(_section("Where", _place(detail, country_name, style)))

    about = [
        ("Category", _e(detail.category or "")),
        ("Grade", _e(describe_grade(detail.reliability, detail.credibility))),
        (
            "Actors",
            "<br>".join(
                _e(a.name) + (f" <span class='muted'>({_e(a.role)})</span>" if a.role else "")
                for a in detail.actors
            ),
        ),
        ("Tags", _chips(detail.tags)),
    ]
    parts.append(_section("About", _rows(about)))
    if detail.description:
        text = _e(detail.description).replace("\n", "<br>")
        parts.append(_section("Description", f"<p>{text}</p>"))
    parts.append(
        _section(
            f"Sources ({len(detail.sources)})" if detail.sources else "Sources",
            _sources(detail) or "<p class='muted'>No source given</p>",
        )
    )
    if detail.attributes:
        parts.append(
            _section(
                "Other attributes",
                _rows((str(k), _e(_plain(v))) for k, v in sorted(detail.attributes.items())),
            )
        )
    parts.append(_section("Imported from", _batch(detail)))
    return _page("".join(parts))


def _place(detail: EventDetail, country_name: CountryName, style: Style) -> str:
    place = detail.place
    if place is None:
        return "<p class='muted'>No location</p>"
    country = ""
    if place.country:
        country = (
            f"{_e(country_name(place.country))} <span class='muted'>({_e(place.country)})</span>"
        )
    coords = ""
    if place.latitude is not None and place.longitude is not None:
        text = coordinates(place.latitude, place.longitude, style)
        coords = f"<span class='mono'>{_e(text)}</span>"
    else:
        coords = "<span class='muted'>no coordinates</span>"
    return _rows(
        [
            ("Place", f"<b>{_e(place.name)}</b>"),
            ("Country", country),
            ("Coordinates", coords),
            ("Geo precision", _e(place.geo_precision)),
            ("Also known as", _e(", ".join(place.alt_names))),
        ]
    )


def _sources(detail: EventDetail) -> str:
    items = []
    for number, source in enumerate(detail.sources, start=1):
        publisher = source.publisher if source.publisher != source.title else None
        meta = " · ".join(_e(v) for v in (publisher, source.date) if v)
        lines = [f"<p><b>{number}. {_e(source.title)}</b></p>"]
        if meta:
            lines.append(f"<p class='muted'>{meta}</p>")
        if source.url:  # text only: nothing here loads or opens it
            lines.append(f"<p class='mono muted'>{_e(source.url)}</p>")
        if source.notes:
            lines.append(f"<p class='muted'><i>{_e(source.notes)}</i></p>")
        items.append("".join(lines))
    return "<p style='margin-top:4px'></p>".join(items)


def _batch(detail: EventDetail) -> str:
    batch = detail.batch
    rows = [("Event", _e(f"#{detail.id}")), ("Id in file", _e(detail.external_id or ""))]
    if batch is not None:
        rows[:0] = [
            ("File", _e(batch.file_name)),
            ("Imported", _e(f"{batch.imported_at:%d %B %Y, %H:%M}").lstrip("0")),
            ("Preset", _e(batch.preset)),
            ("Batch", _e(f"#{batch.id}")),
        ]
    return _rows(rows)


def _plain(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


# ---------------------------------------------------------------- frame-only card
def frame_card(
    title: str,
    start_s: int,
    precision: int,
    place: str,
    category: str,
    lat: float,
    lon: float,
    style: Style = "dd",
) -> str:
    """A short card from the frame alone (no project open, or the event is gone)."""
    start = from_seconds(start_s)
    where = (
        f"<b>{_e(place or 'Unnamed place')}</b><br><span class='mono'>"
        f"{_e(coordinates(lat, lon, style))}</span>"
        if not np.isnan(lat)
        else "<span class='muted'>No location</span>"
    )
    return _page(
        f"<p class='title'>{_e(title)}</p><p class='muted'>{_e(category)}</p>"
        + _section("When", _rows([("Date", _e(describe(start, Precision(precision))))]))
        + _section("Where", f"<p>{where}</p>")
        + "<p class='muted' style='margin-top:12px'>Sources and attributes are read "
        "from the project, which is not open.</p>"
    )


# ---------------------------------------------------------------- several events
def summary_card(summary: SelectionSummary, hidden: int = 0) -> str:
    """Count, date span, top categories and places of a multi-selection."""
    if not summary.count:
        return _page("<p class='muted'>Nothing selected</p>")
    parts = [f"<p class='title'>{summary.count:,} events selected</p>"]
    meta = []
    if summary.first_start is not None and summary.last_end is not None:
        meta.append(_e(span_words(summary.first_start, summary.first_precision, summary.last_end)))
    unlocated = summary.count - summary.located
    meta.append(
        f"{summary.located:,} located" + (f", {unlocated:,} without location" if unlocated else "")
    )
    if hidden:
        meta.append(f"{hidden:,} hidden by the filters")
    parts.append(f"<p class='muted'>{' · '.join(meta)}</p>")

    def top(pairs: list[tuple[str, int]]) -> str:
        return "<br>".join(
            f"{_e(name)} <span class='muted'>{count:,}</span>" for name, count in pairs
        )

    table = (
        "<table cellspacing='0' cellpadding='0' width='100%'><tr>"
        f"<td width='50%'>{_section('Top categories', top(summary.top_categories) or DASH)}"
        f"</td><td width='50%'>{_section('Top places', top(summary.top_places) or DASH)}</td>"
        "</tr></table>"
    )
    parts.append(table)
    return _page("".join(parts))


def message(text: str) -> str:
    return _page(f"<p class='muted' style='margin-top:24px' align='center'>{_e(text)}</p>")
