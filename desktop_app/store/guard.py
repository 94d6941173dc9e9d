"""What keeps a committed write from being lost: SQLite connections that never delete the
WAL, and one write lock per project shared by every thread and every Sightline process.

Why (the root cause of issue 10, finding 1). SQLite on Unix locks with POSIX advisory
locks (``fcntl``). Those belong to a *process and inode*, not to a descriptor: when any
code in the process closes *any* descriptor of the project file (Qt's file dialogs do,
sniffing file types; so does reading the header to check it is SQLite), every lock
SQLite holds on that file is silently gone (sqlite.org, "How To Corrupt An SQLite
Database File", section 2.2). SQLite's own connections know this quirk; nothing else
does. With its locks gone, a WAL-mode connection no longer shows that it is using the
file, so another process closing its last connection believes it is the last user:
it takes the EXCLUSIVE lock, checkpoints and *deletes* the WAL and shared-memory
files. Our process keeps appending commits to the unlinked WAL; nobody else ever sees
them, and at exit or ``kill -9`` they are gone. A guard per dialog cannot be complete,
so the fix sits at the mechanism:

1. **No Sightline connection ever checkpoints-and-deletes on close.** Every connection
   sets ``SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE`` (:func:`keep_wal_on_close`); the WAL and
   ``-shm`` stay until SQLite's ordinary checkpoints fold them back (while writing, and
   a passive checkpoint at :meth:`Project.close`, which never deletes or truncates
   anything). Python 3.12 has ``Connection.setconfig``; on 3.11 the call goes through
   ``ctypes`` to ``sqlite3_db_config`` on the connection's ``sqlite3*`` (the first field
   of CPython 3.11's connection object), which is trusted only after
   ``sqlite3_db_filename`` names the expected file: anything unexpected refuses the
   connection (fail closed) rather than running unprotected. The ADBC worker process
   (its own SQLite copy, without this setting) never closes its connection: it exits
   once its work is committed, which SQLite treats as a crash with nothing to undo.
2. **Writers serialise on a lock SQLite's quirk cannot drop.** :class:`WriteLock` is an
   in-process re-entrant lock (threads queue) plus, across processes, ``flock`` on a
   sidecar file ``<project>.write-lock`` next to the project: ``flock`` belongs to the
   open file description, so no unrelated ``close()`` releases it, and the kernel drops
   it when the holder dies. SQLite's own write lock (byte locks on ``-shm``, droppable)
   is therefore never the only thing between two writers. The holder writes what it is
   doing into the file, so a waiting writer can say "waiting for import of x.csv
   (process 123) to finish". On PostgreSQL the same lock is ``pg_advisory_xact_lock``
   inside the writing transaction (or ``pg_advisory_lock`` on a connection of its own
   when a whole import holds it).
3. **Nothing switches the journal away from WAL** (the bulk importer used to, "while no
   one else has the file open": with dropped locks that check can lie).

What this does not cover: a program other than Sightline (the ``sqlite3`` shell, a DB
browser) that opens and closes the project while Sightline's locks are gone can still
delete the WAL; close such tools before handing the file to them, or copy the project
with Sightline closed.
"""

from __future__ import annotations

import ctypes
import logging
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

log = logging.getLogger("sightline.store")

if sys.platform == "win32":  # pragma: no cover - Windows builds
    import msvcrt

    _FAR = 1 << 20  # the byte locked, beyond the holder's text (Windows locks are mandatory)

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, _FAR, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _FAR, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


NO_CKPT_ON_CLOSE = 1006  # SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, SQLite 3.16+
LOCK_SUFFIX = ".write-lock"
PG_LOCK_KEY = 0x5349_4748_544C_4E45  # "SIGHTLNE": Sightline's one advisory lock key

Waiting = Callable[[str], None]  # told once, with a sentence, when a writer has to wait


class UnsafeConnection(RuntimeError):
    """A SQLite connection could not be made safe (see :func:`keep_wal_on_close`)."""


class WriteBusy(Exception):
    """The write lock was not free within the time allowed; nothing was written."""


