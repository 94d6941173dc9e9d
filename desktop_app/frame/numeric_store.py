"""Reading a project's numeric attributes, and a disposable copy of them for reopening.

Reading them means one JSON parse per event (seconds at a million events), so, like the
frame (:mod:`desktop_app.frame.cache`), a copy is kept in the user cache folder as an
Arrow file named after the project and its content key: any change to the events
changes the key, so a stale copy is never found, and one that cannot be read is
ignored. The copies live in their own folder beside the frames' (whose writer removes
every other file of a project from its folder).
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc

from desktop_app.frame.cache import cache_dir, content_key
from desktop_app.frame.numeric import NumberTable, numeric_keys
from desktop_app.store import frame_rows
from desktop_app.store.project import Project

log = logging.getLogger(__name__)


def read_numbers(project: Project) -> NumberTable:
    """Every event's numeric attributes, from the store."""
    keys = numeric_keys(frame_rows.attribute_samples(project))
    return NumberTable.from_rows(frame_rows.number_rows(project, keys), keys, project)


def numbers_dir() -> Path:
    return cache_dir().parent / "numbers"


def _path(project: Project, key: str) -> Path:
    # a file: its path; a server database: user@host:port/db (never the password)
    name = str(project.path.resolve()) if project.path is not None else project.display_name
    where = hashlib.sha1(name.encode()).hexdigest()[:12]
    return numbers_dir() / f"{where}-{key}.arrow"


def load_numbers(project: Project) -> NumberTable:
    """The project's numeric attributes: from the copy when it is current, else read
    from the store (and copied)."""
    if project.path is None and project.engine.dialect.name != "postgresql":
        return read_numbers(project)  # in-memory SQLite: nothing to key a copy on
    path = _path(project, content_key(project))
    if path.exists():
        try:
            return _read(path, project)
        except Exception:  # a damaged or foreign file: read again
            log.warning("ignoring unreadable numbers cache %s", path, exc_info=True)
    table = read_numbers(project)
    try:
        _write(table, path)
    except OSError:
        log.warning("could not write the numbers cache %s", path, exc_info=True)
    return table


def _write(table: NumberTable, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in path.parent.glob(path.name.split("-")[0] + "-*.arrow"):
        old.unlink(missing_ok=True)  # one copy per project
    columns: dict[str, np.ndarray] = {"id": table.ids}
    names = list(table.columns)
    for i, name in enumerate(names):
        columns[f"n{i}"] = table.columns[name]
    arrow = pa.table(columns).replace_schema_metadata(
        {b"names": "\x1f".join(names).encode("utf-8")}
    )
    tmp = path.with_suffix(".tmp")
    with pa.OSFile(str(tmp), "wb") as sink, ipc.new_file(sink, arrow.schema) as writer:
        writer.write_table(arrow)
    tmp.replace(path)


def _read(path: Path, origin: object) -> NumberTable:
    with pa.memory_map(str(path)) as source:
        arrow = ipc.open_file(source).read_all()
    meta = arrow.schema.metadata or {}
    text = meta.get(b"names", b"").decode("utf-8")
    names = text.split("\x1f") if text else []
    if len(names) != arrow.num_columns - 1:
        raise ValueError("the numbers cache does not name its columns")
    columns = {
        name: np.array(arrow.column(f"n{i}").to_numpy(), np.float64) for i, name in enumerate(names)
    }
    return NumberTable(np.array(arrow.column("id").to_numpy(), np.int64), columns, origin)
