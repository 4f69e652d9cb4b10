"""The stakeholder chart: influence × interest, each party a numbered marker coloured by standpunt.

Rendered with matplotlib (Agg, no screen) to PNG bytes, drawn at the size it is placed at in the
documents (16 cm wide), so its font sizes are the printed sizes: every text at least 8 pt (``MIN_PT``),
the lines that divide the quadrants at least 3:1 against white. Parties on the same grid point are
packed in rings around it so none hides another; names stay legible with 20, 50 or more parties
because the chart shows numbers and a numbered list of names sits below it. A name too long for its
column of that list is shortened with "…" (the plan's table gives it whole), and a character the
chart's font cannot draw (an emoji) is shown as "\ufffd", never as an empty box or a warning.

matplotlib (with numpy) is imported when the first chart is drawn or measured, not when this module is
imported: it costs about 0.7 s of CPU, more than the rest of a ``process`` run's imports, and most commands
(``validate``, ``status``, the register, a workbook with problems) draw no chart.
"""

from __future__ import annotations

import functools
import math
import struct
import threading
import unicodedata
import zlib
from collections import OrderedDict, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

# Colour and shape per standpunt: shape as well as colour, so the chart also reads in grey or for
# people who do not see red and green apart. Colours are dark enough for white numbers on them.
POSITION_STYLE = {
    "voor": ("#2E7D32", "o", "voor"),
    "neutraal": ("#616161", "s", "neutraal"),
    "tegen": ("#C62828", "D", "tegen"),
    "onbekend": ("#8D6E00", "h", "onbekend"),
}
WIDTH_IN = 6.3  # the width it is placed at in the documents (16 cm), so font sizes are real sizes
AXES_IN = 4.0  # the height of the plot itself
CHART_IN = AXES_IN + 1.45  # with the title above and the ticks, the axis name and the legend below
LINE_IN = 0.19  # one line of the list of names
MAX_LISTED = 54  # more parties than this: the list below the chart refers to the table instead (the chart
# with 18 lines of names is 23 cm high, which still fits an A4 page)
DPI = 200
MIN_PT = 8.0  # the smallest text on the chart, printed
MARKER_PT = 17.0  # marker size in points: room for a two-digit number at 8 pt bold
SPACING_PT = MARKER_PT + 1.5  # between the centres of markers on one grid point
DIVIDER = "#767676"  # the quadrant lines: 4.5:1 against white
LABEL_GREY = "#616161"
FONT_FAMILY = "DejaVu Sans"  # shipped with matplotlib: always there
SUBSTITUTE = "\ufffd"  # shown for a character the font has no glyph for
AXES = (0.10, 0.87)  # left and width of the axes, as fractions of the figure's width
LIMITS = (0.3, 5.7)


@dataclass(frozen=True)
class Party:
    name: str
    influence: int
    interest: int
    position: str


def _ring_offsets(count: int, spacing: float) -> list[tuple[float, float]]:
    """Offsets in points of ``count`` markers around one grid point: one alone in the middle; up to six
    on a circle; more in rings of 6, 12, 18, ... around a middle one (the densest packing of coins)."""
    if count == 1:
        return [(0.0, 0.0)]
    if count <= 6:
        radius = spacing / (2 * math.sin(math.pi / count))
        return [(radius * math.cos(2 * math.pi * k / count + math.pi / 2),
                 radius * math.sin(2 * math.pi * k / count + math.pi / 2)) for k in range(count)]
    offsets = [(0.0, 0.0)]
    ring = 1
    while len(offsets) < count:
        take = min(6 * ring, count - len(offsets))
        for k in range(take):
            angle = 2 * math.pi * k / take + math.pi / 2
            offsets.append((ring * spacing * math.cos(angle), ring * spacing * math.sin(angle)))
        ring += 1
    return offsets


