"""GDELT event files: v1 (57 or 58 columns) and v2 (61 columns), tab-separated, no header;
and the same records with a header row, as gdeltPyR and BigQuery exports write them.

GDELT 1.0's backfile (before April 2013) has 57 fields; the daily files since then add
SOURCEURL as the 58th. A file mixing both is read as 58 columns, the 57-field records
without a source (:func:`read_events`). Codebook fields become:

- GLOBALEVENTID: the event's global id (namespace "gdelt"); SQLDATE (YYYYMMDD): the date
  at day precision (DATEADDED is when GDELT added it, kept as an attribute);
- EventRootCode: the category (CAMEO root names); EventCode, QuadClass, GoldsteinScale,
  NumMentions/Sources/Articles, AvgTone: attributes;
- Actor1Name/Actor2Name (else their CAMEO codes): actors 1 and 2, and the title;
- ActionGeo_FullName, _CountryCode (FIPS 10-4, not ISO: RP is the Philippines, CH China),
  _Lat, _Long, _Type: the place; a Geo_Type 1 match is the country as a whole (its
  centroid), not a city;
- SOURCEURL: the source.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from desktop_app.ingest.countries import iso_from_fips
from desktop_app.ingest.presets.base import (
    Draft,
    ListColumn,
    Options,
    SourceColumn,
    parse_column,
    text,
)
from desktop_app.ingest.readers import RawTable, UnreadableFile

_ACTOR = [
    "Code",
    "Name",
    "CountryCode",
    "KnownGroupCode",
    "EthnicCode",
    "Religion1Code",
    "Religion2Code",
    "Type1Code",
    "Type2Code",
    "Type3Code",
]
_EVENT = [
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
]
_HEAD = ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"]
_GEO_V1 = ["Type", "FullName", "CountryCode", "ADM1Code", "Lat", "Long", "FeatureID"]
_GEO_V2 = ["Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID"]


def _columns(geo: list[str]) -> list[str]:
    cols = list(_HEAD)
    cols += [f"Actor1{c}" for c in _ACTOR] + [f"Actor2{c}" for c in _ACTOR] + _EVENT
    for who in ("Actor1Geo_", "Actor2Geo_", "ActionGeo_"):
        cols += [who + c for c in geo]
    return [*cols, "DATEADDED"]


V1_COLUMNS = _columns(_GEO_V1)  # 57
V2_COLUMNS = [*_columns(_GEO_V2), "SOURCEURL"]  # 61
WIDTHS = {57: V1_COLUMNS, 58: [*V1_COLUMNS, "SOURCEURL"], 61: V2_COLUMNS}

# CAMEO root event codes
CAMEO_ROOT = {
    "01": "Make public statement",
    "02": "Appeal",
    "03": "Express intent to cooperate",
    "04": "Consult",
    "05": "Engage in diplomatic cooperation",
    "06": "Engage in material cooperation",
    "07": "Provide aid",
    "08": "Yield",
    "09": "Investigate",
    "10": "Demand",
    "11": "Disapprove",
    "12": "Reject",
    "13": "Threaten",
    "14": "Protest",
    "15": "Exhibit force posture",
    "16": "Reduce relations",
    "17": "Coerce",
    "18": "Assault",
    "19": "Fight",
    "20": "Use unconventional mass violence",
}
# Geo_Type: 1 country, 2 US state, 3 US city, 4 world city, 5 world state (ADM1)
GEO_PRECISION = {"1": "country", "2": "region", "3": "town", "4": "town", "5": "region"}


def is_header(first_line: str) -> bool:
    """True for the header row gdeltPyR and BigQuery exports start with."""
    return first_line.lstrip("\ufeff").lower().startswith(("globaleventid", '"globaleventid'))


def looks_like(first_line: str) -> int | None:
    """The GDELT width (57, 58 or 61) if a line looks like a GDELT event record."""
    fields = first_line.rstrip("\r\n").split("\t")
    if (
        len(fields) in WIDTHS
        and fields[0].isdigit()
        and len(fields[1]) == 8
        and fields[1].isdigit()
    ):
        return len(fields)
    return None


# header names (any case) -> the codebook's spelling
CANONICAL = {c.lower(): c for c in V2_COLUMNS + V1_COLUMNS + ["SOURCEURL"]}


def score(table: RawTable) -> float:
    if table.has_header:
        names = {c.lower() for c in table.columns}
        if not {"globaleventid", "sqldate"} <= names:
            return 0.0
        return 0.5 + 0.5 * len(names & set(CANONICAL)) / len(V1_COLUMNS)
    if len(table.columns) not in WIDTHS:
        return 0.0
    sample = table.frame.iloc[:20, :2]
    ok = sample.iloc[:, 0].str.isdigit().all() and sample.iloc[:, 1].str.fullmatch(r"\d{8}").all()
    return 1.0 if ok else 0.0


def version(table: RawTable) -> str:
    if table.has_header:
        names = {c.lower() for c in table.columns}
        v2 = "actiongeo_adm2code" in names or "actor1geo_adm2code" in names
        return "gdelt_v2" if v2 else "gdelt_v1"
    return "gdelt_v2" if len(table.columns) == 61 else "gdelt_v1"


def date_sources(table: RawTable, options: Options) -> list[str]:
    if table.has_header:
        return [c for c in table.columns if c.lower() == "sqldate"]
    return table.columns[1:2]  # SQLDATE


def _named(table: RawTable) -> pd.DataFrame:
    """The records with the codebook's column names."""
    f = table.frame.copy()
    if table.has_header:
        f.columns = [CANONICAL.get(c.lower(), c) for c in table.columns]
    else:
        f.columns = WIDTHS[len(f.columns)]
    return f


