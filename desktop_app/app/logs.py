"""Logs an analyst can send: one rotating file per user, crash hooks, no secrets.

Every area logs through a named logger (``sightline.store``, ``sightline.ingest``,
``sightline.window`` ...). :func:`configure` sends them all to
``<user log folder>/sightline.log`` (platformdirs; ``~/.local/state/sightline/log`` on
Linux), rotated at 2 MB with five old files kept. :func:`install_crash_hooks` routes
uncaught exceptions of the main thread and of every other thread into that log, and
shows the analyst where the log is (a dialog when there is a screen, stderr otherwise).

Database URLs may carry a password; a filter on the handler replaces it with ``***``
in every record, so no password reaches the file whatever a caller logs.
"""

from __future__ import annotations

import faulthandler
import logging
import logging.handlers
import re
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import IO

import platformdirs

LOG_NAME = "sightline.log"
_FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(threadName)s] %(message)s"
# scheme://user:password@host -> scheme://user:***@host
_URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s]+@", re.I)
_state: dict[str, object] = {}


def log_dir() -> Path:
    return platformdirs.user_log_path("sightline", appauthor=False)


def redact(text: str) -> str:
    """``text`` with the password of any URL in it replaced by ``***``."""
    return _URL_PASSWORD.sub(r"\g<head>***@", text)


class _RedactingFormatter(logging.Formatter):
    """Formats as usual, then removes URL passwords from the whole line (traceback too)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def configure(level: str | int = "INFO", directory: Path | None = None) -> Path:
    """Log every ``sightline.*`` logger to the rotating file; returns the file's path.

    Calling it again replaces the handler (tests, a second window in one process).
    """
    folder = directory or log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOG_NAME
    root = logging.getLogger("sightline")
    old = _state.get("handler")
    if isinstance(old, logging.Handler):
        root.removeHandler(old)
        old.close()
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(_RedactingFormatter(_FORMAT))
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    _state["handler"] = handler
    _state["path"] = path
    return path


def log_path() -> Path | None:
    """The file :func:`configure` set up, if any."""
    path = _state.get("path")
    return path if isinstance(path, Path) else None


def install_crash_hooks(
    tell: Callable[[str], None] | None = None, *, hard_crashes: bool = True
) -> None:
    """Uncaught exceptions (any thread) are logged with their traceback, then ``tell`` is
    called with a short message naming the log (default: print it on stderr).
    A hard crash (segfault) writes its Python stack to ``crash.log`` beside the log."""
    logger = logging.getLogger("sightline.crash")
    say = tell or (lambda message: print(f"sightline: {message}", file=sys.stderr))

    def message() -> str:
        where = log_path()
        return (
            "Sightline hit an unexpected error. Nothing you saved is lost; "
            f"the details are in {where}"
            if where
            else "Sightline hit an unexpected error."
        )

    def on_exception(
        kind: type[BaseException], value: BaseException, trace: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, trace)
            return
        logger.critical("uncaught exception", exc_info=(kind, value, trace))
        say(message())

    def on_thread_exception(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        logger.critical(
            "uncaught exception in thread %s",
            args.thread.name if args.thread else "?",
            exc_info=(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback),
        )
        say(message())

    sys.excepthook = on_exception
    threading.excepthook = on_thread_exception
    where = log_path()
    if hard_crashes and where is not None and "crash_file" not in _state:
        crash: IO[str] = (where.parent / "crash.log").open("a", encoding="utf-8")
        _state["crash_file"] = crash  # kept open for faulthandler, for the process' life
        faulthandler.enable(crash)
