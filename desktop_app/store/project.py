"""A Sightline project: one database (a SQLite file by default) with a managed schema.

Opening a project runs the Alembic migrations it needs: a new file gets the whole
schema; a file from an older version is first copied to a backup next to it and then
upgraded; a file from a newer version is refused with a clear message.
Any SQLAlchemy URL goes through the same code; SQLite files get WAL mode and foreign
keys on every connection.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

import platformdirs
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect, select, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from desktop_app.store.schema import Setting

log = logging.getLogger(__name__)
APP_NAME = "sightline"
PROJECT_SUFFIX = ".sightline"


class ProjectError(Exception):
    """A project cannot be opened; the message says why, for the analyst."""


class SchemaTooNew(ProjectError):
    """The project was written by a newer Sightline than this one."""


class NeedsUpgrade(ProjectError):
    """A project on a shared server has an older schema; only ``sightline upgrade`` may
    change it (nothing was changed)."""


class ServerUnreachable(ProjectError):
    """The database server cannot be reached or refused the login."""


class ReadOnlyProject(ProjectError):
    """The database refused a write: the role has read access only. Nothing was changed."""


def _configure_server(engine: Engine, name: str) -> None:
    """A write the role may not make becomes one clear :class:`ReadOnlyProject` error
    (the driver's message names tables and SQL; it goes to the log only)."""

    @event.listens_for(engine, "handle_error")
    def _on_error(context: Any) -> None:
        sqlstate = getattr(context.original_exception, "sqlstate", None)
        if sqlstate in ("42501", "25006"):  # insufficient privilege, read-only transaction
            log.info("write refused on %s: %s", name, context.original_exception)
            raise ReadOnlyProject(
                f"This project is read-only for you ({name}): you can browse and search "
                "it, but not change it. Nothing was changed.") from None


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
            return "postgresql+psycopg://" + text[len(scheme):]
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, None for other databases or in-memory SQLite."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and url[len(prefix):] not in ("", ":memory:"):
        return Path(url[len(prefix):])
    return None


@contextmanager
def _alembic_config() -> Iterator[Config]:
    with as_file(files("desktop_app.store").joinpath("migrations")) as location:
        config = Config()
        config.set_main_option("script_location", str(location))
        yield config


def schema_head() -> str:
    with _alembic_config() as config:
        head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions start (DDL and
        # ATTACH behave), as the SQLAlchemy docs recommend for pysqlite.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")


class Project:
    """An open project. Use :meth:`open`; close it with :meth:`close` (or ``with``)."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url
        self.path = sqlite_path(url)
        #: what to show for this project anywhere (title, PDF, CLI, logs): never a password
        self.display_name = display_name(url)
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self.backup_path: Path | None = None  # set when opening made a backup

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, target: str | Path | None = None, *, create: bool = True,
             upgrade: bool = False) -> Project:
        """Open (and migrate) the project at a path or URL; the default one if None.

        A SQLite file is upgraded on open (after a backup next to it). A database on a
        server is shared: an empty one gets the schema, but an older schema is upgraded
        only with ``upgrade=True`` (``sightline upgrade``); otherwise :class:`NeedsUpgrade`.
        """
        url = to_url(target if target is not None else default_project_path())
        path = sqlite_path(url)
        if path is not None:
            if not path.exists() and not create:
                raise ProjectError(f"No project at {path}")
            if path.exists() and path.is_dir():
                raise ProjectError(f"{path} is a folder, not a project file")
            if path.exists() and path.stat().st_size > 0 and not _is_sqlite(path):
                raise ProjectError(f"{path} is not a Sightline project (not a SQLite file)")
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        if engine.dialect.name == "sqlite":
            _configure_sqlite(engine)
        else:
            _configure_server(engine, display_name(url))
        project = cls(engine, url)
        try:
            project._migrate(upgrade or path is not None)
        except DBAPIError as exc:
            engine.dispose()
            if path is not None:
                raise
            raise ServerUnreachable(
                f"cannot open the project {project.display_name}: {_first_line(exc, url)}"
            ) from None
        except Exception:
            engine.dispose()
            raise
        return project

    def _migrate(self, may_upgrade: bool) -> None:
        with _alembic_config() as config:
            script = ScriptDirectory.from_config(config)
            head = script.get_current_head()
            known = {rev.revision for rev in script.walk_revisions()}
            with self.engine.connect() as conn:
                current = MigrationContext.configure(conn).get_current_revision()
                tables = set(inspect(conn).get_table_names())
            if current is None and tables - {"alembic_version"}:
                raise ProjectError(
                    f"{self.display_name} holds tables but no Sightline schema version; "
                    "it is not a Sightline project"
                )
            if current is not None and current not in known:
                raise SchemaTooNew(
                    f"This project was written by a newer version of Sightline (schema "
                    f"{current}); this version knows schemas up to {head}. "
                    "Open it with a newer Sightline."
                )
            if current == head:
                return
            if current is not None and not may_upgrade:
                raise NeedsUpgrade(
                    f"This project needs an upgrade (schema {current}, this Sightline uses "
                    f"{head}); nothing was changed. Back it up, then run: sightline upgrade "
                    f"--project {public_url(self.url)}"
                )
            if current is not None and self.path is not None:
                self.backup_path = self._backup(current)
            self._upgrade(config)

    def _upgrade(self, config: Config) -> None:
        """Run the migrations in one transaction. SQLite: with foreign keys off (tables
        are rebuilt; dropping an old one must not cascade), every key checked before the
        commit. PostgreSQL: under a lock, so two upgrades of one server run one at a time."""
        sqlite = self.engine.dialect.name == "sqlite"
        with self.engine.connect() as conn:
            raw = conn.connection.driver_connection
            if sqlite:  # outside a transaction, or SQLite ignores it
                raw.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
            try:
                with conn.begin():
                    if self.engine.dialect.name == "postgresql":
                        conn.execute(text("SELECT pg_advisory_xact_lock(7452610)"))
                    config.attributes["connection"] = conn
                    command.upgrade(config, "head")
                    if sqlite:
                        broken = conn.exec_driver_sql("PRAGMA foreign_key_check").first()
                        if broken is not None:
                            raise ProjectError(
                                f"the upgrade would break a reference in table {broken[0]}; "
                                "nothing was changed")
            finally:
                if sqlite:
                    raw.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]

    def _backup(self, revision: str) -> Path:
        """Copy the database (consistently, WAL included) before upgrading it."""
        assert self.path is not None
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(
            f"{self.path.stem}.backup-schema{revision}-{stamp}{self.path.suffix}"
        )
        source = sqlite3.connect(self.path)
        try:
            copy = sqlite3.connect(target)
            with copy:
                source.backup(copy)
            copy.close()
        finally:
            source.close()
        return target

    # ------------------------------------------------------------------ use
    def session(self) -> Session:
        return self._sessions()

    def can_write(self) -> bool:
        """False when the database role may only read (PostgreSQL read-only roles)."""
        if self.engine.dialect.name != "postgresql":
            return True
        with self.engine.connect() as conn:
            return bool(conn.execute(text(
                "SELECT has_table_privilege('event', 'INSERT,UPDATE,DELETE')")).scalar())

    def schema_revision(self) -> str | None:
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def get_setting(self, key: str, default: str = "") -> str:
        with self.session() as session:
            value = session.scalar(select(Setting.value).where(Setting.key == key))
        return default if value is None else value

    def set_setting(self, key: str, value: str) -> None:
        with self.session() as session, session.begin():
            session.merge(Setting(key=key, value=value))

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _first_line(exc: DBAPIError, url: str) -> str:
    """The driver's reason, one line, with any password taken out."""
    lines = str(exc.orig).strip().splitlines()
    reason = lines[0] if lines else type(exc.orig).__name__
    password = make_url(url).password
    if password:
        reason = reason.replace(str(password), "***")
    return reason.removeprefix("connection failed: ")


def _is_sqlite(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(16) == b"SQLite format 3\x00"
