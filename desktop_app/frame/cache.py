"""A disposable on-disk copy of a project's EventFrame, so reopening a big project is fast.

Reading a million events and their links out of SQLite takes seconds; reading back an
Arrow file of the same columns takes a fraction of that. The copy lives in the user
cache folder (the project stays one SQLite file, or one PostgreSQL database) and is
named after the project's path (or ``user@host:port/db``, never a password) and a
*content key*: cheap aggregate queries (counts, max ids, sums of starts and
coordinates, the import batches and their undo marks, the ``data_version`` setting that
every committed change bumps, in ``Project.writing``). Any change to events, places,
links or batches changes the key, so a stale copy is simply never found. A copy that
cannot be read is ignored.

The read can start before the window exists (:func:`start_loading`, called by the
composition root before it imports the features and builds the panes, so the Arrow
read and the key's queries overlap that work); the first :func:`load_frame` of that
project takes it, provided the ``data_version`` read before it began is still the
project's (no commit in between). An import leaves the copy ready
(:func:`keep_ready`), so the first open after it is a reopen.

A copy is written under a name of its own (process and thread) and renamed into place,
its link files first and the row file last: a writer killed halfway leaves only files
no reader looks for, which the next write of that project removes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import platformdirs
import pyarrow as pa
import pyarrow.ipc as ipc

from desktop_app.frame.event_frame import EventFrame, Links
from desktop_app.store import frame_rows
from desktop_app.store.project import APP_NAME, Project

log = logging.getLogger(__name__)
FORMAT = 2  # bump when the layout of the file changes (2: text columns as dictionaries)
_ROW_COLUMNS = ("ids", "start", "end", "precision", "has_end", "lat", "lon", "location_id")


def cache_dir() -> Path:
    return platformdirs.user_cache_path(APP_NAME, appauthor=False) / "frames"


def content_key(project: Project) -> str:
    """A short hash of the project's contents (see the module's note)."""
    values = frame_rows.content_key_values(project)
    return hashlib.sha1(json.dumps([FORMAT, *values]).encode()).hexdigest()[:16]


def _path(project: Project, key: str) -> Path:
    # a file: its path; a server database: user@host:port/db (never the password)
    name = str(project.path.resolve()) if project.path is not None else project.display_name
    where = hashlib.sha1(name.encode()).hexdigest()[:12]
    return cache_dir() / f"{where}-{key}.arrow"


def _cacheable(project: Project) -> bool:
    """A SQLite file or a PostgreSQL database (in-memory SQLite is gone when closed)."""
    return project.path is not None or project.engine.dialect.name == "postgresql"


def _kept_copy(project: Project) -> Path | None:
    """The project's one cached copy, whatever its key (``_write`` keeps one a project)."""
    where = _path(project, "").name.split("-")[0]
    found = sorted(cache_dir().glob(f"{where}-*.arrow"))
    return found[0] if len(found) == 1 else None


@dataclass
class _Early:
    """A frame read begun before anyone asked for it (:func:`start_loading`)."""

    project: Project
    version: str  # the project's data version before the read began
    frame: Future[EventFrame]


_early: _Early | None = None
_early_lock = threading.Lock()


def start_loading(project: Project) -> None:
    """Begin reading ``project``'s frame now, on a thread of its own; the next
    :func:`load_frame` of this project takes the result (or reads again if the
    project changed meanwhile). The composition root calls this before it builds the
    window, so the read overlaps the imports and the widgets."""
    global _early
    if not _cacheable(project):  # in-memory SQLite: one connection, small; read as before
        return
    try:
        version = project.data_version()  # before the read: a later commit is a change
    except Exception:  # a server gone away: the workbench's own read tells the analyst
        log.warning("cannot read the project's data version", exc_info=True)
        return
    frame: Future[EventFrame] = Future()

    def read() -> None:
        try:
            frame.set_result(_load(project))
        except BaseException as exc:  # handed to whoever takes the read
            frame.set_exception(exc)

    with _early_lock:
        _early = _Early(project, version, frame)
    threading.Thread(target=read, name="sightline-early-frame", daemon=True).start()


def _take_early(project: Project) -> EventFrame | None:
    """The frame :func:`start_loading` read for ``project``, if it is still current."""
    global _early
    with _early_lock:
        early, _early = _early, None
    if early is None or early.project is not project:
        return None
    try:
        frame = early.frame.result()
    except Exception:  # read again below, where the error (if it stays) is told
        log.warning("the early read of the frame failed", exc_info=True)
        return None
    if project.data_version() != early.version:
        return None  # a commit since the read began: read the project as it is now
    return frame


def keep_ready(project: Project) -> None:
    """After an import (or its undo) has committed: make sure the frame copy of the
    project as it is now exists, so the next open reads it instead of the store."""
    if _cacheable(project):
        _load(project)


