"""The stakeholder chart: influence × interest, each party a numbered marker coloured by standpunt.

Drawn as vector graphics in an Enhanced Metafile (EMF, [MS-EMF]), written record by record by this module,
and placed in the documents as a picture with alternative text. Word and LibreOffice draw an EMF natively
(shapes as shapes, text as text in the document's font), sharp at any zoom and in print, and writing one
costs well under a millisecond: no plotting library (matplotlib's import alone cost about 1 s of CPU per
``process`` run). A picture, unlike a native chart part, keeps its alternative text in LibreOffice (7.4
drops a chart part's alternative text when it opens a .docx, so its tagged PDF would lose it).

What it guarantees: laid out at the size it is placed at (16 cm wide), so sizes are printed sizes; every
text at least 8 pt (``MIN_PT``); the lines that divide the quadrants 4.5:1 against white; the standpunten
in colour and shape (circle, square, diamond, hexagon); each party's number in white bold in its marker;
parties on the same grid point packed in rings around it so none hides another (``_spread``). The chart
shows numbers only: the names are in the numbered table right under it in the plan (real text of the
document, whole, in its own fonts), so 20, 50 or more parties stay legible and a name with an emoji is
shown like any other text. Nothing a person typed is written into the picture.

The EMF's texts are fixed words and numbers; they are written without a spacing array (the viewer spaces
them with the font's own widths), in Arial (LibreOffice uses its metric twin, Liberation Sans).
"""

from __future__ import annotations

import math
import struct
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

# Colour, marker shape and legend word per standpunt: shape as well as colour, so the chart also reads in
# grey or for people who do not see red and green apart. Colours are dark enough for white numbers on them.
POSITION_STYLE = {
    "voor": ("#2E7D32", "circle", "voor"),
    "neutraal": ("#616161", "square", "neutraal"),
    "tegen": ("#C62828", "diamond", "tegen"),
    "onbekend": ("#8D6E00", "hexagon", "onbekend"),
}
UNIT_PER_PT = 2540 / 72  # the EMF's unit is 0.01 mm
WIDTH_CM = 16.0  # the width it is placed at in the documents, so font sizes are real sizes
MIN_PT = 8.0  # the smallest text on the chart, printed
LABEL_PT = 9.0  # tick labels, axis titles, the legend's title
TITLE_PT = 10.0
MARKER_PT = 17.0  # marker size in points: room for a two-digit number at 8 pt bold
SPACING_PT = MARKER_PT + 1.5  # between the centres of markers on one grid point
DIVIDER = "#767676"  # the quadrant lines: 4.5:1 against white
LABEL_GREY = "#595959"  # the quadrants' names: 7:1 against white
FONT = "Arial"
LIMITS = (0.3, 5.7)
TITLE = "Stakeholderkaart"
X_TITLE = "Belang (1 = klein, 5 = groot)"
Y_TITLE = "Invloed (1 = weinig, 5 = veel)"
LEGEND_TITLE = "Standpunt"
QUADRANTS = ("Nauw betrekken", "Tevreden houden", "Informeren en betrekken", "Monitoren")
CONTENT_TYPE = "image/x-emf"
# The layout, in EMF units (0.01 mm): the plot area (axes) and the whole picture.
WIDTH = 16000
AXES_LEFT, AXES_TOP, AXES_WIDTH, AXES_HEIGHT = 1600, 1000, 13920, 10160
HEIGHT = AXES_TOP + AXES_HEIGHT + 2500


@dataclass(frozen=True)
class Party:
    name: str
    influence: int
    interest: int
    position: str


@dataclass(frozen=True)
class Chart:
    """The chart as an EMF picture, with the size it is drawn for."""

    emf: bytes
    width_cm: float = WIDTH_CM
    height_cm: float = HEIGHT / 1000


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


def points_per_unit() -> tuple[float, float]:
    """Points per data unit along x and y in the plot area, at the size the chart is placed at."""
    span = LIMITS[1] - LIMITS[0]
    return (AXES_WIDTH / UNIT_PER_PT / span, AXES_HEIGHT / UNIT_PER_PT / span)


def _at(x: float, y: float) -> tuple[int, int]:
    """EMF coordinates of a point in data units (y grows upwards in the data, downwards in the EMF)."""
    span = LIMITS[1] - LIMITS[0]
    return (round(AXES_LEFT + (x - LIMITS[0]) / span * AXES_WIDTH),
            round(AXES_TOP + AXES_HEIGHT - (y - LIMITS[0]) / span * AXES_HEIGHT))


def _colour(hex_colour: str) -> int:
    """A COLORREF: 0x00BBGGRR."""
    red, green, blue = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return red | green << 8 | blue << 16


# Record types of [MS-EMF] used here.
_HEADER, _POLYGON, _EOF, _SETBKMODE, _SETTEXTALIGN, _SETTEXTCOLOR = 1, 3, 14, 18, 22, 24
_MOVETO, _SELECTOBJECT, _CREATEPEN, _CREATEBRUSH, _DELETEOBJECT, _ELLIPSE, _RECTANGLE = 27, 37, 38, 39, 40, 42, 43
_LINETO, _CREATEFONT, _EXTTEXTOUTW = 54, 82, 84
NULL_PEN, NULL_BRUSH = 0x80000008, 0x80000005  # stock objects
CENTRE, LEFT, RIGHT = 6 | 24, 0 | 24, 2 | 24  # text alignment: TA_CENTER / TA_LEFT / TA_RIGHT, on the baseline


