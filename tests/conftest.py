"""Test configuration: Qt runs offscreen; Chromium's sandbox is off when running as root.

These are set here, before anything imports Qt, so no test depends on the caller's
environment.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if hasattr(os, "geteuid") and os.geteuid() == 0:
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    if "--no-sandbox" not in flags:
        os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = f"{flags} --no-sandbox".strip()
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

from desktop_app.views.qt_workarounds import keep_none_alive  # noqa: E402

keep_none_alive()  # PySide6 6.12 on Python 3.11 leaks references to None; see the module

DATA = Path(__file__).parent / "data"


@pytest.fixture()
def data_dir() -> Path:
    return DATA


@pytest.fixture()
def project(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A new, empty project in a real SQLite file."""
    from desktop_app.store.project import Project

    opened = Project.open(tmp_path / "test.sightline")
    yield opened
    opened.close()


@pytest.fixture(autouse=True)
def _isolated_user_data(tmp_path_factory: pytest.TempPathFactory,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real user data, settings or cache folders."""
    home = tmp_path_factory.mktemp("userdata")
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
