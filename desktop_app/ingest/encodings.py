"""Which text encoding a delimited file is in, and decoding it without losing rows.

A clean UTF-8 file never comes here beyond :func:`head_encoding`: pyarrow reads it as it
is. Otherwise the encoding is decided on the whole file, not its first bytes:

* every line holding a non-ASCII byte is tested as UTF-8 (the file is scanned in
  chunks; the lines kept as a sample are bounded by ``SAMPLE_BUDGET``);
* when nearly all of them are valid UTF-8, the file is UTF-8 and the few lines that are
  not (a stray cp1252 byte pasted in) are reported as rejects, never used to re-decode
  the whole file as cp1252 (which turns every ``Zürich`` into ``ZÃ¼rich``);
* otherwise charset-normalizer names the encoding from a sample of the lines that are
  not UTF-8, taken from all over the file.

:func:`transcode` then decodes the file as that encoding into UTF-8 for pyarrow; a byte
sequence that is not valid in the encoding becomes ``MARK``, and the rows holding a
``MARK`` are reported as rejects (``text is not valid <encoding>``).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from desktop_app.ingest.filecheck import UnreadableFile

# A Unicode noncharacter (never in real text) standing for bytes that do not decode
MARK = "\ufdd0"
_ERRORS = "sightline-mark"
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
    if b"\x00" in head:
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
            self.utf8_lines > 0 and self.utf8_lines >= UTF8_SHARE * total)


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


def detect_file_encoding(path: Path) -> str:
    """The encoding of a file whose first bytes were not conclusive (see module doc)."""
    found = census(path)
    if found.is_utf8:
        return "utf-8"
    from charset_normalizer import from_bytes

    matches = list(from_bytes(found.sample))
    if not matches:
        raise UnreadableFile(
            "cannot tell which text encoding the file is in (it is not UTF-8); "
            "name it with --encoding (for example --encoding cp1252)")
    best = min(m.chaos for m in matches)
    clean = [m.encoding for m in matches if m.chaos <= best + _CHAOS_TIE]
    if "cp1252" in clean:
        return "cp1252"
    return str(matches[0].encoding)


def canonical(encoding: str) -> str:
    """The codec's own name (``Shift-JIS`` -> ``shift_jis``); raises on an unknown one."""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise UnreadableFile(f"unknown text encoding {encoding!r}") from None


def transcode(path: Path, encoding: str) -> tuple[bytes, int]:
    """The file decoded as ``encoding``, as UTF-8 bytes (no BOM), and how many byte
    sequences did not decode (each became one ``MARK``)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors=_ERRORS)
    parts: list[bytes] = []
    marks = 0
    with path.open("rb") as handle:
        while True:
            chunk = handle.read(CHUNK)
            text = decoder.decode(chunk, final=not chunk)
            if not parts and text.startswith("\ufeff"):
                text = text[1:]
            marks += text.count(MARK)
            parts.append(text.encode("utf-8"))
            if not chunk:
                break
    return b"".join(parts), marks
