"""What can go wrong with a project, as exceptions whose message is for the analyst."""

from __future__ import annotations


class ProjectError(Exception):
    """A project cannot be opened; the message says why, for the analyst."""


class SchemaTooNew(ProjectError):
    """The project was written by a newer Sightline than this one."""


class WriteFailed(Exception):
    """A write did not happen (nothing of it was kept); the message is for the analyst
    and holds no SQL or data."""


class NeedsUpgrade(ProjectError):
    """A project on a shared server has an older schema; only ``sightline upgrade`` may
    change it (nothing was changed)."""


class ServerUnreachable(ProjectError):
    """The database server cannot be reached or refused the login."""


class ReadOnlyProject(ProjectError):
    """The database refused a write: the role has read access only. Nothing was changed."""


def short_message(exc: BaseException) -> str:
    """A database error as one short line without SQL or parameters."""
    orig = getattr(exc, "orig", None) or exc
    first = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
    if "database is locked" in first or "database table is locked" in first:
        return "the project file is busy (another program is writing to it)"
    if "readonly" in first.replace(" ", "") or "read-only" in first:
        return "the project cannot be written (it is read-only)"
    return first[:160]
