"""Which text encoding a delimited file is in, and decoding it without losing rows.

A clean UTF-8 file never comes here beyond :func:`head_encoding`: pyarrow reads it as it
is. Otherwise the encoding is decided on the whole file, not its first bytes:

* every line holding a non-ASCII byte is tested as UTF-8 (the file is scanned in
  chunks; the lines kept as a sample are bounded by ``SAMPLE_BUDGET``);
* when nearly all of them are valid UTF-8, the file is UTF-8, never re-decoded as a
  whole as cp1252 (which turns every ``Zürich`` into ``ZÃ¼rich``); the few bytes that
  are not UTF-8 (a stray cp1252 byte pasted in: ``Gen\xe8ve``) are read as Windows-1252,
  the code page that pasted them, each marked with ``REPAIRED`` so the reader can name
  the rows in a warning: the row is kept, reading ``Genève``;
* otherwise charset-normalizer names the encoding from a sample of the lines that are
  not UTF-8, taken from all over the file.

:func:`transcode` then decodes the file as that encoding into UTF-8 for pyarrow; a byte
sequence that is not valid in the encoding becomes ``MARK``, and the rows holding a
``MARK`` are reported as rejects (``text is not valid <encoding>``).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from desktop_app.ingest.filecheck import UnreadableFile

# A Unicode noncharacter (never in real text) standing for bytes that do not decode
MARK = "\ufdd0"
_ERRORS = "sightline-mark"
# Another one, before each byte of a UTF-8 file that was not UTF-8 and was read as
# Windows-1252 instead (the reader removes it and names the row in a warning)
REPAIRED = "\ufdd1"
_REPAIR = "sightline-cp1252"
CHUNK = 4 << 20  # bytes read and decoded at a time
SAMPLE_BUDGET = 1 << 20  # bytes of non-UTF-8 lines given to the detector
# the file is UTF-8 when at least this share of its non-ASCII lines are valid UTF-8
UTF8_SHARE = 0.8
# single-byte Latin code pages the detector cannot tell apart on short samples: when
# cp1252 (what Excel on Windows writes) decodes the sample as cleanly, it wins
_CHAOS_TIE = 0.02


def _mark(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return MARK, exc.end


codecs.register_error(_ERRORS, _mark)


def _as_cp1252(exc: UnicodeError) -> tuple[str, int]:
    """A byte that is not UTF-8, read as Windows-1252 (Latin-1 for its five holes)."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    text = "".join(REPAIRED + (bytes([b]).decode("cp1252", errors="ignore") or chr(b)) for b in bad)
    return text, exc.end


codecs.register_error(_REPAIR, _as_cp1252)


