"""Test configuration: Qt runs offscreen; Chromium's sandbox is off when running as root.

These are set here, before anything imports Qt, so no test depends on the caller's
environment.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if hasattr(os, "geteuid") and os.geteuid() == 0:
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    if "--no-sandbox" not in flags:
        os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = f"{flags} --no-sandbox".strip()
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

from desktop_app.views.map.tiles import register_tile_scheme
from desktop_app.views.qt_workarounds import keep_none_alive

keep_none_alive()  # PySide6 6.12 on Python 3.11 leaks references to None; see the module
register_tile_scheme()  # the map's tile files: before pytest-qt makes the QApplication

DATA = Path(__file__).parent / "data"
# fixtures shared by the test files of one subject, in modules of their own
pytest_plugins = ("wizard_steps",)


@pytest.fixture(scope="session")
def qapp(qapp: Any) -> Any:
    """pytest-qt's application, with the shipped CJK fallback font registered as the
    program's own start does (app.main._application)."""
    from desktop_app.views.fonts import install_fallback_font

    install_fallback_font()
    return qapp


@pytest.fixture()
def data_dir() -> Path:
    return DATA


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--repeat",
        type=int,
        default=1,
        help="run every selected test this many times in a row (a flaky test's proof: "
        ".ci/run runs the once-flaky map click 20 times)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    times = int(metafunc.config.getoption("--repeat"))
    if times > 1:  # each run its own test item, with its own fixtures
        metafunc.fixturenames.append("repeat_step")
        metafunc.parametrize("repeat_step", range(times), indirect=True)


@pytest.fixture()
def repeat_step(request: pytest.FixtureRequest) -> int:
    """Which run of a repeated test this is (``--repeat``)."""
    return int(request.param)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "sqlite_only(reason): the test is about SQLite itself (file locks, WAL, "
        "the ADBC worker, the file on disk); its project stays a SQLite file even "
        "when SIGHTLINE_TEST_DATABASE_URL is set",
    )


@pytest.fixture()
def project(tmp_path: Path, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """A new, empty project: a real SQLite file (a copy of the session's new one), or,
    when SIGHTLINE_TEST_DATABASE_URL names a PostgreSQL server, a fresh database on it
    (dropped after the test)."""
    from helpers import new_project_file
    from pg_server import fresh_database, server_url

    from desktop_app.store.project import Project

    if server_url() is None or request.node.get_closest_marker("sqlite_only"):
        opened = Project.open(new_project_file(tmp_path / "test.sightline"))
        yield opened
        opened.close()
        return
    with fresh_database() as url:
        opened = Project.open(url)
        yield opened
        opened.close()


@pytest.fixture()
def pg_url() -> Iterator[str]:
    """A fresh, empty database on the PostgreSQL test server (skips without one)."""
    from pg_server import ENV, fresh_database, server_url

    if server_url() is None:
        pytest.skip(f"needs a PostgreSQL server: set {ENV} (.ci/run does)")
    with fresh_database() as url:
        yield url


@pytest.fixture(autouse=True)
def _isolated_user_data(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never touch the real user data, settings or cache folders."""
    home = tmp_path_factory.mktemp("userdata")
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))  # the log folder


@pytest.fixture()
def sample_project(project):  # type: ignore[no-untyped-def]
    """A project holding the sample dataset."""
    from desktop_app.ingest.sample import load_sample

    load_sample(project)
    return project


@pytest.fixture()
def make_main_window(qtbot: Any, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """Factory: a main window on a project, shown offscreen, its events loaded, its map
    page ready, drawn and settled; closed (and deleted) after the test."""
    import shiboken6
    from helpers import run_js
    from PySide6.QtCore import QSettings

    from desktop_app.app.main import build_window

    made: list[Any] = []

    def make(project: Any) -> Any:
        settings = QSettings(str(tmp_path / f"settings{len(made)}.ini"), QSettings.Format.IniFormat)
        window = build_window(project, settings=settings)
        made.append(window)
        window.resize(1400, 900)
        with qtbot.waitSignal(window.workbench.frame_loaded, timeout=30_000):
            window.show()
        qtbot.waitUntil(lambda: window.map.is_ready, timeout=30_000)
        located = int(
            (window.workbench.linker.frame.located & window.workbench.linker.visible).sum()
        )
        qtbot.waitUntil(
            lambda: (
                run_js(qtbot, window.map.page, "Sightline.counts().events") == located
                and run_js(qtbot, window.map.page, "Sightline.settled()")
                and window.workbench.view_state.map is not None
            ),
            timeout=30_000,
        )
        return window

    yield make
    for window in made:
        window.workbench.project = None  # the test's own fixture closes its project
        window.close()
        shiboken6.delete(window)


@pytest.fixture()
def make_map(qtbot: Any) -> Iterator[Callable[..., Any]]:
    """Factory: ``make_map(width=800, height=500)``, a MapView on a selection and view
    state of its own, shown offscreen at that size, its page loaded and ready; each one
    closed (and deleted) after the test. A test module using it imports
    desktop_app.views.map (or PySide6.QtWebEngineWidgets) at its top: QtWebEngine must be
    imported before the QApplication exists.
    (test_map.py keeps its own ``make_map``, which also draws a frame.)"""
    import shiboken6
    from helpers import show_map

    made: list[Any] = []

    def make(width: int = 800, height: int = 500) -> Any:
        made.append(show_map(qtbot, width, height))
        return made[-1]

    yield make
    for view in made:
        view.close()
        shiboken6.delete(view)


@pytest.fixture()
def sqlite_project(tmp_path: Path) -> Iterator[Any]:
    """A new, empty project that is a SQLite file (``p.sightline`` in ``tmp_path``, a copy
    of the session's new one) even when SIGHTLINE_TEST_DATABASE_URL is set: the import
    files' tests, written against the file, take it as their ``project``."""
    from helpers import new_project_file

    from desktop_app.store.project import Project

    opened = Project.open(new_project_file(tmp_path / "p.sightline"))
    yield opened
    opened.close()