def normalize(table: RawTable, options: Options) -> Draft:
    f = _named(table)
    warnings: list[str] = []
    start = parse_column(text(f, "SQLDATE"), "SQLDATE", options.date_order, None, warnings)
    root = text(f, "EventRootCode").str.zfill(2)
    category = root.map(CAMEO_ROOT).fillna("Other").astype("string")
    actor1 = text(f, "Actor1Name").where(text(f, "Actor1Name") != "", text(f, "Actor1Code"))
    actor2 = text(f, "Actor2Name").where(text(f, "Actor2Name") != "", text(f, "Actor2Code"))
    title = category + ": " + actor1.where(actor1 != "", "(unnamed)")
    title = title + pd.Series(
        ["" if a == "" else f" → {a}" for a in actor2], index=f.index, dtype="string"
    )
    url = text(f, "SOURCEURL")
    kept = [
        "EventCode",
        "EventBaseCode",
        "QuadClass",
        "GoldsteinScale",
        "NumMentions",
        "NumSources",
        "NumArticles",
        "AvgTone",
        "ActionGeo_Type",
        "Actor1CountryCode",
        "Actor2CountryCode",
        "DATEADDED",
    ]
    place_detail = [
        c
        for c in ("ActionGeo_ADM1Code", "ActionGeo_ADM2Code", "ActionGeo_FeatureID")
        if c in f.columns
    ]
    return Draft(
        table=table,
        preset=version(table),
        mapping={
            "external_id": "GLOBALEVENTID",
            "start": "SQLDATE",
            "category": "EventRootCode",
            "actors": "Actor1Name, Actor2Name",
            "place": "ActionGeo_FullName",
            "country": "ActionGeo_CountryCode (FIPS)",
            "latitude": "ActionGeo_Lat",
            "longitude": "ActionGeo_Long",
            "source_url": "SOURCEURL",
        },
        start=start,
        title=title,
        external_id=text(f, "GLOBALEVENTID"),
        id_namespace="gdelt",
        category=category,
        place=text(f, "ActionGeo_FullName"),
        country=iso_from_fips(text(f, "ActionGeo_CountryCode")),
        latitude=text(f, "ActionGeo_Lat"),
        longitude=text(f, "ActionGeo_Long"),
        coord_columns=("ActionGeo_Lat", "ActionGeo_Long"),
        location_attributes=f[place_detail],
        geo_precision=(
            text(f, "ActionGeo_Type").map(GEO_PRECISION).fillna("unknown").astype("string")
        ),
        actors=[ListColumn(actor1, None, 1), ListColumn(actor2, None, 2)],
        sources=[SourceColumn(url, None, urls=url)] if "SOURCEURL" in f else [],
        attributes=f[[c for c in kept if c in f.columns]],
        warnings=warnings,
    )


def read_events(path: Path, encoding: str | None = None) -> RawTable:
    """A headerless GDELT event file, GDELT's own way: one record per line, fields split
    on tabs and never quoted (a '"' in a name is text).

    57-field records (the pre-2013 backfile) in a file of 58-field records get an empty
    SOURCEURL; a line of any other width, or one that does not decode, is a bad row
    with its line number. Blank lines count as lines but hold nothing.
    """
    uniform = _read_uniform(path, encoding)
    if uniform is not None:
        return uniform
    return _read_lines(path, encoding)


