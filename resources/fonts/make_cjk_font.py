"""Build ``sightline-cjk.ttf``: the fallback font that lets every pane draw Chinese,
Japanese and Korean names.

Source: Debian's ``fonts-noto-cjk`` package (Noto Sans CJK, SIL Open Font Licence 1.1),
its ``NotoSansCJK-Regular.ttc``, the Simplified Chinese face (font number 2). Fetch it
with the ordinary client, no install needed::

    apt-get download fonts-noto-cjk && dpkg-deb -x fonts-noto-cjk_*.deb deb
    python3 -m pip install fonttools          # a build-time tool, not a run-time dependency
    python3 resources/fonts/make_cjk_font.py \
        deb/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc

What is kept (see :func:`characters`): every hanzi of GB2312 (6,763, the simplified
set), Big5 level 1 (5,401 common traditional), the kanji of JIS X 0208, kana, the 2,350
hangul syllables of KS X 1001 and compatibility jamo, CJK punctuation and full-width
forms. Latin, Greek and Cyrillic (which GB2312, JIS and KS X 1001 carry too) are left
out on purpose: the system UI font keeps drawing them, the CJK font only fills in what
that font lacks; were Cyrillic in it, Qt would pick it for Москва whenever the first
family is a generic name ("Sans Serif").

The outlines are converted from CFF cubics to TrueType quadratics (cu2qu): Qt's PDF
writer embeds a TrueType font as a subset, so a PDF pack with 北京 in it carries the
glyphs. The family is renamed ``Sightline CJK`` (a modified Noto build must not pass for
the original, and it must not clash with a full Noto Sans CJK installed on the machine).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

FAMILY = "Sightline CJK"
OUTPUT = Path(__file__).with_name("sightline-cjk.ttf")
SC_FACE = 2  # Noto Sans CJK SC in NotoSansCJK-Regular.ttc
MAX_ERR = 1.0  # font units (of 1000 per em): the quadratic curves stay within this


def _double_byte(codec: str, first: range, second: range) -> set[int]:
    found: set[int] = set()
    for hi in first:
        for lo in second:
            try:
                text = bytes([hi, lo]).decode(codec)
            except UnicodeDecodeError:
                continue
            found.update(ord(ch) for ch in text)
    return found


def characters() -> set[int]:
    """The code points the subset keeps."""
    keep: set[int] = set()
    keep |= _double_byte("gb2312", range(0xA1, 0xF8), range(0xA1, 0xFF))  # GB2312 whole
    big5_symbols = _double_byte("big5", range(0xA1, 0xA4), range(0x40, 0xFF))
    big5_level1 = {
        cp for cp in _double_byte("big5", range(0xA4, 0xC7), range(0x40, 0xFF)) if cp >= 0x3400
    }
    keep |= big5_symbols | big5_level1
    keep |= _double_byte("euc_jp", range(0xB0, 0xF5), range(0xA1, 0xFF))  # JIS X 0208 kanji
    keep |= _double_byte("euc_kr", range(0xB0, 0xC9), range(0xA1, 0xFF))  # KS X 1001 hangul
    for start, end in (
        (0x3000, 0x303F),  # CJK symbols and punctuation
        (0x3040, 0x30FF),  # hiragana, katakana
        (0x31F0, 0x31FF),  # katakana extensions
        (0x3130, 0x318F),  # hangul compatibility jamo
        (0xFF00, 0xFFEF),  # full-width and half-width forms
    ):
        keep.update(range(start, end + 1))
    # nothing below U+2000: the Latin, Greek and Cyrillic letters the legacy sets carry
    # stay the UI font's
    return {cp for cp in keep if cp >= 0x2000}


def _to_quadratic(font: TTFont) -> None:
    """CFF outlines -> glyf (the fontTools otf2ttf recipe)."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERR, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        width = hmtx[name][0]
        hmtx[name] = (width, getattr(glyph, "xMin", 0))
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, field, 1 if field == "maxZones" else 0)
    maxp.compile(font)
    post = font["post"]
    post.formatType = 3.0  # no glyph names: smaller, and nothing reads them
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def _rename(font: TTFont) -> None:
    names = font["name"]
    full = f"{FAMILY} Regular"
    postscript = FAMILY.replace(" ", "") + "-Regular"
    for record in list(names.names):
        if record.nameID in (1, 16):
            record.string = FAMILY
        elif record.nameID in (2, 17):
            record.string = "Regular"
        elif record.nameID == 3:
            record.string = f"{postscript};subset of Noto Sans CJK SC 2.004"
        elif record.nameID == 4:
            record.string = full
        elif record.nameID == 6:
            record.string = postscript
    # localised family names (the Chinese "思源黑体" style records) would bring the
    # original name back under another locale
    names.names = [
        r
        for r in names.names
        if r.nameID not in (1, 4, 16) or r.langID in (0x409, 0) or r.platformID == 1
    ]


def build(source: Path, output: Path = OUTPUT) -> Path:
    collection = TTCollection(str(source))
    font = collection.fonts[SC_FACE]
    options = subset.Options()
    options.layout_features = []  # no locl/vert alternates: one form per character
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.drop_tables += ["VORG", "vhea", "vmtx", "BASE", "JSTF"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(characters()))
    subsetter.subset(font)
    if "CFF " in font:
        _to_quadratic(font)
    _rename(font)
    font.save(str(output))
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ttc", type=Path, help="NotoSansCJK-Regular.ttc from fonts-noto-cjk")
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    out = build(args.ttc, args.output)
    print(f"{out}: {out.stat().st_size / 1e6:.2f} MB, {len(characters())} characters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