def _spread(parties: Sequence[Party], *, points_per_unit: tuple[float, float]) -> list[tuple[float, float]]:
    """Where each party's marker goes, in data units: its grid point, or a place in the rings around it.
    Rings that would reach past halfway to the next grid point are drawn closer (markers then overlap)."""
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    for index, party in enumerate(parties):
        groups[(party.interest, party.influence)].append(index)
    places: list[tuple[float, float]] = [(0.0, 0.0)] * len(parties)
    for (x, y), members in groups.items():
        offsets = _ring_offsets(len(members), SPACING_PT)
        # Each direction on its own: a crowd may use the width it has even where the height is short.
        scale = [min(1.0, 0.5 * per_unit / reach) if (reach := max(abs(o[axis]) for o in offsets)) else 1.0
                 for axis, per_unit in enumerate(points_per_unit)]
        for (dx, dy), index in zip(offsets, members, strict=True):
            places[index] = (x + dx * scale[0] / points_per_unit[0], y + dy * scale[1] / points_per_unit[1])
    return places


@functools.cache
def load() -> None:
    """Import matplotlib for drawing off screen (Agg). Called before the first chart; the service's worker
    calls it at start, so that matplotlib counts as part of its memory at rest."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.backends.backend_agg
    import matplotlib.figure


@functools.cache
def _font() -> FontProperties:
    """The font of the names below the chart, at the smallest size."""
    load()
    from matplotlib.font_manager import FontProperties

    return FontProperties(family=FONT_FAMILY, size=MIN_PT)


@functools.cache
def _drawable() -> frozenset[int]:
    """The code points the chart's font has a glyph for."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    font = FT2Font(font_manager.findfont(_font(), fallback_to_default=True))
    return frozenset(font.get_charmap())


_INVISIBLE = {"Cf", "Mn", "Me", "Sk"}  # joiners, variation selectors, skin tones, combining marks


def drawable(text: str) -> str:
    """``text`` with each character the font cannot draw shown as one substitute (an emoji with its
    joiners and modifiers becomes one), control and formatting characters it cannot draw left out."""
    glyphs = _drawable()
    out: list[str] = []
    for char in text:
        category = unicodedata.category(char)
        if out and out[-1] == SUBSTITUTE and (category in _INVISIBLE or 0x1F3FB <= ord(char) <= 0x1F3FF):
            continue  # a joiner, selector or modifier of the emoji just replaced: part of that one
        if ord(char) in glyphs:
            out.append(char)
        elif category in _INVISIBLE or category.startswith("C"):
            continue
        elif not (out and out[-1] == SUBSTITUTE):
            out.append(SUBSTITUTE)
    return "".join(out)


@functools.lru_cache(maxsize=4096)
def _width_pt(text: str) -> float:
    font = _font()
    from matplotlib.textpath import TextToPath

    width, _, _ = TextToPath().get_text_width_height_descent(text, font, ismath=False)
    return float(width)


def name_columns(count: int) -> tuple[int, int]:
    """Columns and rows of the list of names below the chart: two columns up to 24 parties, then three
    (so the chart with its list fits an A4 page); beyond ``MAX_LISTED`` one line pointing to the table."""
    if count == 0:
        return 0, 0
    if count > MAX_LISTED:
        return 1, 1
    columns = 2 if count <= 24 else 3
    return columns, math.ceil(count / columns)


def name_width_pt(columns: int) -> float:
    """Room for one name in a list of ``columns`` columns, in points."""
    return 0.92 / max(columns, 1) * WIDTH_IN * 72 - 8


def fitted(text: str, width_pt: float) -> str:
    """``text`` as it fits ``width_pt`` at the chart's name size: whole, or cut with "…"."""
    if _width_pt(text) <= width_pt:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the ellipsis
        middle = (low + high + 1) // 2
        if _width_pt(text[:middle].rstrip() + "…") <= width_pt:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "…"


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
_FRAMES: OrderedDict[tuple[int, int, float, str], _Frame] = OrderedDict()
_KEEP_FRAMES = 2
_LOCK = threading.Lock()