def load_frame(project: Project) -> EventFrame:
    """The project's frame: from the cache when it is current, else from the store
    (taken from :func:`start_loading` when that read is of this project and current)."""
    early = _take_early(project)
    return early if early is not None else _load(project)


def _load(project: Project) -> EventFrame:
    """The project's frame: from the cache when it is current, else from the store.

    The copy kept is read while the content key is worked out (the key's aggregate
    queries and the Arrow read both run outside the GIL, so on two cores a reopen
    waits for the longer one only); it is used only if the key names that very file."""
    if not _cacheable(project):
        return EventFrame.load(project)
    guess = _kept_copy(project)
    early: Future[EventFrame] | None = None
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sightline-frame-copy")
    try:
        if guess is not None:
            early = pool.submit(_read, guess)
        key = content_key(project)
        path = _path(project, key)
        if early is not None and path == guess:
            try:
                return early.result()
            except Exception:  # a damaged or foreign file: rebuild it
                log.warning("ignoring unreadable frame cache %s", path, exc_info=True)
        elif path.exists():
            try:
                return _read(path)
            except Exception:  # a damaged or foreign file: rebuild it
                log.warning("ignoring unreadable frame cache %s", path, exc_info=True)
    finally:
        pool.shutdown(wait=True)  # a stale copy read for nothing is dropped
    frame = EventFrame.load(project)
    try:
        _write(frame, path)
    except OSError:
        log.warning("could not write the frame cache %s", path, exc_info=True)
    return frame


def _write(frame: EventFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in path.parent.glob(path.name.split("-")[0] + "-*"):
        old.unlink(missing_ok=True)  # one copy per project (its link files, a dead writer's)
    columns = {name: getattr(frame, name) for name in _ROW_COLUMNS}
    # as dictionaries: reading back makes one Python string per distinct value (a place
    # name is shared by thousands of events) instead of one per event
    columns["title"] = pa.array(frame.title.tolist(), pa.large_string()).dictionary_encode()
    columns["place"] = pa.array(frame.place.tolist(), pa.large_string()).dictionary_encode()
    names: dict[str, list[str]] = {}
    for facet, (codes, values) in frame.single.items():
        columns[f"single:{facet}"] = codes
        names[f"single:{facet}"] = values
    rows_table = pa.table(columns)
    link_tables = {
        facet: pa.table({"rows": links.rows, "codes": links.codes})
        for facet, links in frame.multi.items()
    }
    for facet, links in frame.multi.items():
        names[f"multi:{facet}"] = links.names
    meta = {b"names": json.dumps(names).encode(), b"links": json.dumps(list(link_tables)).encode()}
    tmp = path.with_name(f"{path.stem}.{os.getpid()}-{threading.get_ident()}.tmp")
    with pa.OSFile(str(tmp), "wb") as sink:
        schema = rows_table.schema.with_metadata(meta)
        with ipc.new_file(sink, schema) as writer:
            writer.write_table(rows_table.replace_schema_metadata(meta))
        for facet, table in link_tables.items():
            with (
                pa.OSFile(str(tmp) + f".{facet}", "wb") as link_sink,
                ipc.new_file(link_sink, table.schema) as link_writer,
            ):
                link_writer.write_table(table)
    for facet in link_tables:
        Path(str(tmp) + f".{facet}").replace(str(path) + f".{facet}")
    tmp.replace(path)


def _read(path: Path) -> EventFrame:
    with pa.memory_map(str(path)) as source:
        table = ipc.open_file(source).read_all()
    meta = table.schema.metadata
    names = json.loads(meta[b"names"])
    multi = {}
    for facet in json.loads(meta[b"links"]):
        with pa.memory_map(str(path) + f".{facet}") as source:
            links = ipc.open_file(source).read_all()
        multi[facet] = Links(
            links["rows"].to_numpy(), links["codes"].to_numpy(), names[f"multi:{facet}"]
        )
    single = {
        key.split(":", 1)[1]: (table[key].to_numpy(), values)
        for key, values in names.items()
        if key.startswith("single:")
    }
    arrays = {name: table[name].to_numpy() for name in _ROW_COLUMNS}
    return EventFrame(
        **arrays,
        title=_texts(table["title"]),
        place=_texts(table["place"]),
        single=single,
        multi=multi,
    )


def _texts(column: pa.ChunkedArray) -> np.ndarray:
    """A text column (dictionary-encoded when written by this format) as the frame's
    object array: each distinct value made once, then picked out by the indices."""
    array = column.combine_chunks()
    if not pa.types.is_dictionary(array.type) or array.null_count:
        return np.asarray(array.to_numpy(zero_copy_only=False), object)
    values = np.asarray(array.dictionary.to_numpy(zero_copy_only=False), object)
    picked: np.ndarray = values[array.indices.to_numpy()]
    return picked
