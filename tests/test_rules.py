"""One vocabulary: an import and an edit refuse the same bad value with the same words.

The import reads a small generic sheet (the analyst's own layout: Title, Date, End date,
Lat, Lon and the two grades) with one bad value per row; the edit is refused the same
value through the store's editing functions. Both must give the message of
:mod:`desktop_app.domain.rules` (or of the grades and dates it points to).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from desktop_app.domain import rules
from desktop_app.domain.dates import MIN_SECONDS, YEAR_RANGE, Precision, to_seconds
from desktop_app.ingest.pipeline import import_file
from desktop_app.store import editing
from desktop_app.store.editing import EditError, EventFields, LocationFields
from desktop_app.store.project import Project

HEADER = "Title,Date,End date,Lat,Lon,Reliability,Credibility\r\n"
GOOD = EventFields("Good", to_seconds(datetime(2024, 3, 10)), int(Precision.DAY))
DAY = 86_400

# (row of the sheet after the header, the edit that carries the same bad value)
CASES = [
    ("Far north,2024-03-10,,95,10,,", LocationFields("X", 95.0, 10.0)),
    ("Far south,2024-03-10,,-90.5,10,,", LocationFields("X", -90.5, 10.0)),
    ("Far east,2024-03-10,,10,181,,", LocationFields("X", 10.0, 181.0)),
    ("Latitude alone,2024-03-10,,10,,,", LocationFields("X", 10.0, None)),
    ("Longitude alone,2024-03-10,,,10,,", LocationFields("X", None, 10.0)),
    # the end date 2024-03-09 ends (exclusive) at 2024-03-10 00:00, the start
    ("Ends first,2024-03-10,2024-03-09,,,,", replace(GOOD, end_s=GOOD.start_s)),
    ("Ends long before,2024-03-10,2023-01-01,,,,", replace(GOOD, end_s=GOOD.start_s - 400 * DAY)),
    ("Unknown reliability,2024-03-10,,,,G,", replace(GOOD, reliability="G")),
    ("Unknown credibility,2024-03-10,,,,,7", replace(GOOD, credibility=7)),
]


def _edit_message(project: Project, bad: EventFields | LocationFields) -> str:
    with pytest.raises(EditError) as refused:
        if isinstance(bad, LocationFields):
            editing.create_location(project, bad)
        else:
            editing.create_event(project, bad)
    return str(refused.value)


def test_import_and_edit_refuse_a_bad_value_in_the_same_words(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "own_sheet.csv"
    path.write_text(HEADER + "\r\n".join(row for row, _ in CASES) + "\r\n", encoding="utf-8")
    result = import_file(project, path)
    assert result.imported == 0 and result.rejected == len(CASES)
    reasons: dict[int, list[str]] = {}
    for reject in result.rejects:
        reasons.setdefault(reject.row, []).append(reject.reason)
    for number, (row, bad) in enumerate(CASES, start=2):  # row 1 is the header
        assert reasons[number] == [_edit_message(project, bad)], row
    assert editing.list_locations(project) == []  # the refused edits wrote nothing


def test_the_messages_come_from_the_rules() -> None:
    assert rules.coordinate_problem(95.0, 10.0) is rules.LATITUDE_RANGE
    assert rules.coordinate_problem(10.0, -180.5) is rules.LONGITUDE_RANGE
    assert rules.coordinate_problem(None, 10.0) is rules.COORDINATES_IN_PAIRS
    assert rules.coordinate_problem(90.0, -180.0) is None  # the limits are allowed
    assert rules.coordinate_problem(None, None) is None
    assert rules.span_problem(10, 10) is rules.END_BEFORE_START
    assert rules.span_problem(10, 11) is None and rules.span_problem(10, None) is None
    with pytest.raises(EditError, match=YEAR_RANGE.replace("(", r"\(").replace(")", r"\)")):
        replace(GOOD, start_s=MIN_SECONDS - 1).check()
