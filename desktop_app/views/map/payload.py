"""What the page draws of an aggregation: its points (id, lat, lon, escaped title) and
its cells (lat, lon, count), as JSON-ready lists. Titles are HTML-escaped here and put
in the page only as text (event text is data)."""

from __future__ import annotations

import html
from typing import Any

import numpy as np

from desktop_app.frame.event_frame import EventFrame
from desktop_app.frame.map_cells import Cells, Points, ViewFeatures

TITLE_CHARS = 160  # tooltips show this much of a title


def _escaped(title: object) -> str:
    text = str(title) if title is not None else ""
    if len(text) > TITLE_CHARS:
        text = text[: TITLE_CHARS - 1] + "\u2026"
    return html.escape(text, quote=True)


def features_payload(frame: EventFrame, found: ViewFeatures) -> dict[str, list[list[Any]]]:
    """The points and cells of ``found`` (rows of ``frame``) as the page reads them."""
    points: Points = found.points
    cells: Cells = found.cells
    lone = cells.single_row >= 0
    rows = np.concatenate([points.rows, cells.single_row[lone]])
    lat = np.round(np.concatenate([points.lat, cells.lat[lone]]), 5).tolist()
    lon = np.round(np.concatenate([points.lon, cells.lon[lone]]), 5).tolist()
    ids = frame.ids[rows].tolist()
    titles = [_escaped(t) for t in frame.title[rows]]
    many = ~lone
    return {
        "points": [list(p) for p in zip(ids, lat, lon, titles, strict=True)],
        "cells": [
            list(c)
            for c in zip(
                np.round(cells.lat[many], 5).tolist(),
                np.round(cells.lon[many], 5).tolist(),
                cells.count[many].tolist(),
                strict=True,
            )
        ],
    }
