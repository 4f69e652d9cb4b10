"""The stakeholder chart: influence × interest, each party a numbered marker coloured by standpunt.

Rendered with matplotlib (Agg, no screen) to PNG bytes. Parties on the same grid point are spread in a
small circle so none hides another; names stay legible with 20, 50 or more parties because the chart
shows numbers and a numbered list of names sits beside it.
"""

from __future__ import annotations

import math
import struct
import threading
import zlib
from collections import OrderedDict, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib

matplotlib.use("Agg")

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

# Colour and shape per standpunt: shape as well as colour, so the chart also reads in grey or for
# people who do not see red and green apart. Colours are dark enough for white numbers on them.
POSITION_STYLE = {
    "voor": ("#2E7D32", "o", "voor"),
    "neutraal": ("#616161", "s", "neutraal"),
    "tegen": ("#C62828", "D", "tegen"),
    "onbekend": ("#8D6E00", "h", "onbekend"),
}
WIDTH_IN = 6.3  # the width it is placed at in the documents (16 cm), so font sizes are real sizes
CHART_IN = 4.3
LINE_IN = 0.17
NAME_COLUMNS = 2
NAME_CHARS = 46
DPI = 200
MARKER_PT = math.sqrt(150)  # marker size in points (as scatter's s=150 points²)


@dataclass(frozen=True)
class Party:
    name: str
    influence: int
    interest: int
    position: str


def _spread(parties: Sequence[Party]) -> list[tuple[float, float]]:
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    for index, party in enumerate(parties):
        groups[(party.interest, party.influence)].append(index)
    places: list[tuple[float, float]] = [(0.0, 0.0)] * len(parties)
    for (x, y), members in groups.items():
        if len(members) == 1:
            places[members[0]] = (float(x), float(y))
            continue
        radius = min(0.38, 0.12 + 0.03 * len(members))
        for k, index in enumerate(members):
            angle = 2 * math.pi * k / len(members) + math.pi / 2
            places[index] = (x + radius * math.cos(angle), y + radius * math.sin(angle))
    return places


@dataclass
class _Frame:
    """A figure with everything that depends only on the layout drawn (axes, ticks, labels, quadrants,
    legend), and a copy of its pixels to start each chart of that layout from."""

    figure: Figure
    canvas: FigureCanvasAgg
    axes: Axes
    background: Any


# Frames of the layouts drawn last (most recent at the end). A frame costs two pixel buffers of the
# figure (about 11 MB for ten parties), so only a couple are kept.
_FRAMES: OrderedDict[tuple[int, float, str], _Frame] = OrderedDict()
_KEEP_FRAMES = 2
_LOCK = threading.Lock()


def _frame(name_rows: int, threshold: float, title: str) -> _Frame:
    key = (name_rows, threshold, title)
    frame = _FRAMES.get(key)
    if frame is not None:
        _FRAMES.move_to_end(key)
        return frame
    names_in = 0.3 + name_rows * LINE_IN
    height = CHART_IN + names_in
    figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
    canvas = FigureCanvasAgg(figure)
    bottom = (names_in + 0.75) / height
    axes = figure.add_axes((0.11, bottom, 0.62, (CHART_IN - 1.05) / height))
    axes.set_xlim(0.4, 5.6)
    axes.set_ylim(0.4, 5.6)
    axes.set_xticks(range(1, 6))
    axes.set_yticks(range(1, 6))
    axes.tick_params(labelsize=8)
    axes.set_xlabel("Belang (1 = klein, 5 = groot)", fontsize=8.5)
    axes.set_ylabel("Invloed (1 = weinig, 5 = veel)", fontsize=8.5)
    axes.set_title(title, fontsize=10)
    axes.axhline(threshold, color="#BDBDBD", linewidth=1)
    axes.axvline(threshold, color="#BDBDBD", linewidth=1)
    low, high = (0.4 + threshold) / 2, (threshold + 5.6) / 2
    for x, y, label in ((high, 5.45, "Nauw betrekken"), (low, 5.45, "Tevreden houden"),
                        (high, 0.55, "Informeren en betrekken"), (low, 0.55, "Monitoren")):
        axes.text(x, y, label, ha="center", va="center", fontsize=7, color="#616161", style="italic")
    handles = [Line2D([], [], linestyle="", marker=m, markersize=7, color=c, label=t)
               for c, m, t in POSITION_STYLE.values()]
    axes.legend(handles=handles, title="Standpunt", title_fontsize=8, fontsize=7.5, frameon=False,
                loc="upper left", bbox_to_anchor=(1.02, 1.0))
    canvas.draw()
    frame = _Frame(figure, canvas, axes, canvas.copy_from_bbox(figure.bbox))
    _FRAMES[key] = frame
    while len(_FRAMES) > _KEEP_FRAMES:
        _FRAMES.popitem(last=False)
    return frame


