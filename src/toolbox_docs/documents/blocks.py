"""The small block structure that wording templates render to and the Word writer maps onto styles.

Pure data. Text in blocks is plain Unicode (already unescaped); the Word writer is responsible for
making it valid in XML and for mapping each block onto the target document's own styles.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Heading:
    """A heading ``level`` steps below the section it is written into (1 = directly below)."""

    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    runs: tuple[Run, ...]

    @classmethod
    def of(cls, text: str) -> Paragraph:
        return cls((Run(text),))

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass(frozen=True)
class BulletList:
    items: tuple[tuple[Run, ...], ...]
    ordered: bool = False

    @classmethod
    def of(cls, *items: str) -> BulletList:
        return cls(tuple((Run(item),) for item in items))

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple("".join(run.text for run in item) for item in self.items)


@dataclass(frozen=True)
class Table:
    """A table with one header row; ``numeric[i]`` right-aligns column i; ``total`` bolds the last row."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...] = ()
    total: bool = False
    caption: str = ""


@dataclass(frozen=True)
class Image:
    """A picture supplied separately by ``name`` (PNG or JPEG bytes, or the stakeholder chart as
    ``chart.Chart``), with alternative text for accessibility."""

    name: str
    alt: str
    width_cm: float = 16.0


Block = Heading | Paragraph | BulletList | Table | Image


def plain_text(blocks: tuple[Block, ...] | list[Block]) -> str:
    """The blocks as plain text, one line per paragraph, item or table row (for tests and logs)."""
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Heading | Paragraph):
            lines.append(block.text)
        elif isinstance(block, BulletList):
            lines.extend(f"- {text}" for text in block.texts)
        elif isinstance(block, Table):
            lines.append(" | ".join(block.header))
            lines.extend(" | ".join(row) for row in block.rows)
        elif isinstance(block, Image):
            lines.append(f"[{block.alt}]")
    return "\n".join(lines)
