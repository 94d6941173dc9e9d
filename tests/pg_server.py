"""A fresh PostgreSQL database per test, on the server SIGHTLINE_TEST_DATABASE_URL names.

The URL names a role that may create databases (and roles, for the read-only test) and a
maintenance database to connect to, e.g. ``postgresql://sightline:pw@127.0.0.1:5433/postgres``.
Each database is dropped after its test, with any connection still open to it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.engine import URL, make_url

ENV = "SIGHTLINE_TEST_DATABASE_URL"


def server_url() -> URL | None:
    text = os.environ.get(ENV, "").strip()
    if not text:
        return None
    url = make_url(text)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def admin(url: URL) -> Any:
    """An autocommit psycopg connection to the server's maintenance database."""
    import psycopg

    return psycopg.connect(
        host=url.host,
        port=url.port,
        user=url.username,
        password=url.password,
        dbname=url.database or "postgres",
        autocommit=True,
    )


@contextmanager
def fresh_database(prefix: str = "sightline_test") -> Iterator[str]:
    """The URL of a new, empty database on the test server; dropped afterwards."""
    url = server_url()
    assert url is not None, f"{ENV} is not set"
    name = f"{prefix}_{secrets.token_hex(6)}"
    with admin(url) as conn:
        conn.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        drop_database(url, name)


def drop_database(url: URL, name: str) -> None:
    """Drop a test database, ending our own sessions on it first. Not WITH (FORCE):
    that refuses to end an autovacuum worker for a role that is not superuser, while a
    plain DROP DATABASE stops autovacuum itself."""
    with admin(url) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid() "
            "AND usename = current_user",
            (name,),
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
