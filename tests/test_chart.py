"""The stakeholder chart on its own: an EMF picture written record by record, read back here record by
record (each party's marker in its standpunt's colour and shape, with its number; every text at least 8 pt;
the contrast of lines and numbers; crowded grid points spread), placed in a document with its alternative
text, and drawn by LibreOffice with every number and text, in each standpunt's colour."""

from __future__ import annotations

import io
import itertools
import math
import re
import shutil
import struct
import subprocess
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from docx import Document
from lxml import etree

from conftest import Converter, need
from toolbox_docs.documents import chart
from toolbox_docs.documents.blocks import Image, Paragraph
from toolbox_docs.documents.chart import POSITION_STYLE, Party, stakeholder_chart
from toolbox_docs.documents.docx_writer import build_document
from toolbox_docs.settings import Settings

ALT = "Stakeholderkaart van Groenplan Meezenbroek: 12 partijen naar invloed en belang, met hun standpunt."
SHAPES = {"circle": "ellipse", "square": "rectangle", "diamond": "polygon-4", "hexagon": "polygon-6"}


def parties(count: int, positions: tuple[str, ...] = ("voor", "tegen", "neutraal", "onbekend")) -> list[Party]:
    return [Party(f"Partij {n} uit Heerlen", 1 + n % 5, 1 + (n * 3) % 5, positions[n % len(positions)])
            for n in range(count)]