# ------------------------------------------------------------------ no delete on close
_lib: Any = None


def _sqlite_library() -> Any:
    """The SQLite library the ``sqlite3`` module uses (not some other copy)."""
    global _lib
    if _lib is None:
        import _sqlite3

        try:
            lib = ctypes.CDLL(_sqlite3.__file__)
            lib.sqlite3_libversion.restype = ctypes.c_char_p
        except (OSError, AttributeError) as exc:
            raise UnsafeConnection("the sqlite3 module's library could not be found") from exc
        lib.sqlite3_db_filename.restype = ctypes.c_char_p
        lib.sqlite3_db_filename.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.sqlite3_db_config.restype = ctypes.c_int
        if lib.sqlite3_libversion().decode() != sqlite3.sqlite_version:
            raise UnsafeConnection("the sqlite3 module's library could not be found")
        _lib = lib
    return _lib


def keep_wal_on_close(connection: sqlite3.Connection, path: Path | str) -> None:
    """Make closing ``connection`` (open on the file ``path``) never checkpoint or delete
    the WAL. Raises :class:`UnsafeConnection` when that cannot be done and checked."""
    if hasattr(connection, "setconfig"):  # Python 3.12+
        connection.setconfig(NO_CKPT_ON_CLOSE, True)
        if not connection.getconfig(NO_CKPT_ON_CLOSE):  # type: ignore[attr-defined]
            raise UnsafeConnection("SQLite refused to keep the WAL on close")
        return
    if (
        sys.version_info[:2] != (3, 11)
        or sys.implementation.name != "cpython"
        or hasattr(sys, "gettotalrefcount")
    ):
        raise UnsafeConnection("this Python cannot configure SQLite connections safely")
    try:
        lib = _sqlite_library()
    except UnsafeConnection:
        if sys.platform == "win32":  # pragma: no cover - Windows locks are per handle:
            log.info("SQLite's library not found; Windows needs no close guard")
            return  # no unrelated close() drops them, the hazard does not exist there
        raise
    # CPython 3.11: struct { PyObject_HEAD; sqlite3 *db; ... } (no debug build fields)
    header = 2 * ctypes.sizeof(ctypes.c_void_p)
    handle = ctypes.c_void_p.from_address(id(connection) + header).value
    if not handle:
        raise UnsafeConnection("the SQLite connection has no handle")
    named = lib.sqlite3_db_filename(ctypes.c_void_p(handle), b"main")
    if named is None or os.path.realpath(os.fsdecode(named)) != os.path.realpath(path):
        raise UnsafeConnection("the SQLite connection handle could not be verified")
    result = ctypes.c_int(-1)
    rc = lib.sqlite3_db_config(
        ctypes.c_void_p(handle),
        ctypes.c_int(NO_CKPT_ON_CLOSE),
        ctypes.c_int(1),
        ctypes.byref(result),
    )
    if rc != 0 or result.value != 1:
        raise UnsafeConnection(f"SQLite refused to keep the WAL on close (code {rc})")


def safe_connect(path: Path | str, *, read_only: bool = False) -> sqlite3.Connection:
    """A plain sqlite3 connection to a project file, configured by :func:`keep_wal_on_close`."""
    if read_only:
        # a WAL-mode file with no WAL next to it holds everything in itself: read it as
        # immutable, or SQLite would create the -wal and -shm files to look
        with open(path, "rb") as handle:
            wal_mode = handle.read(20)[18:19] == b"\x02"
        quiet = wal_mode and not Path(f"{path}-wal").exists()
        target = Path(path).resolve().as_uri() + ("?immutable=1" if quiet else "?mode=ro")
        connection = sqlite3.connect(target, uri=True)
    else:
        connection = sqlite3.connect(path)
    try:
        keep_wal_on_close(connection, path)
    except BaseException:
        connection.close()
        raise
    return connection


