"""The ``sightline`` command line.

    sightline                       start the window (the default project if none given)
    sightline import FILE ...       import a CSV/TSV/XLSX file
    sightline info                  counts and date span of a project
    sightline undo-import BATCH     remove everything one import added
    sightline screenshot OUT.png    render the main window offscreen to a PNG
    sightline upgrade --project URL upgrade a shared (PostgreSQL) project's schema
    sightline --self-test           check this installation offscreen (exit 0 when it works)

Errors are one line on stderr with a non-zero exit; ``--json`` prints exactly one JSON
object on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from desktop_app.domain.dates import DateOrder
from desktop_app.store.project import ProjectError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sightline", description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", help="project file (or SQLAlchemy URL); "
                                          "default: the project in your user data folder")
    parser.add_argument("--self-test", action="store_true",
                        help="open the sample data offscreen, draw every pane, check one "
                             "linked selection, write a PNG; exit 0 when all of it works")
    parser.add_argument("--self-test-out", type=Path, metavar="PNG",
                        help="where --self-test writes its PNG (default: in the temp folder)")
    sub = parser.add_subparsers(dest="command")

    def project_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument("--project", dest="sub_project", help=argparse.SUPPRESS
                       if p is None else "project file or SQLAlchemy URL")

    imp = sub.add_parser("import", help="import a CSV, TSV or XLSX file")
    imp.add_argument("file", type=Path)
    project_arg(imp)
    imp.add_argument("--preset", help="acled, gdelt_v1, gdelt_v2, timelinejs, timemap, generic "
                                      "(default: chosen from the header)")
    imp.add_argument("--sheet", help="XLSX sheet to read (default: the first with dated rows)")
    order = imp.add_mutually_exclusive_group()
    order.add_argument("--dayfirst", action="store_const", dest="order",
                       const=DateOrder.DAY_FIRST, help="read 03/04/2024 as 3 April")
    order.add_argument("--monthfirst", action="store_const", dest="order",
                       const=DateOrder.MONTH_FIRST, help="read 03/04/2024 as 4 March")
    imp.add_argument("--encoding", help="text encoding (default: detected)")
    imp.add_argument("--delimiter", help="field delimiter (default: detected)")
    imp.add_argument("--rejects", type=Path, help="write the rejected rows to this CSV")
    imp.add_argument("--json", action="store_true", help="print one JSON object")

    info = sub.add_parser("info", help="counts and date span of a project")
    project_arg(info)
    info.add_argument("--json", action="store_true")

    undo = sub.add_parser("undo-import", help="remove everything one import added")
    undo.add_argument("batch", type=int)
    project_arg(undo)

    upgrade = sub.add_parser(
        "upgrade", help="upgrade the schema of a project on a server (PostgreSQL); back it "
                        "up first (pg_dump). Files upgrade themselves on open, with a backup")
    project_arg(upgrade)

    shot = sub.add_parser("screenshot", help="render the main window to a PNG, offscreen")
    shot.add_argument("out", type=Path)
    project_arg(shot)
    shot.add_argument("--select", type=int, action="append", default=[],
                      help="event id to select first (repeatable)")
    shot.add_argument("--size", default="1600x1000", help="window size, WIDTHxHEIGHT")
    return parser


def _fail(message: str) -> int:
    print(f"sightline: {message}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    project = getattr(args, "sub_project", None) or args.project
    try:
        if args.self_test:
            from desktop_app.app.selftest import run_self_test

            return run_self_test(args.self_test_out)
        if args.command == "import":
            return _import(args, project)
        if args.command == "info":
            return _info(args, project)
        if args.command == "undo-import":
            return _undo(args, project)
        if args.command == "upgrade":
            return _upgrade(project)
        if args.command == "screenshot":
            from desktop_app.app.main import screenshot

            return screenshot(project, args.out, args.select, args.size)
        from desktop_app.app.main import run_window

        return run_window(project)
    except KeyboardInterrupt:
        return _fail("interrupted; nothing was changed by the step in progress")
    except ProjectError as exc:  # unreachable server, read-only role ...: one line, exit 2
        return _fail(str(exc))


def _upgrade(target: str | None) -> int:
    from desktop_app.store.project import Project, schema_head

    if target is None:
        return _fail("give the project to upgrade: sightline upgrade --project URL")
    project = Project.open(target, upgrade=True)
    try:
        print(f"{project.display_name} is at schema {project.schema_revision()} "
              f"(this Sightline's is {schema_head()}).")
    finally:
        project.close()
    return 0


def _open(project: str | None) -> object:
    from desktop_app.app.main import open_or_create
    from desktop_app.store.project import ProjectError

    try:  # the default project is created with the sample data, as the window does
        return open_or_create(project)
    except ProjectError as exc:
        raise SystemExit(_fail(str(exc))) from None


def _import(args: argparse.Namespace, project_target: str | None) -> int:
    from desktop_app.ingest.pipeline import Options, UnreadableFile, import_file
    from desktop_app.store.bulk import BatchWriteError

    options = Options(preset=args.preset, sheet=args.sheet, date_order=args.order,
                      encoding=args.encoding, delimiter=args.delimiter)
    project = _open(project_target)
    try:
        result = import_file(project, args.file, options)  # type: ignore[arg-type]
    except UnreadableFile as exc:
        return _fail(f"cannot import {args.file}: {exc}")
    except BatchWriteError as exc:
        return _fail(str(exc))
    finally:
        project.close()  # type: ignore[attr-defined]
    if args.rejects and result.rejects:
        result.write_rejects(args.rejects)
    if args.json:
        print(json.dumps(result.summary()))
        for warning in result.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        return 0
    print(f"Imported {result.imported:,} events from {args.file.name} "
          f"(preset {result.preset}, batch {result.batch}).")
    print(f"  duplicates skipped: {result.duplicates:,}; rejected rows: {result.rejected:,}; "
          f"without location: {result.unlocated:,}"
          + (f"; not events (title/era rows): {result.skipped:,}" if result.skipped else ""))
    for warning in result.warnings:
        print(f"  warning: {warning}")
    for reject in result.rejects[:10]:
        where = f", column {reject.column}" if reject.column else ""
        print(f"  row {reject.row}{where}: {reject.reason}")
    if len(result.rejects) > 10:
        print(f"  ... and {len(result.rejects) - 10} more"
              + ("" if args.rejects else " (use --rejects OUT.csv to list them all)"))
    if args.rejects and result.rejects:
        print(f"  rejects written to {args.rejects}")
    return 0


def _info(args: argparse.Namespace, project_target: str | None) -> int:
    from desktop_app.store.queries import project_info

    project = _open(project_target)
    try:
        info = project_info(project)  # type: ignore[arg-type]
    finally:
        project.close()  # type: ignore[attr-defined]
    if args.json:
        print(json.dumps(info.as_dict()))
        return 0
    print(f"{info.events:,} events ({info.located_events:,} with a location), "
          f"{info.locations:,} locations, {info.sources:,} sources, {info.actors:,} actors, "
          f"{info.batches:,} imports")
    if info.first:
        print(f"from {info.first} to {info.last}")
    return 0


def _undo(args: argparse.Namespace, project_target: str | None) -> int:
    from desktop_app.store.batches import BatchError, undo_batch

    project = _open(project_target)
    try:
        removed = undo_batch(project, args.batch)  # type: ignore[arg-type]
    except BatchError as exc:
        return _fail(str(exc))
    finally:
        project.close()  # type: ignore[attr-defined]
    print(f"Removed import batch {args.batch}: {removed:,} events.")
    return 0