def _font_height(size_pt: float) -> int:
    # Negative: the height of the characters (the em), not the cell; rounded up, never below the size asked.
    return -math.ceil(size_pt * UNIT_PER_PT)


class _Drawing:
    """Drawing operations on a metafile: pens, brushes and fonts each in a slot of their own."""

    PEN, BRUSH, FONT = 1, 2, 3

    def __init__(self) -> None:
        self.records: list[bytes] = []
        self.used: set[int] = set()

    def record(self, kind: int, payload: bytes = b"") -> None:
        self.records.append(struct.pack("<II", kind, 8 + len(payload)) + payload)

    def _object(self, slot: int, kind: int, payload: bytes) -> None:
        stock = {self.PEN: NULL_PEN, self.BRUSH: NULL_BRUSH, self.FONT: 0x8000000D}[slot]  # SYSTEM_FONT
        if slot in self.used:
            self.record(_SELECTOBJECT, struct.pack("<I", stock))
            self.record(_DELETEOBJECT, struct.pack("<I", slot))
        self.record(kind, struct.pack("<I", slot) + payload)
        self.record(_SELECTOBJECT, struct.pack("<I", slot))
        self.used.add(slot)

    def pen(self, colour: str | None, width_pt: float = 0.0) -> None:
        if colour is None:
            self.record(_SELECTOBJECT, struct.pack("<I", NULL_PEN))
            return
        self._object(self.PEN, _CREATEPEN, struct.pack("<IiiI", 0, round(width_pt * UNIT_PER_PT), 0,
                                                       _colour(colour)))

    def brush(self, colour: str | None) -> None:
        if colour is None:
            self.record(_SELECTOBJECT, struct.pack("<I", NULL_BRUSH))
            return
        self._object(self.BRUSH, _CREATEBRUSH, struct.pack("<III", 0, _colour(colour), 0))

    def font(self, size_pt: float, *, bold: bool = False, italic: bool = False, vertical: bool = False) -> None:
        angle = 900 if vertical else 0  # tenths of a degree, anticlockwise
        face = FONT.encode("utf-16-le").ljust(64, b"\0")
        logfont = struct.pack("<iiiiiBBBBBBBB", _font_height(size_pt), 0, angle, angle, 700 if bold else 400,
                              int(italic), 0, 0, 0, 0, 0, 5, 0) + face  # 5: CLEARTYPE_QUALITY
        self._object(self.FONT, _CREATEFONT, logfont)

    def line(self, start: tuple[int, int], end: tuple[int, int]) -> None:
        self.record(_MOVETO, struct.pack("<ii", *start))
        self.record(_LINETO, struct.pack("<ii", *end))

    def rectangle(self, left: int, top: int, right: int, bottom: int) -> None:
        self.record(_RECTANGLE, struct.pack("<iiii", left, top, right, bottom))

    def ellipse(self, left: int, top: int, right: int, bottom: int) -> None:
        self.record(_ELLIPSE, struct.pack("<iiii", left, top, right, bottom))

    def polygon(self, points: Sequence[tuple[int, int]]) -> None:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        self.record(_POLYGON, struct.pack("<iiiiI", min(xs), min(ys), max(xs), max(ys), len(points))
                    + b"".join(struct.pack("<ii", *p) for p in points))

    def text(self, at: tuple[int, int], text: str, colour: str, align: int) -> None:
        self.record(_SETTEXTCOLOR, struct.pack("<I", _colour(colour)))
        self.record(_SETBKMODE, struct.pack("<I", 1))  # TRANSPARENT
        self.record(_SETTEXTALIGN, struct.pack("<I", align))
        data = text.encode("utf-16-le")
        data += b"\0" * (-len(data) % 4)
        offset = 76  # of the string from the record's start: after the fixed fields below
        self.record(_EXTTEXTOUTW, struct.pack("<iiiiIff", 0, 0, -1, -1, 1, 0.0, 0.0)
                    + struct.pack("<iiIIIiiiiI", *at, len(text), offset, 0, 0, 0, -1, -1, 0) + data)

    def metafile(self) -> bytes:
        """The EMF: header, the records, end of file. Its reference device is 100 mm wide with 10 000
        pixels, so one logical unit is 0.01 mm."""
        eof = struct.pack("<IIIII", _EOF, 20, 0, 16, 20)
        body = b"".join(self.records)
        size = 88 + len(body) + len(eof)
        header = (struct.pack("<II", _HEADER, 88) + struct.pack("<iiii", 0, 0, WIDTH - 1, HEIGHT - 1)
                  + struct.pack("<iiii", 0, 0, WIDTH - 1, HEIGHT - 1)
                  + struct.pack("<IIIIHHIIIiiii", 0x464D4520, 0x10000, size, len(self.records) + 2, 4, 0, 0, 0, 0,
                                10000, 10000, 100, 100))
        return header + body + eof


