"""patch_in_place: the quick patch of events edited without moving (same id, same start)
equals a frame loaded afresh, and gives way to the general merge whenever a facet's
names would change. Real SQLite projects, ACLED and GDELT files imported as a user would.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from desktop_app.frame import EventFrame
from desktop_app.frame.cache import load_frame
from desktop_app.frame.patch import patch_frame
from desktop_app.frame.patch_in_place import patch_in_place
from desktop_app.store import editing, frame_rows
from desktop_app.store.project import Project
from tests.test_frame_patch import assert_same, loaded  # noqa: F401  (the fixture)


def _quick(project: Project, before: EventFrame, ids: list[int]) -> EventFrame | None:
    wanted = np.unique(np.array(ids, np.int64))
    tables = frame_rows.event_tables(project, wanted.tolist())
    return patch_in_place(before, EventFrame.from_tables(tables), wanted, tables)


def _busiest_category_event(frame: EventFrame) -> tuple[int, str, str]:
    """An event of a category several events share, and another category in use."""
    codes, names = frame.single["category"]
    counts = np.bincount(codes[codes >= 0], minlength=len(names))
    shared = int(np.argmax(counts))
    other = next(i for i in range(len(names)) if i != shared and counts[i])
    row = int(np.flatnonzero(codes == shared)[0])
    return int(frame.ids[row]), names[shared], names[other]


def test_a_title_edit_is_patched_in_place_and_equals_a_load(loaded: Project) -> None:  # noqa: F811
    before = load_frame(loaded)
    event_id = int(before.ids[len(before) // 3])
    old = editing.read_event(loaded, event_id)
    editing.update_event(loaded, event_id, replace(old, title="Re-titled", description="new"))
    quick = _quick(loaded, before, [event_id])
    assert quick is not None
    assert_same(quick, load_frame(loaded))
    assert_same(patch_frame(before, loaded, [event_id]), load_frame(loaded))
    row = before.row_of(event_id)
    assert row is not None and before.title[row] == old.title  # the old frame is intact
    assert quick.place is before.place  # an unchanged column is shared, not copied


def test_another_category_and_existing_tags_in_place(loaded: Project) -> None:  # noqa: F811
    before = load_frame(loaded)
    event_id, _, other = _busiest_category_event(before)
    tags = before.facet_values("tag")[:2]
    old = editing.read_event(loaded, event_id)
    editing.update_event(loaded, event_id, replace(old, category=other, tags=tags))
    quick = _quick(loaded, before, [event_id])
    assert quick is not None
    assert_same(quick, load_frame(loaded))


def test_a_new_category_or_a_vanished_one_takes_the_general_merge(loaded: Project) -> None:  # noqa: F811
    before = load_frame(loaded)
    event_id, _, _ = _busiest_category_event(before)
    old = editing.read_event(loaded, event_id)
    editing.update_event(loaded, event_id, replace(old, category="Nobody has this one"))
    assert _quick(loaded, before, [event_id]) is None  # the names change
    after = patch_frame(before, loaded, [event_id])
    assert_same(after, load_frame(loaded))
    # now the only event of that category moves back: the category vanishes
    editing.update_event(loaded, event_id, old)
    assert _quick(loaded, after, [event_id]) is None
    assert_same(patch_frame(after, loaded, [event_id]), load_frame(loaded))


def test_a_moved_start_or_a_deleted_event_is_not_in_place(loaded: Project) -> None:  # noqa: F811
    before = load_frame(loaded)
    event_id = int(before.ids[len(before) // 2])
    old = editing.read_event(loaded, event_id)
    editing.update_event(loaded, event_id, replace(old, start_s=old.start_s - 86_400 * 400))
    assert _quick(loaded, before, [event_id]) is None
    assert_same(patch_frame(before, loaded, [event_id]), load_frame(loaded))
