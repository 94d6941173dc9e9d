"""Imports on the undo stack: undoing an import takes its rows out of the project (kept
in memory), redoing puts them back with their ids.

An import that finishes pushes an :class:`ImportCommand` (already written: its first
redo only shows); undoing or redoing a batch from the history dialog when it is not the
stack's next step pushes a :class:`BatchCommand` of its own, so Ctrl+Z takes that back
too. Every step goes through the store first (``workbench.undo.step_stack``).
"""

from __future__ import annotations

from collections.abc import Callable

from desktop_app.store.batch_history import BatchRows, put_back_batch, take_out_batch
from desktop_app.store.batches import BatchError
from desktop_app.store.project import Project
from desktop_app.workbench.undo import StoreStep


class BatchKeeper:
    """The rows of the batches undone in this session, by batch id: what a redo puts
    back. Shared by every batch command of one window."""

    def __init__(self) -> None:
        self.taken: dict[int, BatchRows] = {}

    def take_out(self, project: Project, batch_id: int) -> None:
        self.taken[batch_id] = take_out_batch(project, batch_id)

    def put_back(self, project: Project, batch_id: int) -> None:
        rows = self.taken.get(batch_id)
        if rows is None:
            raise BatchError(
                f"import batch {batch_id} was undone outside this window; import its file again"
            )
        put_back_batch(project, rows)
        del self.taken[batch_id]

    def can_put_back(self, batch_id: int) -> bool:
        return batch_id in self.taken


class BatchCommand(StoreStep):
    """Take a batch out of the project (``removes``) or put it back; undo does the other.

    ``project`` is the project the batch is in: a step asked for once another project
    is open is refused rather than run on the wrong one."""

    def __init__(
        self,
        text: str,
        project: Project,
        batch_id: int,
        keeper: BatchKeeper,
        *,
        removes: bool,
        current: Callable[[], Project | None],
        shown: Callable[[], None],
        tell: Callable[[str], None],
    ) -> None:
        super().__init__(text)
        self.project, self.batch_id, self.keeper = project, batch_id, keeper
        self.removes = removes
        self._current, self._shown, self._tell = current, shown, tell

    def refusal(self, exc: BaseException) -> str:
        if isinstance(exc, BatchError):
            return f"{str(exc)[:1].upper()}{str(exc)[1:]}."
        return super().refusal(exc)

    def _open_project(self) -> Project:
        if self._current() is not self.project:
            raise BatchError("the project of that import is no longer open")
        return self.project

    def _take_out(self) -> None:
        self.keeper.take_out(self._open_project(), self.batch_id)

    def _put_back(self) -> None:
        self.keeper.put_back(self._open_project(), self.batch_id)

    def apply(self) -> None:
        (self._take_out if self.removes else self._put_back)()

    def revert(self) -> None:
        (self._put_back if self.removes else self._take_out)()

    def show(self) -> None:
        self._shown()

    def dropped(self, text: str) -> None:
        self._tell(text)


class ImportCommand(BatchCommand):
    """A finished import: undo takes its batch out, redo puts it back. Pushed once the
    import is committed; its first redo (the push) shows nothing new: the import's own
    reload does that."""

    def __init__(
        self,
        text: str,
        project: Project,
        batch_id: int,
        keeper: BatchKeeper,
        *,
        current: Callable[[], Project | None],
        shown: Callable[[], None],
        tell: Callable[[str], None],
    ) -> None:
        super().__init__(
            text, project, batch_id, keeper, removes=False, current=current, shown=shown,
            tell=tell,
        )  # fmt: skip
        self._pushed = False

    def show(self) -> None:
        if not self._pushed:
            self._pushed = True  # the push itself: the import reloads the panes
            return
        super().show()
