"""The workbench: project lifecycle, shared state, linking, tasks, actions, messages.

Qt objects but no widgets; imports neither the shell nor the features (import-linter).
"""

from desktop_app.workbench.actions import ActionRegistry, MenuId
from desktop_app.workbench.workbench import Messages, Workbench

__all__ = ["ActionRegistry", "MenuId", "Messages", "Workbench"]
