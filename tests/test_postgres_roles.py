"""PostgreSQL as the team server, its roles and secrets, against a real server
(SIGHTLINE_TEST_DATABASE_URL; .ci/run starts one; without a server they skip): a shared
schema is upgraded only by ``sightline upgrade``, a read-only role browses and searches and
is told on writes, and no password reaches a title, a PDF, a message or the CLI.
"""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from pg_server import admin, drop_database, fresh_database, server_url
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from desktop_app.frame.cache import load_frame
from desktop_app.frame.event_frame import EventFrame
from desktop_app.ingest.pipeline import import_file
from desktop_app.store import editing
from desktop_app.store.project import NeedsUpgrade, Project, ReadOnlyProject, schema_head
from desktop_app.store.search import search_ids

needs_server = pytest.mark.skipif(
    server_url() is None, reason="needs a PostgreSQL server (SIGHTLINE_TEST_DATABASE_URL)"
)


def _schema_at(url: str, revision: str) -> None:
    from alembic import command

    from desktop_app.store.connecting import alembic_config

    engine = create_engine(url)
    with alembic_config() as config, engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    engine.dispose()


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *args],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_shared_schema_is_upgraded_only_by_the_upgrade_command(pg_url: str) -> None:
    _schema_at(pg_url, "0003")
    password = make_url(pg_url).password or ""
    with pytest.raises(NeedsUpgrade, match="sightline upgrade --project") as refused:
        Project.open(pg_url)
    assert password not in str(refused.value)
    info = _cli("info", "--project", pg_url)
    assert info.returncode == 2 and "needs an upgrade" in info.stderr
    assert len(info.stderr.strip().splitlines()) == 1 and "Traceback" not in info.stderr
    engine = create_engine(pg_url)
    with engine.connect() as conn:  # nothing changed
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0003"
    engine.dispose()
    done = _cli("upgrade", "--project", pg_url)
    assert done.returncode == 0, done.stderr
    assert schema_head() in done.stdout
    for output in (info.stdout, info.stderr, done.stdout, done.stderr):
        assert password not in output
    with Project.open(pg_url) as project:
        assert project.schema_revision() == schema_head()
        assert project.backup_path is None


def test_read_only_role_browses_searches_and_is_told_on_writes(
    pg_url: str, data_dir: Path, make_main_window: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Project.open(pg_url) as owner:
        import_file(owner, data_dir / "acled_sample.csv")  # its words not indexed yet
    server = server_url()
    assert server is not None
    url = make_url(pg_url)
    role = f"{url.database}_reader"
    with admin(server) as conn:
        conn.execute(f"CREATE ROLE \"{role}\" LOGIN PASSWORD 'read-only-pw'")
    try:
        with admin(server.set(database=url.database)) as conn:
            conn.execute(f'GRANT CONNECT ON DATABASE "{url.database}" TO "{role}"')
            conn.execute(f'GRANT USAGE ON SCHEMA public TO "{role}"')
            conn.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{role}"')
        reader_url = url.set(username=role, password="read-only-pw").render_as_string(
            hide_password=False
        )
        with Project.open(reader_url) as reader:
            assert not reader.can_write()
            frame = load_frame(reader)
            assert len(frame) == 7
            assert len(search_ids(reader, "kyiv", refresh=True)) > 0
            event_id = int(frame.ids[0])
            values = editing.read_event(reader, event_id)
            with pytest.raises(ReadOnlyProject, match="read-only for you"):
                editing.update_event(reader, event_id, values)
            with pytest.raises(ReadOnlyProject):
                reader.set_setting("classification", "SECRET")
            from desktop_app.store.bulk import BatchWriteError

            with pytest.raises(BatchWriteError, match="read-only for you"):
                import_file(reader, data_dir / "gdelt_v1.tsv")
            from desktop_app.store import pg_bulk

            monkeypatch.setattr(pg_bulk, "REBUILD_FROM", 0)  # refused at DROP INDEX
            with pytest.raises(BatchWriteError, match="read-only for you"):
                import_file(reader, data_dir / "timemap.csv")
            assert len(EventFrame.load(reader)) == 7
            window = make_main_window(reader)  # the window opens, indexes nothing, shows all
            assert len(window.workbench.linker.frame) == 7
            assert reader.display_name in window.windowTitle()
            assert "read-only-pw" not in window.windowTitle()
            qtbot.waitUntil(
                lambda: not window.statusBar().currentMessage().startswith("Indexing"),
                timeout=30_000,
            )
            assert "read-only" not in window.statusBar().currentMessage()
        imported = _cli("import", str(data_dir / "timemap.csv"), "--project", reader_url)
        assert imported.returncode == 2 and "read-only" in imported.stderr
        assert "read-only-pw" not in imported.stderr + imported.stdout
        assert "Traceback" not in imported.stderr
    finally:
        drop_database(server, str(url.database))  # the reader's sessions are all closed
        with admin(server) as conn:
            conn.execute(f'DROP ROLE IF EXISTS "{role}"')


def test_display_name_and_messages_never_carry_the_password() -> None:
    from desktop_app.store.project import display_name, public_url, to_url

    url = to_url("postgresql://analyst:p%40ss-w0rd@db.example.org:6543/team")
    assert url.startswith("postgresql+psycopg://")  # psycopg 3 is the driver
    assert display_name(url) == "analyst@db.example.org:6543/team"
    assert public_url(url) == "postgresql://analyst@db.example.org:6543/team"
    assert display_name(to_url("postgresql://db.example.org/team")) == "db.example.org/team"
    assert display_name("sqlite:////tmp/x.sightline") == "/tmp/x.sightline"


def test_unreachable_server_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """No server needed: nothing listens on port 1."""
    url = "postgresql://analyst:hunter2-secret@127.0.0.1:1/nowhere"
    events = tmp_path / "x.csv"  # a real file: a missing one is refused before connecting
    events.write_text("date,title\n2024-01-02,Drill\n", encoding="utf-8")
    for args in (
        ("info", "--project", url),
        ("upgrade", "--project", url),
        ("import", str(events), "--project", url),
    ):
        result = _cli(*args)
        assert result.returncode == 2, (args, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "analyst@127.0.0.1:1/nowhere" in lines[0], lines
        assert "hunter2" not in result.stderr + result.stdout


@needs_server
def test_no_password_in_window_title_or_pdf_pack(
    make_main_window: Any, qtbot: Any, tmp_path: Path
) -> None:
    import pypdf
    from test_presentation import sample_story

    from desktop_app.ingest.sample import load_sample

    with fresh_database() as url:
        password = make_url(url).password
        assert password, "the test server URL must carry a password for this test"
        project = Project.open(url)
        try:
            load_sample(project)
            window = make_main_window(project)
            assert password not in window.windowTitle()
            assert project.display_name in window.windowTitle()
            story, _ = sample_story(window)
            path = tmp_path / "pack.pdf"
            with qtbot.waitSignal(window.features["briefing"].pack_written, timeout=60_000):
                window.features["briefing"].export_pack(story, path)
            pages = [
                " ".join(unicodedata.normalize("NFKC", page.extract_text() or "").split())
                for page in pypdf.PdfReader(str(path)).pages
            ]  # NFKC: "ﬀ" reads "ff"
            assert project.display_name in pages[0]
            assert all(password not in page for page in pages)
            assert password not in path.read_bytes().decode("latin-1")
        finally:
            project.close()