def _marker(drawing: _Drawing, shape: str, centre: tuple[int, int], size_pt: float) -> None:
    """A marker of ``shape`` and about the area of a circle ``size_pt`` wide, centred on ``centre``."""
    x, y = centre
    r = size_pt * UNIT_PER_PT / 2
    if shape == "circle":
        drawing.ellipse(round(x - r), round(y - r), round(x + r), round(y + r))
    elif shape == "square":
        half = r * 0.9
        drawing.rectangle(round(x - half), round(y - half), round(x + half), round(y + half))
    else:
        corners, radius, turn = (4, r * 1.25, 0.0) if shape == "diamond" else (6, r * 1.08, math.pi / 6)
        drawing.polygon([(round(x + radius * math.sin(turn + 2 * math.pi * k / corners)),
                          round(y - radius * math.cos(turn + 2 * math.pi * k / corners))) for k in range(corners)])


def _baseline(y: int, size_pt: float) -> int:
    """The baseline that centres a line of text of ``size_pt`` vertically on ``y`` (digits and capitals)."""
    return round(y + 0.36 * size_pt * UNIT_PER_PT)


def stakeholder_chart(parties: Sequence[Party], *, threshold: float = 3.5) -> Chart:
    """The chart for ``parties`` (numbered from 1 in their order); deterministic for the same parties.
    ``threshold`` divides low from high on both axes."""
    d = _Drawing()
    d.pen(None)
    d.brush("#FFFFFF")
    d.rectangle(0, 0, WIDTH, HEIGHT)
    right, bottom = AXES_LEFT + AXES_WIDTH, AXES_TOP + AXES_HEIGHT
    # Title, the quadrant lines and names, the frame with its ticks and the axes' names.
    d.font(TITLE_PT)
    d.text((AXES_LEFT + AXES_WIDTH // 2, AXES_TOP - 250), TITLE, "#000000", CENTRE)
    d.pen(DIVIDER, 1.0)
    d.line(_at(LIMITS[0], threshold), _at(LIMITS[1], threshold))
    d.line(_at(threshold, LIMITS[0]), _at(threshold, LIMITS[1]))
    d.font(MIN_PT, italic=True)
    low, high = (LIMITS[0] + threshold) / 2, (threshold + LIMITS[1]) / 2
    for (x, y), name in zip(((high, 5.55), (low, 5.55), (high, 0.45), (low, 0.45)), QUADRANTS, strict=True):
        at = _at(x, y)
        d.text((at[0], _baseline(at[1], MIN_PT)), name, LABEL_GREY, CENTRE)
    d.pen("#000000", 0.8)
    d.brush(None)
    d.rectangle(AXES_LEFT, AXES_TOP, right, bottom)
    d.font(LABEL_PT)
    tick = round(3.5 * UNIT_PER_PT)
    for value in range(1, 6):
        x, _ = _at(value, 0)
        _, y = _at(0, value)
        d.line((x, bottom), (x, bottom + tick))
        d.line((AXES_LEFT - tick, y), (AXES_LEFT, y))
        d.text((x, bottom + tick + round(LABEL_PT * UNIT_PER_PT)), str(value), "#000000", CENTRE)
        d.text((AXES_LEFT - tick - 100, _baseline(y, LABEL_PT)), str(value), "#000000", RIGHT)
    d.text((AXES_LEFT + AXES_WIDTH // 2, bottom + 850), X_TITLE, "#000000", CENTRE)
    d.font(LABEL_PT, vertical=True)
    d.text((AXES_LEFT - 750, AXES_TOP + AXES_HEIGHT // 2), Y_TITLE, "#000000", CENTRE)
    # The legend: its title, then a marker and a word per standpunt.
    d.font(LABEL_PT)
    d.text((WIDTH // 2, bottom + 1550), LEGEND_TITLE, "#000000", CENTRE)
    d.pen(None)
    for slot, (colour, shape, word) in enumerate(POSITION_STYLE.values()):
        x, y = round(WIDTH / 2 + (slot - 1.5) * 2600 - 500), bottom + 2000
        d.brush(colour)
        _marker(d, shape, (x, y), 8.0)
        d.font(MIN_PT)
        d.text((x + 250, _baseline(y, MIN_PT)), word, "#000000", LEFT)
    # The parties: markers first (white edges keep touching markers apart), then their numbers on top.
    places = _spread(parties, points_per_unit=points_per_unit())
    d.pen("#FFFFFF", 0.8)
    for party, place in zip(parties, places, strict=True):
        colour, shape, _ = POSITION_STYLE.get(party.position, POSITION_STYLE["onbekend"])
        d.brush(colour)
        _marker(d, shape, _at(*place), MARKER_PT)
    d.font(MIN_PT, bold=True)
    for number, place in enumerate(places, start=1):
        x, y = _at(*place)
        d.text((x, _baseline(y, MIN_PT)), str(number), "#FFFFFF", CENTRE)
    return Chart(d.metafile())
