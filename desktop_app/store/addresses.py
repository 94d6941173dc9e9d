"""Where a project lives: paths and URLs, and how to name one without its password."""

from __future__ import annotations

from pathlib import Path

import platformdirs
from sqlalchemy.engine import make_url

APP_NAME = "sightline"
PROJECT_SUFFIX = ".sightline"


def display_name(url: str) -> str:
    """What to show for a project: the file path, or ``user@host:port/db`` for a server.

    Never the password: this is what window titles, PDF packs, the CLI and the logs use.
    """
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    try:
        parsed = make_url(url)
    except Exception:  # not a URL SQLAlchemy reads: show the scheme only
        return url.split("://", 1)[0] + "://…"
    if parsed.drivername.startswith("sqlite"):
        return parsed.database or ":memory:"
    where = parsed.host or "localhost"
    if parsed.port:
        where += f":{parsed.port}"
    user = f"{parsed.username}@" if parsed.username else ""
    return f"{user}{where}/{parsed.database or ''}"


def public_url(url: str) -> str:
    """The URL without its password (for messages telling the user what to run)."""
    if sqlite_path(url) is not None:
        return url
    try:
        shown = make_url(url).render_as_string(hide_password=True).replace(":***@", "@")
        return shown.replace("postgresql+psycopg://", "postgresql://", 1)
    except Exception:
        return display_name(url)


def user_data_dir() -> Path:
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def default_project_path() -> Path:
    return user_data_dir() / f"default{PROJECT_SUFFIX}"


def to_url(target: str | Path) -> str:
    """A path becomes a SQLite URL; anything with '://' is taken as a SQLAlchemy URL."""
    text = str(target)
    for scheme in ("postgresql://", "postgres://"):  # psycopg 3 is the driver we ship
        if text.startswith(scheme):
            return "postgresql+psycopg://" + text[len(scheme) :]
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, None for other databases or in-memory SQLite."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and url[len(prefix) :] not in ("", ":memory:"):
        return Path(url[len(prefix) :])
    return None
