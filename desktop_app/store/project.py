"""A Sightline project: one database (a SQLite file by default) with a managed schema.

Opening a project runs the Alembic migrations it needs: a new file gets the whole
schema; a file from an older version is first copied to a backup next to it and then
upgraded; a file from a newer version is refused with a clear message.
Any SQLAlchemy URL goes through the same code; SQLite files get WAL mode and foreign
keys on every connection.

Safety (issue 10; the full why is in ``guard.py``):

* an existing file is checked through a read-only connection before anything is
  configured, so a foreign or too-new file is refused without a single write;
* every SQLite connection keeps the WAL on close (``SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE``):
  a close can never delete a WAL that another process, its POSIX locks silently dropped
  by an unrelated ``close()``, is still writing to;
* every write goes through :meth:`Project.writing` (or :meth:`Project.write_lock` for
  the bulk importer): one queue per project across threads and Sightline processes, a
  busy timeout, a waiting message, one transaction, and on commit one bump of the
  ``data_version`` setting that open windows poll to follow changes made elsewhere;
* a database error reaches the analyst as a short sentence (:class:`WriteFailed`) with
  no SQL and no data; the full detail goes to the ``sightline.store`` logger.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, inspect, select, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from desktop_app.store import schema_sqlite
from desktop_app.store.addresses import (
    APP_NAME,
    PROJECT_SUFFIX,
    default_project_path,
    display_name,
    public_url,
    sqlite_path,
    to_url,
    user_data_dir,
)
from desktop_app.store.connecting import (
    alembic_config,
    check_read_only,
    configure_server,
    configure_sqlite,
    schema_head,
)
from desktop_app.store.errors import (
    NeedsUpgrade,
    ProjectError,
    ReadOnlyProject,
    SchemaTooNew,
    ServerUnreachable,
    WriteFailed,
    short_message,
)
from desktop_app.store.guard import (
    PG_LOCK_KEY,
    UnsafeConnection,
    Waiting,
    WriteBusy,
    lock_path_for,
    safe_connect,
    write_lock_for,
)
from desktop_app.store.schema import Setting

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger("sightline.store")

# counts one more committed change of the project's contents (frame cache key, and what
# windows poll to follow changes made by other processes); SQLite and PostgreSQL alike
BUMP_DATA_VERSION = (
    "INSERT INTO setting(key, value) VALUES ('data_version', '1') "
    "ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(setting.value AS INTEGER) + 1 AS TEXT)"
)
READ_DATA_VERSION = "SELECT value FROM setting WHERE key = 'data_version'"
# how long an edit waits for another writer (an import, the text index) before it is
# refused with a message (``Project.edit_wait``); imports wait as long as it takes
EDIT_WAIT_SECONDS = 20.0
EDIT_WAIT = -1.0  # a ``timeout`` meaning "the project's edit_wait"


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
        self._lock = write_lock_for(
            str(self.path) if self.path is not None else url,
            lock_path_for(self.path) if self.path is not None else None,
        )
        # who hears "waiting for …" when a write call names no listener (the window
        # shows it in the status bar, the CLI prints it); may be called from any thread
        self.on_wait: Waiting | None = None
        # the data version this process's last write committed (a window that sees the
        # same value knows the change was its own)
        self.last_written_version: str | None = None
        self.edit_wait: float = EDIT_WAIT_SECONDS

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(
        cls, target: str | Path | None = None, *, create: bool = True, upgrade: bool = False
    ) -> Project:
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
            if path.exists() and path.stat().st_size > 0:
                if not _is_sqlite(path):
                    raise ProjectError(f"{path} is not a Sightline project (not a SQLite file)")
                check_read_only(path)
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        if engine.dialect.name == "sqlite":
            configure_sqlite(engine, path)
        else:
            configure_server(engine, display_name(url))
        project = cls(engine, url)
        try:
            project._migrate(upgrade or path is not None)
        except UnsafeConnection as exc:
            engine.dispose()
            raise ProjectError(f"Cannot open {path or url} safely: {exc}") from exc
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
        if self.path is not None and self._head_sqlite():
            return
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        with alembic_config() as config:
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
            with self._lock.hold("a schema upgrade"):
                if current is not None and self.path is not None:
                    self.backup_path = self._backup(current)
                self._upgrade(config)

    def _head_sqlite(self) -> bool:
        """A SQLite file at the head schema, or an empty one given it at once (see
        ``schema_sqlite.py``): True; False when the migrations must look at it."""
        objects = "SELECT count(*) FROM sqlite_master"
        with self.engine.connect() as conn:
            current = schema_sqlite.recorded_revision(conn)
            if current is not None or conn.exec_driver_sql(objects).scalar():
                return current == schema_sqlite.HEAD
        with self._lock.hold("creating the project"), self.engine.connect() as raw:
            conn = raw.execution_options(sightline_write=True)  # BEGIN IMMEDIATE
            with conn.begin():  # all of it or nothing
                empty = conn.exec_driver_sql(objects).scalar() == 0
                if empty:
                    schema_sqlite.create(raw.connection.driver_connection)
        return empty

    def _upgrade(self, config: Config) -> None:
        """Run the migrations in one transaction. SQLite: with foreign keys off (tables
        are rebuilt; dropping an old one must not cascade), every key checked before the
        commit. PostgreSQL: under a lock, so two upgrades of one server run one at a time."""
        from alembic import command

        sqlite = self.engine.dialect.name == "sqlite"
        with self.engine.connect() as conn:
            raw = conn.connection.driver_connection
            if sqlite:  # outside a transaction, or SQLite ignores it
                raw.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
            try:
                with conn.begin():
                    if self.engine.dialect.name == "postgresql":
                        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_LOCK_KEY})
                    config.attributes["connection"] = conn
                    command.upgrade(config, "head")
                    if sqlite:
                        broken = conn.exec_driver_sql("PRAGMA foreign_key_check").first()
                        if broken is not None:
                            raise ProjectError(
                                f"the upgrade would break a reference in table {broken[0]}; "
                                "nothing was changed"
                            )
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
        source = safe_connect(self.path)
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
            return bool(
                conn.execute(
                    text("SELECT has_table_privilege('event', 'INSERT,UPDATE,DELETE')")
                ).scalar()
            )

    def schema_revision(self) -> str | None:
        with self.engine.connect() as conn:
            if self.path is not None:
                return schema_sqlite.recorded_revision(conn)
            from alembic.runtime.migration import MigrationContext

            return MigrationContext.configure(conn).get_current_revision()

    def get_setting(self, key: str, default: str = "") -> str:
        with self.session() as session:
            value = session.scalar(select(Setting.value).where(Setting.key == key))
        return default if value is None else value

    def set_setting(self, key: str, value: str) -> None:
        with self.writing_session(f"saving the setting {key}", changes_data=False) as session:
            session.merge(Setting(key=key, value=value))

    def data_version(self) -> str:
        """The counter every committed change of the contents bumps ("" before the first)."""
        with self.engine.connect() as conn:
            value = conn.execute(text(READ_DATA_VERSION)).scalar()
        return "" if value is None else str(value)

    # ------------------------------------------------------------------ writing
    @contextmanager
    def write_lock(
        self, what: str, *, on_wait: Waiting | None = None, timeout: float | None = None
    ) -> Iterator[None]:
        """Hold the project's write lock (no transaction): for a writer that brings its
        own connection (the bulk importer's worker) or must read and write under one
        lock (an import reads what is known, then writes). Re-entrant in one thread."""
        cross = self._pg_session_lock if self._is_postgres else None
        with self._lock.hold(what, on_wait or self.on_wait, timeout, cross_process=cross):
            yield

    @contextmanager
    def writing(
        self,
        what: str = "the change",
        *,
        changes_data: bool = True,
        on_wait: Waiting | None = None,
        timeout: float | None = EDIT_WAIT,
        keys_checked_once: bool = False,
    ) -> Iterator[Connection]:
        """One write: waits its turn (at most ``timeout`` seconds, telling ``on_wait``),
        yields a connection in a transaction, commits when the block ends (bumping the
        data version when ``changes_data``) or rolls everything back on an exception.
        Raises :class:`WriteBusy` when it could not get its turn and :class:`WriteFailed`
        when the database refused the write; errors of the caller pass unchanged.
        ``timeout``: seconds, None for as long as it takes, ``EDIT_WAIT`` (the default)
        for the project's ``edit_wait``. Do not open a second ``writing`` inside one
        (its transaction would wait for the first); :meth:`write_lock` around several
        is fine. ``keys_checked_once`` (SQLite, for bulk deletes that remove the rows
        pointing at what they delete themselves): foreign keys are not enforced row by
        row but checked once, all of them, before the commit; a broken one rolls back."""
        if timeout is not None and timeout < 0:
            timeout = self.edit_wait
        postgres = self._is_postgres
        cross = (lambda _left, _tell: None) if postgres else None
        version: str | None = None
        with self._lock.hold(
            what, on_wait or self.on_wait, timeout, cross_process=cross
        ) as outermost:
            try:
                with self.engine.connect() as raw:
                    conn = raw.execution_options(sightline_write=True)
                    once = keys_checked_once and not postgres
                    driver: Any = raw.connection.driver_connection
                    if once:  # outside the transaction, or SQLite ignores it
                        driver.execute("PRAGMA foreign_keys=OFF")
                    try:
                        with conn.begin():
                            if postgres and outermost:
                                self._pg_xact_lock(conn, what, timeout, on_wait or self.on_wait)
                            yield conn
                            if once and (
                                broken := conn.exec_driver_sql("PRAGMA foreign_key_check").first()
                            ):
                                raise WriteFailed(
                                    f"{what[:1].upper()}{what[1:]} was not saved: it would "
                                    f"break a reference in table {broken[0]}."
                                )
                            if changes_data:
                                conn.execute(text(BUMP_DATA_VERSION))
                                version = str(conn.execute(text(READ_DATA_VERSION)).scalar())
                    finally:
                        if once:
                            driver.execute("PRAGMA foreign_keys=ON")
            except SQLAlchemyError as exc:
                log.error("%s failed", what, exc_info=True)
                raise WriteFailed(
                    f"{what[:1].upper()}{what[1:]} was not saved: {short_message(exc)}."
                ) from exc
        if version is not None:
            self.last_written_version = version

    @contextmanager
    def writing_session(
        self,
        what: str = "the change",
        *,
        changes_data: bool = True,
        timeout: float | None = EDIT_WAIT,
    ) -> Iterator[Session]:
        """:meth:`writing` with an ORM session on its connection (flushed at the end)."""
        with (
            self.writing(what, changes_data=changes_data, timeout=timeout) as conn,
            Session(bind=conn, expire_on_commit=False) as session,
        ):
            yield session
            session.flush()

    @property
    def _is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def _pg_xact_lock(
        self, conn: Connection, what: str, timeout: float | None, on_wait: Waiting | None
    ) -> None:
        """PostgreSQL: the cross-process write lock, released at COMMIT or ROLLBACK."""
        if conn.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": PG_LOCK_KEY}).scalar():
            return
        if on_wait is not None:
            on_wait("Waiting for another Sightline writing to this project to finish…")
        if timeout is not None:
            conn.execute(text(f"SET LOCAL lock_timeout = {int(timeout * 1000) or 1}"))
        try:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_LOCK_KEY})
        except SQLAlchemyError as exc:
            raise WriteBusy(
                f"The project is busy with another writer; {what} was not made. "
                "Try again when it has finished."
            ) from exc
        if timeout is not None:
            conn.execute(text("SET LOCAL lock_timeout = 0"))

    def _pg_session_lock(self, timeout: float | None, tell: Waiting) -> Callable[[], None]:
        """PostgreSQL: the write lock held on a connection of its own until released."""
        holder = self.engine.connect()
        try:
            got = holder.execute(
                text("SELECT pg_try_advisory_lock(:k)"), {"k": PG_LOCK_KEY}
            ).scalar()
            if not got:
                tell("Waiting for another Sightline writing to this project to finish…")
                if timeout is not None:  # LOCAL: the pooled connection keeps no timeout
                    holder.execute(text(f"SET LOCAL lock_timeout = {int(timeout * 1000) or 1}"))
                try:
                    holder.execute(text("SELECT pg_advisory_lock(:k)"), {"k": PG_LOCK_KEY})
                except SQLAlchemyError as exc:
                    raise WriteBusy(
                        "The project is busy with another writer. Try again when it has finished."
                    ) from exc
            holder.commit()
        except BaseException:
            holder.close()
            raise

        def release() -> None:
            try:
                holder.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": PG_LOCK_KEY})
                holder.commit()
            finally:
                holder.close()

        return release

    def close(self) -> None:
        """Close every connection. On SQLite first fold the WAL into the project file
        when no one is writing (a passive checkpoint: never deletes or truncates), so a
        copy of the file alone is complete."""
        if self.path is not None and self.engine.dialect.name == "sqlite":
            try:
                with self._lock.hold("closing", timeout=0), self.engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
            except (WriteBusy, SQLAlchemyError, UnsafeConnection):
                log.info("no checkpoint at close of %s", self.path, exc_info=True)
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


# the names callers have always imported from here
__all__ = [
    "APP_NAME",
    "BUMP_DATA_VERSION",
    "EDIT_WAIT",
    "EDIT_WAIT_SECONDS",
    "PROJECT_SUFFIX",
    "READ_DATA_VERSION",
    "NeedsUpgrade",
    "Project",
    "ProjectError",
    "ReadOnlyProject",
    "SchemaTooNew",
    "ServerUnreachable",
    "WriteFailed",
    "default_project_path",
    "display_name",
    "public_url",
    "schema_head",
    "short_message",
    "sqlite_path",
    "to_url",
    "user_data_dir",
]
