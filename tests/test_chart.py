"""The stakeholder chart on its own: a native Word chart part (DrawingML), valid against ECMA-376, placed
in a document with its alternative text, legible at print size, and drawn by LibreOffice with every
party's number, in each standpunt's colour."""

from __future__ import annotations

import io
import itertools
import math
import re
import shutil
import subprocess
import zipfile
from collections.abc import Sequence
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

C = {"c": chart.NS_C, "a": chart.NS_A}
ALT = "Stakeholderkaart van Groenplan Meezenbroek: 12 partijen naar invloed en belang, met hun standpunt."


def parties(count: int, positions: tuple[str, ...] = ("voor", "tegen", "neutraal", "onbekend")) -> list[Party]:
    return [Party(f"Partij {n} uit Heerlen", 1 + n % 5, 1 + (n * 3) % 5, positions[n % len(positions)])
            for n in range(count)]


def parsed(parties: Sequence[Party], **kwargs: float) -> etree._Element:
    return etree.fromstring(stakeholder_chart(parties, **kwargs).xml)


def values(series: etree._Element, axis: str) -> list[float | None]:
    """The values of one coordinate (``xVal``/``yVal``) of a series, ``None`` for a blank point."""
    cache = series.find(f"c:{axis}/c:numRef/c:numCache", C)
    assert cache is not None
    count = int(cache.find("c:ptCount", C).get("val"))
    found = {int(p.get("idx")): float(p.findtext("c:v", namespaces=C)) for p in cache.findall("c:pt", C)}
    return [found.get(i) for i in range(count)]


def points_by_series(root: etree._Element) -> dict[str, list[tuple[float, float, str]]]:
    """Series name -> (x, y, label text) of each drawn point (blank points left out)."""
    found = {}
    for series in root.iterfind(".//c:ser", C):
        name = series.findtext("c:tx/c:v", namespaces=C)
        labels = {int(d.find("c:idx", C).get("val")): "".join(d.itertext())
                  for d in series.findall("c:dLbls/c:dLbl", C)}
        found[name] = [(x, y, labels.get(i, "")) for i, (x, y) in
                       enumerate(zip(values(series, "xVal"), values(series, "yVal"), strict=True))
                       if x is not None and y is not None]
    return found


# --- the chart part ---------------------------------------------------------------------------------


def test_every_party_is_a_point_of_its_standpunt_numbered_in_order_and_the_same_parties_give_the_same_bytes(
        ) -> None:
    crowd = [*parties(12), Party("Iemand", 3, 3, "weet niet")]
    points = points_by_series(parsed(crowd))

    numbered = {label: (name, x, y) for name in ("voor", "neutraal", "tegen", "onbekend")
                for x, y, label in points[name]}
    assert sorted(numbered, key=int) == [str(n) for n in range(1, 14)], "every party once, by its number"
    for number, party in enumerate(crowd, start=1):
        name, x, y = numbered[str(number)]
        expected = party.position if party.position in POSITION_STYLE else "onbekend"
        assert name == expected, (number, party)
        assert abs(x - party.interest) < 0.5 and abs(y - party.influence) < 0.5, "near its own grid point"
    assert stakeholder_chart(crowd).xml == stakeholder_chart(list(crowd)).xml
    assert stakeholder_chart(crowd).xml != stakeholder_chart(list(reversed(crowd))).xml


def test_the_quadrants_are_divided_at_the_threshold_and_named() -> None:
    points = points_by_series(parsed(parties(4), threshold=2.5))
    assert {(y, y) for _, y, _ in points["scheiding invloed"]} == {(2.5, 2.5)}
    assert {x for x, _, _ in points["scheiding belang"]} == {2.5}
    assert [label for _, _, label in points["kwadranten"]] == list(chart.QUADRANTS)
    high_right = points["kwadranten"][0]
    assert high_right[0] > 2.5 and high_right[1] > 2.5, "Nauw betrekken: much influence, much interest"


