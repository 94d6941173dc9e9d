"""Reading XLSX workbooks into a table of strings, after :mod:`xlsx_guard` checked them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from desktop_app.ingest.filecheck import UnreadableFile, check_file
from desktop_app.ingest.rawtable import RawTable, clean_header
from desktop_app.ingest.xlsx_guard import CellBudget, check_workbook


def _open(path: Path) -> Any:
    from openpyxl import load_workbook

    check_file(path)  # the wizard lists the sheets of a path before anything else reads it
    check_workbook(path)  # from the ZIP directory, before anything is inflated
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise UnreadableFile(
            f"this is not a readable XLSX workbook ({exc.__class__.__name__})"
        ) from None


def list_sheets(path: Path) -> list[str]:
    book = _open(path)
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def _sheet_rows(sheet: Any, budget: CellBudget) -> list[list[str]]:
    """The rows of one sheet as text, trailing empty rows dropped."""
    # a sheet's <dimension> may claim A1:XFD1048576 whatever it holds, and openpyxl pads
    # every row to it: read only the cells that are there
    sheet.reset_dimensions()
    rows: list[list[str]] = []
    for row in sheet.iter_rows(values_only=True):
        budget.take(len(row))
        rows.append([_cell_text(v) for v in row])
    while rows and not any(rows[-1]):
        rows.pop()
    return rows


def read_xlsx(path: Path, sheet: str | None = None) -> RawTable:
    """Read one sheet (the named one, else the first with a header and data rows)."""
    book = _open(path)
    budget = CellBudget()
    try:
        names = list(book.sheetnames)
        if sheet is not None and sheet not in names:
            raise UnreadableFile(f"no sheet named {sheet!r}; the sheets are: {', '.join(names)}")
        candidates = [sheet] if sheet is not None else names
        tables = []
        for name in candidates:
            try:
                rows = _sheet_rows(book[name], budget)
            except UnreadableFile:
                raise
            except Exception as exc:  # a damaged sheet XML
                raise UnreadableFile(
                    f"sheet {name!r} cannot be read ({exc.__class__.__name__}: {exc})"
                ) from None
            if len(rows) >= 2 or sheet is not None:
                tables.append((name, rows))
        if not tables:
            raise UnreadableFile("the workbook has no sheet with a header and rows")
    finally:
        book.close()
    chosen = tables[0]
    if sheet is None:  # prefer a sheet whose header names a date, else one holding dates
        chosen = _dated_sheet(tables) or chosen
    name, rows = chosen
    if not rows:
        raise UnreadableFile(f"sheet {name!r} is empty")
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    header = clean_header(rows[0], True)
    body = rows[1:]
    frame = pd.DataFrame(body, columns=header, dtype=pd.StringDtype())
    numbers = np.arange(2, 2 + len(body), dtype=np.int64)
    keep = [any(cell.strip() for cell in r) for r in body]
    frame, numbers = frame[keep].reset_index(drop=True), numbers[keep]
    return RawTable(frame, numbers, True, "xlsx", None, name, [n for n, _ in tables] or [name])


def _cell_text(value: object) -> str:
    """Excel cells as text: dates keep what they hold, whole numbers lose the '.0'."""
    from datetime import date, datetime, time

    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _dated_sheet(tables: list[tuple[str, list[list[str]]]]) -> tuple[str, list[list[str]]] | None:
    """The first sheet whose header names a date column, else the first with a column of
    dates (an "About" sheet before the data must not win by coming first)."""
    from desktop_app.ingest.columns import date_column_by_content, find_date_column

    for name, rows in tables:
        if rows and find_date_column([c for c in rows[0] if c]) is not None:
            return name, rows
    for name, rows in tables:
        if len(rows) < 2:
            continue
        width = max(len(r) for r in rows[:200])
        header = clean_header([*rows[0], *[""] * (width - len(rows[0]))], True)
        body = [r + [""] * (width - len(r)) for r in rows[1:201]]
        if (
            date_column_by_content(pd.DataFrame(body, columns=header, dtype=pd.StringDtype()))
            is not None
        ):
            return name, rows
    return None
