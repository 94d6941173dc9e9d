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
"""

from __future__ import annotations

import hashlib
import json
import logging
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import platformdirs
import pyarrow as pa
import pyarrow.ipc as ipc

from desktop_app.frame.event_frame import EventFrame, Links
from desktop_app.store import frame_rows
from desktop_app.store.project import APP_NAME, Project

log = logging.getLogger(__name__)
FORMAT = 1  # bump when the layout of the file changes
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


def load_frame(project: Project) -> EventFrame:
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
    for old in path.parent.glob(path.name.split("-")[0] + "-*.arrow"):
        old.unlink(missing_ok=True)  # one copy per project
    columns = {name: getattr(frame, name) for name in _ROW_COLUMNS}
    columns["title"] = pa.array(frame.title.tolist(), pa.large_string())
    columns["place"] = pa.array(frame.place.tolist(), pa.large_string())
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
    tmp = path.with_suffix(".tmp")
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
        title=table["title"].to_numpy(zero_copy_only=False),
        place=table["place"].to_numpy(zero_copy_only=False),
        single=single,
        multi=multi,
    )
