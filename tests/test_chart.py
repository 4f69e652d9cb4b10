"""The stakeholder chart on its own: a real PNG at the size it is placed at, deterministic, each
standpunt in its colour, nothing left over from the previous chart of the same layout."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

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
