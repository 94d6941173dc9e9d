"""The map page's tool scripts and styles, and the shipped CJK font they use.

``page.py`` loads these after ``sightline_map.js`` (which they hook into through
``Sightline.addTool``/``Sightline.handle``) and writes them beside the page:

- ``sightline_fonts.js``/``.css``: the CJK fallback font (``resources/fonts``) as an
  ``@font-face``, last in every font stack, loaded before the labels are drawn again;
- ``sightline_measure.js``: distance and area, great-circle, km/nm/mi;
- ``sightline_pointer.js``: the pointer's coordinates and the "go to" marker;
- ``sightline_tools.css``: their look.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

SCRIPTS = [
    ("sightline_fonts", "sightline_fonts.js"),
    ("sightline_measure", "sightline_measure.js"),
    ("sightline_pointer", "sightline_pointer.js"),
]
STYLES = [
    ("sightline_fonts_css", "sightline_fonts.css"),
    ("sightline_tools_css", "sightline_tools.css"),
]
FONT = ("fonts", "sightline-cjk.ttf")


def write_tool_assets(folder: Path) -> None:
    """Copy the tools' scripts, styles and the font into the page's folder."""
    resources = files("desktop_app.resources")
    for _name, file_name in (*SCRIPTS, *STYLES):
        (folder / file_name).write_bytes(resources.joinpath("map", file_name).read_bytes())
    (folder / "fonts").mkdir(exist_ok=True)
    (folder / FONT[0] / FONT[1]).write_bytes(resources.joinpath(*FONT).read_bytes())
