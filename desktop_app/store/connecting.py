"""Setting up a project's engine: the schema scripts, SQLite's pragmas and transactions,
a server's refused writes, and the read-only look at a file before anything is written.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import as_file, files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import Connection

from desktop_app.store.errors import ProjectError, ReadOnlyProject, SchemaTooNew, short_message
from desktop_app.store.guard import UnsafeConnection, keep_wal_on_close, safe_connect
from desktop_app.store.schema_sqlite import HEAD

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic (a second or so of imports on a busy machine) is imported only where a schema
# is upgraded or checked against the revision scripts: a file at the head schema, and a
# new one (store/schema_sqlite.py), open without it.

log = logging.getLogger("sightline.store")


@contextmanager
def alembic_config() -> Iterator[Config]:
    from alembic.config import Config

    with as_file(files("desktop_app.store").joinpath("migrations")) as location:
        config = Config()
        config.set_main_option("script_location", str(location))
        yield config


def schema_head() -> str:
    from alembic.script import ScriptDirectory

    with alembic_config() as config:
        head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def configure_server(engine: Engine, name: str) -> None:
    """A write the role may not make becomes one clear :class:`ReadOnlyProject` error
    (the driver's message names tables and SQL; it goes to the log only)."""

    @event.listens_for(engine, "handle_error")
    def _on_error(context: Any) -> None:
        sqlstate = getattr(context.original_exception, "sqlstate", None)
        if sqlstate in ("42501", "25006"):  # insufficient privilege, read-only transaction
            log.info("write refused on %s: %s", name, context.original_exception)
            raise ReadOnlyProject(
                f"This project is read-only for you ({name}): you can browse and search "
                "it, but not change it. Nothing was changed."
            ) from None


def configure_sqlite(engine: Engine, path: Path | None) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        if path is not None:  # before anything else: this connection never deletes the WAL
            keep_wal_on_close(dbapi_connection, path)
        # Let SQLAlchemy, not the driver, decide when transactions start (DDL and
        # ATTACH behave), as the SQLAlchemy docs recommend for pysqlite.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] not in ("memory", "wal"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # the WAL is never deleted (see guard.py); after a big import SQLite cuts it back
        # to this size at the next write that starts it afresh
        cursor.execute("PRAGMA journal_size_limit=33554432")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # a writer takes SQLite's write lock at BEGIN (waiting up to busy_timeout), so it
        # never fails later with a stale snapshot
        write = connection.get_execution_options().get("sightline_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def check_read_only(path: Path) -> None:
    """Refuse a file that is not a Sightline project (or is too new) without writing to
    it: this looks through a read-only connection, before anything is configured."""
    try:
        probe = safe_connect(path, read_only=True)
    except UnsafeConnection as exc:
        raise ProjectError(f"Cannot open {path} safely: {exc}") from exc
    except sqlite3.Error as exc:
        log.warning("cannot read %s", path, exc_info=True)
        raise ProjectError(
            f"{path} cannot be read as a SQLite file ({short_message(exc)})"
        ) from exc
    try:
        tables = {
            r[0] for r in probe.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        current = None
        if "alembic_version" in tables:
            row = probe.execute("SELECT version_num FROM alembic_version").fetchone()
            current = row[0] if row else None
    except sqlite3.Error as exc:
        log.warning("cannot read the schema of %s", path, exc_info=True)
        raise ProjectError(
            f"{path} is not a readable Sightline project ({short_message(exc)})"
        ) from exc
    finally:
        probe.close()
    if current is None and tables - {"alembic_version"}:
        raise ProjectError(
            f"{path} holds tables but no Sightline schema version; it is not a Sightline project"
        )
    if current is not None and current != HEAD:
        from alembic.script import ScriptDirectory

        with alembic_config() as config:
            script = ScriptDirectory.from_config(config)
            known = {rev.revision for rev in script.walk_revisions()}
            head = script.get_current_head()
        if current not in known:
            raise SchemaTooNew(
                f"This project was written by a newer version of Sightline (schema "
                f"{current}); this version knows schemas up to {head}. "
                "Open it with a newer Sightline."
            )