def _frame(columns: int, name_rows: int, threshold: float, title: str) -> _Frame:
    key = (columns, name_rows, threshold, title)
    frame = _FRAMES.get(key)
    if frame is not None:
        _FRAMES.move_to_end(key)
        return frame
    load()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    names_in = 0.3 + name_rows * LINE_IN
    height = CHART_IN + names_in
    figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
    canvas = FigureCanvasAgg(figure)
    bottom = (names_in + 1.05) / height
    axes = figure.add_axes((AXES[0], bottom, AXES[1], AXES_IN / height))
    axes.set_xlim(*LIMITS)
    axes.set_ylim(*LIMITS)
    axes.set_xticks(range(1, 6))
    axes.set_yticks(range(1, 6))
    axes.tick_params(labelsize=9)
    axes.set_xlabel("Belang (1 = klein, 5 = groot)", fontsize=9)
    axes.set_ylabel("Invloed (1 = weinig, 5 = veel)", fontsize=9)
    axes.set_title(drawable(title), fontsize=10)
    axes.axhline(threshold, color=DIVIDER, linewidth=1)
    axes.axvline(threshold, color=DIVIDER, linewidth=1)
    low, high = (LIMITS[0] + threshold) / 2, (threshold + LIMITS[1]) / 2
    for x, y, label in ((high, 5.55, "Nauw betrekken"), (low, 5.55, "Tevreden houden"),
                        (high, 0.45, "Informeren en betrekken"), (low, 0.45, "Monitoren")):
        axes.text(x, y, label, ha="center", va="center", fontsize=MIN_PT, color=LABEL_GREY, style="italic")
    handles = [Line2D([], [], linestyle="", marker=m, markersize=8, color=c, label=t)
               for c, m, t in POSITION_STYLE.values()]
    figure.legend(handles=handles, title="Standpunt", title_fontsize=9, fontsize=MIN_PT, frameon=False,
                  ncol=len(handles), loc="lower center", bbox_to_anchor=(0.5, (names_in + 0.02) / height))
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
    columns, name_rows = name_columns(count)
    names_in = 0.3 + name_rows * LINE_IN
    height = CHART_IN + names_in
    with _LOCK:
        frame = _frame(columns, name_rows, threshold, title)
        figure, canvas, axes = frame.figure, frame.canvas, frame.axes
        markers: list[Artist] = []
        numbers: list[Artist] = []
        names_text: list[Artist] = []
        try:
            canvas.restore_region(frame.background)
            # One line of markers per standpunt (at most four artists, however many parties): markers
            # only overlap within a crowded grid point, where they are of one standpunt or spread apart.
            places: dict[str, list[tuple[float, float]]] = {}
            box = axes.get_position()
            span = LIMITS[1] - LIMITS[0]
            scale = (box.width * figure.get_figwidth() * 72 / span, box.height * figure.get_figheight() * 72 / span)
            spread = _spread(parties, points_per_unit=scale)
            for number, (party, (x, y)) in enumerate(zip(parties, spread, strict=True), start=1):
                position = party.position if party.position in POSITION_STYLE else "onbekend"
                places.setdefault(position, []).append((x, y))
                numbers.append(axes.text(x, y, str(number), ha="center", va="center", fontsize=MIN_PT,
                                         color="white", fontweight="bold", zorder=4))
            for position, points in places.items():
                colour, marker, _ = POSITION_STYLE[position]
                xs, ys = zip(*points, strict=True)
                markers.extend(axes.plot(xs, ys, linestyle="", marker=marker, markersize=MARKER_PT, color=colour,
                                         markeredgecolor="white", markeredgewidth=0.8, zorder=3))
            width = name_width_pt(columns)
            if count > MAX_LISTED:
                names = [f"De namen van de {count} partijen staan in de tabel onder de kaart."]
            else:
                names = [fitted(f"{n}. {drawable(' '.join(p.name.split()))}", width)
                         for n, p in enumerate(parties, start=1)]
            top = (names_in - 0.15) / height
            for column in range(columns):
                chunk = names[column * name_rows:(column + 1) * name_rows]
                if chunk:
                    left = 0.04 + column * 0.92 / columns
                    names_text.append(figure.text(left, top, "\n".join(chunk), va="top", ha="left",
                                                  fontproperties=_font(), linespacing=1.45))
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
    import numpy as np

    rgba = np.asarray(canvas.buffer_rgba())
    channels = 3 if rgba[..., 3].min() == 255 else 4
    height, width = rgba.shape[:2]
    rows = np.empty((height, width * channels + 1), dtype=np.uint8)
    rows[:, 0] = 0  # filter type "None" for every row
    rows[:, 1:].reshape(height, width, channels)[...] = rgba[..., :channels]  # one copy, straight into place
    per_metre = round(DPI / 0.0254)
    return b"".join((
        b"\x89PNG\r\n\x1a\n",
        _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2 if channels == 3 else 6, 0, 0, 0)),
        _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
        _chunk(b"IDAT", zlib.compress(rows.data, 3)),
        _chunk(b"IEND", b""),
    ))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
