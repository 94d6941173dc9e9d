"""The shipped CJK font, cut down to the characters one HTML export shows.

The window, the map page and the PDF pack use ``resources/fonts/sightline-cjk.ttf``
(family "Sightline CJK", 3.6 MB, 13,577 characters). A standalone HTML file must draw
北京 and 臺北 on a machine with no CJK font and no network, so it carries the font
itself, as a ``data:`` URL in an ``@font-face``; but not the whole of it: fontTools'
subsetter keeps the glyphs of the characters the page holds (its title, the events'
text, the steps' captions, the annotations' labels…) and nothing else, as WOFF (zlib).
A page with a dozen hanzi carries a few kilobytes; a page with none carries no font.

Like the window, the page lists the family last in its font stacks, so Latin, Greek
and Cyrillic (Москва) keep the reader's own sans-serif: the font has nothing below
U+2000. No Qt here.
"""

from __future__ import annotations

import base64
import io
from functools import lru_cache
from importlib.resources import files

from fontTools import subset
from fontTools.ttLib import TTFont

FAMILY = "Sightline CJK"
FONT_FILE = ("fonts", "sightline-cjk.ttf")


@lru_cache(maxsize=1)
def _font_file() -> bytes:
    return files("desktop_app.resources").joinpath(*FONT_FILE).read_bytes()


@lru_cache(maxsize=1)
def covered() -> frozenset[int]:
    """The code points the shipped font has a glyph for."""
    font = TTFont(io.BytesIO(_font_file()), lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


def needed(text: str) -> list[int]:
    """The code points of ``text`` the font draws (sorted): what the subset keeps."""
    have = covered()
    return sorted(cp for cp in {ord(c) for c in text} if cp in have)


def subset_font(code_points: list[int]) -> bytes:
    """A WOFF font with only these code points' glyphs (and .notdef)."""
    font = TTFont(io.BytesIO(_font_file()))
    try:
        options = subset.Options()
        options.flavor = "woff"
        options.layout_features = []  # the shipped font has no layout tables anyway
        options.notdef_outline = True
        options.name_IDs = [0, 1, 2, 3, 4, 5, 6]  # copyright, family… (the OFL asks for them)
        options.name_languages = [0x409]
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=code_points)
        subsetter.subset(font)
        out = io.BytesIO()
        font.flavor = "woff"
        font.save(out)
        return out.getvalue()
    finally:
        font.close()


def font_face_css(text: str) -> str:
    """An ``@font-face`` rule for the characters of ``text`` the font draws, its font
    inlined as a ``data:`` URL; "" when the text has none of them."""
    code_points = needed(text)
    if not code_points:
        return ""
    data = base64.b64encode(subset_font(code_points)).decode("ascii")
    return (
        f'@font-face {{ font-family: "{FAMILY}"; font-display: block; '
        f'src: url(data:font/woff;base64,{data}) format("woff"); }}'
    )