def head_encoding(head: bytes) -> str | None:
    """The encoding the first bytes show for certain (a BOM, or valid UTF-8), else None.

    Raises :class:`UnreadableFile` for binary data (NUL bytes outside UTF-16/32).
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:  # UTF-16 without a BOM has a NUL beside every ASCII character
        even, odd = head[0::2], head[1::2]
        if odd.count(0) > 0.3 * len(odd) and even.count(0) < 0.02 * len(even):
            return "utf-16-le"
        if even.count(0) > 0.3 * len(even) and odd.count(0) < 0.02 * len(odd):
            return "utf-16-be"
        raise UnreadableFile("this is not a text file (it contains binary data)")
    try:  # a multi-byte character may be cut at the end of the sample
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return None
    return "utf-8"


@dataclass
class LineCensus:
    """Lines holding non-ASCII bytes, counted by whether they are valid UTF-8."""

    utf8_lines: int = 0
    other_lines: int = 0
    sample: bytes = b""  # a bounded sample of the lines that are not UTF-8

    @property
    def is_utf8(self) -> bool:
        total = self.utf8_lines + self.other_lines
        return self.other_lines == 0 or (
            self.utf8_lines > 0 and self.utf8_lines >= UTF8_SHARE * total
        )


def census(path: Path) -> LineCensus:
    """Scan the whole file for lines that are not ASCII and test each as UTF-8."""
    out = LineCensus()
    sample: list[bytes] = []
    budget = SAMPLE_BUDGET
    carry = b""
    with path.open("rb") as handle:
        while True:
            chunk = handle.read(CHUNK)
            data = carry + chunk
            if not data:
                break
            if chunk:  # keep the last, maybe partial, line for the next round
                cut = max(data.rfind(b"\n"), data.rfind(b"\r"))
                if cut < 0 and len(data) < 4 * CHUNK:
                    carry = data
                    continue
                cut = cut + 1 if cut >= 0 else len(data)
                data, carry = data[:cut], data[cut:]
            else:
                carry = b""
            if data.isascii():
                pass
            elif _is_utf8(data):
                out.utf8_lines += sum(1 for line in data.splitlines() if not line.isascii())
            else:
                for line in data.splitlines():
                    if line.isascii():
                        continue
                    if _is_utf8(line):
                        out.utf8_lines += 1
                        continue
                    out.other_lines += 1
                    if budget > 0:
                        sample.append(line[:budget])
                        budget -= len(sample[-1]) + 1
            if not chunk:
                break
    out.sample = b"\n".join(sample)
    return out


def _is_utf8(data: bytes) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _is_whole_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def detect_file_encoding(path: Path) -> tuple[str, int]:
    """The encoding of a file whose first bytes were not conclusive (see module doc),
    and how many of its lines are valid UTF-8 with non-ASCII text."""
    found = census(path)
    return _name(found), found.utf8_lines


def _name(found: LineCensus) -> str:
    if found.is_utf8:
        return "utf-8"
    from charset_normalizer import from_bytes

    matches = list(from_bytes(found.sample))
    if not matches:
        raise UnreadableFile(
            "cannot tell which text encoding the file is in (it is not UTF-8); "
            "name it with --encoding (for example --encoding cp1252)"
        )
    if matches[0].coherence == 0:  # too little text to recognise a language
        for code_page in ("cp1252", "cp1251"):
            if _plausible(found.sample, code_page):
                return code_page
    best = min(m.chaos for m in matches)
    # each match lists the code pages that decode the sample to the same text
    clean = [
        c
        for m in matches
        if m.chaos <= best + _CHAOS_TIE
        for c in [m.encoding, *m.could_be_from_charset]
    ]
    if "cp1252" in clean:
        return "cp1252"
    return str(matches[0].encoding)


_PUNCTUATION = set(
    "\u201c\u201d\u2018\u2019\u2013\u2014\u20ac\u2026\u00ab\u00bb\u00b0\u00b7\u2116\u00a0"
)  # quotes, dashes, euro, ellipsis, guillemets, degree, numero
_SCRIPT = {"cp1252": "LATIN", "cp1251": "CYRILLIC"}


def _plausible(sample: bytes, code_page: str) -> bool:
    """A short sample reads as words of one script in ``code_page``: every non-ASCII
    character is a letter of that script (or common punctuation), and the letters come
    as Latin accents inside ASCII words, or as whole Cyrillic words."""
    import unicodedata

    try:
        text = sample.decode(code_page)
    except UnicodeDecodeError:
        return False
    letters = [c for c in text if not c.isascii() and c not in _PUNCTUATION]
    if not letters or not all(
        c.isalpha() and _SCRIPT[code_page] in unicodedata.name(c, "") for c in letters
    ):
        return False
    runs = [len(run) for run in re.findall(r"[^\x00-\x7f]+", text)]
    if code_page == "cp1252":  # Zürich, São, Málaga: one or two accented letters at a time
        return max(runs) <= 2
    return sum(r for r in runs if r >= 3) >= 0.8 * sum(runs)  # Москва: whole words


def canonical(encoding: str) -> str:
    """``utf-8``/``utf-8-sig`` for any spelling of them, else the name as given;
    raises :class:`UnreadableFile` for an unknown encoding."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise UnreadableFile(f"unknown text encoding {encoding!r}") from None
    return name if name in ("utf-8", "utf-8-sig") else encoding


def single_byte(encoding: str) -> bool:
    """True for code pages that give one character per byte (cp1252, cp1251, latin-1)."""
    if codecs.lookup(encoding).name.startswith("utf"):
        return False  # every byte "decodes" with errors="replace", one character or not
    return len(bytes(range(256)).decode(encoding, errors="replace")) == 256


def transcode(path: Path, encoding: str, *, utf8_lines: bool = False) -> tuple[bytes, int]:
    """The file decoded as ``encoding``, as UTF-8 bytes (no BOM), and how many byte
    sequences did not decode (each became one ``MARK``).

    ``utf8_lines`` (for a single-byte code page): a line that is valid UTF-8 with
    non-ASCII characters is read as UTF-8, so rows appended by another program to a
    cp1252 file read ``Zürich``, not ``ZÃ¼rich``.
    """
    utf8 = codecs.lookup(encoding).name in ("utf-8", "utf-8-sig")
    if utf8_lines and not utf8 and single_byte(encoding):
        return _transcode_mixed(path, encoding)
    decoder = codecs.getincrementaldecoder(encoding)(errors=_REPAIR if utf8 else _ERRORS)
    parts: list[bytes] = []
    marks = 0
    with path.open("rb") as handle:
        while True:
            chunk = handle.read(CHUNK)
            text = decoder.decode(chunk, final=not chunk)
            if not parts and text.startswith("\ufeff"):
                text = text[1:]
            marks += text.count(MARK) + text.count(REPAIRED)
            parts.append(text.encode("utf-8"))
            if not chunk:
                break
    return b"".join(parts), marks


def _transcode_mixed(path: Path, encoding: str) -> tuple[bytes, int]:
    parts: list[bytes] = []
    marks = 0
    with path.open("rb") as handle:
        for line in handle:  # split at b"\n" (a CR-only file is one line: all legacy)
            if line.isascii() or _is_whole_utf8(line):
                parts.append(line)
            else:
                text = line.decode(encoding, errors=_ERRORS)
                marks += text.count(MARK)
                parts.append(text.encode("utf-8"))
    return b"".join(parts), marks
