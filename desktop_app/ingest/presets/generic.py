"""An analyst's own sheet: columns recognised by name (see ``ingest/columns.py``)."""

from __future__ import annotations

import pandas as pd

from desktop_app.ingest.columns import (
    MAP_HINT,
    canonical_mapping,
    date_column_by_content,
    guess_mapping,
)
from desktop_app.ingest.countries import iso_from_text
from desktop_app.ingest.presets.base import (
    Draft,
    ListColumn,
    Options,
    SourceColumn,
    extra_columns,
    first_words,
    parse_column,
    split_date_column,
)
from desktop_app.ingest.presets.base import text as plain_text
from desktop_app.ingest.readers import RawTable, UnreadableFile

NAME = "generic"
# a cell neutralised against spreadsheet formulas (OWASP: a quote before = + - @ tab CR),
# as Sightline's CSV export writes it: the quote is dropped again on import
NEUTRALISED = r"^'[=+\-@\t\r]"


def unneutralised(values: pd.Series) -> pd.Series:
    """Text cells with the export's formula-neutralising quote removed."""
    hit = values.str.contains(NEUTRALISED, regex=True).fillna(False).to_numpy(bool)
    return values.where(~hit, values.str.slice(1)) if hit.any() else values


def score(table: RawTable) -> float:
    mapping = guess_mapping(table.columns)
    return 0.1 if "start" in mapping or "year" in mapping else 0.0


def score_by_content(table: RawTable) -> float:
    """For a file no preset knows and no column names as a date: one whose values are
    dates will do (the import says which). Looked at only when every score is 0."""
    return 0.05 if date_column_by_content(table.frame) is not None else 0.0


def _mapping(table: RawTable, options: Options) -> dict[str, str]:
    if not options.mapping:
        return guess_mapping(table.columns)
    try:
        return canonical_mapping(options.mapping)
    except ValueError as exc:
        raise UnreadableFile(str(exc)) from exc


def _found_by_content(
    table: RawTable, options: Options, mapping: dict[str, str]
) -> tuple[str, float] | None:
    """The column holding dates, decided once per header (see Options.found_dates)."""
    key = tuple(table.columns)
    if key not in options.found_dates:
        options.found_dates[key] = date_column_by_content(table.frame, exclude=mapping.values())
    return options.found_dates[key]


def date_sources(table: RawTable, options: Options) -> list[str]:
    mapping = _mapping(table, options)
    if "start" not in mapping and "year" not in mapping:
        found = _found_by_content(table, options, mapping)
        return [found[0]] if found else []
    return [
        mapping[k]
        for k in ("start", "time", "end", "year", "month", "day")
        if mapping.get(k) in table.columns
    ]


def normalize(table: RawTable, options: Options) -> Draft:
    f = table.frame

    def text(frame: pd.DataFrame, column: str | None) -> pd.Series:
        return unneutralised(plain_text(frame, column))

    mapping = _mapping(table, options)
    missing = [c for c in mapping.values() if c not in f.columns]
    if missing:
        raise UnreadableFile(f"the mapping names columns the file does not have: {missing}")
    warnings: list[str] = []
    if "start" not in mapping and "year" not in mapping:
        found = _found_by_content(table, options, mapping)
        if found is None:
            raise UnreadableFile(
                "no usable date column: no column is named as a date and none holds dates; "
                + MAP_HINT
                + " (columns are: "
                + ", ".join(f.columns[:20])
                + ")"
            )
        mapping["start"] = found[0]
        warnings.append(
            f"No column is named as a date: dates were read from column "
            f"{found[0]!r}, where {found[1]:.0%} of the values are dates"
        )
    col = mapping.get
    if col("start"):
        date = text(f, col("start"))
        if col("time"):
            clock = text(f, col("time"))
            date = (date + " " + clock).str.strip().where(date != "", "")
        start = parse_column(date, col("start") or "", options.date_order, None, warnings)
    else:
        start = split_date_column(f, mapping["year"], col("month"), col("day"))
    # the end is read in the order the start was read in (chosen or detected)
    end = (
        parse_column(text(f, col("end")), col("end") or "", start.used, None, warnings)
        if col("end")
        else None
    )
    description = text(f, col("description"))
    title = text(f, col("title")) if col("title") else first_words(description)
    if col("title"):
        title = title.where(title != "", first_words(description))
    sep = ";"
    urls = text(f, col("source_url")) if col("source_url") else None
    return Draft(
        table=table,
        preset=NAME,
        mapping=mapping,
        start=start,
        end=end,
        title=title,
        description=description,
        external_id=text(f, col("external_id")) if col("external_id") else None,
        category=text(f, col("category")) if col("category") else None,
        place=text(f, col("place")) if col("place") else None,
        country=iso_from_text(text(f, col("country"))) if col("country") else None,
        latitude=text(f, col("latitude")) if col("latitude") else None,
        longitude=text(f, col("longitude")) if col("longitude") else None,
        coord_columns=(col("latitude") or "latitude", col("longitude") or "longitude"),
        actors=[ListColumn(text(f, col("actors")), sep)] if col("actors") else [],
        sources=[SourceColumn(text(f, col("source")), sep, urls=urls)]
        if col("source")
        else ([SourceColumn(urls, None, urls=urls)] if urls is not None else []),
        tags=[ListColumn(text(f, col("tags")), sep)] if col("tags") else [],
        reliability=text(f, col("reliability")) if col("reliability") else None,
        credibility=text(f, col("credibility")) if col("credibility") else None,
        attributes=extra_columns(f, set(mapping.values())),
        warnings=warnings,
    )
