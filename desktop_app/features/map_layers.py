"""View ▸ Heatmap and View ▸ Colour events by: the map's layers drawn from the events.

Both follow what the map shows (the filters, the time window, playback): the map draws
them from its visible events on every update. The choice is kept with the project.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QObject

from desktop_app.features.host import Host
from desktop_app.store.project import Project
from desktop_app.views.map.layers import COLOUR_FACETS
from desktop_app.workbench import MenuId, Workbench

HEAT_KEY = "map.heatmap"
COLOUR_KEY = "map.colour_by"


class MapLayers(QObject):
    """The heatmap toggle and the colour-by chooser."""

    def __init__(self, workbench: Workbench, host: Host) -> None:
        super().__init__(workbench)
        self.wb = workbench
        self.layers = host.map.layers
        add = workbench.actions.add
        self.heat_action = add(
            "view.heatmap", "&Heatmap of the events", self._heat_toggled, menu=MenuId.VIEW,
            group=3, order=9, checkable=True, tip="Show where the visible events are dense",
        )  # fmt: skip
        self.colour_actions = {
            facet: add(f"view.colour.{facet or 'none'}", title,
                       partial(self.set_colour, facet), menu=MenuId.VIEW_COLOUR,
                       group=0 if facet is None else 1, order=n, checkable=True,
                       tip=f"Colour the map's events by {title.lower().replace('&', '')}"
                       if facet else "Draw every event in the same colour")
            for n, (facet, title) in enumerate([(None, "&One colour"), *COLOUR_FACETS.items()])
        }  # fmt: skip
        self._show_ticks()
        workbench.project_changed.connect(self._project_opened)

    def set_heat(self, on: bool) -> None:
        self.layers.set_heat(on)
        self._save(HEAT_KEY, "1" if on else "")
        self._show_ticks()

    def set_colour(self, facet: str | None) -> None:
        self.layers.set_colour(facet)
        self._save(COLOUR_KEY, facet or "")
        self._show_ticks()

    def _heat_toggled(self) -> None:
        self.set_heat(self.heat_action.isChecked())

    def _save(self, key: str, value: str) -> None:
        project = self.wb.project
        if project is not None and project.get_setting(key, "") != value:
            project.set_setting(key, value)

    def _show_ticks(self) -> None:
        self.heat_action.setChecked(self.layers.heat)
        for facet, action in self.colour_actions.items():
            action.setChecked(facet == self.layers.colour_facet)

    def _project_opened(self, project: object) -> None:
        if not isinstance(project, Project):
            return
        self.layers.set_heat(project.get_setting(HEAT_KEY, "") == "1")
        facet = project.get_setting(COLOUR_KEY, "")
        self.layers.set_colour(facet if facet in COLOUR_FACETS else None)
        self._show_ticks()


def install(workbench: Workbench, host: Host) -> MapLayers:
    return MapLayers(workbench, host)
