"""What every command on the workbench's undo stack is: a change of the store that is
written first and moved on the stack only once the write worked.

Edits (``features.editing``) and imports (``features.import_history``) both push
:class:`StoreStep` commands on ``Workbench.undo_stack``, so Ctrl+Z and Ctrl+Shift+Z
step through both in the order they were made. :func:`step_stack` is the one way the
Undo and Redo actions move the stack: it writes the next command's undo (or redo)
and moves the stack only when that write worked, so a refused write leaves the
history as it was.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtGui import QUndoCommand, QUndoStack

from desktop_app.store.guard import WriteBusy
from desktop_app.store.project import WriteFailed

log = logging.getLogger("sightline.undo")


class StoreStep(QUndoCommand):
    """A change of the store: ``apply`` does it, ``revert`` undoes it (each one store
    transaction); ``show`` makes the panes show the result.

    The stack's own ``redo``/``undo`` write too (for a command pushed before its write,
    or moved by Qt); a step already written by :func:`step_stack` (``_written``) only
    shows. A failure never raises: it sets ``error``; on the stack's own path the
    command is dropped (``setObsolete``) and ``dropped`` says so."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.error: str | None = None  # why the store refused the last step
        self._written = False  # the store write of the next redo/undo was already done

    def apply(self) -> None:  # pragma: no cover - every command overrides it
        raise NotImplementedError

    def revert(self) -> None:  # pragma: no cover - every command overrides it
        raise NotImplementedError

    def show(self) -> None:
        """After a step: make the panes show it (an edit patches, an import reloads)."""

    def dropped(self, text: str) -> None:
        """Tell the analyst a step failed on the stack's own path (the command is gone)."""
        log.warning("%s", text)

    def refusal(self, exc: BaseException) -> str:
        """Why a write did not happen, in one sentence for the analyst (never SQL)."""
        if isinstance(exc, WriteBusy | WriteFailed):
            return str(exc)
        log.error("a change of the store failed", exc_info=exc)
        return "The change was not saved (an unexpected error; the details are in the log)."

    def attempt(self, step: Callable[[], None]) -> bool:
        """Run one store write; False (with ``error`` set) when it did not happen."""
        try:
            step()
        except Exception as exc:  # every failure becomes a message, never an exception
            self.error = self.refusal(exc)
            return False
        self.error = None
        return True

    def _step(self, step: Callable[[], None], verb: str) -> None:
        if self._written:
            self._written = False
        elif not self.attempt(step):
            self.setObsolete(True)  # Qt drops the command: its state is unknown now
            self.dropped(
                f"{verb} “{self.text()}” failed: {self.error} It was removed from the undo history."
            )
            return
        self.show()

    def redo(self) -> None:
        self._step(self.apply, "Redo of")

    def undo(self) -> None:
        self._step(self.revert, "Undo of")


def push_written(stack: QUndoStack, command: StoreStep) -> None:
    """Push a command whose change is already in the store (its first redo only shows)."""
    command._written = True
    stack.push(command)


def step_stack(stack: QUndoStack, *, undoing: bool) -> tuple[bool, str | None]:
    """Write the undo (or redo) of the command next to the stack's index, then move the
    stack. Returns (moved, refusal): (False, None) when there is nothing to do, (False,
    why) when the write was refused (the stack did not move)."""
    if not (stack.canUndo() if undoing else stack.canRedo()):
        return False, None
    command = stack.command(stack.index() - 1 if undoing else stack.index())
    if not isinstance(command, StoreStep):  # a command that writes in its own undo/redo
        if undoing:
            stack.undo()
        else:
            stack.redo()
        return True, None
    if not command.attempt(command.revert if undoing else command.apply):
        verb = "Undo" if undoing else "Redo"
        return False, f"{verb} of “{command.text()}” failed: {command.error}"
    command._written = True
    if undoing:
        stack.undo()
    else:
        stack.redo()
    return True, None
