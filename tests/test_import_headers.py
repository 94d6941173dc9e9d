"""Import tests on the files' headers, real files into a real SQLite project: the preset each
provider's header chooses, missing-value markers, and the date column found by name or by
content (or the message saying how to map one). Helpers in test_import_presets.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from test_import_presets import (
    DATA,
    load_events,
    table_counts,
    write_csv,
)

from desktop_app.domain.dates import DateOrder, Precision
from desktop_app.ingest.pipeline import Options, UnreadableFile, import_file
from desktop_app.store.project import Project
from desktop_app.store.schema import Event, Location


@pytest.fixture
def project(sqlite_project: Project) -> Project:
    return sqlite_project


# ---------------------------------------------------------------- presets chosen by header
PROVIDERS = DATA / "providers"


@pytest.mark.parametrize(
    "name, preset",
    [
        ("acled_excel_resave.csv", "acled"),
        ("acled_2015_upper.csv", "acled"),
        ("acled_2019_api.csv", "acled"),
        ("gdelt_v1_mixed_57_58.tsv", "gdelt_v1"),
        ("gdelt_v1_with_header.csv", "gdelt_v1"),
        ("gdelt_v2_bigquery.csv", "gdelt_v2"),
        ("globalterrorismdb.csv", "gtd"),
        ("ged_events.csv", "ucdp"),
        ("icews_events.tab", "icews"),
        ("incidents_no_title.csv", "generic"),
    ],
)
def test_choose_detects_each_provider_from_its_header(name: str, preset: str) -> None:
    from desktop_app.ingest import presets
    from desktop_app.ingest.pipeline import read_for_import

    table = read_for_import(PROVIDERS / name, Options())
    assert presets.choose(table).name == preset


def test_missing_markers_read_as_blank_in_every_column() -> None:
    import pandas as pd

    from desktop_app.ingest.presets.base import extra_columns, text
    from desktop_app.ingest.presets.missing import MISSING_MARKERS

    values = [
        "NA",
        "N/A",
        "n/a",
        "null",
        "NULL",
        "None",
        "-",
        "nan",
        " NA ",
        "Nairobi",
        "-5",
        "None of them",
        "",
    ]
    for dtype in (object, "string", "string[pyarrow]"):
        frame = pd.DataFrame({"c": pd.Series(values, dtype=dtype)})
        assert list(text(frame, "c")) == [""] * 9 + ["Nairobi", "-5", "None of them", ""]
        kept = extra_columns(frame, set())
        assert kept is not None
        assert list(kept["c"])[:3] == ["", "", ""] and list(kept["c"])[9] == "Nairobi"
    assert {"NA", "N/A", "null", "None", "-"} <= set(MISSING_MARKERS)


def test_na_coordinates_are_no_coordinates_not_rejects(project: Project, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "na.csv",
        "date,title,city,latitude,longitude\n"
        "2024-01-02,Located,Kyiv,50.45,30.52\n"
        "2024-01-03,No coordinates,NA,NA,N/A\n"
        "2024-01-04,Null coordinates,null,null,NULL\n",
    )
    result = import_file(project, path)
    assert (result.imported, result.rejected, result.unlocated) == (3, 0, 2)
    with project.session() as session:
        names = set(session.scalars(select(Location.name)))
    assert "NA" not in names and "null" not in names


def test_date_column_found_by_content_is_named(project: Project, tmp_path: Path) -> None:
    import pandas as pd

    from desktop_app.ingest.columns import date_column_by_content

    frame = pd.DataFrame(
        {
            "ref": ["1001", "1002", "1003", "1004", "1005"],
            "Occurred (local)": ["9-May-20", "10-May-20", "", "bad", "12-May-20"],
            "what": ["a", "b", "c", "d", "e"],
        },
        dtype="string",
    )
    # 3 of the 4 non-blank values are dates: below 80%
    assert date_column_by_content(frame) is None
    frame.loc[3, "Occurred (local)"] = "11-May-20"
    assert date_column_by_content(frame) == ("Occurred (local)", 1.0)
    # ids of plain numbers are not dates, YYYYMMDD numbers are
    numbers = pd.DataFrame({"n": ["1999", "2000"], "d": ["20200509", "20200510"]}, dtype="string")
    assert date_column_by_content(numbers) == ("d", 1.0)


def test_no_date_column_says_how_to_map_one(project: Project, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "nodate.csv", "name,place\nAlpha,Kyiv\nBeta,Lviv\n")
    with pytest.raises(UnreadableFile, match=r"--map date=COLUMN.*--map year=iyear"):
        import_file(project, path)
    assert table_counts(project)["Event"] == 0


def test_split_date_columns_found_by_name(project: Project, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "split.csv",
        "year,month,day,title\n2020,5,9,Full\n2020,5,0,Month\n2020,0,0,Year\n",
    )
    result = import_file(project, path)
    assert (result.preset, result.imported) == ("generic", 3)
    got = {e.title: Precision(e.precision) for e in load_events(project)}
    assert got == {"Full": Precision.DAY, "Month": Precision.MONTH, "Year": Precision.YEAR}


def test_missing_markers_in_chunked_sliced_and_empty_arrow_columns() -> None:
    import pandas as pd
    import pyarrow as pa

    from desktop_app.ingest.presets.base import text

    chunked = pa.chunked_array(
        [
            pa.array(["Kyiv", "NA"], pa.large_string()),
            pa.array(["", "", "null"], pa.large_string()).slice(1),
            pa.array(["Niger", "N/A", "Nairobi"], pa.large_string()),
        ]
    )
    frame = pd.DataFrame(
        {
            "c": pd.Series(pd.arrays.ArrowStringArray(chunked)),
            "e": pd.Series([""] * 7, dtype="string[pyarrow]"),
        }
    )
    assert list(text(frame, "c")) == ["Kyiv", "", "", "", "Niger", "", "Nairobi"]
    assert list(text(frame, "e")) == [""] * 7


def test_a_column_name_that_states_the_date_order_decides_ambiguous_dates() -> None:
    from desktop_app.ingest.presets.base import order_named_by

    assert order_named_by("Date of Incident (month/day/year)") is DateOrder.MONTH_FIRST
    assert order_named_by("date (mm/dd/yyyy)") is DateOrder.MONTH_FIRST
    assert order_named_by("Datum (dd.mm.yyyy)") is DateOrder.DAY_FIRST
    assert order_named_by("event_date") is None


def test_a_workbook_whose_data_follows_an_about_sheet(project: Project, tmp_path: Path) -> None:
    """The About sheet comes first and names no date; the data sheet's date column is
    found by its content and read month-first as its name says."""

    from openpyxl import Workbook

    book = Workbook()
    about = book.active
    about.title = "About"
    about.append(["Mass shootings - extract for training"])
    about.append(["Compiled from public reports"])
    data = book.create_sheet("Incidents")
    data.append(["CaseID", "Title", "City", "State", "Date of Incident (month/day/year)"])
    data.append([101, "Birmingham bar shooting", "Birmingham", "Alabama", datetime(2016, 3, 4)])
    data.append([102, "Chicago block party shooting", "Chicago", "Illinois", "3/4/2016"])
    data.append([103, "Houston warehouse shooting", "Houston", "Texas", "11/12/2015"])
    path = tmp_path / "incidents.xlsx"
    book.save(path)
    result = import_file(project, path)
    assert (result.imported, result.rejected, result.sheet) == (3, 0, "Incidents")
    with project.session() as session:
        days = {e.title: e.start.strftime("%Y-%m-%d") for e in session.scalars(select(Event))}
    assert days == {
        "Birmingham bar shooting": "2016-03-04",
        "Chicago block party shooting": "2016-03-04",
        "Houston warehouse shooting": "2015-11-12",
    }
    assert any("as the column's name says" in w for w in result.warnings)