def stakeholder_chart(parties: Sequence[Party], *, threshold: float = 3.5, title: str = "Stakeholderkaart"
                      ) -> bytes:
    """PNG bytes of the chart; deterministic for the same parties. ``threshold`` divides low from high.

    The parts that depend only on the layout (the number of name rows, the threshold and the title) are
    drawn once into a frame; a chart starts from a copy of the frame's pixels and draws the parties on
    it in the order a full drawing would (markers, then their numbers, then the names), so the pixels are
    the same as drawing the whole figure. Nothing the parties add overlaps what the frame holds after
    them (the title above the axes, the legend beside them)."""
    count = len(parties)
    name_rows = math.ceil(count / NAME_COLUMNS) if count else 0
    names_in = 0.3 + name_rows * LINE_IN
    height = CHART_IN + names_in
    with _LOCK:
        frame = _frame(name_rows, threshold, title)
        figure, canvas, axes = frame.figure, frame.canvas, frame.axes
        markers: list[Artist] = []
        numbers: list[Artist] = []
        names_text: list[Artist] = []
        try:
            canvas.restore_region(frame.background)
            # One line of markers per standpunt (at most four artists, however many parties): markers
            # only overlap within a crowded grid point, where they are of one standpunt or spread apart.
            places: dict[str, list[tuple[float, float]]] = {}
            for number, (party, (x, y)) in enumerate(zip(parties, _spread(parties), strict=True), start=1):
                position = party.position if party.position in POSITION_STYLE else "onbekend"
                places.setdefault(position, []).append((x, y))
                numbers.append(axes.text(x, y, str(number), ha="center", va="center", fontsize=6, color="white",
                                         fontweight="bold", zorder=4))
            for position, points in places.items():
                colour, marker, _ = POSITION_STYLE[position]
                xs, ys = zip(*points, strict=True)
                markers.extend(axes.plot(xs, ys, linestyle="", marker=marker, markersize=MARKER_PT, color=colour,
                                         markeredgecolor="white", markeredgewidth=0.8, zorder=3))
            names = [f"{n}. {p.name if len(p.name) <= NAME_CHARS else p.name[:NAME_CHARS - 1] + '…'}"
                     for n, p in enumerate(parties, start=1)]
            top = (names_in - 0.15) / height
            for column in range(NAME_COLUMNS):
                chunk = names[column * name_rows:(column + 1) * name_rows]
                if chunk:
                    names_text.append(figure.text(0.04 + column * 0.48, top, "\n".join(chunk), va="top",
                                                  ha="left", fontsize=7, linespacing=1.45))
            for artist in (*markers, *numbers):
                axes.draw_artist(artist)
            for artist in names_text:
                figure.draw_artist(artist)
            return _png(canvas)
        finally:
            for artist in (*markers, *numbers, *names_text):
                artist.remove()


def _png(canvas: FigureCanvasAgg) -> bytes:
    """The canvas as PNG at the figure's resolution: the same pixels as matplotlib's own PNG, written
    several times faster (no per-row filter search; an opaque image, as the chart always is, without its
    alpha channel; light compression)."""
    rgba = np.asarray(canvas.buffer_rgba())
    pixels = rgba[..., :3] if (rgba[..., 3] == 255).all() else rgba
    height, width, channels = pixels.shape
    rows = np.empty((height, width * channels + 1), dtype=np.uint8)
    rows[:, 0] = 0  # filter type "None" for every row
    rows[:, 1:] = pixels.reshape(height, width * channels)
    per_metre = round(DPI / 0.0254)
    return b"".join((
        b"\x89PNG\r\n\x1a\n",
        _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2 if channels == 3 else 6, 0, 0, 0)),
        _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
        _chunk(b"IDAT", zlib.compress(rows.tobytes(), 3)),
        _chunk(b"IEND", b""),
    ))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
