"""Saved views and stories in a project: create, read, rename, duplicate, reorder, delete.

A saved view's ``state`` is the JSON of a view snapshot (the store does not interpret
it). A story is an ordered list of steps; each step points at a saved view. Removing
the last step that uses a view deletes the view too, so the analyst never has to
garbage-collect views by hand. Every method runs in its own short transaction.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from desktop_app.store.project import Project
from desktop_app.store.schema import SavedView, Story, StoryStep

COPY_SUFFIX = " (copy)"


@dataclass(frozen=True)
class ViewRecord:
    id: int
    title: str
    note: str
    state: dict[str, Any]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class StepRecord:
    id: int
    position: int
    view: ViewRecord


@dataclass(frozen=True)
class StoryRecord:
    id: int
    title: str
    created_at: datetime
    steps: tuple[StepRecord, ...]


def _view(row: SavedView) -> ViewRecord:
    return ViewRecord(
        row.id, row.title, row.note, dict(row.state or {}), row.created_at, row.updated_at
    )


class ViewsRepository:
    """Saved views and stories of one project."""

    def __init__(self, project: Project) -> None:
        self.project = project

    def _writing(self) -> AbstractContextManager[Session]:
        """One short write through the project's write queue (views are not event data:
        the data version stays)."""
        return self.project.writing_session("saving views and stories", changes_data=False)

    # ------------------------------------------------------------------ views
    def save_view(self, title: str, note: str, state: dict[str, Any]) -> int:
        now = datetime.now()
        with self._writing() as session:
            row = SavedView(title=title, note=note, state=state, created_at=now, updated_at=now)
            session.add(row)
            session.flush()
            return row.id

    def view(self, view_id: int) -> ViewRecord | None:
        with self.project.session() as session:
            row = session.get(SavedView, view_id)
            return None if row is None else _view(row)

    def views(self) -> list[ViewRecord]:
        with self.project.session() as session:
            return [_view(r) for r in session.scalars(select(SavedView).order_by(SavedView.id))]

    def update_view(
        self,
        view_id: int,
        *,
        title: str | None = None,
        note: str | None = None,
        state: dict[str, Any] | None = None,
    ) -> None:
        with self._writing() as session:
            row = session.get(SavedView, view_id)
            if row is None:
                raise KeyError(view_id)
            if title is not None:
                row.title = title
            if note is not None:
                row.note = note
            if state is not None:
                row.state = state
            row.updated_at = datetime.now()

    def rename_view(self, view_id: int, title: str) -> None:
        self.update_view(view_id, title=title)

    def duplicate_view(self, view_id: int) -> int:
        original = self.view(view_id)
        if original is None:
            raise KeyError(view_id)
        return self.save_view(original.title + COPY_SUFFIX, original.note, original.state)

    def delete_view(self, view_id: int) -> None:
        """Delete a view and every step that shows it."""
        with self._writing() as session:
            session.execute(delete(StoryStep).where(StoryStep.view_id == view_id))
            session.execute(delete(SavedView).where(SavedView.id == view_id))

    # ------------------------------------------------------------------ stories
    def create_story(self, title: str) -> int:
        with self._writing() as session:
            last = session.scalar(select(func.max(Story.position)))
            row = Story(title=title, position=(last or 0) + 1, created_at=datetime.now())
            session.add(row)
            session.flush()
            return row.id

    def stories(self) -> list[StoryRecord]:
        with self.project.session() as session:
            rows = list(session.scalars(select(Story).order_by(Story.position, Story.id)))
            steps = session.execute(
                select(StoryStep, SavedView)
                .join(SavedView, SavedView.id == StoryStep.view_id)
                .order_by(StoryStep.story_id, StoryStep.position, StoryStep.id)
            ).all()
        by_story: dict[int, list[StepRecord]] = {}
        for step, view in steps:
            by_story.setdefault(step.story_id, []).append(
                StepRecord(step.id, step.position, _view(view))
            )
        return [
            StoryRecord(r.id, r.title, r.created_at, tuple(by_story.get(r.id, []))) for r in rows
        ]

    def story(self, story_id: int) -> StoryRecord | None:
        return next((s for s in self.stories() if s.id == story_id), None)

    def rename_story(self, story_id: int, title: str) -> None:
        with self._writing() as session:
            row = session.get(Story, story_id)
            if row is None:
                raise KeyError(story_id)
            row.title = title

    def duplicate_story(self, story_id: int) -> int:
        """A new story right after the original, with its own copies of the views."""
        original = self.story(story_id)
        if original is None:
            raise KeyError(story_id)
        new_id = self.create_story(original.title + COPY_SUFFIX)
        for step in original.steps:
            view = step.view
            self.add_step(new_id, self.save_view(view.title, view.note, view.state))
        order = [s.id for s in self.stories() if s.id != new_id]
        order.insert(order.index(story_id) + 1, new_id)
        self.reorder_stories(order)
        return new_id

    def delete_story(self, story_id: int) -> None:
        """Delete a story; views that no other story uses go with it."""
        with self._writing() as session:
            view_ids = set(
                session.scalars(select(StoryStep.view_id).where(StoryStep.story_id == story_id))
            )
            session.execute(delete(StoryStep).where(StoryStep.story_id == story_id))
            session.execute(delete(Story).where(Story.id == story_id))
            self._drop_orphans(session, view_ids)

    def reorder_stories(self, story_ids: list[int]) -> None:
        with self._writing() as session:
            for position, story_id in enumerate(story_ids, start=1):
                row = session.get(Story, story_id)
                if row is not None:
                    row.position = position

    # ------------------------------------------------------------------ steps
    def add_step(self, story_id: int, view_id: int, index: int | None = None) -> int:
        """Put a view into a story at ``index`` (0-based; the end when None)."""
        with self._writing() as session:
            if session.get(Story, story_id) is None or session.get(SavedView, view_id) is None:
                raise KeyError((story_id, view_id))
            steps = self._steps(session, story_id)
            step = StoryStep(story_id=story_id, view_id=view_id, position=0)
            session.add(step)
            index = len(steps) if index is None else max(0, min(index, len(steps)))
            steps.insert(index, step)
            for position, s in enumerate(steps, start=1):
                s.position = position
            session.flush()
            return step.id

    def remove_step(self, step_id: int) -> None:
        """Take a step out of its story; its view goes too unless another step uses it."""
        with self._writing() as session:
            step = session.get(StoryStep, step_id)
            if step is None:
                return
            story_id, view_id = step.story_id, step.view_id
            session.delete(step)
            session.flush()
            for position, s in enumerate(self._steps(session, story_id), start=1):
                s.position = position
            self._drop_orphans(session, {view_id})

    def move_step(self, step_id: int, offset: int) -> int:
        """Move a step ``offset`` places (negative: earlier); returns its new index."""
        with self._writing() as session:
            step = session.get(StoryStep, step_id)
            if step is None:
                raise KeyError(step_id)
            steps = self._steps(session, step.story_id)
            old = steps.index(step)
            new = max(0, min(old + offset, len(steps) - 1))
            steps.insert(new, steps.pop(old))
            for position, s in enumerate(steps, start=1):
                s.position = position
            return new

    def reorder_steps(self, story_id: int, step_ids: list[int]) -> None:
        """Put a story's steps in the given order (ids not listed keep their place after)."""
        with self._writing() as session:
            steps = self._steps(session, story_id)
            rank = {sid: i for i, sid in enumerate(step_ids)}
            steps.sort(key=lambda s: (rank.get(s.id, len(rank)), s.position))
            for position, s in enumerate(steps, start=1):
                s.position = position

    def duplicate_step(self, step_id: int) -> int:
        """A copy of the step's view, inserted right after it; returns the new step id."""
        with self.project.session() as session:
            step = session.get(StoryStep, step_id)
            if step is None:
                raise KeyError(step_id)
            story_id, view_id = step.story_id, step.view_id
            index = [s.id for s in self._steps(session, story_id)].index(step_id)
        return self.add_step(story_id, self.duplicate_view(view_id), index + 1)

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _steps(session: Any, story_id: int) -> list[StoryStep]:
        return list(
            session.scalars(
                select(StoryStep)
                .where(StoryStep.story_id == story_id)
                .order_by(StoryStep.position, StoryStep.id)
            )
        )

    @staticmethod
    def _drop_orphans(session: Any, view_ids: set[int]) -> None:
        for view_id in view_ids:
            used = session.scalar(
                select(func.count()).select_from(StoryStep).where(StoryStep.view_id == view_id)
            )
            if not used:
                session.execute(delete(SavedView).where(SavedView.id == view_id))
