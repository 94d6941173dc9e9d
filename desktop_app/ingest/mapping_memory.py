"""Remembering how a file's columns were mapped, so the next file like it maps itself.

A file's *header signature* is the SHA-1 of its header, each name normalised (case,
spaces and punctuation ignored), in file order. After a successful import the wizard
stores the preset, the column mapping and the date order under that signature in the
project's settings (JSON); a later file with the same columns gets them back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from desktop_app.domain.dates import DateOrder
from desktop_app.ingest.columns import FIELD_LABELS, normalise
from desktop_app.store.project import Project

KEY_PREFIX = "import-mapping:"


@dataclass(frozen=True)
class RememberedMapping:
    """What was chosen for the last file with these columns."""

    preset: str
    mapping: dict[str, str]  # target field -> column (names as in the current file)
    date_order: DateOrder | None


def header_signature(columns: Sequence[str]) -> str:
    """SHA-1 (hex) of the normalised header: the same for 'Occurred On' and 'occurred_on'."""
    text = "\x1f".join(normalise(str(c)) for c in columns)
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def _key(columns: Sequence[str]) -> str:
    return KEY_PREFIX + header_signature(columns)


def remember(
    project: Project,
    columns: Sequence[str],
    mapping: dict[str, str],
    *,
    preset: str = "generic",
    date_order: DateOrder | None = None,
) -> None:
    """Store the choices made for a file with these columns (replacing older ones)."""
    record: dict[str, Any] = {
        "preset": preset,
        "mapping": {k: v for k, v in mapping.items() if k in FIELD_LABELS and v in columns},
        "date_order": date_order.value if date_order is not None else None,
    }
    project.set_setting(_key(columns), json.dumps(record, sort_keys=True))


def recall(project: Project, columns: Sequence[str]) -> RememberedMapping | None:
    """The choices stored for a file with these columns, or None.

    Column names are matched by their normalised form, so the mapping names the
    current file's columns; entries naming a column that is not there are dropped.
    """
    raw = project.get_setting(_key(columns))
    if not raw:
        return None
    try:
        record = json.loads(raw)
        by_norm = {normalise(str(c)): str(c) for c in columns}
        mapping = {
            str(field): by_norm[normalise(str(column))]
            for field, column in dict(record.get("mapping") or {}).items()
            if field in FIELD_LABELS and normalise(str(column)) in by_norm
        }
        order = record.get("date_order")
        return RememberedMapping(
            str(record.get("preset") or "generic"), mapping, DateOrder(order) if order else None
        )
    except (ValueError, TypeError, AttributeError):  # a damaged setting is ignored
        return None


def forget(project: Project, columns: Sequence[str]) -> None:
    """Drop what was stored for these columns (the next file is guessed afresh)."""
    project.set_setting(_key(columns), "")