# ------------------------------------------------------------------ the write lock
class WriteLock:
    """One project's write lock in this process: threads queue on a re-entrant lock; the
    outermost holder also holds the cross-process lock (``flock`` for a SQLite file; on
    PostgreSQL see :meth:`Project.writing`). Get it with :func:`write_lock_for`."""

    def __init__(self, lock_path: Path | None) -> None:
        self.lock_path = lock_path
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._holder = ""  # what the outermost holder is doing
        self._fd: int | None = None

    @property
    def depth(self) -> int:
        """How deeply the current holder has taken the lock (0: nobody holds it)."""
        return self._depth

    @contextmanager
    def hold(
        self,
        what: str,
        on_wait: Waiting | None = None,
        timeout: float | None = None,
        cross_process: Callable[[float | None, Waiting], Any] | None = None,
    ) -> Iterator[bool]:
        """Hold the lock for ``what`` (e.g. "import of x.csv"); yields True for the
        outermost holder. Waits at most ``timeout`` seconds (None: as long as it takes),
        telling ``on_wait`` once why it waits; then raises :class:`WriteBusy`.
        ``cross_process(remaining, tell)`` replaces the ``flock`` for other backends."""
        deadline = None if timeout is None else time.monotonic() + timeout
        told = False

        def tell(text: str) -> None:
            nonlocal told
            if not told:
                told = True
                log.info("%s: %s", what, text)
                if on_wait is not None:
                    on_wait(text)

        if not self._thread_lock.acquire(blocking=False):
            holder = self._holder or "another change"
            tell(f"Waiting for {holder} to finish…")
            left = -1.0 if deadline is None else max(deadline - time.monotonic(), 0.0)
            if not self._thread_lock.acquire(timeout=left):
                raise WriteBusy(
                    f"The project is busy with {holder}; {what} was not made. "
                    "Try again when it has finished."
                )
        release: Callable[[], None] | None = None
        try:
            self._depth += 1
            outermost = self._depth == 1
            if outermost:
                remaining = None if deadline is None else max(deadline - time.monotonic(), 0)
                if cross_process is not None:
                    release = cross_process(remaining, tell)
                elif self.lock_path is not None:
                    self._flock(what, remaining, tell)
                    release = self._funlock
                self._holder = what
            yield outermost
        finally:
            self._depth -= 1
            if self._depth == 0:
                self._holder = ""
                if release is not None:
                    release()
            self._thread_lock.release()

    def _flock(self, what: str, timeout: float | None, tell: Waiting) -> None:
        assert self.lock_path is not None
        if self._fd is None:
            try:
                self._fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise WriteBusy(
                    f"Cannot write to this project: its lock file "
                    f"{self.lock_path.name} cannot be made ({exc.strerror})."
                ) from exc
        fd = self._fd
        deadline = None if timeout is None else time.monotonic() + timeout
        pause = 0.02
        while not _try_lock(fd):
            os.lseek(fd, 0, os.SEEK_SET)
            holder = os.read(fd, 300).decode("utf-8", "replace").strip()
            holder = holder or "another Sightline"
            tell(f"Waiting for {holder} to finish…")
            if deadline is not None and time.monotonic() >= deadline:
                raise WriteBusy(
                    f"The project is busy with {holder}; {what} was not "
                    "made. Try again when it has finished."
                )
            time.sleep(pause)
            pause = min(pause * 2, 0.25)
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, f"{what} (process {os.getpid()})".encode())

    def _funlock(self) -> None:
        if self._fd is not None:
            try:
                os.ftruncate(self._fd, 0)
            finally:
                _unlock(self._fd)


_locks: dict[str, WriteLock] = {}
_locks_guard = threading.Lock()


def write_lock_for(key: str, lock_path: Path | None) -> WriteLock:
    """The process-wide write lock of one database (every Project object on the same
    file or URL shares it, so two of them in one process queue rather than deadlock)."""
    with _locks_guard:
        found = _locks.get(key)
        if found is None:
            found = _locks[key] = WriteLock(lock_path)
        return found


def lock_path_for(project_path: Path) -> Path:
    return project_path.with_name(project_path.name + LOCK_SUFFIX)
