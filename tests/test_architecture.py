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
