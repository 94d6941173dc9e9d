"""Refusing hostile workbooks before anything is inflated.

An XLSX file is a ZIP archive. A "zip bomb" is a small archive whose members inflate to
gigabytes (a 3 MB workbook took 7.8 GB and 155 s before this check). The sizes and
compression ratios come from the ZIP central directory, read without inflating anything;
Python's ``zipfile`` (which openpyxl reads through) stops a member at the size the
directory declares, so a member cannot lie its way past these limits.

What a sheet holds once parsed is bounded too (``MAX_CELLS``): openpyxl pads rows to the
size the sheet claims in its ``<dimension>`` tag, so that claim is ignored and the cells
actually read are counted.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from desktop_app.ingest.filecheck import UnreadableFile

MAX_TOTAL_BYTES = 512 << 20  # all members inflated
MAX_RATIO = 100  # inflated / compressed past RATIO_FLOOR (real sheets: about 10)
RATIO_FLOOR = 1 << 20  # small members (styles, a tiny sheet) may compress as they like
MAX_MEMBERS = 10_000
MAX_CELLS = 5_000_000  # cells read (~700 MB as Python text; openpyxl reads ~100k a second)


def _mb(size: int) -> str:
    return f"{size / (1 << 20):,.0f} MB" if size >= 1 << 20 else f"{size:,} bytes"


def check_workbook(
    path: Path,
    *,
    max_total: int = MAX_TOTAL_BYTES,
    max_ratio: float = MAX_RATIO,
    ratio_floor: int = RATIO_FLOOR,
) -> None:
    """Raise :class:`UnreadableFile` if the workbook would inflate beyond the limits."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise UnreadableFile(
            f"this is not a readable XLSX workbook (its ZIP directory is damaged: {exc})"
        ) from None
    if len(members) > MAX_MEMBERS:
        raise UnreadableFile(
            f"refused: the workbook holds {len(members):,} parts; a real workbook has a few dozen"
        )
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > ratio_floor:
            ratio = member.file_size / max(member.compress_size, 1)
            if ratio > max_ratio:
                raise UnreadableFile(
                    f"refused: {member.filename} would inflate {ratio:,.0f} times "
                    f"(to {_mb(member.file_size)}); this looks like a zip bomb, not a workbook"
                )
    if total > max_total:
        raise UnreadableFile(
            f"refused: the workbook would inflate to {_mb(total)} (the limit is "
            f"{_mb(max_total)}); save the sheet as CSV and import that"
        )


class CellBudget:
    """Counts the cells read from a sheet and refuses past ``MAX_CELLS``."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = MAX_CELLS if limit is None else limit
        self.used = 0

    def take(self, cells: int) -> None:
        self.used += max(cells, 1)  # an empty row still costs a row
        if self.used > self.limit:
            raise UnreadableFile(
                f"refused: the sheet holds more than {self.limit:,} cells; save it as CSV "
                "and import that"
            )
