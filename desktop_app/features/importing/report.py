"""What ``sightline import`` says on stderr, and cleaning up after a refused import.

A file read with rejects exits 0 and names its commonest reject reasons with counts; a
file of which no row was imported says so loudly. A file that cannot be read leaves no
project file behind: when the command itself created the project (and the folders for
it), a refused import removes them again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

_QUOTED = re.compile(r"""'[^']*'|"[^"]*\"""")
TOP_REASONS = 3


class _Reject(Protocol):
    @property
    def row(self) -> int: ...
    @property
    def column(self) -> str: ...
    @property
    def reason(self) -> str: ...


class _Result(Protocol):
    imported: int
    duplicates: int
    rejected: int
    rows_read: int

    @property
    def rejects(self) -> Sequence[_Reject]: ...


def reason_counts(rejects: Iterable[_Reject]) -> list[tuple[int, str]]:
    """(rows, reason) per kind of reject, most rows first. Values quoted in a reason
    (``unrecognised date '9-May-20'``) are folded into one kind, with the first as an
    example."""
    rows: dict[tuple[str, str], set[int]] = {}
    example: dict[tuple[str, str], str] = {}
    for r in rejects:
        found = _QUOTED.search(r.reason)
        key = (_QUOTED.sub("", r.reason).strip(" :"), r.column or "")
        rows.setdefault(key, set()).add(r.row)
        if found and key not in example:
            example[key] = found.group(0)
    kinds = []
    for key, where in rows.items():
        reason, column = key
        notes = ([f"column {column}"] if column else []) + (
            [f"e.g. {example[key]}"] if key in example else []
        )
        kinds.append((len(where), reason + (f" ({', '.join(notes)})" if notes else "")))
    return sorted(kinds, key=lambda kv: (-kv[0], kv[1]))


def summary_lines(result: _Result) -> list[str]:
    """The stderr lines for an import that ran: nothing when every row went in."""
    lines: list[str] = []
    counts = reason_counts(result.rejects)
    shown = "; ".join(f"{n:,} {reason}" for n, reason in counts[:TOP_REASONS])
    if len(counts) > TOP_REASONS:
        shown += f"; and {len(counts) - TOP_REASONS} more kinds"
    if result.imported == 0 and result.rows_read:
        if result.rejected:
            lines.append(
                f"no row was imported: {result.rejected:,} of {result.rows_read:,} "
                f"rows were rejected ({shown})"
            )
        elif result.duplicates:
            lines.append(
                f"no row was imported: all {result.duplicates:,} rows are "
                "duplicates of events already read"
            )
        else:
            lines.append(f"no row was imported from {result.rows_read:,} rows")
    elif result.rejected:
        lines.append(f"rejected {result.rejected:,} of {result.rows_read:,} rows: {shown}")
    return lines


@dataclass
class CreatedFiles:
    """A SQLite project file (and the folders for it) that did not exist before."""

    path: Path | None = None
    folders: list[Path] = field(default_factory=list)

    @classmethod
    def before_open(cls, target: str | None) -> CreatedFiles:
        from desktop_app.store.project import default_project_path, sqlite_path, to_url

        path = sqlite_path(to_url(target if target is not None else default_project_path()))
        if path is None or path.exists():
            return cls()
        folders = []
        parent = path.parent
        while not parent.exists():
            folders.append(parent)
            parent = parent.parent
        return cls(path, folders)

    def remove(self) -> None:
        """Delete what the command created (the project, its journal, new folders)."""
        if self.path is None:
            return
        from desktop_app.store.guard import lock_path_for

        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        lock_path_for(self.path).unlink(missing_ok=True)
        for folder in self.folders:  # deepest first
            try:
                folder.rmdir()
            except OSError:
                break