def _read_uniform(path: Path, encoding: str | None) -> RawTable | None:
    """The fast read (pyarrow, all cores) of a file whose records all have the first
    record's width; None when any line differs (or does not decode): then every line
    is looked at (:func:`_read_lines`)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    with path.open("rb") as handle:
        first = handle.readline(1 << 20).decode("utf-8", errors="replace")
    width = first.rstrip("\r\n").count("\t") + 1
    if width not in WIDTHS:
        return None
    names = [str(i) for i in range(width)]

    codec = (encoding or "utf-8").replace("-", "").lower()
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                column_names=names,
                block_size=16 << 20,
                encoding="utf8" if codec in ("utf8", "utf8sig") else (encoding or "utf8"),
            ),
            parse_options=pacsv.ParseOptions(
                delimiter="\t", quote_char=False, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(
                strings_can_be_null=False, column_types={n: pa.large_string() for n in names}
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError, LookupError):
        return None  # a record of another width (a blank line is one), or a bad byte
    frame = table.to_pandas(types_mapper=lambda _t: pd.StringDtype())
    frame.columns = names
    rows = np.arange(1, len(frame) + 1, dtype=np.int64)
    return RawTable(frame, rows, False, encoding or "utf-8", "\t")


def _read_lines(path: Path, encoding: str | None) -> RawTable:
    """Every line split on tabs: records of mixed widths, blank lines and lines that do
    not decode are each handled on their own."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    try:
        lines = (
            pacsv.read_csv(
                path,
                read_options=pacsv.ReadOptions(column_names=["line"], block_size=16 << 20),
                parse_options=pacsv.ParseOptions(
                    delimiter="\x01", quote_char=False, ignore_empty_lines=False
                ),
                convert_options=pacsv.ConvertOptions(column_types={"line": pa.large_binary()}),
            )
            .column("line")
            .combine_chunks()
        )
    except pa.ArrowInvalid as exc:
        raise UnreadableFile(f"cannot read the GDELT file: {exc}") from exc
    codec = encoding or "utf-8"
    raw = lines.to_pylist() if codec.replace("-", "").lower() not in ("utf8", "utf8sig") else None
    bad: list[tuple[int, str]] = []
    if raw is None:
        try:
            text = lines.cast(pa.large_string())
        except pa.ArrowInvalid:  # find the lines that do not decode; keep the others
            decoded = []
            for i, line in enumerate(lines.to_pylist(), start=1):
                try:
                    decoded.append(line.decode("utf-8"))
                except UnicodeDecodeError:
                    bad.append((i, "the line is not valid UTF-8"))
                    decoded.append("")
            text = pa.array(decoded, pa.large_string())
    else:
        text = pa.array([b.decode(codec, errors="replace") for b in raw], pa.large_string())
    tabs = pc.count_substring(text, "\t").to_numpy(zero_copy_only=False)
    blank = pc.equal(pc.utf8_trim_whitespace(text), "").to_numpy(zero_copy_only=False)
    widths = tabs + 1
    counts = {w: int((widths[~blank] == w).sum()) for w in WIDTHS}
    if not any(counts.values()):
        raise UnreadableFile(
            "this is not a GDELT event file (no line has 57, 58 or 61 tab-separated fields)"
        )
    width = 61 if counts[61] > counts[57] + counts[58] else (58 if counts[58] else 57)
    if width == 58:  # the backfile's records lack SOURCEURL
        short = pa.array(widths == 57)
        tab, nothing = pa.scalar("\t", pa.large_string()), pa.scalar("", pa.large_string())
        text = pc.if_else(short, pc.binary_join_element_wise(text, nothing, tab), text)
        widths = np.where(widths == 57, 58, widths)
    already = {row for row, _ in bad}
    good = (widths == width) & ~blank
    for i in np.flatnonzero(~good & ~blank).tolist():
        if i + 1 not in already:
            bad.append(
                (
                    i + 1,
                    f"has {int(widths[i])} fields where GDELT records have "
                    + ("57 or 58" if width != 61 else "61"),
                )
            )
    rows = np.flatnonzero(good)
    fields = pc.list_flatten(pc.split_pattern(text.filter(pa.array(good)), "\t"))
    columns = {}
    for j in range(width):
        column = fields.take(pa.array(np.arange(j, len(rows) * width, width, dtype=np.int64)))
        columns[str(j)] = pd.arrays.ArrowStringArray(column.cast(pa.large_string()))
    frame = pd.DataFrame(columns)
    bad.sort()
    return RawTable(frame, (rows + 1).astype(np.int64), False, codec, "\t", bad_rows=bad)
