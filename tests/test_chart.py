"""The stakeholder chart on its own: a real PNG at the size it is placed at, deterministic, each
standpunt in its colour, nothing left over from the previous chart of the same layout."""

from __future__ import annotations

import io
import warnings
from typing import Any

import numpy as np
import pytest
from matplotlib.text import Text
from PIL import Image

from toolbox_docs.documents import chart
from toolbox_docs.documents.chart import DPI, POSITION_STYLE, WIDTH_IN, Party, stakeholder_chart


def parties(count: int, positions: tuple[str, ...] = ("voor", "tegen", "neutraal", "onbekend")) -> list[Party]:
    return [Party(f"Partij {n} uit Heerlen", 1 + n % 5, 1 + (n * 3) % 5, positions[n % len(positions)])
            for n in range(count)]


def pixels(png: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        return np.asarray(image.convert("RGB"))


def test_a_png_as_wide_as_its_place_in_the_document_and_taller_with_more_names() -> None:
    few, many = pixels(stakeholder_chart(parties(4))), pixels(stakeholder_chart(parties(40)))

    assert few.shape[1] == many.shape[1] == round(WIDTH_IN * DPI)
    assert many.shape[0] > few.shape[0], "the list of names below the chart grows with the parties"
    with Image.open(io.BytesIO(stakeholder_chart(parties(4)))) as image:
        assert round(image.info["dpi"][0]) == DPI


def colour_counts(png: bytes) -> dict[str, int]:
    image = pixels(png).astype(np.int16)
    counts = {}
    for position, (colour, _, _) in POSITION_STYLE.items():
        rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=np.int16)
        counts[position] = int((np.abs(image - rgb).max(axis=2) <= 2).sum())
    return counts


def test_each_standpunt_present_is_drawn_in_its_colour_and_no_other() -> None:
    # The same six parties, for and against, then all neutral: the legend (and the grey of the quadrant
    # names) is in both, so only the markers can make the difference.
    mixed = colour_counts(stakeholder_chart(parties(6, ("voor", "tegen"))))
    neutral = colour_counts(stakeholder_chart(parties(6, ("neutraal",))))

    assert mixed["voor"] > neutral["voor"] + 500 and mixed["tegen"] > neutral["tegen"] + 500, (mixed, neutral)
    assert neutral["neutraal"] > mixed["neutraal"] + 500, (mixed, neutral)
    assert abs(mixed["onbekend"] - neutral["onbekend"]) < 50, "onbekend only in the legend, in both"
    assert min(mixed.values()) > 50, "the legend shows all four standpunten"


def test_the_same_parties_give_the_same_bytes_and_nothing_carries_over() -> None:
    first, other = parties(9), list(reversed(parties(9, ("tegen",))))

    a = stakeholder_chart(first)
    b = stakeholder_chart(other)  # same layout (same number of name rows): drawn on the same frame
    again = stakeholder_chart(first)

    assert a == again, "a chart must not show anything of the chart drawn before it"
    assert a != b


def test_an_unknown_standpunt_is_drawn_as_onbekend_and_no_parties_still_draws() -> None:
    odd = stakeholder_chart([Party("Iemand", 3, 3, "weet niet")])
    known = stakeholder_chart([Party("Iemand", 3, 3, "onbekend")])
    assert odd == known
    assert pixels(stakeholder_chart([])).shape[1] == round(WIDTH_IN * DPI)


def test_a_reused_frame_does_not_collect_the_artists_of_earlier_charts() -> None:
    from toolbox_docs.documents import chart

    stakeholder_chart(parties(8))
    frame = chart._FRAMES[next(reversed(chart._FRAMES))]
    before = (len(frame.axes.get_children()), len(frame.figure.texts))
    for _ in range(3):
        stakeholder_chart(parties(8))
    assert (len(frame.axes.get_children()), len(frame.figure.texts)) == before


# --- legible at print size (the chart is drawn at the size it is placed at) ------------------------


def contrast(colour: str, background: str = "#FFFFFF") -> float:
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(colour), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_every_text_is_at_least_8_pt_and_the_quadrant_lines_have_3_to_1_contrast(
        monkeypatch: pytest.MonkeyPatch) -> None:
    sizes: list[float] = []
    original = Text.__init__

    def record(self: Text, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        if self.get_text().strip():
            sizes.append(self.get_fontsize())

    monkeypatch.setattr(Text, "__init__", record)
    chart._FRAMES.clear()  # draw the frame (axes, labels, legend) again, while recording
    png = stakeholder_chart(parties(50))
    frame = next(reversed(chart._FRAMES.values()))
    sizes += [t.get_fontsize() for t in frame.figure.findobj(Text) if t.get_text().strip()]
    assert len(sizes) > 60 and min(sizes) >= 8, sorted(sizes)[:5]  # numbers, names, labels, legend

    assert contrast(chart.DIVIDER) >= 3
    divider = np.array([int(chart.DIVIDER[i:i + 2], 16) for i in (1, 3, 5)], dtype=np.int16)
    drawn = (np.abs(pixels(png).astype(np.int16) - divider).max(axis=2) <= 2).sum()
    assert drawn > 1000, "the quadrant lines are drawn in that colour"


def test_characters_the_font_cannot_draw_become_one_visible_substitute_without_a_warning(
        capfd: pytest.CaptureFixture[str]) -> None:
    assert chart.drawable("Jongerenraad 🎉🏽 Heerlen") == f"Jongerenraad {chart.SUBSTITUTE} Heerlen"
    assert chart.drawable("Gezin 👩‍👩‍👧 en buurt ✅") == f"Gezin {chart.SUBSTITUTE} en buurt {chart.SUBSTITUTE}"
    assert chart.drawable("Ideeënmarkt Bôhm-Çelik") == "Ideeënmarkt Bôhm-Çelik"  # letters stay
    assert ord(chart.SUBSTITUTE) in chart._drawable()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
        png = stakeholder_chart([Party("Buurtapp 📱 Meezenbroek", 3, 4, "voor"), Party("🌳🌳🌳", 5, 5, "tegen")],
                                title="Stakeholderkaart 🌳")
    assert pixels(png).shape[1] == round(WIDTH_IN * DPI)
    assert capfd.readouterr().err == ""


def test_a_name_too_long_for_its_column_is_cut_with_an_ellipsis() -> None:
    width = chart.name_width_pt(3)
    short = "4. Jongerenraad"
    long = "7. Stichting Maatschappelijke Ondersteuning en Wijkontwikkeling Heerlen-Noord"
    assert chart.fitted(short, width) == short
    cut = chart.fitted(long, width)
    assert cut.endswith("…") and long.startswith(cut[:-1]) and len(cut) < len(long)
    assert chart._width_pt(cut) <= width
    following = len(cut) - 1
    while long[following] == " ":
        following += 1
    assert chart._width_pt(long[:following + 1] + "…") > width  # one more letter would not fit


def test_the_list_of_names_keeps_the_chart_within_a_page_and_points_to_the_table_beyond_54() -> None:
    assert chart.name_columns(10) == (2, 5) and chart.name_columns(50) == (3, 17)
    assert chart.name_columns(200) == (1, 1)
    for count in (24, 25, 54, 55, 300):
        with Image.open(io.BytesIO(stakeholder_chart(parties(count)))) as image:
            assert image.height / DPI <= 9.3, count  # 23.6 cm: fits the text height of an A4 page
