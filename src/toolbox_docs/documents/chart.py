"""The stakeholder chart: influence × interest, each party a numbered marker coloured by standpunt.

Written as a native Word chart (a DrawingML chart part, ``c:chartSpace``, ECMA-376 part 1 §21.2): a
scatter chart with one series per standpunt in its colour and marker shape, each party's number in white
bold in its marker, the two lines that divide the quadrants at the threshold, the quadrants' names, the
axis titles and the ticks 1–5. Word and LibreOffice draw it as vector graphics from its own text, so it
is sharp at any zoom and in print, and drawing it costs no more than writing some XML (no plotting
library: matplotlib's import alone cost about 1 s of CPU per ``process`` run). The chart carries its
values in the part itself (``c:numLit``) and has no embedded workbook: Word shows it, but "Gegevens
bewerken" has no data to open.

What it guarantees: every text at least 8 pt (``MIN_PT``) at the size it is placed at (16 cm wide); the
lines that divide the quadrants at least 4.5:1 against white; parties on the same grid point are packed
in rings around it so none hides another (``_spread``). The chart shows numbers only: the names are in
the numbered table right under it in the plan (real text in the document, never shortened), so 20, 50 or
more parties stay legible, and a name with an emoji is shown by the document's own fonts like any other
text. Nothing a person typed is written into the chart part.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

# Colour and shape per standpunt: shape as well as colour, so the chart also reads in grey or for
# people who do not see red and green apart. Colours are dark enough for white numbers on them.
# The size in points of each shape gives room for a two-digit number at 8 pt bold (a diamond and a
# triangle need a larger box for the same room). DrawingML has no hexagon marker: onbekend is a triangle.
POSITION_STYLE = {
    "voor": ("#2E7D32", "circle", "voor", 17),
    "neutraal": ("#616161", "square", "neutraal", 16),
    "tegen": ("#C62828", "diamond", "tegen", 21),
    "onbekend": ("#8D6E00", "triangle", "onbekend", 24),
}
# A triangle is widest at its base: its number sits this much below the middle of the marker.
LOWER_PT = {"triangle": 3.5}
WIDTH_CM = 16.0  # the width it is placed at in the documents, so font sizes are real sizes
HEIGHT_CM = 14.5
MIN_PT = 8.0  # the smallest text on the chart, printed
LABEL_PT = 9.0  # axis titles and ticks
TITLE_PT = 10.0
SPACING_PT = 22.0  # between the centres of markers on one grid point
DIVIDER = "#767676"  # the quadrant lines: 4.5:1 against white
LABEL_GREY = "#595959"  # the quadrants' names: 7:1 against white
AXIS_GREY = "#595959"
LIMITS = (0.0, 6.0)  # the axes run from 0 to 6 so that the ticks fall on 1..5; 0 and 6 are not labelled
# The plot area inside the chart, as fractions of the chart's width and height (DrawingML's "inner"
# manual layout): the spread of crowded grid points is computed for this size.
PLOT = (0.10, 0.07, 0.86, 0.74)  # x, y, width, height
TITLE = "Stakeholderkaart"
X_TITLE = "Belang (1 = klein, 5 = groot)"
Y_TITLE = "Invloed (1 = weinig, 5 = veel)"
QUADRANTS = ("Nauw betrekken", "Tevreden houden", "Informeren en betrekken", "Monitoren")
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
NS_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PT_PER_CM = 72 / 2.54


@dataclass(frozen=True)
class Party:
    name: str
    influence: int
    interest: int
    position: str


@dataclass(frozen=True)
class Chart:
    """A chart part ready to be placed: its XML (``c:chartSpace``) and the size it is drawn for."""

    xml: bytes
    width_cm: float = WIDTH_CM
    height_cm: float = HEIGHT_CM


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
    return (WIDTH_CM * _PT_PER_CM * PLOT[2] / span, HEIGHT_CM * _PT_PER_CM * PLOT[3] / span)


# --- the chart part -----------------------------------------------------------------------------------


def _colour(hex_colour: str) -> str:
    return f'<a:solidFill><a:srgbClr val="{hex_colour.lstrip("#").upper()}"/></a:solidFill>'


def _run_props(size_pt: float, colour: str, *, bold: bool = False, italic: bool = False, tag: str = "a:defRPr"
               ) -> str:
    return (f'<{tag} lang="nl-NL" sz="{round(size_pt * 100)}" b="{int(bold)}" i="{int(italic)}">'
            f"{_colour(colour)}<a:latin typeface=\"+mn-lt\"/></{tag}>")


def _rich(text: str, size_pt: float, colour: str, *, bold: bool = False, italic: bool = False) -> str:
    return (f"<c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr>{_run_props(size_pt, colour, bold=bold, italic=italic)}"
            f"</a:pPr><a:r>{_run_props(size_pt, colour, bold=bold, italic=italic, tag='a:rPr')}"
            f"<a:t>{escape(text)}</a:t></a:r></a:p></c:rich>")


def _text_props(size_pt: float, colour: str, *, bold: bool = False, italic: bool = False) -> str:
    return (f"<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr>{_run_props(size_pt, colour, bold=bold, italic=italic)}"
            '</a:pPr><a:endParaRPr lang="nl-NL"/></a:p></c:txPr>')


def _numbers(values: Sequence[float], column: int, rows: int) -> str:
    """Values as a reference with its cache (what Word writes; LibreOffice reads only the cache of a
    reference, not literal values). The reference names columns of a workbook the chart does not have:
    one column per coordinate of a series, a row per point, so that no two series share a range. Every
    series has the same number of ``rows`` (LibreOffice reads series of different lengths as empty);
    the rows a series does not use are blank points, which are not drawn."""
    letter = chr(ord("A") + column)
    count = rows
    points = "".join(f'<c:pt idx="{i}"><c:v>{v:.4f}</c:v></c:pt>' for i, v in enumerate(values))
    return (f"<c:numRef><c:f>Blad1!${letter}$2:${letter}${count + 1}</c:f><c:numCache>"
            f'<c:formatCode>General</c:formatCode><c:ptCount val="{count}"/>{points}</c:numCache></c:numRef>')


_NO_SHOW = ('<c:showLegendKey val="0"/><c:showVal val="0"/><c:showCatName val="0"/><c:showSerName val="0"/>'
            '<c:showPercent val="0"/><c:showBubbleSize val="0"/>')


def _labels(texts: Sequence[str], size_pt: float, colour: str, *, bold: bool = False, italic: bool = False,
            lower_pt: float = 0.0) -> str:
    """A data label per point showing ``texts[i]`` (its own text, not a value), centred on the point, or
    ``lower_pt`` below it (an offset as a fraction of the chart's height, as DrawingML has it)."""
    shift = (f'<c:layout><c:manualLayout><c:x val="0"/><c:y val="{lower_pt / (HEIGHT_CM * _PT_PER_CM):.5f}"/>'
             "</c:manualLayout></c:layout>") if lower_pt else ""
    labels = "".join(
        f'<c:dLbl><c:idx val="{i}"/>{shift}<c:tx>{_rich(text, size_pt, colour, bold=bold, italic=italic)}</c:tx>'
        '<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr><c:dLblPos val="ctr"/>'
        '<c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/><c:showSerName val="0"/>'
        '<c:showPercent val="0"/><c:showBubbleSize val="0"/></c:dLbl>'
        for i, text in enumerate(texts))
    return f"<c:dLbls>{labels}{_NO_SHOW}</c:dLbls>"


def _series(index: int, name: str, points: Sequence[tuple[float, float]], *, rows: int, marker: str = "none",
            size: int = 0, colour: str | None = None, line: str | None = None, labels: str = "") -> str:
    """One scatter series: markers (``colour``) without a line, or a line (``line``) without markers."""
    if line is not None:
        shape = f'<c:spPr><a:ln w="12700" cap="flat">{_colour(line)}</a:ln></c:spPr>'
        mark = '<c:marker><c:symbol val="none"/></c:marker>'
    else:
        shape = '<c:spPr><a:ln w="12700"><a:noFill/></a:ln></c:spPr>'
        if colour is None:
            mark = '<c:marker><c:symbol val="none"/></c:marker>'
        else:
            mark = (f'<c:marker><c:symbol val="{marker}"/><c:size val="{size}"/><c:spPr>{_colour(colour)}'
                    f'<a:ln w="10160">{_colour("#FFFFFF")}</a:ln></c:spPr></c:marker>')
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (f'<c:ser><c:idx val="{index}"/><c:order val="{index}"/><c:tx><c:v>{escape(name)}</c:v></c:tx>'
            f"{shape}{mark}{labels}<c:xVal>{_numbers(xs, 2 * index, rows)}</c:xVal>"
            f"<c:yVal>{_numbers(ys, 2 * index + 1, rows)}</c:yVal>"
            '<c:smooth val="0"/></c:ser>')


def _axis(ax_id: int, cross: int, position: str, title: str) -> str:
    # Ticks every 1 from 0 to 6; the number format leaves 0 and 6 without a label.
    return (f'<c:valAx><c:axId val="{ax_id}"/><c:scaling><c:orientation val="minMax"/>'
            f'<c:max val="{LIMITS[1]:g}"/><c:min val="{LIMITS[0]:g}"/></c:scaling><c:delete val="0"/>'
            f'<c:axPos val="{position}"/><c:title><c:tx>{_rich(title, LABEL_PT, "#000000")}</c:tx>'
            '<c:overlay val="0"/></c:title>'
            '<c:numFmt formatCode="[&lt;0.5]&quot;&quot;;[&lt;5.5]0;&quot;&quot;" sourceLinked="0"/>'
            '<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="low"/>'
            f'<c:spPr><a:ln w="9525">{_colour(AXIS_GREY)}</a:ln></c:spPr>{_text_props(LABEL_PT, "#000000")}'
            f'<c:crossAx val="{cross}"/><c:crosses val="min"/><c:crossBetween val="midCat"/>'
            '<c:majorUnit val="1"/></c:valAx>')


def stakeholder_chart(parties: Sequence[Party], *, threshold: float = 3.5) -> Chart:
    """The chart part for ``parties`` (numbered from 1 in their order); deterministic for the same parties.
    ``threshold`` divides low from high on both axes."""
    spread = _spread(parties, points_per_unit=points_per_unit())
    by_position: dict[str, list[tuple[int, tuple[float, float]]]] = {p: [] for p in POSITION_STYLE}
    for number, (party, place) in enumerate(zip(parties, spread, strict=True), start=1):
        position = party.position if party.position in POSITION_STYLE else "onbekend"
        by_position[position].append((number, place))
    low, high = LIMITS
    rows = max(4, *(len(members) for members in by_position.values()))
    series = [
        _series(0, "scheiding invloed", [(low, threshold), (high, threshold)], rows=rows, line=DIVIDER),
        _series(1, "scheiding belang", [(threshold, low), (threshold, high)], rows=rows, line=DIVIDER),
    ]
    for index, (position, members) in enumerate(by_position.items(), start=2):
        colour, marker, label, size = POSITION_STYLE[position]
        series.append(_series(index, label, [place for _, place in members], rows=rows, marker=marker, size=size,
                              colour=colour,
                              labels=_labels([str(n) for n, _ in members], MIN_PT, "#FFFFFF", bold=True,
                                             lower_pt=LOWER_PT.get(marker, 0.0))))
    left, right = (low + threshold) / 2, (threshold + high) / 2
    top, bottom = high - 0.25, low + 0.25
    quadrants = [(right, top), (left, top), (right, bottom), (left, bottom)]
    series.append(_series(len(series), "kwadranten", quadrants, rows=rows,
                          labels=_labels(QUADRANTS, MIN_PT, LABEL_GREY, italic=True)))
    hidden = "".join(f'<c:legendEntry><c:idx val="{i}"/><c:delete val="1"/></c:legendEntry>'
                     for i in (0, 1, len(series) - 1))
    x, y, w, h = PLOT
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<c:chartSpace xmlns:c="{NS_C}" xmlns:a="{NS_A}" xmlns:r="{NS_R}">'
        '<c:lang val="nl-NL"/><c:roundedCorners val="0"/>'
        f'<c:chart><c:title><c:tx>{_rich(TITLE, TITLE_PT, "#000000")}</c:tx><c:overlay val="0"/></c:title>'
        '<c:autoTitleDeleted val="0"/><c:plotArea><c:layout><c:manualLayout><c:layoutTarget val="inner"/>'
        '<c:xMode val="edge"/><c:yMode val="edge"/>'
        f'<c:x val="{x}"/><c:y val="{y}"/><c:w val="{w}"/><c:h val="{h}"/></c:manualLayout></c:layout>'
        '<c:scatterChart><c:scatterStyle val="lineMarker"/><c:varyColors val="0"/>'
        f'{"".join(series)}<c:axId val="101"/><c:axId val="102"/></c:scatterChart>'
        f'{_axis(101, 102, "b", X_TITLE)}{_axis(102, 101, "l", Y_TITLE)}'
        f'<c:spPr><a:noFill/><a:ln w="9525">{_colour(AXIS_GREY)}</a:ln></c:spPr></c:plotArea>'
        f'<c:legend><c:legendPos val="b"/>{hidden}<c:overlay val="0"/>{_text_props(MIN_PT, "#000000")}</c:legend>'
        '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
        f'<c:spPr><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill><a:ln><a:noFill/></a:ln></c:spPr>'
        f'{_text_props(LABEL_PT, "#000000")}</c:chartSpace>'
    )
    return Chart(xml.encode("utf-8"))
