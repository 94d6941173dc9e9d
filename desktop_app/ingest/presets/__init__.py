"""Presets: how the files of a known tool map onto events. Chosen from the header.

Every preset's draft goes through :func:`~desktop_app.ingest.presets.base.complete_titles`,
so a row with neither title nor description gets one built from what it has.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from desktop_app.ingest.columns import MAP_HINT
from desktop_app.ingest.presets import acled, gdelt, generic, gtd, icews, timelinejs, timemap, ucdp
from desktop_app.ingest.presets.base import Draft, Options, complete_titles
from desktop_app.ingest.readers import RawTable, UnreadableFile


@dataclass(frozen=True)
class Preset:
    name: str
    label: str
    score: Callable[[RawTable], float]
    read: Callable[[RawTable, Options], Draft]  # the preset's own reading
    # the file columns the preset's dates are read from: a big file can then be
    # normalised in slices (None: the preset reads it whole)
    date_sources: Callable[[RawTable, Options], list[str]] | None = None

    def normalize(self, table: RawTable, options: Options) -> Draft:
        """The preset's draft, every row with a title (built where the file has none)."""
        return complete_titles(self.read(table, options))


PRESETS = {
    p.name: p
    for p in (
        Preset(
            "acled",
            "ACLED export (current and older layouts)",
            acled.score,
            acled.normalize,
            acled.date_sources,
        ),
        Preset(
            "gdelt_v1",
            "GDELT 1.0 events (57/58 columns)",
            gdelt.score,
            gdelt.normalize,
            gdelt.date_sources,
        ),
        Preset(
            "gdelt_v2",
            "GDELT 2.0 events (61 columns)",
            gdelt.score,
            gdelt.normalize,
            gdelt.date_sources,
        ),
        Preset(
            "gtd", "Global Terrorism Database (GTD)", gtd.score, gtd.normalize, gtd.date_sources
        ),
        Preset(
            "ucdp",
            "UCDP Georeferenced Event Dataset (GED)",
            ucdp.score,
            ucdp.normalize,
            ucdp.date_sources,
        ),
        Preset("icews", "ICEWS coded events", icews.score, icews.normalize, icews.date_sources),
        Preset("timelinejs", "TimelineJS sheet", timelinejs.score, timelinejs.normalize),
        Preset("timemap", "timemap sheet", timemap.score, timemap.normalize),
        Preset(
            "generic",
            "Your own sheet (columns by name)",
            generic.score,
            generic.normalize,
            generic.date_sources,
        ),
    )
}
# the columns a forced preset cannot do without (a misfit is one line, not a KeyError)
REQUIRED_COLUMNS = {
    "acled": ("event_id_cnty", "event_date"),
    "timelinejs": timelinejs.REQUIRED,
    "timemap": ("description", "date"),
}
ALIASES = {
    "gdelt": "gdelt_v2",
    "gdelt1": "gdelt_v1",
    "gdelt2": "gdelt_v2",
    "own": "generic",
    "ged": "ucdp",
    "ucdp_ged": "ucdp",
    "globalterrorismdb": "gtd",
}


def choose(table: RawTable, name: str | None = None) -> Preset:
    """The preset asked for, or the one whose header fits best."""
    if name:
        key = ALIASES.get(name.lower(), name.lower())
        if key not in PRESETS:
            raise UnreadableFile(f"unknown preset {name!r}; choose one of: {', '.join(PRESETS)}")
        preset = PRESETS[key]
        _check_fits(table, key)
        if key != "generic" and preset.score(table) <= 0:
            raise UnreadableFile(
                f"the file does not fit the preset {key}: it does not have the columns of a "
                f"{preset.label} file (its columns are: "
                + ", ".join(table.columns[:20])
                + "); choose another preset or 'generic'"
            )
        if key.startswith("gdelt"):
            return PRESETS[gdelt.version(table)]
        return preset
    scored = [(p.score(table), p) for p in PRESETS.values()]
    best_score, best = max(scored, key=lambda s: s[0])
    if best_score <= 0:
        best_score, best = generic.score_by_content(table), PRESETS["generic"]
    if best_score <= 0:
        raise UnreadableFile(
            "no usable date column: the header does not match a known tool, names no "
            "date/start column and no column holds dates; "
            + MAP_HINT
            + " (columns are: "
            + ", ".join(table.columns[:20])
            + ")"
        )
    if best.name.startswith("gdelt"):
        return PRESETS[gdelt.version(table)]
    return best


def _check_fits(table: RawTable, key: str) -> None:
    """Raise UnreadableFile when the file lacks what the forced preset ``key`` reads."""
    if key.startswith("gdelt"):
        if not table.has_header and len(table.columns) not in gdelt.WIDTHS:
            raise UnreadableFile(
                f"the file does not fit the preset {key}: a GDELT event record has 57, 58 or "
                f"61 tab-separated fields and no header; this file has {len(table.columns)}"
            )
        return
    names = {c.lower() for c in table.columns}
    missing = [c for c in REQUIRED_COLUMNS.get(key, ()) if c not in names]
    if missing:
        raise UnreadableFile(
            f"the file does not fit the preset {key}: it has no "
            + ("column " if len(missing) == 1 else "columns ")
            + ", ".join(repr(c) for c in missing)
            + " (its columns are: "
            + ", ".join(table.columns[:20])
            + ")"
        )
