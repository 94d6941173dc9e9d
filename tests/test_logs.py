"""Logs an analyst can send: a rotating file, uncaught errors logged, no passwords."""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path

import pytest

from desktop_app.app import logs


@pytest.fixture()
def log_file(tmp_path: Path) -> Path:
    path = logs.configure("DEBUG", directory=tmp_path / "log")
    yield path
    handler = logs._state.pop("handler")
    logging.getLogger("sightline").removeHandler(handler)  # type: ignore[arg-type]
    handler.close()  # type: ignore[attr-defined]
    logs._state.pop("path", None)


def test_named_loggers_write_to_the_file(log_file: Path) -> None:
    logging.getLogger("sightline.store").info("opened %s", "project.sightline")
    logging.getLogger("sightline.ingest").debug("read %d rows", 12)
    text = log_file.read_text(encoding="utf-8")
    assert "sightline.store" in text and "opened project.sightline" in text
    assert "read 12 rows" in text
    assert logs.log_path() == log_file


def test_passwords_never_reach_the_log(log_file: Path) -> None:
    url = "postgresql+psycopg://analyst:s3cr3t-pw@db.example:5432/team"
    logging.getLogger("sightline.store").warning("cannot reach %s", url)
    try:
        raise RuntimeError(f"connection to {url} refused")
    except RuntimeError:
        logging.getLogger("sightline.store").exception("failed")
    text = log_file.read_text(encoding="utf-8")
    assert "s3cr3t-pw" not in text
    assert "analyst:***@db.example:5432/team" in text
    assert logs.redact("sqlite:////tmp/a.sightline") == "sqlite:////tmp/a.sightline"


def test_uncaught_errors_are_logged_and_told(
    log_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    told: list[str] = []
    logs.install_crash_hooks(told.append, hard_crashes=False)
    try:
        raise ValueError("main thread boom")
    except ValueError:
        sys.excepthook(*sys.exc_info())  # what the interpreter does with an uncaught error

    def work() -> None:
        raise KeyError("worker boom")

    thread = threading.Thread(target=work, name="sightline-test-worker")
    thread.start()
    thread.join()
    text = log_file.read_text(encoding="utf-8")
    assert "main thread boom" in text and "Traceback" in text
    assert "worker boom" in text and "sightline-test-worker" in text
    assert len(told) == 2 and str(log_file) in told[0]
