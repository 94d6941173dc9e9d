"""File ▸ Export: the visible events as CSV, GeoJSON or KML, a standalone HTML file of
the current view or of a story, and PNG images of the window or of one pane.

``install`` declares the File ▸ Export submenu's actions and returns the
:class:`Exports` object; its methods can be called without dialogs (the tests do).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QObject, QSize, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QInputDialog,
    QSpinBox,
    QWidget,
)

from desktop_app.export.csv_export import write_csv
from desktop_app.export.geo import write_geojson, write_kml
from desktop_app.export.records import export_events, visible_ids
from desktop_app.features.exporting.png_capture import DEFAULT_RATIO, PngCapture
from desktop_app.features.host import Host
from desktop_app.frame.map_overlays import export_colours
from desktop_app.frame.visible import visible_mask
from desktop_app.graph.svg import actors_svg
from desktop_app.state.snapshot import ViewSnapshot, story_steps
from desktop_app.store.annotations import list_annotations
from desktop_app.store.views_repo import ViewsRepository
from desktop_app.views import plain_text
from desktop_app.views.map.layers import COLOUR_FACETS
from desktop_app.workbench import MenuId, Workbench
from desktop_app.workbench.linking import search_function

if TYPE_CHECKING:
    from desktop_app.export.html_page import HtmlStep

EVENT_FORMATS: dict[str, tuple[str, str]] = {  # kind -> (file filter, suffix)
    "csv": ("CSV (*.csv)", ".csv"),
    "geojson": ("GeoJSON (*.geojson *.json)", ".geojson"),
    "kml": ("KML (*.kml)", ".kml"),
}


class Exports(QObject):
    """The window's exports.

    Signals:
        exported(str path, str kind): a file was written (kind: csv, geojson, kml,
            html, png).
    """

    exported = Signal(str, str)

    def __init__(self, workbench: Workbench, host: Host) -> None:
        super().__init__(workbench)
        self.wb, self.host = workbench, host
        self.window = host.window_widget()  # dialogs' parent, the PNG of the window
        self.captures: list[PngCapture] = []
        self._declare_actions()

    # ------------------------------------------------------------------ menu
    def _declare_actions(self) -> None:
        add, menu = self.wb.actions.add, MenuId.FILE_EXPORT
        for order, (kind, text) in enumerate(
            (("csv", "&CSV"), ("geojson", "&GeoJSON"), ("kml", "&KML"))
        ):
            add(f"file.export.{kind}", f"Visible events as {text}…", self._asker(kind),
                menu=menu, order=order)  # fmt: skip
        add("file.export.html_view", "Standalone &HTML of this view…", self.html_view_dialog,
            menu=menu, group=1)  # fmt: skip
        add("file.export.html_story", "Standalone HTML of a &story…", self.html_story_dialog,
            menu=menu, group=1, order=1)  # fmt: skip
        add("file.export.png_window", "&PNG of the window…", lambda: self.png_dialog(None),
            menu=menu, group=2)  # fmt: skip
        add("file.export.png_pane", "PNG of a p&ane…", self.png_pane_dialog, menu=menu,
            group=2, order=1)  # fmt: skip

    def _asker(self, kind: str) -> Callable[[], None]:
        return lambda: self.events_dialog(kind)

    def _save_path(self, title: str, name: str, file_filter: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self.window, title, name, file_filter)
        return Path(path) if path else None

    def _done(self, path: Path, kind: str, what: str) -> None:
        self.wb.messages.say(f"Exported {what}: {path}", 15000)
        self.exported.emit(str(path), kind)

    # ------------------------------------------------------------------ events
    def visible_event_ids(self) -> np.ndarray:
        linker = self.wb.linker
        return visible_ids(linker.frame, linker.visible)

    def events_dialog(self, kind: str) -> None:
        file_filter, suffix = EVENT_FORMATS[kind]
        path = self._save_path("Export visible events", f"events{suffix}", file_filter)
        if path is None:
            return
        # a million events take about a minute to write: never on the GUI thread
        ids = self.visible_event_ids()
        self.wb.tasks.run(
            "export",
            self._write_events,
            kind,
            path,
            ids,
            label=f"Exporting {path.name}…",
            on_success=lambda result: self._done(path, kind, result[1]),
        )

    def export_events(self, kind: str, path: Path) -> int:
        """Write the visible events as ``kind`` (csv, geojson, kml); returns how many."""
        count, what = self._write_events(kind, path, self.visible_event_ids())
        if count or self.wb.project is not None:
            self._done(path, kind, what)
        return count

    def _write_events(self, kind: str, path: Path, ids: np.ndarray) -> tuple[int, str]:
        """The writing itself (any thread: it touches no widget)."""
        project = self.wb.project
        if project is None:
            return 0, "nothing (no project is open)"
        events = export_events(project, ids)
        name = project.path.stem if project.path else "Sightline events"
        if kind == "csv":
            count = write_csv(path, events)
            what = f"{count:,} events as CSV"
        elif kind == "geojson":
            count, located = write_geojson(path, events, name)
            what = f"{count:,} events as GeoJSON ({located:,} with a location)"
        elif kind == "kml":
            count, left_out = write_kml(path, events, name)
            what = f"{count:,} events as KML" + (
                f" ({left_out:,} without a location are not in it)" if left_out else ""
            )
        else:
            raise ValueError(f"unknown export format {kind!r}")
        return count, what

    # ------------------------------------------------------------------ HTML
    def _classification(self) -> str:
        return self.wb.classification()

    def current_step(self, title: str = "", note: str = "") -> HtmlStep:
        from desktop_app.export.html_page import HtmlStep  # not for the first paint

        wb = self.wb
        map_view = wb.view_state.map
        return HtmlStep(
            title=title,
            note=note,
            event_ids=self.visible_event_ids().tolist(),
            timeline=wb.view_state.timeline or self.host.timeline.time_range,
            window=(wb.filters.filters.t0, wb.filters.filters.t1),
            map=None if map_view is None else (map_view.lat, map_view.lon, map_view.zoom),
            selection=wb.selection.ids,
            annotations=wb.view_state.annotations,
        )

    def html_view_dialog(self) -> None:
        path = self._save_path(
            "Export this view as a standalone HTML file", "view.html", "HTML (*.html)"
        )
        if path is not None:
            self.export_html_view(path)

    def export_html_view(self, path: Path, title: str = "") -> int:
        """Write the current view as one offline HTML file; returns its size in bytes."""
        from desktop_app.export.html_page import write_html  # not for the first paint

        project = self.wb.project
        if project is None:
            return 0
        step = self.current_step()
        heading = title or (f"{project.path.stem} — Sightline" if project.path else "Sightline")
        size = write_html(
            path,
            heading,
            export_events(project, step.event_ids),
            [step],
            self._classification(),
            story=False,
            chart_svg=actors_svg(self.wb.linker.frame, self.wb.linker.visible),
            colour=self._colour(self.wb.linker.visible),
            annotations=[r.to_dict() for r in list_annotations(project)],
        )
        self._done(path, "html", f"this view as HTML ({size / 1e6:.1f} MB)")
        return size

    def _colour(self, mask: np.ndarray) -> dict[str, Any] | None:
        """The map's colour by a facet for an export of ``mask`` (None: one colour)."""
        facet = self.host.map.layers.colour_facet
        if facet is None:
            return None
        frame = self.wb.linker.frame
        return export_colours(frame, facet, COLOUR_FACETS[facet], mask & frame.located)

    def story_steps(self, story_id: int) -> tuple[str, list[ViewSnapshot]]:
        project = self.wb.project
        return story_steps(ViewsRepository(project) if project is not None else None, story_id)

    def html_story_dialog(self) -> None:
        project = self.wb.project
        if project is None:
            return
        stories = ViewsRepository(project).stories()
        if not stories:
            plain_text.inform(
                self.window,
                "Export story",
                "Save a view into a story first (Briefing ▸ Save view…).",
            )
            return
        titles = [s.title for s in stories]
        chosen, ok = QInputDialog.getItem(self.window, "Export story", "Story:", titles, 0, False)
        if not ok:
            return
        story = stories[titles.index(chosen)]
        name = "".join(c if c.isalnum() or c in " -_" else "_" for c in story.title).strip()
        path = self._save_path(
            "Export the story as a standalone HTML file", f"{name or 'story'}.html", "HTML (*.html)"
        )
        if path is not None:
            self.export_html_story(story.id, path)

    def export_html_story(self, story_id: int, path: Path) -> int:
        """Write a story (one step per saved view) as one offline HTML file."""
        from desktop_app.export.html_page import HtmlStep, write_html  # not for the first paint

        project = self.wb.project
        title, snapshots = self.story_steps(story_id)
        if project is None or not snapshots:
            return 0
        frame = self.wb.linker.frame
        search = search_function(lambda: project)
        steps: list[HtmlStep] = []
        wanted = np.zeros(len(frame), bool)
        for snap in snapshots:
            f = snap.filters
            mask = visible_mask(
                frame, f.t0, f.t1, f.text, f.facets, search,
                ranges=f.ranges, numbers=self.wb.linker.numbers.columns, clock=f.clock,
                area=f.area,
            )  # fmt: skip
            wanted |= mask
            steps.append(
                HtmlStep(
                    title=snap.title,
                    note=snap.note,
                    event_ids=frame.ids[mask].tolist(),
                    timeline=snap.timeline,
                    window=(f.t0, f.t1),
                    map=None if snap.map is None else (snap.map.lat, snap.map.lon, snap.map.zoom),
                    selection=snap.selection,
                    annotations=snap.annotations,
                )
            )
        size = write_html(
            path,
            title or "Story",
            export_events(project, visible_ids(frame, wanted)),
            steps,
            self._classification(),
            story=True,
            chart_svg=actors_svg(frame, wanted),
            colour=self._colour(wanted),
            annotations=[r.to_dict() for r in list_annotations(project)],
        )
        self._done(path, "html", f"the story “{title}” as HTML ({size / 1e6:.1f} MB)")
        return size

    # ------------------------------------------------------------------ PNG
    def panes(self) -> dict[str, QWidget]:
        """The panes a PNG can be made of, by name."""
        host = self.host
        panes: dict[str, QWidget] = {
            "Map": host.map,
            "Timeline": host.timeline,
            "Table": host.table,
            "Details": host.details,
            "Filters": host.filters_view,
        }
        builtin = {"map", "timeline", "table", "details", "filters"}
        for dock_id, dock in host.docks.items():  # the panes other features docked
            widget = dock.widget()
            if dock_id not in builtin and widget is not None:
                panes.setdefault(dock.windowTitle(), widget)
        return panes

    def png_pane_dialog(self) -> None:
        names = list(self.panes())
        name, ok = QInputDialog.getItem(self.window, "PNG of a pane", "Pane:", names, 0, False)
        if ok:
            self.png_dialog(self.panes()[name])

    def png_dialog(self, target: QWidget | None) -> None:
        target = target or self.window
        dialog = PngDialog(target.size(), self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        path = self._save_path("Export PNG", "sightline.png", "PNG image (*.png)")
        if path is not None:
            self.export_png(target, path, dialog.chosen_size(), dialog.ratio())

    def export_png(
        self,
        target: QWidget | None,
        path: Path,
        size: QSize | None = None,
        ratio: float = DEFAULT_RATIO,
    ) -> PngCapture:
        """Start a PNG of ``target`` (the window when None); ``finished`` on the returned
        capture (and ``exported`` here) tell when it is written."""
        capture = PngCapture(
            self.wb, self.host, target or self.window, path, size, ratio, parent=self
        )
        self.captures.append(capture)

        def finished(written: str, _image: object) -> None:
            self._done(Path(written), "png", "PNG")
            self.captures.remove(capture)
            capture.deleteLater()

        def failed(message: str) -> None:
            self.captures.remove(capture)
            capture.deleteLater()
            plain_text.warn(self.window, "Export PNG", f"The PNG was not written: {message}")

        capture.finished.connect(finished)
        capture.failed.connect(failed)
        capture.start()
        return capture


class PngDialog(QDialog):
    """Size (in points) and pixel density of a PNG; 2x by default."""

    def __init__(self, size: QSize, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("PNG size")
        form = QFormLayout(self)
        self.width_box = QSpinBox(minimum=50, maximum=8000, value=size.width(), suffix=" pt")
        self.height_box = QSpinBox(minimum=50, maximum=8000, value=size.height(), suffix=" pt")
        self.density = QComboBox()
        for label, value in (("1x", 1.0), ("2x (default)", 2.0), ("3x", 3.0), ("4x", 4.0)):
            self.density.addItem(label, value)
        self.density.setCurrentIndex(1)
        self.custom = QDoubleSpinBox(minimum=1.0, maximum=8.0, value=2.0, singleStep=0.5)
        self.density.currentIndexChanged.connect(
            lambda _i: self.custom.setValue(float(self.density.currentData()))
        )
        form.addRow("Width", self.width_box)
        form.addRow("Height", self.height_box)
        form.addRow("Pixel density", self.density)
        form.addRow("Pixels per point", self.custom)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def chosen_size(self) -> QSize:
        return QSize(self.width_box.value(), self.height_box.value())

    def ratio(self) -> float:
        return float(self.custom.value())


def install(workbench: Workbench, host: Host) -> Exports:
    """Declare File ▸ Export's actions."""
    return Exports(workbench, host)
