"""Actors as a whole: find one by name, rename it, merge two that are the same.

Each write is one transaction through :meth:`Project.writing` (it waits its turn behind
any other writer, refuses with a message when the wait is too long, and bumps the data
version on commit, so the frame cache and other windows see the change), and returns
what its inverse needs: :func:`rename_actor` the old name, :func:`merge_actors` an
:class:`ActorMerge` for :func:`unmerge_actors`. Actor names are not in the full-text
index, so none of these touches it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Table, and_, delete, insert, select, update
from sqlalchemy.engine import Connection

from desktop_app.store.editing import EditError
from desktop_app.store.project import Project
from desktop_app.store.schema import Actor, event_actor

ACTOR: Table = Actor.__table__  # type: ignore[assignment]


class ActorError(EditError):
    """An actor edit that cannot be made (no such actor, a name already taken)."""


@dataclass(frozen=True)
class ActorMerge:
    """What :func:`unmerge_actors` needs: the merged actor's row, all its links
    (event id, role), and the links that moved to the kept actor (the others were
    already the kept actor's in the same role)."""

    kept_id: int
    merged_row: dict[str, object]
    links: list[tuple[int, int]]
    moved: list[tuple[int, int]]


def actor_id(project: Project, name: str) -> int:
    """The id of the actor of that exact name."""
    with project.engine.connect() as conn:
        found = conn.execute(select(ACTOR.c.id).where(ACTOR.c.name == name)).scalar()
    if found is None:
        raise ActorError(f"there is no actor named “{name}”")
    return int(found)


def actor_events(project: Project, actor: int) -> list[int]:
    """The ids of the events that name the actor (in any role)."""
    with project.engine.connect() as conn:
        return sorted(
            {
                int(i)
                for i in conn.execute(
                    select(event_actor.c.event_id).where(event_actor.c.actor_id == actor)
                ).scalars()
            }
        )


def _name(conn: Connection, actor: int) -> str:
    name = conn.execute(select(ACTOR.c.name).where(ACTOR.c.id == actor)).scalar()
    if name is None:
        raise ActorError(f"actor {actor} no longer exists")
    return str(name)


def rename_actor(project: Project, actor: int, name: str) -> str:
    """Give the actor a new name; returns the old one (rename back to undo). A name
    another actor has is refused: merge the two instead."""
    name = name.strip()
    if not name:
        raise ActorError("an actor needs a name")
    with project.writing("renaming an actor") as conn:
        old = _name(conn, actor)
        taken = conn.execute(
            select(ACTOR.c.id).where(and_(ACTOR.c.name == name, ACTOR.c.id != actor))
        ).scalar()
        if taken is not None:
            raise ActorError(f"another actor is named “{name}”: merge the two instead")
        conn.execute(update(ACTOR).where(ACTOR.c.id == actor).values(name=name))
    return old


def merge_actors(project: Project, kept_id: int, merged_id: int) -> ActorMerge:
    """Make ``merged_id`` the same actor as ``kept_id``: its events name the kept actor
    (in the same roles) and it is deleted."""
    if kept_id == merged_id:
        raise ActorError("an actor cannot be merged with itself")
    with project.writing("the merge of two actors") as conn:
        _name(conn, kept_id)
        _name(conn, merged_id)
        row = conn.execute(select(ACTOR).where(ACTOR.c.id == merged_id)).mappings().one()
        links = [
            (int(e), int(r))
            for e, r in conn.execute(
                select(event_actor.c.event_id, event_actor.c.role).where(
                    event_actor.c.actor_id == merged_id
                )
            )
        ]
        kept_links = {
            (int(e), int(r))
            for e, r in conn.execute(
                select(event_actor.c.event_id, event_actor.c.role).where(
                    event_actor.c.actor_id == kept_id
                )
            )
        }
        moved = [link for link in links if link not in kept_links]
        conn.execute(delete(event_actor).where(event_actor.c.actor_id == merged_id))
        if moved:
            conn.execute(
                insert(event_actor),
                [{"event_id": e, "actor_id": kept_id, "role": r} for e, r in moved],
            )
        conn.execute(delete(ACTOR).where(ACTOR.c.id == merged_id))
    return ActorMerge(kept_id, dict(row), links, moved)


def unmerge_actors(project: Project, merge: ActorMerge) -> None:
    """Undo a merge: the merged actor comes back (same id) with its links, and the
    links it lent the kept actor are taken back."""
    merged_id = int(merge.merged_row["id"])  # type: ignore[call-overload]
    with project.writing("undoing the merge of two actors") as conn:
        conn.execute(insert(ACTOR), [merge.merged_row])
        for event, role in merge.moved:
            conn.execute(
                delete(event_actor).where(
                    and_(
                        event_actor.c.event_id == event,
                        event_actor.c.actor_id == merge.kept_id,
                        event_actor.c.role == role,
                    )
                )
            )
        if merge.links:
            conn.execute(
                insert(event_actor),
                [{"event_id": e, "actor_id": merged_id, "role": r} for e, r in merge.links],
            )
