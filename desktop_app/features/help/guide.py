"""The user guide: the project's own documentation (README.md by section, then each
file of docs/), offline, in a window.

The Markdown is rendered by Qt's own parser with raw HTML discarded
(``MarkdownNoHTML``) into a browser that fetches nothing (``SafeTextBrowser``: no
image, no style sheet, no link is ever loaded or followed); pictures are named in
words instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QDialog, QHBoxLayout, QListWidget, QSplitter, QWidget

from desktop_app.views.details.browser import SafeTextBrowser

# the checkout's root: desktop_app/features/help/guide.py -> four levels up
ROOT = Path(__file__).resolve().parents[3]
IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
MARKDOWN = (
    QTextDocument.MarkdownFeature.MarkdownDialectGitHub
    | QTextDocument.MarkdownFeature.MarkdownNoHTML
)


@dataclass(frozen=True)
class Section:
    title: str
    text: str  # Markdown


def guide_sections(root: Path = ROOT) -> list[Section]:
    """README.md split at its ``## `` headings (the opening part is 'Sightline'), then
    every docs/*.md as one section titled by its first heading."""
    sections: list[Section] = []
    readme = root / "README.md"
    if readme.is_file():
        title, lines = "Sightline", list[str]()
        for line in readme.read_text(encoding="utf-8").splitlines():
            if line.startswith("## "):
                if any(s.strip() for s in lines):
                    sections.append(Section(title, "\n".join(lines)))
                title, lines = line[3:].strip(), [line]
            else:
                lines.append(line)
        if any(s.strip() for s in lines):
            sections.append(Section(title, "\n".join(lines)))
    docs = root / "docs"
    for path in sorted(docs.glob("*.md")) if docs.is_dir() else []:
        text = path.read_text(encoding="utf-8")
        heading = next(
            (ln.lstrip("#").strip() for ln in text.splitlines() if ln.startswith("#")), path.stem
        )
        sections.append(Section(heading, text))
    return sections


def without_images(text: str) -> str:
    """Pictures named in words: the guide loads no file."""
    return IMAGE.sub(lambda m: f"*(picture: {m.group(1) or 'screenshot'})*", text)


class GuideWindow(QDialog):
    """The sections on the left, the one picked on the right."""

    def __init__(self, parent: QWidget | None = None, root: Path = ROOT) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sightline user guide")
        self.setObjectName("userGuide")
        self.sections = guide_sections(root)
        self.contents = QListWidget(self)
        self.contents.setObjectName("guideContents")
        self.page = SafeTextBrowser(self)
        self.page.setObjectName("guidePage")
        self.page.document().setDocumentMargin(16)
        for section in self.sections:
            self.contents.addItem(section.title)
        self.contents.currentRowChanged.connect(self.show_section)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.contents)
        splitter.addWidget(self.page)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([220, 680])
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.resize(960, 680)
        if self.sections:
            self.contents.setCurrentRow(0)
        else:
            self.page.setPlainText(
                "The guide's files (README.md and docs/) are not installed with this copy "
                f"of Sightline (looked in {root}). They are in the source distribution."
            )

    def show_section(self, row: int) -> None:
        if 0 <= row < len(self.sections):
            self.page.document().setMarkdown(without_images(self.sections[row].text), MARKDOWN)
            self.page.verticalScrollBar().setValue(0)

    def show_title(self, title: str) -> None:
        """Open the section of that title (the Help of a dialog could point here)."""
        for row, section in enumerate(self.sections):
            if section.title == title:
                self.contents.setCurrentRow(row)
                return
        raise KeyError(title)
