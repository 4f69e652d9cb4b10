"""Turning one raw cell value into a typed value, the way a Dutch civil servant types it (table-driven).

Each table row is (what was in the cell, what we expect): the typed value, or the stable code of the
refusal. Field specs are taken from the real schema, so a change of type or range shows up here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from toolbox_docs.forms.raw import CellError, NoCachedValue
from toolbox_docs.forms.schema import EVALUATION_SCHEMA, INTAKE_SCHEMA, STAKEHOLDER_TABLE, Input
from toolbox_docs.forms.values import (
    Invalid,
    clean_text,
    convert,
    excel_serial_to_date,
    is_empty,
    parse_dutch_date,
    parse_dutch_decimal,
)
from toolbox_docs.settings import Settings
from toolbox_docs.vocab import Position, Scale

LISTS = Settings().lists
NBSP = "\u00a0"

AMOUNT = INTAKE_SCHEMA.field("budget_euros")  # 0 .. 100.000.000, cents
DECIMAL = INTAKE_SCHEMA.field("budget_hours")  # 0 .. 100.000
RATING = EVALUATION_SCHEMA.field("participant_rating")  # 1 .. 10
DATE = INTAKE_SCHEMA.field("participation_start")
FLAG = INTAKE_SCHEMA.field("handover_willing")
SCALE = INTAKE_SCHEMA.field("scale")  # enum choice
AREA = INTAKE_SCHEMA.field("area")  # settings-list choice
EMAIL = INTAKE_SCHEMA.field("trekker_email")
PHONE = INTAKE_SCHEMA.field("trekker_phone")
TEXT = INTAKE_SCHEMA.field("project_name")  # 200
LONGTEXT = INTAKE_SCHEMA.field("reason_goal")  # 4000
COLUMNS = {c.id: c for c in STAKEHOLDER_TABLE.columns}
INFLUENCE = COLUMNS["influence"]  # integer 1..5
POSITION = COLUMNS["position"]


def value_of(spec: Input, raw: Any, *, date1904: bool = False) -> Any:
    return convert(spec, raw, lists=LISTS, date1904=date1904)


def code_of(spec: Input, raw: Any, *, date1904: bool = False) -> str:
    with pytest.raises(Invalid) as caught:
        value_of(spec, raw, date1904=date1904)
    assert caught.value.message.strip(), "every refusal tells the person what to do"
    return caught.value.code


# --- numbers and amounts -------------------------------------------------------------------------

DUTCH_AMOUNTS = [
    ("1.250,50", Decimal("1250.50")),
    ("€ 2.000", Decimal("2000.00")),
    ("€2.000,00", Decimal("2000.00")),
    ("2.000,-", Decimal("2000.00")),
    ("2.000,--", Decimal("2000.00")),
    ("1,5", Decimal("1.50")),
    (" 12 ", Decimal("12.00")),
    (f"{NBSP}12{NBSP}", Decimal("12.00")),
    (f"€{NBSP}1.250,50", Decimal("1250.50")),
    ("1 250,50", Decimal("1250.50")),
    ("1.250.000", Decimal("1250000.00")),
    ("2,50 €", Decimal("2.50")),
    ("5 euro", Decimal("5.00")),
    ("EUR 1.250,50", Decimal("1250.50")),
    ("euro 75", Decimal("75.00")),
    ("0", Decimal("0.00")),
    (12500, Decimal("12500.00")),
    (12500.5, Decimal("12500.50")),
]


@pytest.mark.parametrize(("raw", "expected"), DUTCH_AMOUNTS, ids=[repr(r) for r, _ in DUTCH_AMOUNTS])
def test_dutch_amounts(raw: Any, expected: Decimal) -> None:
    value = value_of(AMOUNT, raw)
    assert value == expected
    assert isinstance(value, Decimal)
    assert value.as_tuple().exponent == -2, "amounts are kept in cents"


QUANTIZED = [("12,345", Decimal("12.35")), ("12,344", Decimal("12.34")), ("0,005", Decimal("0.01")),
             (0.125, Decimal("0.13")), (99.999, Decimal("100.00"))]


@pytest.mark.parametrize(("raw", "expected"), QUANTIZED)
def test_amounts_are_rounded_half_up_to_cents(raw: Any, expected: Decimal) -> None:
    assert str(value_of(AMOUNT, raw)) == str(expected)


def test_point_as_decimal_separator_is_refused_with_a_hint() -> None:
    with pytest.raises(Invalid) as caught:
        value_of(DECIMAL, "1.5")
    assert caught.value.code == "not-a-number"
    assert "1,5" in caught.value.message, caught.value.message


def test_parse_dutch_decimal_directly() -> None:
    assert parse_dutch_decimal("1.250,50") == Decimal("1250.50")
    assert parse_dutch_decimal("−3") == Decimal("-3"), "a typographic minus is a minus"
    with pytest.raises(Invalid):
        parse_dutch_decimal("€")


DECIMALS = [("1,5", Decimal("1.5")), ("160", Decimal("160")), (160, Decimal("160")),
            (12.25, Decimal("12.25")), ("3,0", Decimal("3")), ("100.000", Decimal("100000"))]


@pytest.mark.parametrize(("raw", "expected"), DECIMALS)
def test_decimals(raw: Any, expected: Decimal) -> None:
    assert value_of(DECIMAL, raw) == expected


REFUSED_NUMBERS = [
    (AMOUNT, "veel", "not-a-number"),
    (AMOUNT, "1.2.3", "not-a-number"),
    (AMOUNT, "--5", "not-a-number"),
    (AMOUNT, "€ -", "not-a-number"),
    (AMOUNT, True, "not-a-number"),
    (AMOUNT, dt.date(2026, 3, 1), "not-a-number"),
    (AMOUNT, float("nan"), "not-a-number"),
    (AMOUNT, float("inf"), "not-a-number"),
    (AMOUNT, "NaN", "not-a-number"),
    (DECIMAL, "nan", "not-a-number"),
    (AMOUNT, "-5", "out-of-range"),
    (AMOUNT, 100_000_000.01, "out-of-range"),
    (AMOUNT, 1e30, "out-of-range"),
    (AMOUNT, "1e30", "not-a-number"),  # scientific notation is not how a number is typed in Dutch text
    (AMOUNT, 10**40, "out-of-range"),
    (DECIMAL, 100_001, "out-of-range"),
    (DECIMAL, "-0,5", "out-of-range"),
    (RATING, "10,5", "out-of-range"),
    (RATING, 0, "out-of-range"),
]


@pytest.mark.parametrize(("spec", "raw", "code"), REFUSED_NUMBERS,
                         ids=[f"{s.id}-{r!r}" for s, r, _ in REFUSED_NUMBERS])
def test_refused_numbers(spec: Input, raw: Any, code: str) -> None:
    assert code_of(spec, raw) == code


INTEGERS = [("3", 3), (3, 3), (3.0, 3), ("3,0", 3), (" 5 ", 5), (1, 1)]


@pytest.mark.parametrize(("raw", "expected"), INTEGERS)
def test_integers(raw: Any, expected: int) -> None:
    value = value_of(INFLUENCE, raw)
    assert value == expected and type(value) is int


REFUSED_INTEGERS = [(3.5, "not-an-integer"), ("3,5", "not-an-integer"), ("drie", "not-a-number"),
                    (0, "out-of-range"), (6, "out-of-range"), (7, "out-of-range"), ("1.000", "out-of-range"),
                    (True, "not-a-number")]


@pytest.mark.parametrize(("raw", "code"), REFUSED_INTEGERS)
def test_refused_integers(raw: Any, code: str) -> None:
    assert code_of(INFLUENCE, raw) == code


# --- dates ---------------------------------------------------------------------------------------

MARCH_1 = dt.date(2026, 3, 1)
SERIAL_MARCH_1 = 46082  # Excel 1900 system
SERIAL_MARCH_1_1904 = SERIAL_MARCH_1 - 1462

DATES = [
    (dt.datetime(2026, 3, 1, 14, 30), MARCH_1),
    (MARCH_1, MARCH_1),
    (SERIAL_MARCH_1, MARCH_1),
    (float(SERIAL_MARCH_1) + 0.75, MARCH_1),
    ("1-3-2026", MARCH_1),
    ("01-03-2026", MARCH_1),
    ("01/03/26", MARCH_1),
    ("1.3.2026", MARCH_1),
    ("2026-03-01", MARCH_1),
    ("2026-03-01 10:00", MARCH_1),
    ("2026-03-01T10:00:00", MARCH_1),
    ("1 maart 2026", MARCH_1),
    ("1 Maart 2026", MARCH_1),
    ("1 mrt. 2026", MARCH_1),
    ("1 mrt 2026", MARCH_1),
    (f" 1{NBSP}maart  2026 ", MARCH_1),
    ("15 mei 2026", dt.date(2026, 5, 15)),
    ("1 sept. 2026", dt.date(2026, 9, 1)),
    ("31 december 2099", dt.date(2099, 12, 31)),
]


@pytest.mark.parametrize(("raw", "expected"), DATES, ids=[repr(r) for r, _ in DATES])
def test_dates(raw: Any, expected: dt.date) -> None:
    value = value_of(DATE, raw)
    assert value == expected
    assert type(value) is dt.date


def test_serial_numbers_in_the_1904_date_system() -> None:
    assert value_of(DATE, SERIAL_MARCH_1_1904, date1904=True) == MARCH_1
    assert value_of(DATE, SERIAL_MARCH_1, date1904=True) != MARCH_1


@pytest.mark.parametrize("serial", [1, 2, 58, 59, 61, 62, 100, 366, 367, 32874, SERIAL_MARCH_1, 73050])
def test_serials_agree_with_openpyxl_in_the_1900_system(serial: int) -> None:
    expected = from_excel(serial, CALENDAR_WINDOWS_1900)
    assert excel_serial_to_date(serial) == expected.date()


@pytest.mark.parametrize("serial", [1, 59, 60, 61, 1462, SERIAL_MARCH_1_1904])
def test_serials_agree_with_openpyxl_in_the_1904_system(serial: int) -> None:
    expected = from_excel(serial, CALENDAR_MAC_1904)
    assert excel_serial_to_date(serial, date1904=True) == expected.date()


def test_serial_zero_is_the_1904_epoch() -> None:
    assert excel_serial_to_date(0, date1904=True) == dt.date(1904, 1, 1)


def test_the_fake_leap_day_of_1900() -> None:
    # Excel counts a 29-02-1900 that never existed (serial 60): before it serials are one day off.
    assert excel_serial_to_date(1) == dt.date(1900, 1, 1)
    assert excel_serial_to_date(59) == dt.date(1900, 2, 28)
    assert excel_serial_to_date(61) == dt.date(1900, 3, 1)
    assert excel_serial_to_date(60) in (dt.date(1900, 2, 28), dt.date(1900, 3, 1))
    # Such dates are far outside what a participation plan can mean.
    for serial in (59, 60, 61):
        assert code_of(DATE, serial) == "date-out-of-range"


REFUSED_DATES = [
    ("31-02-2026", "not-a-date"),
    ("29-02-2026", "not-a-date"),
    ("32-1-2026", "not-a-date"),
    ("1-13-2026", "not-a-date"),
    ("morgen", "not-a-date"),
    ("1 maartje 2026", "not-a-date"),
    ("2026", "not-a-date"),
    (True, "not-a-date"),
    (dt.time(12, 0), "not-a-date"),
    (0, "not-a-date"),
    (-5, "not-a-date"),
    (3_000_000, "not-a-date"),
    ("1-3-1899", "date-out-of-range"),
    (dt.date(2101, 1, 1), "date-out-of-range"),
]


@pytest.mark.parametrize(("raw", "code"), REFUSED_DATES, ids=[repr(r) for r, _ in REFUSED_DATES])
def test_refused_dates(raw: Any, code: str) -> None:
    assert code_of(DATE, raw) == code


def test_parse_dutch_date_refuses_with_not_a_date() -> None:
    for text in ("31-02-2026", "morgen"):
        with pytest.raises(Invalid) as caught:
            parse_dutch_date(text)
        assert caught.value.code == "not-a-date"
        assert text in caught.value.message


# --- flags, choices, e-mail, phone, text -----------------------------------------------------------

FLAGS = [("ja", True), ("nee", False), ("JA", True), ("Ja ", True), ("NEE", False), ("x", True), ("X", True),
         ("1", True), ("0", False), (1, True), (0, False), (True, True), (False, False), (1.0, True)]


@pytest.mark.parametrize(("raw", "expected"), FLAGS, ids=[repr(r) for r, _ in FLAGS])
def test_flags(raw: Any, expected: bool) -> None:
    assert value_of(FLAG, raw) is expected


@pytest.mark.parametrize("raw", ["misschien", 2, "ja nee", dt.date(2026, 1, 1)])
def test_refused_flags(raw: Any) -> None:
    assert code_of(FLAG, raw) == "not-yes-no"


CHOICES = [(SCALE, "wijk", Scale.DISTRICT), (SCALE, "WIJK", Scale.DISTRICT),
           (SCALE, f" Wijk{NBSP}", Scale.DISTRICT), (AREA, "meezenbroek", "Meezenbroek"),
           (AREA, "HEERLEN-CENTRUM", "Heerlen-Centrum"), (POSITION, "Tegen", Position.AGAINST)]


@pytest.mark.parametrize(("spec", "raw", "expected"), CHOICES, ids=[repr(r) for _, r, _ in CHOICES])
def test_choices_are_case_insensitive_and_canonical(spec: Input, raw: str, expected: Any) -> None:
    value = value_of(spec, raw)
    assert value == expected
    assert type(value) is type(expected)
    assert str(value) == str(expected), "the canonical spelling from the list, not the typed one"


@pytest.mark.parametrize(("spec", "raw"),
                         [(SCALE, "dorp"), (SCALE, 5), (AREA, "Atlantis"), (POSITION, "misschien")])
def test_values_outside_the_list_are_refused(spec: Input, raw: Any) -> None:
    with pytest.raises(Invalid) as caught:
        value_of(spec, raw)
    assert caught.value.code == "not-in-list"
    assert str(raw) in caught.value.message


def test_a_choice_from_an_empty_settings_list_is_refused_with_its_own_code() -> None:
    with pytest.raises(Invalid) as caught:
        convert(AREA, "Meezenbroek", lists={**LISTS, "areas": ()})
    assert caught.value.code == "empty-list"


@pytest.mark.parametrize("raw", ["s.devries@example.org", "A.B@EXAMPLE.ORG", " jan@gemeente.example.nl ",
                                 "o'brien@example.org", "josé@example.org", "info@gemeente-süd.example"])
def test_valid_email(raw: str) -> None:
    """Issue 13: an apostrophe (RFC 5322 atext) and letters outside ASCII (RFC 6531) are real addresses."""
    assert value_of(EMAIL, raw) == raw.strip()


@pytest.mark.parametrize("raw", ["geen", "a@b", "a b@c.nl", "a@@b.nl", "<a@b.nl>", "a@b.c", "jan,piet@x.nl",
                                 "a@o'brien.nl", "a:b@c.nl", "jan@[127.0.0.1]"])
def test_refused_email(raw: str) -> None:
    assert code_of(EMAIL, raw) == "not-an-email"


@pytest.mark.parametrize("raw",
                         ["045 123 4567", "+31 45 123 4567", "06-12345678", "(045) 1234567", "0451234567"])
def test_valid_phone(raw: str) -> None:
    assert value_of(PHONE, raw) == raw


@pytest.mark.parametrize("raw", ["12345", "bel mij", "045 123 4567 toestel 12", "++"])
def test_refused_phone(raw: str) -> None:
    assert code_of(PHONE, raw) == "not-a-phone"


def test_text_length_limits() -> None:
    assert value_of(TEXT, "x" * 200) == "x" * 200
    assert code_of(TEXT, "x" * 201) == "too-long"
    assert value_of(LONGTEXT, "x" * 4000) == "x" * 4000
    assert code_of(LONGTEXT, "x" * 4001) == "too-long"
    assert code_of(EMAIL, "a" * 190 + "@example.org") == "too-long"


def test_text_from_other_cell_types() -> None:
    assert value_of(TEXT, 12) == "12"
    assert value_of(TEXT, 1.5) == "1,5"
    assert value_of(TEXT, dt.date(2026, 1, 2)) == "02-01-2026"
    assert value_of(TEXT, f"  Groenplan{NBSP}  Meezenbroek ") == "Groenplan Meezenbroek"


@pytest.mark.parametrize("raw", [None, "", "   ", NBSP, "\n\n", f" {NBSP}\t"])
def test_empty_cells_are_none(raw: Any) -> None:
    assert is_empty(raw)
    for spec in (TEXT, AMOUNT, DATE, FLAG, SCALE, INFLUENCE):
        assert value_of(spec, raw) is None


# --- error values and formulas ----------------------------------------------------------------------


@pytest.mark.parametrize("spec", [TEXT, AMOUNT, DATE, FLAG, SCALE, INFLUENCE, EMAIL])
def test_error_values_and_uncalculated_formulas(spec: Input) -> None:
    assert code_of(spec, CellError("#REF!")) == "error-value"
    assert code_of(spec, CellError("#DIV/0!")) == "error-value"
    assert code_of(spec, NoCachedValue("=SUM(A1:A3)")) == "formula-no-value"


def test_error_value_message_names_the_error() -> None:
    with pytest.raises(Invalid) as caught:
        value_of(TEXT, CellError("#N/A"))
    assert "#N/A" in caught.value.message


# --- clean_text ------------------------------------------------------------------------------------

CLEAN = [
    ("e\u0301n", "\u00e9n"),  # decomposed é becomes one code point (NFC)
    ("Cafe\u0301 de\u0301 Flore", "Café dé Flore"),
    ("a\r\nb", "a\nb"),
    ("a\rb", "a\nb"),
    ("  a  \n  b  ", "a\nb"),
    (f"a{NBSP}{NBSP} b\tc", "a b c"),
    ("\n\n eerste \n\n tweede \n\n", "eerste\n\ntweede"),
    ("\u202fsmal\u2007", "smal"),
    ("\ufeffbom", "bom"),
    ("", ""),
]


@pytest.mark.parametrize(("raw", "expected"), CLEAN, ids=[repr(r) for r, _ in CLEAN])
def test_clean_text(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_clean_text_keeps_paragraphs_of_long_text() -> None:
    text = value_of(LONGTEXT, "Eerste alinea.\r\n\r\nTweede   alinea.\r\n")
    assert text == "Eerste alinea.\n\nTweede alinea."
