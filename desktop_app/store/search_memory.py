"""The text of events the FTS5 index has not reached yet, held in memory while it is built.

Right after a big import the index is behind (``store/search.py`` builds it in the
background, a chunk at a time) and a search answers for the events above its watermark
with ``LIKE`` over the event table: a scan of every row, about a second at a million
events. So when :func:`desktop_app.store.search.refresh_index` starts on a big gap, it
first reads the titles and descriptions of the unindexed events once into Arrow arrays
(:func:`load`), and a search during the build matches them there (``match_substring``
on text lowered as SQLite's ``lower`` lowers it: ASCII letters only), exactly as the
``LIKE`` would, in tens of milliseconds.

The arrays are only used while they are true: they remember the data version of the
snapshot they were read in, and any committed change of the contents (an edit, an
import, an undo) bumps it, so stale text is never searched (``LIKE`` answers instead).
They are dropped once the index has caught up. No Qt here.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import text
from sqlalchemy.engine import Connection

from desktop_app.store.project import READ_DATA_VERSION, Project

# below this many unindexed events LIKE is fast enough: nothing is kept
KEEP_FROM = 50_000
SEPARATOR = "\x01"  # between title and description (never in a query word)


@dataclass(frozen=True)
class UnindexedText:
    """Titles and descriptions of events ``ids`` (ascending: every event above the
    watermark ``above``), lowered like SQLite's ``lower``; read in the snapshot whose
    data version is ``version``."""

    version: str
    above: int
    ids: np.ndarray
    text: pa.Array  # title, SEPARATOR, description: one scan per word

    @property
    def last(self) -> int:
        return int(self.ids[-1]) if len(self.ids) else 0

    def matching(self, words: list[str], above: int) -> np.ndarray:
        """Ids above ``above`` whose title or description holds every word (as
        ``lower(title) LIKE '%word%' OR lower(description) LIKE '%word%'``), ascending.

        Each word after the first is looked for only in the texts that held the words
        before it; a scan of many texts is split over threads (Arrow lets go of the
        GIL), and a word is looked for as an RE2 literal, which skips to candidate
        bytes where Arrow's plain substring matcher steps through every one (2-3x)."""
        start = int(np.searchsorted(self.ids, above, side="right"))
        if start >= len(self.ids):
            return np.zeros(0, np.int64)
        texts: pa.Array = self.text[start:]
        ids = self.ids[start:]
        for n, word in enumerate(words):  # a word has no SEPARATOR: never spans the two
            found = _contains(texts, word.lower())
            ids = ids[found]
            if not len(ids):
                break
            if n + 1 < len(words):
                texts = texts.filter(pa.array(found))
        return np.asarray(ids, np.int64)


# a scan of more texts than this is split over threads
SPLIT_FROM = 100_000
SCAN_THREADS = max(2, min(4, os.cpu_count() or 2))
_POOL: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    global _POOL
    with _LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(
                max_workers=SCAN_THREADS,
                thread_name_prefix="sightline-text-scan",
            )
        return _POOL


def _contains(texts: pa.Array, word: str) -> np.ndarray:
    """Which of ``texts`` hold ``word`` (a plain substring, case as given)."""
    if word.isalnum():  # letters and digits only: the same as a literal pattern

        def scan(part: pa.Array) -> np.ndarray:
            hit = pc.match_substring_regex(part, word)
            return np.asarray(hit.to_numpy(zero_copy_only=False), bool)
    else:

        def scan(part: pa.Array) -> np.ndarray:
            hit = pc.match_substring(part, word)
            return np.asarray(hit.to_numpy(zero_copy_only=False), bool)

    n = len(texts)
    if n < SPLIT_FROM:
        return scan(texts)
    bounds = [n * k // SCAN_THREADS for k in range(SCAN_THREADS + 1)]
    slices = [texts[a:b] for a, b in pairwise(bounds)]
    return np.concatenate(list(_pool().map(scan, slices)))


_KEPT: dict[str, UnindexedText] = {}
_LOCK = threading.Lock()


def _key(project: Project) -> str:
    return str(project.engine.url)


def data_version(conn: Connection) -> str:
    value = conn.execute(text(READ_DATA_VERSION)).scalar()
    return "" if value is None else str(value)


def load(project: Project, above: int) -> UnindexedText | None:
    """Read the text of the events above ``above`` (the watermark) into memory, when
    there are enough of them to be worth it; returns what is kept."""
    with project.engine.connect() as conn, conn.begin():  # one snapshot
        count = int(
            conn.execute(
                text("SELECT count(*) FROM event WHERE id > :m"), {"m": above}
            ).scalar_one()
        )
        if count < KEEP_FROM:
            forget(project)
            return None
        version = data_version(conn)
        cursor = conn.connection.cursor()
        try:
            cursor.execute(
                "SELECT id, title, coalesce(description, '') FROM event WHERE id > ? ORDER BY id",
                (above,),
            )
            rows = cursor.fetchall()
        finally:
            cursor.close()
    ids, titles, descriptions = zip(*rows, strict=True) if rows else ((), (), ())
    joined = pc.binary_join_element_wise(
        pa.array(titles, pa.large_string()),
        pa.array(descriptions, pa.large_string()),
        pa.scalar(SEPARATOR, pa.large_string()),
    )
    kept = UnindexedText(
        version, above, np.fromiter(ids, np.int64, len(ids)), pc.ascii_lower(joined)
    )
    with _LOCK:
        _KEPT[_key(project)] = kept
    return kept


def kept(project: Project, conn: Connection) -> UnindexedText | None:
    """The text kept for ``project`` if it is still true in ``conn``'s snapshot."""
    with _LOCK:
        found = _KEPT.get(_key(project))
    if found is None or found.version != data_version(conn):
        return None
    return found


def forget(project: Project) -> None:
    with _LOCK:
        _KEPT.pop(_key(project), None)
