"""Which characters SQLite's FTS5 tokenizer keeps in words, asked of FTS5 itself.

PostgreSQL's search (migration 0005) must split text exactly where FTS5's
``unicode61 remove_diacritics 2`` tokenizer does. FTS5's character classes come from
its own Unicode tables, which differ from Python's ``unicodedata`` (a newer Unicode)
for some 1,900 code points of the Basic Multilingual Plane and for much of the rest
(FTS5 keeps most characters beyond it, emoji among them, in words). So the classes are
read from FTS5, once per process (about 4 s): every code point ``c`` is tokenized as
``x{c}y``, which gives one word (``c`` is a word character), two (a separator), or
``xy`` (a mark FTS5 drops without splitting, such as U+0301).
"""

from __future__ import annotations

import sqlite3
from functools import lru_cache

Ranges = list[tuple[int, int]]


def _ranges(codes: list[int]) -> Ranges:
    out: list[list[int]] = []
    for code in codes:
        if out and out[-1][1] == code - 1:
            out[-1][1] = code
        else:
            out.append([code, code])
    return [(a, b) for a, b in out]


@lru_cache(maxsize=1)
def fts5_classes() -> tuple[Ranges, Ranges]:
    """(word characters, dropped marks) as code point ranges, from FTS5 itself."""
    codes = [c for c in range(1, 0x110000) if not 0xD800 <= c <= 0xDFFF]
    db = sqlite3.connect(":memory:")
    try:
        db.execute("CREATE VIRTUAL TABLE f USING fts5(t, tokenize='unicode61 remove_diacritics 2')")
        db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(f, instance)")
        db.execute(
            "INSERT INTO f(rowid, t) VALUES (1, ?)", (" ".join(f"x{chr(c)}y" for c in codes),)
        )
        tokens = iter([t for (t,) in db.execute("SELECT term FROM v ORDER BY offset")])
    finally:
        db.close()
    word: list[int] = []
    dropped: list[int] = []
    for code in codes:
        token = next(tokens)
        if token == "x":
            if next(tokens) != "y":
                raise RuntimeError(f"FTS5 split x{chr(code)!r}y unexpectedly")
        elif token == "xy":
            dropped.append(code)
        else:
            word.append(code)
    return _ranges(word), _ranges(dropped)


def regex_class(ranges: Ranges) -> str:
    """A PostgreSQL regex bracket body (without the brackets) for the ranges."""

    def escape(code: int) -> str:
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"

    return "".join(escape(a) if a == b else f"{escape(a)}-{escape(b)}" for a, b in ranges)