@dataclass
class Drawn:
    """What an EMF draws, read back from its records (an independent reader of the format)."""

    shapes: list[tuple[str, str | None, tuple[float, float]]] = field(default_factory=list)  # kind, fill, centre
    lines: list[tuple[str | None, float, tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    texts: list[tuple[str, float, str, bool, bool, tuple[int, int]]] = field(default_factory=list)  # text, pt, ...
    records: int = 0


def colour(colorref: int) -> str:
    return f"#{colorref & 0xFF:02X}{colorref >> 8 & 0xFF:02X}{colorref >> 16 & 0xFF:02X}"


def read_emf(data: bytes) -> Drawn:
    kind, size = struct.unpack_from("<II", data, 0)
    assert kind == 1 and data[40:44] == b" EMF", "an EMF header"
    total, count = struct.unpack_from("<II", data, 48)
    assert total == len(data)
    objects: dict[int, tuple[str, object]] = {}
    pen: object = None
    brush: object = None
    font: object = None
    text_colour = "#000000"
    position = (0, 0)
    drawn = Drawn()
    at = 0
    while at < len(data):
        kind, size = struct.unpack_from("<II", data, at)
        assert size >= 8 and size % 4 == 0 and at + size <= len(data), (kind, size, at)
        body = data[at + 8:at + size]
        drawn.records += 1
        if kind == 38:  # CREATEPEN: slot, style, width, colour
            slot, _, width, _, ref = struct.unpack_from("<IIiiI", body)
            objects[slot] = ("pen", (colour(ref), width / chart.UNIT_PER_PT))
        elif kind == 39:  # CREATEBRUSHINDIRECT
            slot, _, ref, _ = struct.unpack_from("<IIII", body)
            objects[slot] = ("brush", colour(ref))
        elif kind == 82:  # EXTCREATEFONTINDIRECTW
            slot, height, _, angle, _, weight, italic = struct.unpack_from("<IiiiiiB", body)
            objects[slot] = ("font", (abs(height) / chart.UNIT_PER_PT, weight >= 700, bool(italic), angle))
        elif kind == 37:  # SELECTOBJECT
            (slot,) = struct.unpack_from("<I", body)
            if slot in (0x80000008,):
                pen = None
            elif slot in (0x80000005,):
                brush = None
            elif slot in objects:
                what, value = objects[slot]
                pen, brush, font = (value if what == "pen" else pen, value if what == "brush" else brush,
                                    value if what == "font" else font)
        elif kind == 24:
            text_colour = colour(struct.unpack_from("<I", body)[0])
        elif kind == 27:
            position = struct.unpack_from("<ii", body)
        elif kind == 54:
            end = struct.unpack_from("<ii", body)
            drawn.lines.append((pen[0] if pen else None, pen[1] if pen else 0.0, position, end))  # type: ignore[index]
            position = end
        elif kind in (42, 43):  # ELLIPSE, RECTANGLE
            left, top, right, bottom = struct.unpack_from("<iiii", body)
            drawn.shapes.append(("ellipse" if kind == 42 else "rectangle", brush,  # type: ignore[arg-type]
                                 ((left + right) / 2, (top + bottom) / 2)))
        elif kind == 3:  # POLYGON
            (corners,) = struct.unpack_from("<I", body, 16)
            points = [struct.unpack_from("<ii", body, 20 + 8 * i) for i in range(corners)]
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            drawn.shapes.append((f"polygon-{corners}", brush,  # type: ignore[arg-type]
                                 ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)))
        elif kind == 84:  # EXTTEXTOUTW
            x, y, chars, offset = struct.unpack_from("<iiII", body, 28)
            text = data[at + offset:at + offset + 2 * chars].decode("utf-16-le")
            size_pt, bold, italic, _ = font  # type: ignore[misc]
            drawn.texts.append((text, size_pt, text_colour, bold, italic, (x, y)))
        at += size
    assert kind == 14, "ends with EOF"
    assert drawn.records == count
    return drawn


def drawn(parties: Sequence[Party], **kwargs: float) -> Drawn:
    return read_emf(stakeholder_chart(parties, **kwargs).emf)


def markers(picture: Drawn) -> list[tuple[str, str | None, tuple[float, float]]]:
    """The parties' markers: the last shapes drawn (after the legend), one per number."""
    count = len(numbers(picture))
    return picture.shapes[-count:] if count else []


def numbers(picture: Drawn) -> list[tuple[str, float, str, bool, bool, tuple[int, int]]]:
    return [t for t in picture.texts if t[0].isdigit() and t[3]]  # the bold digits: the parties' numbers


# --- the picture --------------------------------------------------------------------------------------


def test_every_party_is_a_marker_of_its_standpunt_with_its_number_and_the_same_parties_give_the_same_bytes(
        ) -> None:
    crowd = [*parties(12), Party("Iemand", 3, 3, "weet niet")]
    picture = drawn(crowd)
    shown = numbers(picture)
    assert [t[0] for t in shown] == [str(n) for n in range(1, 14)], "every party once, by its number"
    drawn_markers = markers(picture)
    for party, marker, number in zip(crowd, drawn_markers, shown, strict=True):
        expected = POSITION_STYLE.get(party.position, POSITION_STYLE["onbekend"])
        assert marker[1] == expected[0] and marker[0] == SHAPES[expected[1]], (party, marker)
        assert math.dist(marker[2], number[5]) < 0.5 * chart.MARKER_PT * chart.UNIT_PER_PT, "the number on it"
        x, y = chart._at(party.interest, party.influence)
        assert abs(marker[2][0] - x) < 1300 and abs(marker[2][1] - y) < 950, "near its own grid point"
    assert stakeholder_chart(crowd).emf == stakeholder_chart(list(crowd)).emf
    assert stakeholder_chart(crowd).emf != stakeholder_chart(list(reversed(crowd))).emf


def test_the_quadrants_are_divided_at_the_threshold_named_and_the_axes_labelled() -> None:
    picture = drawn(parties(4), threshold=2.5)
    dividers = [line for line in picture.lines if line[0] == chart.DIVIDER]
    x, y = chart._at(2.5, 2.5)
    assert [(start, end) for _, _, start, end in sorted(dividers, key=lambda line: line[2][0] == line[3][0])] == [
        (chart._at(chart.LIMITS[0], 2.5), chart._at(chart.LIMITS[1], 2.5)),
        (chart._at(2.5, chart.LIMITS[0]), chart._at(2.5, chart.LIMITS[1]))]
    assert all(width == pytest.approx(1.0, abs=0.02) for _, width, _, _ in dividers), "1 pt lines"
    texts = [t[0] for t in picture.texts]
    for label in (*chart.QUADRANTS, chart.TITLE, chart.X_TITLE, chart.Y_TITLE, chart.LEGEND_TITLE,
                  "voor", "neutraal", "tegen", "onbekend"):
        assert texts.count(label) == 1, label
    assert texts.count("1") == 2 + 1 and texts.count("5") == 2, "ticks 1-5 on both axes (and party 1)"
    nauw = next(t for t in picture.texts if t[0] == "Nauw betrekken")[5]
    assert nauw[0] > x and nauw[1] < y, "Nauw betrekken: much influence (up), much interest (right)"


def test_no_parties_still_gives_the_chart_with_its_legend() -> None:
    picture = drawn([])
    assert numbers(picture) == []
    legend = [s for s in picture.shapes if s[1] in {c for c, _, _ in POSITION_STYLE.values()}]
    assert [(kind, fill) for kind, fill, _ in legend] == [(SHAPES[shape], c) for c, shape, _ in POSITION_STYLE.values()]


def test_nothing_a_person_typed_is_written_into_the_picture() -> None:
    crowd = [Party("Jongerenraad 🎉🏽 <Heerlen>", 3, 4, "voor"), Party("🌳🌳🌳", 5, 5, "tegen")]
    emf = stakeholder_chart(crowd).emf
    for typed in ("Jongerenraad", "🌳", "Heerlen"):
        assert typed.encode("utf-16-le") not in emf
    assert [t[0] for t in numbers(read_emf(emf))] == ["1", "2"]


# --- legible at print size ----------------------------------------------------------------------------


def contrast(colour: str, background: str = "#FFFFFF") -> float:
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(colour), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_every_text_is_at_least_8_pt_and_the_lines_and_numbers_have_enough_contrast() -> None:
    picture = drawn(parties(50))
    assert len(picture.texts) == 50 + 10 + 4 + 4 + 4  # numbers, ticks, quadrants, legend; 4 titles
    assert len(picture.texts) > 0 and min(t[1] for t in picture.texts) >= chart.MIN_PT == 8.0
    assert chart.WIDTH_CM == 16.0 and chart.WIDTH == 16000  # laid out for the width it is placed at

    assert contrast(chart.DIVIDER) >= 4.5 and contrast(chart.LABEL_GREY) >= 4.5
    for position, (fill, _, _) in POSITION_STYLE.items():
        assert contrast(fill) >= 4.5, f"white numbers on {position}"
    assert {t[2] for t in numbers(picture)} == {"#FFFFFF"}
    assert {t[2] for t in picture.texts if t[0] in chart.QUADRANTS} == {chart.LABEL_GREY}
    assert {t[2] for t in picture.texts if t not in numbers(picture) and t[0] not in chart.QUADRANTS} == {"#000000"}


def test_parties_on_one_grid_point_are_spread_so_none_hides_another() -> None:
    for count in (2, 3, 6, 7):
        places = [m[2] for m in markers(drawn([Party(f"P{n}", 4, 2, "voor") for n in range(count)]))]
        closest = min(math.dist(a, b) for a, b in itertools.combinations(places, 2)) / chart.UNIT_PER_PT
        assert closest >= chart.SPACING_PT - 0.1, (count, closest)
    # A crowd too big for its cell is drawn closer, but stays within half a step of its grid point.
    places = [m[2] for m in markers(drawn([Party(f"P{n}", 4, 2, "tegen") for n in range(30)]))]
    x, y = chart._at(2, 4)
    span = chart.LIMITS[1] - chart.LIMITS[0]
    step = chart.AXES_WIDTH / span, chart.AXES_HEIGHT / span
    assert all(abs(px - x) <= step[0] / 2 + 1 and abs(py - y) <= step[1] / 2 + 1 for px, py in places)
    assert len(set(places)) == 30, "no two in the same place"


# --- in the document ----------------------------------------------------------------------------------


def document_with(parties: Sequence[Party]) -> bytes:
    return build_document([Paragraph.of("De stakeholderkaart."), Image("kaart", ALT, 16.0)],
                          limits=Settings().limits, images={"kaart": stakeholder_chart(parties)},
                          title="Participatieplan Groenplan Meezenbroek")


def test_the_chart_is_a_picture_of_the_document_with_its_type_relationship_and_alternative_text() -> None:
    data = document_with(parties(12))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        types = etree.fromstring(package.read("[Content_Types].xml"))
        rels = etree.fromstring(package.read("word/_rels/document.xml.rels"))
        document = etree.fromstring(package.read("word/document.xml"))
        [name] = [n for n in package.namelist() if n.startswith("word/media/")]
        part = package.read(name)
    assert part == stakeholder_chart(parties(12)).emf and name.endswith(".emf")
    declared = {o.get("Extension") or o.get("PartName"): o.get("ContentType") for o in types}
    assert declared.get("emf", declared.get("/" + name)) == "image/x-emf"
    [rel] = [r for r in rels if r.get("Target") == name.removeprefix("word/")]
    assert rel.get("Type").endswith("/image")
    [blip] = document.iterfind(".//{*}blip")
    assert blip.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed") == rel.get("Id")
    [doc_pr] = document.iterfind(".//{*}docPr")
    assert doc_pr.get("descr") == ALT
    extent = next(document.iterfind(".//{*}inline/{*}extent"))
    assert abs(int(extent.get("cx")) / 360000 - 16.0) < 0.05  # 16 cm, or the text width if that is a hair less
    assert abs(int(extent.get("cy")) / int(extent.get("cx")) - chart.HEIGHT / chart.WIDTH) < 0.001
    paragraph = next(document.iterfind(".//{*}drawing/../.."))
    assert paragraph.find("{*}pPr/{*}keepNext") is not None, "kept with the table under it"
    assert Document(io.BytesIO(data)).paragraphs  # python-docx opens it again
    assert document_with(parties(12)) == data, "deterministic"


def _ppm_pixels(ppm: bytes) -> tuple[int, int, bytes]:
    header = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", ppm)
    assert header is not None
    return int(header[1]), int(header[2]), ppm[header.end():]


def colour_counts(pdf: Path) -> dict[str, int]:
    """Pixels of each standpunt's colour on the first page, rendered by poppler at 50 dpi."""
    ppm = subprocess.run(["pdftoppm", "-r", "50", "-f", "1", "-l", "1", str(pdf)], capture_output=True,
                         check=True).stdout
    _, _, raw = _ppm_pixels(ppm)
    wanted = {p: tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for p, (c, _, _) in POSITION_STYLE.items()}
    counts = dict.fromkeys(wanted, 0)
    pixels = zip(raw[0::3], raw[1::3], raw[2::3], strict=True)
    for pixel in pixels:
        for position, rgb in wanted.items():
            if max(abs(a - b) for a, b in zip(pixel, rgb, strict=True)) <= 6:
                counts[position] += 1
    return counts


@pytest.mark.slow
def test_libreoffice_draws_every_number_and_text_and_each_standpunt_in_its_colour(
        soffice: Converter, tmp_path: Path) -> None:
    need(shutil.which("pdftotext") is not None and shutil.which("pdftoppm") is not None,
         "poppler (pdftotext, pdftoppm) is not installed")
    crowded = [*parties(44), *(Party(f"Buur {n}", 5, 5, "voor") for n in range(6))]  # six on one point
    sources = {"fifty": crowded, "mixed": parties(8, ("voor", "tegen")), "neutral": parties(8, ("neutraal",))}
    for name, group in sources.items():
        (tmp_path / f"{name}.docx").write_bytes(document_with(group))
    pdfs = dict(zip(sources, soffice([tmp_path / f"{n}.docx" for n in sources], "pdf", tmp_path / "pdf"),
                    strict=True))

    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdfs["fifty"]), "-"], capture_output=True,
                          text=True, check=True).stdout
    words = text.split()
    for label in (*chart.QUADRANTS, chart.TITLE, chart.X_TITLE, chart.Y_TITLE, chart.LEGEND_TITLE, "voor",
                  "neutraal", "tegen", "onbekend"):
        assert " ".join(label.split()) in " ".join(words), label
    drawn = {int(w) for w in words if w.isdigit()}
    assert set(range(1, 51)) <= drawn, sorted(set(range(1, 51)) - drawn)

    mixed, neutral = colour_counts(pdfs["mixed"]), colour_counts(pdfs["neutral"])
    # The legend shows all four in both: only the markers can make the difference.
    assert mixed["voor"] > neutral["voor"] + 100 and mixed["tegen"] > neutral["tegen"] + 100, (mixed, neutral)
    assert neutral["neutraal"] > mixed["neutraal"] + 100, (mixed, neutral)
    assert min(mixed.values()) > 0 and min(neutral.values()) > 0, "the legend shows all four standpunten"
