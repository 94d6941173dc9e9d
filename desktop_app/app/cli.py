"""The ``sightline`` command line.

    sightline                       start the window (the default project if none given)
    sightline import FILE ...       import a CSV/TSV/XLSX/KML/KMZ/GeoJSON file
                                    (--map FIELD=COLUMN, --mapping FILE.json)
    sightline export OUT            write every event as .csv, .geojson or .kml
    sightline info                  counts and date span of a project
    sightline undo-import BATCH     remove everything one import added
    sightline links                 the link chart (who shares events) as text or JSON
                                    (--kind, --top, --graphml FILE, --gexf FILE)
    sightline screenshot OUT.png    render the main window (or --pane ID) offscreen to a PNG
    sightline animate OUT.mp4       render a time playback to a video (or .gif)
    sightline upgrade --project URL upgrade a shared (PostgreSQL) project's schema
    sightline --self-test           check this installation offscreen (exit 0 when it works)

Errors are one line on stderr with a non-zero exit; ``--json`` prints exactly one JSON
object on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from desktop_app.domain.dates import DateOrder
from desktop_app.store.project import ProjectError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sightline", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--project",
        help="project file (or SQLAlchemy URL); default: the project in your user data folder",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="open the sample data offscreen, draw every pane, check one "
        "linked selection, write a PNG; exit 0 when all of it works",
    )
    parser.add_argument(
        "--log-level",
        default="INFO",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="how much goes to the log file (default INFO); the log lives "
        "in your user log folder, see Help ▸ About",
    )
    parser.add_argument(
        "--self-test-out",
        type=Path,
        metavar="PNG",
        help="where --self-test writes its PNG (default: in the temp folder)",
    )
    sub = parser.add_subparsers(dest="command")

    def project_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--project",
            dest="sub_project",
            help=argparse.SUPPRESS if p is None else "project file or SQLAlchemy URL",
        )

    imp = sub.add_parser("import", help="import a CSV, TSV, XLSX, KML, KMZ or GeoJSON file")
    imp.add_argument("file", type=Path)
    project_arg(imp)
    imp.add_argument(
        "--preset",
        help="acled, gdelt_v1, gdelt_v2, timelinejs, timemap, generic "
        "(default: chosen from the header)",
    )
    imp.add_argument("--sheet", help="XLSX sheet to read (default: the first with dated rows)")
    order = imp.add_mutually_exclusive_group()
    order.add_argument(
        "--dayfirst",
        action="store_const",
        dest="order",
        const=DateOrder.DAY_FIRST,
        help="read 03/04/2024 as 3 April",
    )
    order.add_argument(
        "--monthfirst",
        action="store_const",
        dest="order",
        const=DateOrder.MONTH_FIRST,
        help="read 03/04/2024 as 4 March",
    )
    imp.add_argument("--encoding", help="text encoding (default: detected)")
    imp.add_argument("--delimiter", help="field delimiter (default: detected)")
    imp.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="put a file column on one of the wizard's fields (repeatable), e.g. "
        '--map start="Occurred On"; split dates: --map year=iyear '
        "--map month=imonth --map day=iday",
    )
    imp.add_argument(
        "--mapping",
        type=Path,
        metavar="FILE.json",
        help="a column mapping as JSON ({field: column}, or the record the wizard remembers)",
    )
    imp.add_argument("--rejects", type=Path, help="write the rejected rows to this CSV")
    imp.add_argument("--json", action="store_true", help="print one JSON object")

    export = sub.add_parser("export", help="write every event as CSV, GeoJSON or KML")
    export.add_argument("out", type=Path, help="OUT.csv, OUT.geojson or OUT.kml")
    project_arg(export)

    info = sub.add_parser("info", help="counts and date span of a project")
    project_arg(info)
    info.add_argument("--json", action="store_true")

    undo = sub.add_parser("undo-import", help="remove everything one import added")
    undo.add_argument("batch", type=int)
    project_arg(undo)

    upgrade = sub.add_parser(
        "upgrade",
        help="upgrade the schema of a project on a server (PostgreSQL); back it "
        "up first (pg_dump). Files upgrade themselves on open, with a backup",
    )
    project_arg(upgrade)

    links = sub.add_parser("links", help="the link chart: entities that share events")
    project_arg(links)
    links.add_argument(
        "--kind",
        default="actors",
        choices=["actors", "places", "sources", "categories", "mixed"],
        help="what the nodes are (mixed: actors, places and sources); default actors",
    )
    links.add_argument("--top", type=int, help="only the N nodes with most events")
    links.add_argument("--graphml", type=Path, metavar="FILE", help="also write GraphML")
    links.add_argument("--gexf", type=Path, metavar="FILE", help="also write GEXF (Gephi)")
    links.add_argument("--json", action="store_true", help="print one JSON object")

    shot = sub.add_parser("screenshot", help="render the main window to a PNG, offscreen")
    shot.add_argument("out", type=Path)
    project_arg(shot)
    shot.add_argument(
        "--select",
        type=int,
        action="append",
        default=[],
        help="event id to select first (repeatable)",
    )
    shot.add_argument("--size", default="1600x1000", help="window size, WIDTHxHEIGHT")
    shot.add_argument(
        "--pane",
        help="only this pane (map, or a dock id: timeline, table, details, ...), at --size",
    )
    shot.add_argument("--basemap", type=Path, metavar="FILE", help="an MBTiles or PMTiles basemap")
    shot.add_argument("--heatmap", action="store_true", help="show the heatmap layer")
    shot.add_argument("--colour-by", metavar="FACET", help="colour the events by a facet")

    anim = sub.add_parser(
        "animate", help="render a time playback (map, timeline, dates) to an MP4 or a GIF"
    )
    anim.add_argument("out", type=Path, help="OUT.mp4 or OUT.gif")
    project_arg(anim)
    anim.add_argument("--from", dest="start", help="first date (default: the first event)")
    anim.add_argument("--to", dest="end", help="last date (default: the last event)")
    anim.add_argument(
        "--window", default="1M", help="each frame's period: 1d, 1w, 1M, 1y... or cumulative"
    )
    anim.add_argument("--step", help="how far each frame moves on (default: the window)")
    anim.add_argument("--fps", type=float, default=2.0, help="frames per second")
    anim.add_argument("--size", default="1280x720", help="video size, WIDTHxHEIGHT")
    anim.add_argument(
        "--story",
        help="render a story (its title or id): each still step held --hold seconds, each "
        "'play this period' step played window by window (--from/--to/--window/--step "
        "are then not used)",
    )
    anim.add_argument("--hold", type=float, default=3.0, help="seconds each still story step lasts")
    return parser


def _start_logging(level: str, command: str | None) -> None:
    """The log file (crash hooks are the program's, see :func:`run`, not a library call's)."""
    import logging

    from desktop_app.app import logs

    try:
        logs.configure(level)
    except OSError as exc:  # a read-only home must not stop the program
        print(f"sightline: no log file ({exc})", file=sys.stderr)
        return
    logging.getLogger("sightline.cli").info("start: %s", command or "window")


def _fail(message: str) -> int:
    print(f"sightline: {message}", file=sys.stderr)
    return 2


def run() -> int:
    """The program's entry point (``sightline``, ``python -m desktop_app``, the frozen
    app): uncaught errors of any thread go to the log, then :func:`main` runs."""
    from desktop_app.app import logs

    logs.install_crash_hooks()
    return main()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    project = getattr(args, "sub_project", None) or args.project
    _start_logging(args.log_level, args.command)
    try:
        if args.self_test:
            from desktop_app.app.selftest import run_self_test

            return run_self_test(args.self_test_out)
        if args.command == "import":
            return _import(args, project)
        if args.command == "info":
            return _info(args, project)
        if args.command == "export":
            return _export(args, project)
        if args.command == "undo-import":
            return _undo(args, project)
        if args.command == "upgrade":
            return _upgrade(project)
        if args.command == "screenshot":
            from desktop_app.app.main import screenshot

            layers = {"basemap": args.basemap, "heat": args.heatmap, "colour": args.colour_by}
            return screenshot(
                project, args.out, args.select, args.size, pane=args.pane, layers=layers
            )
        if args.command == "links":
            return _links(args, project)
        if args.command == "animate":
            from desktop_app.app.animate import animate

            return animate(
                project,
                args.out,
                start=args.start,
                end=args.end,
                window=args.window,
                step=args.step,
                fps=args.fps,
                size=args.size,
                story=args.story,
                hold_s=args.hold,
            )
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
        print(
            f"{project.display_name} is at schema {project.schema_revision()} "
            f"(this Sightline's is {schema_head()})."
        )
    finally:
        project.close()
    return 0


def _open(project: str | None) -> object:
    from desktop_app.app.main import open_or_create
    from desktop_app.store.project import ProjectError

    try:  # the default project is created with the sample data, as the window does
        opened = open_or_create(project)
    except ProjectError as exc:
        raise SystemExit(_fail(str(exc))) from None
    # another import (a window, another command) may hold the project: say so, then wait
    opened.on_wait = lambda text: print(text, file=sys.stderr, flush=True)
    return opened


def _import(args: argparse.Namespace, project_target: str | None) -> int:
    from desktop_app.app.cli_commands import UsageError, with_mapping
    from desktop_app.features.importing.report import CreatedFiles, summary_lines
    from desktop_app.ingest.filecheck import check_file
    from desktop_app.ingest.pipeline import Options, UnreadableFile, import_file
    from desktop_app.store.bulk import BatchWriteError

    options = Options(
        preset=args.preset,
        sheet=args.sheet,
        date_order=args.order,
        encoding=args.encoding,
        delimiter=args.delimiter,
    )
    try:  # a folder, FIFO, device or missing file is refused before any project is opened
        check_file(args.file)
        options = with_mapping(options, args.file, args.map, args.mapping)
    except UsageError as exc:
        return _fail(str(exc))
    except UnreadableFile as exc:
        return _fail(f"cannot import {args.file}: {exc}")
    created = CreatedFiles.before_open(project_target)  # removed again if the import fails
    try:
        project = _open(project_target)
    except SystemExit:
        created.remove()
        raise
    failed = None
    try:
        result = import_file(project, args.file, options)  # type: ignore[arg-type]
    except UnreadableFile as exc:
        failed = f"cannot import {args.file}: {exc}"
    except BatchWriteError as exc:
        failed = str(exc)
    except Exception as exc:  # one line, never a traceback (SIGHTLINE_DEBUG=1 shows it)
        if os.environ.get("SIGHTLINE_DEBUG"):
            raise
        import logging

        logging.getLogger("sightline.cli").exception("import of %s failed", args.file)
        failed = (
            f"cannot import {args.file}: unexpected {exc.__class__.__name__}: {exc}; "
            "nothing was imported (set SIGHTLINE_DEBUG=1 for the details)"
        )
    else:
        _keep_frame_ready(project)  # the first open after the import is a reopen
    finally:
        project.close()  # type: ignore[attr-defined]
    if failed is not None:
        created.remove()
        return _fail(failed)
    for line in summary_lines(result):
        print(f"sightline: {line}", file=sys.stderr)
    if args.rejects and (result.rejects or result.duplicates):
        result.write_rejects(args.rejects)
    if args.json:
        print(json.dumps(result.summary()))
        for warning in result.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        return 0
    print(
        f"Imported {result.imported:,} events from {args.file.name} "
        f"(preset {result.preset}, batch {result.batch})."
    )
    print(
        f"  already in the project: {result.duplicates_in_project:,}; repeated inside the "
        f"file: {result.duplicates_in_file:,}; rejected rows: {result.rejected:,}; "
        f"without location: {result.unlocated:,}"
        + (f"; not events (title/era rows): {result.skipped:,}" if result.skipped else "")
    )
    for warning in result.warnings:
        print(f"  warning: {warning}")
    for reject in result.rejects[:10]:
        where = f", column {reject.column}" if reject.column else ""
        print(f"  row {reject.row}{where}: {reject.reason}")
    if len(result.rejects) > 10:
        print(
            f"  ... and {len(result.rejects) - 10} more"
            + ("" if args.rejects else " (use --rejects OUT.csv to list them all)")
        )
    if args.rejects and (result.rejects or result.duplicates):
        print(f"  rejects written to {args.rejects}")
    return 0


def _export(args: argparse.Namespace, project_target: str | None) -> int:
    from desktop_app.app.cli_commands import UsageError, export_all, export_kind

    try:
        kind = export_kind(args.out)
    except UsageError as exc:
        return _fail(str(exc))
    if not args.out.parent.is_dir():
        return _fail(f"cannot export to {args.out}: no folder {args.out.parent}")
    if project_target and "://" not in project_target and not Path(project_target).exists():
        return _fail(f"no project {project_target}")  # never create one to export it
    project = _open(project_target)
    try:
        what = export_all(project, args.out, kind)  # type: ignore[arg-type]
    except OSError as exc:
        return _fail(f"cannot write {args.out}: {exc.strerror or exc}")
    finally:
        project.close()  # type: ignore[attr-defined]
    print(f"Exported {what} to {args.out}.")
    return 0


def _info(args: argparse.Namespace, project_target: str | None) -> int:
    from desktop_app.app.cli_commands import info_extra
    from desktop_app.store.queries import project_info

    project = _open(project_target)
    try:
        info = project_info(project)  # type: ignore[arg-type]
        extra = info_extra(project)  # type: ignore[arg-type]
    finally:
        project.close()  # type: ignore[attr-defined]
    if args.json:
        print(json.dumps({**info.as_dict(), **extra}))
        return 0
    print(
        f"{info.events:,} events ({info.located_events:,} with a location), "
        f"{info.locations:,} locations, {info.sources:,} sources, {info.actors:,} actors, "
        f"{info.batches:,} imports"
    )
    if info.first:
        print(f"from {info.first} to {info.last}")
    return 0


def _keep_frame_ready(project: object) -> None:
    """Write the frame copy of the project as it now is (``frame.cache.keep_ready``): a
    copy that cannot be written is only a slower next open, never a failed command."""
    from desktop_app.frame.cache import keep_ready
    from desktop_app.store.project import Project

    if not isinstance(project, Project):
        return
    try:
        keep_ready(project)
    except Exception:
        import logging

        logging.getLogger("sightline.cli").warning("the frame copy was not written", exc_info=True)


def _undo(args: argparse.Namespace, project_target: str | None) -> int:
    from desktop_app.store.batches import BatchError, undo_batch
    from desktop_app.store.guard import WriteBusy
    from desktop_app.store.project import WriteFailed

    project = _open(project_target)
    try:
        removed = undo_batch(project, args.batch)  # type: ignore[arg-type]
    except (BatchError, WriteBusy, WriteFailed) as exc:
        return _fail(str(exc))
    else:
        _keep_frame_ready(project)
    finally:
        project.close()  # type: ignore[attr-defined]
    print(f"Removed import batch {args.batch}: {removed:,} events.")
    return 0


def _links(args: argparse.Namespace, project_target: str | None) -> int:
    from desktop_app.app.cli_commands import UsageError, links_graph

    if args.top is not None and args.top < 1:
        return _fail("--top must be at least 1")
    if project_target and "://" not in project_target and not Path(project_target).exists():
        return _fail(f"no project {project_target}")
    files = [f for f in (args.graphml, args.gexf) if f is not None]
    project = _open(project_target)
    try:
        graph = links_graph(project, args.kind, args.top, files)  # type: ignore[arg-type]
    except UsageError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"cannot write the graph: {exc.strerror or exc}")
    finally:
        project.close()  # type: ignore[attr-defined]
    if args.json:
        print(json.dumps(graph, ensure_ascii=False))
        return 0
    nodes, edges = graph["nodes"], graph["edges"]
    assert isinstance(nodes, list) and isinstance(edges, list)
    print(f"{len(nodes):,} {args.kind}, {len(edges):,} links")
    labels = {n["id"]: n["label"] for n in nodes}
    for edge in sorted(edges, key=lambda e: -int(e["weight"]))[:20]:
        pair = f"{labels[edge['source']]} — {labels[edge['target']]}"
        print(f"  {pair}: {edge['weight']:,} shared events")
    for path in files:
        print(f"wrote {path}")
    return 0
