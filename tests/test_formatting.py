"""Dutch formatting of money, hours, numbers and dates (Babel, nl_NL)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from toolbox_docs.formatting import NBSP, date_long, date_short, euro, hours, number, points, weeks


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("1250", "€ 1.250,00"),
        ("0", "€ 0,00"),
        ("85.5", "€ 85,50"),
        ("1234567.89", "€ 1.234.567,89"),
        ("0.005", "€ 0,01"),  # half up, not Babel's half even
        ("2.675", "€ 2,68"),
        ("2.665", "€ 2,67"),
        ("-3.5", "€ -3,50"),
    ],
)
def test_euro_is_dutch_with_a_non_breaking_space(amount: str, text: str) -> None:
    assert euro(Decimal(amount)) == text.replace(" ", NBSP)


def test_euro_never_uses_an_ordinary_space() -> None:
    assert " " not in euro(Decimal("1250"))


@pytest.mark.parametrize(
    ("value", "text"),
    [("12.50", "12,5"), ("8", "8"), ("8.00", "8"), ("1250.5", "1.250,5"), ("0.125", "0,13"), ("0", "0")],
)
def test_hours_drop_trailing_zeros(value: str, text: str) -> None:
    assert hours(Decimal(value)) == text


def test_number_groups_thousands_and_rounds_half_up() -> None:
    assert number(1250) == "1.250"
    assert number(Decimal("2.675"), decimals=2) == "2,68"
    assert number(Decimal("1250.5")) == "1.251"


@pytest.mark.parametrize(
    ("day", "long", "short"),
    [
        (dt.date(2026, 3, 1), "1 maart 2026", "01-03-2026"),
        (dt.date(2025, 12, 31), "31 december 2025", "31-12-2025"),
        (dt.date(2026, 6, 9), "9 juni 2026", "09-06-2026"),
    ],
)
def test_dates(day: dt.date, long: str, short: str) -> None:
    assert date_long(day) == long
    assert date_short(day) == short


def test_plural_words() -> None:
    assert weeks(1) == "1 week"
    assert weeks(3) == "3 weken"
    assert points(1) == "1 punt"
    assert points(0) == "0 punten"
