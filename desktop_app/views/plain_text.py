"""Event text is data: the one way Sightline hands text to a Qt widget that could render it.

Qt guesses (``Qt::mightBeRichText``) whether the text of a label, a tooltip or a message
box is HTML. A title such as ``<img src="/home/me/secret.png">`` or ``<b>URGENT</b>``
would then be rendered: the file read and shown, fake warnings drawn. So:

* labels and message boxes that may show file or event text are built here with
  ``Qt.TextFormat.PlainText``;
* tooltips have no such switch: :func:`tooltip` HTML-escapes the text inside an explicit
  rich-text wrapper, so Qt shows the characters literally (and still word-wraps long
  titles).

Item views' display text is always plain; only their tooltips need :func:`tooltip`.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

_Button = QMessageBox.StandardButton


def tooltip(text: str | None) -> str:
    """A tooltip that shows ``text`` literally (empty text: no tooltip)."""
    if not text:
        return ""
    escaped = html.escape(str(text), quote=False).replace("\n", "<br>")
    return f"<qt><p style='white-space:pre-wrap'>{escaped}</p></qt>"


def label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A QLabel that never interprets its text as markup."""
    widget = QLabel(parent)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    widget.setText(text)
    return widget


def message_box(
    parent: QWidget | None,
    icon: QMessageBox.Icon,
    title: str,
    text: str,
    buttons: _Button = _Button.Ok,
    default: _Button = _Button.NoButton,
) -> QMessageBox:
    """A message box whose text is shown as plain text (not yet executed)."""
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if default != _Button.NoButton:
        box.setDefaultButton(default)
    return box


def warn(parent: QWidget | None, title: str, text: str) -> None:
    message_box(parent, QMessageBox.Icon.Warning, title, text).exec()


def inform(parent: QWidget | None, title: str, text: str) -> None:
    message_box(parent, QMessageBox.Icon.Information, title, text).exec()


def ask(parent: QWidget | None, title: str, text: str) -> bool:
    """Yes/No question, No by default; True when the answer is Yes."""
    box = message_box(
        parent, QMessageBox.Icon.Question, title, text, _Button.Yes | _Button.No, _Button.No
    )
    return box.exec() == _Button.Yes
