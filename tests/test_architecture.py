"""The layering rule of DESIGN.md, and packaging details that break silently."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept() -> None:
    """import-linter: domain/store/ingest/frame never import PySide6; layers only go down."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_core_modules_import_without_qt() -> None:
    """Importing the core layers in a fresh interpreter loads no Qt at all."""
    code = (
        "import sys\n"
        "import desktop_app.domain.dates, desktop_app.store.project, desktop_app.store.bulk\n"
        "import desktop_app.ingest.pipeline, desktop_app.ingest.sample\n"
        "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_every_package_is_listed_for_packaging() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "desktop_app").rglob("__init__.py")
    }
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"
    assert config["package-dir"] == {
        "desktop_app.sample_data": "data",
        "desktop_app.resources": "resources",
    }


def _imports(path: Path) -> set[str]:
    """Every module a source file imports (at any depth of the file, TYPE_CHECKING too)."""
    import ast

    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_workbench_holds_no_widget() -> None:
    """workbench/ is Qt objects (signals, actions, timers) but never a widget, so it runs
    without a window (import-linter cannot name a Qt submodule, hence this check)."""
    widgets = ("PySide6.QtWidgets", "PySide6.QtWebEngineWidgets", "desktop_app.views")
    found = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / "desktop_app" / "workbench").glob("*.py")
        for name in _imports(path)
        if name.startswith(widgets)
    }
    assert not found, found


def test_only_the_composition_root_knows_the_main_window() -> None:
    """No module outside app/ (and the shell itself) imports the main window class."""
    found = {
        str(path.relative_to(ROOT))
        for path in (ROOT / "desktop_app").rglob("*.py")
        if path.parts[-2] not in ("app", "shell") and "desktop_app.shell.window" in _imports(path)
    }
    assert not found, found


def test_menus_are_never_looked_up_by_their_label() -> None:
    """Features declare actions by id in the registry; none finds a menu or an action by
    its text (a reworded or translated label would silently break it)."""
    pattern = ("menuBar().actions()", "findChildren(QAction)", '.text() == "&')
    found = {
        f"{path.relative_to(ROOT)}: {p}"
        for path in (ROOT / "desktop_app").rglob("*.py")
        for p in pattern
        if p in path.read_text(encoding="utf-8")
    }
    assert not found, found