def test_no_parties_still_gives_a_chart_with_the_four_standpunten_in_its_legend() -> None:
    root = parsed([])
    points = points_by_series(root)
    assert all(points[name] == [] for name in POSITION_STYLE)
    legend_hidden = {int(e.find("c:idx", C).get("val")) for e in root.iterfind(".//c:legendEntry", C)
                     if e.find("c:delete", C) is not None}
    names = [s.findtext("c:tx/c:v", namespaces=C) for s in root.iterfind(".//c:ser", C)]
    assert [n for i, n in enumerate(names) if i not in legend_hidden] == list(POSITION_STYLE)


def test_nothing_a_person_typed_is_written_into_the_chart() -> None:
    crowd = [Party("Jongerenraad 🎉🏽 <Heerlen> & \"Noord\"", 3, 4, "voor"), Party("🌳🌳🌳", 5, 5, "tegen")]
    xml = stakeholder_chart(crowd).xml.decode("utf-8")
    assert "Jongerenraad" not in xml and "🌳" not in xml and "Heerlen" not in xml


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    from test_publication import SCHEMAS

    need((SCHEMAS / "all.xsd").is_file(), f"the ECMA-376 schemas are absent ({SCHEMAS})")
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "all.xsd")))


@pytest.mark.parametrize("count", [0, 1, 12, 60])
def test_the_chart_part_is_valid_drawingml(schema: etree.XMLSchema, count: int) -> None:
    root = parsed(parties(count))
    assert schema.validate(root), list(schema.error_log)[:3]
    broken = etree.fromstring(stakeholder_chart(parties(count)).xml.replace(b"<c:smooth ", b"<c:sparkle "))
    assert not schema.validate(broken), "the check can fail"


# --- legible at print size ----------------------------------------------------------------------------


def contrast(colour: str, background: str = "#FFFFFF") -> float:
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(colour), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_every_text_is_at_least_8_pt_and_the_lines_and_numbers_have_enough_contrast() -> None:
    root = parsed(parties(50))
    texts = list(root.iterfind(".//a:t", C))
    assert len(texts) == 50 + 4 + 3  # numbers, quadrants, title and axis titles
    for t in texts:
        run = t.getparent().find("a:rPr", C)
        assert run is not None and int(run.get("sz")) >= 800, t.text  # sz is in hundredths of a point
    defaults = [int(d.get("sz")) for d in root.iterfind(".//a:defRPr", C)]
    assert len(defaults) > 50 and min(defaults) >= 800, "tick labels and the legend too"
    assert chart.WIDTH_CM == 16.0  # laid out for the width the plan places it at (Image(breedte=16))

    assert contrast(chart.DIVIDER) >= 4.5 and contrast(chart.LABEL_GREY) >= 4.5
    dividers = [s for s in root.iterfind(".//c:ser", C) if s.findtext("c:tx/c:v", namespaces=C).startswith("scheiding")]
    assert [s.find("c:spPr/a:ln/a:solidFill/a:srgbClr", C).get("val") for s in dividers] == ["767676"] * 2
    for position, (colour, _, _, _) in POSITION_STYLE.items():
        assert contrast(colour) >= 4.5, f"white numbers on {position}"
    for label in root.iterfind(".//c:ser/c:dLbls/c:dLbl", C):
        colour = label.find(".//a:rPr/a:solidFill/a:srgbClr", C).get("val")
        series = label.getparent().getparent().findtext("c:tx/c:v", namespaces=C)
        assert colour == ("595959" if series == "kwadranten" else "FFFFFF")


def placed_in_points(root: etree._Element) -> list[tuple[float, float]]:
    per_unit = chart.points_per_unit()
    points = points_by_series(root)
    return [(x * per_unit[0], y * per_unit[1]) for name in POSITION_STYLE for x, y, _ in points[name]]


def test_parties_on_one_grid_point_are_spread_so_none_hides_another() -> None:
    for count in (2, 3, 6, 7):
        places = placed_in_points(parsed([Party(f"P{n}", 4, 2, "voor") for n in range(count)]))
        closest = min(math.dist(a, b) for a, b in itertools.combinations(places, 2))
        assert closest >= chart.SPACING_PT - 0.01, (count, closest)
    # A crowd too big for its cell is drawn closer, but stays within half a step of its grid point.
    crowd = [Party(f"P{n}", 4, 2, "tegen") for n in range(30)]
    points = points_by_series(parsed(crowd))["tegen"]
    assert all(abs(x - 2) <= 0.5 + 1e-9 and abs(y - 4) <= 0.5 + 1e-9 for x, y, _ in points)
    assert len({(round(x, 3), round(y, 3)) for x, y, _ in points}) == 30, "no two in the same place"


def test_the_plot_keeps_its_size_so_the_spread_is_computed_for_what_is_drawn() -> None:
    layout = parsed(parties(3)).find(".//c:plotArea/c:layout/c:manualLayout", C)
    assert layout.find("c:layoutTarget", C).get("val") == "inner"
    assert [float(layout.find(f"c:{k}", C).get("val")) for k in "xywh"] == list(chart.PLOT)


# --- in the document ----------------------------------------------------------------------------------


def document_with(parties: Sequence[Party]) -> bytes:
    return build_document([Paragraph.of("De stakeholderkaart."), Image("kaart", ALT, 16.0)],
                          limits=Settings().limits, images={"kaart": stakeholder_chart(parties)},
                          title="Participatieplan Groenplan Meezenbroek")


def test_the_chart_is_a_part_of_the_document_with_its_type_relationship_and_alternative_text() -> None:
    data = document_with(parties(12))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        types = etree.fromstring(package.read("[Content_Types].xml"))
        rels = etree.fromstring(package.read("word/_rels/document.xml.rels"))
        document = etree.fromstring(package.read("word/document.xml"))
        part = package.read("word/charts/chart1.xml")
    assert part == stakeholder_chart(parties(12)).xml
    overrides = {o.get("PartName"): o.get("ContentType") for o in types}
    assert overrides["/word/charts/chart1.xml"] == chart.CONTENT_TYPE
    [rel] = [r for r in rels if r.get("Type") == chart.RELATIONSHIP]
    assert rel.get("Target") == "charts/chart1.xml"
    [frame] = document.iterfind(".//{*}graphicData/{*}chart")
    assert frame.get(f"{{{chart.NS_R}}}id") == rel.get("Id")
    [doc_pr] = document.iterfind(".//{*}docPr")
    assert doc_pr.get("descr") == ALT
    extent = next(document.iterfind(".//{*}inline/{*}extent"))
    assert abs(int(extent.get("cx")) / 360000 - 16.0) < 0.05  # 16 cm, or the text width if that is a hair less
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
    wanted = {p: tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for p, (c, _, _, _) in POSITION_STYLE.items()}
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
    for label in (*chart.QUADRANTS, chart.TITLE, chart.X_TITLE, chart.Y_TITLE, "voor", "neutraal", "tegen",
                  "onbekend"):
        assert " ".join(label.split()) in " ".join(words), label
    drawn = {int(w) for w in words if w.isdigit()}
    assert set(range(1, 51)) <= drawn, sorted(set(range(1, 51)) - drawn)

    mixed, neutral = colour_counts(pdfs["mixed"]), colour_counts(pdfs["neutral"])
    # The legend shows all four in both: only the markers can make the difference.
    assert mixed["voor"] > neutral["voor"] + 100 and mixed["tegen"] > neutral["tegen"] + 100, (mixed, neutral)
    assert neutral["neutraal"] > mixed["neutraal"] + 100, (mixed, neutral)
    assert min(mixed.values()) > 0 and min(neutral.values()) > 0, "the legend shows all four standpunten"
