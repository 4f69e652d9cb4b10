"""Turning one raw cell value into a typed value, the way a Dutch civil servant types it.

Pure functions: ``convert(spec, raw, ...)`` returns the typed value (``None`` for an empty cell) or
raises ``Invalid`` with a stable code and a Dutch message that says what to do. Handles Dutch-typed
numbers and amounts ("1.250,50", "€ 2.000,-"), dates as Excel dates, serial numbers or typed text
("1-3-2026", "1 maart 2026"), stray and non-breaking spaces, error values and formulas that were never
calculated.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import Enum
from typing import Any

from babel.dates import get_month_names
from babel.numbers import NumberFormatError, parse_decimal

from toolbox_docs.formatting import LOCALE
from toolbox_docs.forms.raw import CellError, NoCachedValue, RawValue
from toolbox_docs.forms.schema import FieldType, Input

CENT = Decimal("0.01")
MIN_DATE = dt.date(1990, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)

_SPACES = re.compile(r"[\s\u00a0\u2007\u202f\u200b\ufeff]+")
# RFC 5322/6531 in practice: a local part may hold an apostrophe (o'brien@…) and letters outside ASCII
# (josé@…); a domain may not hold quotes. Spaces, commas and brackets would make several addresses.
_EMAIL = re.compile(r"^[^@\s<>\"(),;:\[\]]+@[^@\s<>\"'(),;:\[\]]+\.[^@\s<>\"'(),;:\[\].]{2,}$")
_PHONE = re.compile(r"^\+?[0-9 ()\-./]{6,25}$")
_CURRENCY = re.compile(r"^(€|eur\b|euro\b)\s*|\s*(€|\beur|\beuro)$", re.IGNORECASE)
_TRUE = {"ja", "j", "yes", "y", "waar", "true", "x", "1", "✓", "✔"}
_FALSE = {"nee", "n", "no", "onwaar", "false", "0"}

_NUMERIC_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_WORD_DATE = re.compile(r"^(\d{1,2})\s+([a-z.]+)\s+(\d{4})$")


def _month_numbers() -> dict[str, int]:
    names: dict[str, int] = {}
    for width in ("wide", "abbreviated"):
        for number, name in get_month_names(width, locale="nl").items():
            names[str(name).lower().rstrip(".")] = int(number)
    names["mrt"] = 3
    names["sept"] = 9
    return names


_MONTHS = _month_numbers()


class Invalid(Exception):
    """A value that cannot be used; ``code`` is stable, ``message`` is Dutch and says what to do."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def clean_text(text: str) -> str:
    """Trim stray (also non-breaking) spaces, unify line breaks and compose Unicode (NFC)."""
    if " ".join(text.split()) == text and "\u200b" not in text and "\ufeff" not in text \
            and unicodedata.is_normalized("NFC", text):
        return text  # already clean: one line, single plain spaces, composed (most cells; checked cheaply)
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines)


def is_empty(raw: RawValue) -> bool:
    return raw is None or (isinstance(raw, str) and not clean_text(raw))


def format_date(value: dt.date) -> str:
    return f"{value.day:02d}-{value.month:02d}-{value.year:04d}"


def excel_serial_to_date(serial: float, *, date1904: bool = False) -> dt.date:
    """Convert an Excel serial day number, honouring the 1904 date system and Excel's 29-02-1900."""
    days = int(serial)
    if date1904:
        return dt.date(1904, 1, 1) + dt.timedelta(days=days)
    if days < 60:
        return dt.date(1899, 12, 31) + dt.timedelta(days=days)
    return dt.date(1899, 12, 30) + dt.timedelta(days=days)


def _as_text(raw: RawValue) -> str:
    if isinstance(raw, bool):
        return "ja" if raw else "nee"
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        if raw.is_integer() and abs(raw) < 1e15:
            return str(int(raw))
        return str(Decimal(repr(raw))).replace(".", ",")
    if isinstance(raw, dt.datetime):
        return format_date(raw.date())
    if isinstance(raw, dt.date):
        return format_date(raw)
    if isinstance(raw, dt.time):
        return raw.strftime("%H:%M")
    return clean_text(str(raw))


def parse_dutch_decimal(text: str) -> Decimal:
    """Parse a number as a Dutch person types it: "1.250,50", "2.000", "1,5", "€ 2.000,-"."""
    value = _CURRENCY.sub("", text.strip()).strip()
    value = _SPACES.sub("", value)
    if value.endswith((",-", ".-", ",--")):
        value = value.rstrip("-")[:-1]
    value = value.replace("−", "-")
    if not value:
        raise Invalid("not-a-number", "Vul een getal in, bijvoorbeeld 2.500 of 2.500,50.")
    if not re.fullmatch(r"[-+]?[0-9.,]+", value):
        raise Invalid("not-a-number", f"'{text.strip()}' is geen getal. Vul een getal in, bijvoorbeeld 2.500,50.")
    try:
        return Decimal(parse_decimal(value, locale=LOCALE, strict=True))
    except NumberFormatError as error:
        suggestions = [s for s in (getattr(error, "suggestions", None) or []) if "," in s]
        hint = f" Bedoelde je {suggestions[0]}?" if suggestions else ""
        raise Invalid(
            "not-a-number",
            f"'{text.strip()}' is geen getal zoals wij het lezen. Gebruik een komma voor decimalen en een "
            f"punt voor duizendtallen, bijvoorbeeld 2.500,50.{hint}",
        ) from None
    except (InvalidOperation, ValueError):
        raise Invalid("not-a-number", f"'{text.strip()}' is geen getal. Vul een getal in.") from None


def _to_decimal(raw: RawValue) -> Decimal:
    if isinstance(raw, bool | dt.date | dt.time):
        raise Invalid("not-a-number", "Hier hoort een getal, geen datum of ja/nee. Vul een getal in.")
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise Invalid("not-a-number", "Vul een getal in.")
        return Decimal(repr(raw))
    number = parse_dutch_decimal(str(raw))
    if not number.is_finite():
        raise Invalid("not-a-number", "Vul een getal in.")
    return number


def _check_range(value: Decimal, spec: Input) -> None:
    low, high = spec.minimum, spec.maximum
    if low is not None and value < Decimal(str(low)):
        raise Invalid("out-of-range", f"Het getal moet minstens {_fmt_bound(low)} zijn.")
    if high is not None and value > Decimal(str(high)):
        raise Invalid("out-of-range", f"Het getal mag hoogstens {_fmt_bound(high)} zijn.")


def _fmt_bound(bound: float) -> str:
    return f"{int(bound):,}".replace(",", ".") if float(bound).is_integer() else str(bound).replace(".", ",")


def _to_date(raw: RawValue, *, date1904: bool) -> dt.date:
    if isinstance(raw, dt.datetime):
        value = raw.date()
    elif isinstance(raw, dt.date):
        value = raw
    elif isinstance(raw, bool | dt.time):
        raise Invalid("not-a-date", "Vul een datum in als dd-mm-jjjj, bijvoorbeeld 01-03-2026.")
    elif isinstance(raw, int | float):
        if not 1 <= raw < 2958466:
            raise Invalid("not-a-date", "Vul een datum in als dd-mm-jjjj, bijvoorbeeld 01-03-2026.")
        value = excel_serial_to_date(raw, date1904=date1904)
    else:
        value = parse_dutch_date(str(raw))
    if not MIN_DATE <= value <= MAX_DATE:
        raise Invalid("date-out-of-range",
                      f"De datum {format_date(value)} ligt buiten {MIN_DATE.year}–{MAX_DATE.year}. "
                      "Controleer het jaartal.")
    return value


def parse_dutch_date(text: str) -> dt.date:
    """Parse "1-3-2026", "01/03/26", "2026-03-01", "1 maart 2026" or "1 mrt. 2026"."""
    value = clean_text(text).lower()
    try:
        if match := _NUMERIC_DATE.match(value):
            day, month, year = (int(g) for g in match.groups())
            if year < 100:
                year += 2000
            return dt.date(year, month, day)
        if match := _ISO_DATE.match(value):
            year, month, day = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        if match := _WORD_DATE.match(value):
            month_number = _MONTHS.get(match.group(2).rstrip("."))
            if month_number is not None:
                return dt.date(int(match.group(3)), month_number, int(match.group(1)))
    except ValueError:
        raise Invalid("not-a-date", f"'{text.strip()}' is geen bestaande datum. Controleer dag en maand.") \
            from None
    raise Invalid("not-a-date", f"'{text.strip()}' is geen datum. Vul een datum in als dd-mm-jjjj, "
                  "bijvoorbeeld 01-03-2026.")


def _to_flag(raw: RawValue, shown: str | None = None) -> bool:
    """``shown``: ``_as_text(raw)`` when the caller has it already."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    shown = _as_text(raw) if shown is None else shown
    text = shown.casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise Invalid("not-yes-no", f"'{shown}' is geen ja of nee. Kies ja of nee uit de lijst.")


@functools.lru_cache(maxsize=512)
def _options(allowed: tuple[str, ...]) -> dict[str, str]:
    """Each option by its case-folded form (the first one, where two fold alike)."""
    found: dict[str, str] = {}
    for option in allowed:
        found.setdefault(option.casefold(), option)
    return found


def _to_choice(raw: RawValue, spec: Input, lists: Mapping[str, tuple[str, ...]], shown: str | None = None) -> Any:
    """``shown``: ``_as_text(raw)`` when the caller has it already."""
    allowed = spec.allowed(lists)
    text = _as_text(raw) if shown is None else shown
    option = _options(tuple(allowed)).get(text.casefold())
    if option is not None:
        return spec.choices(option) if spec.choices is not None else option
    if not allowed:
        raise Invalid("empty-list", f"De keuzelijst voor '{spec.label}' is leeg. Vraag de beheerder de "
                      "lijst in toolbox.toml te vullen.")
    shown = ", ".join(allowed) if len(allowed) <= 8 else ", ".join(allowed[:8]) + ", …"
    raise Invalid("not-in-list", f"'{text}' staat niet in de keuzelijst. Kies een waarde uit de lijst "
                  f"({shown}).")


def convert(spec: Input, raw: RawValue, *, lists: Mapping[str, tuple[str, ...]], date1904: bool = False
            ) -> Any:
    """The typed value of one cell for ``spec``, ``None`` when empty; raises ``Invalid``."""
    if isinstance(raw, CellError):
        raise Invalid("error-value", f"De cel bevat de foutwaarde {raw.code}. Vervang de formule door de "
                      "juiste waarde.")
    if isinstance(raw, NoCachedValue):
        raise Invalid("formula-no-value", "De cel bevat een formule zonder berekende waarde. Open het "
                      "bestand in Excel of LibreOffice en sla het opnieuw op, of typ de waarde zelf in.")
    # A text is cleaned once here (``is_empty`` and ``_as_text`` would each clean it again).
    shown = clean_text(raw) if isinstance(raw, str) else None
    if raw is None or shown == "":
        return None
    kind = spec.type
    if kind in (FieldType.TEXT, FieldType.LONGTEXT, FieldType.EMAIL, FieldType.PHONE):
        text = _as_text(raw) if shown is None else shown
        limit = spec.max_length
        if limit is not None and len(text) > limit:
            raise Invalid("too-long", f"De tekst is {len(text)} tekens lang; maximaal {limit} past hier. "
                          "Maak hem korter.")
        if kind is FieldType.EMAIL and not _EMAIL.match(text):
            raise Invalid("not-an-email", f"'{text}' is geen geldig e-mailadres. Vul een adres in als "
                          "naam@example.org.")
        if kind is FieldType.PHONE and not (_PHONE.match(text) and sum(c.isdigit() for c in text) >= 6):
            raise Invalid("not-a-phone", f"'{text}' is geen telefoonnummer. Gebruik alleen cijfers, spaties, "
                          "+ en -, bijvoorbeeld 045 123 4567.")
        return text
    if kind is FieldType.CHOICE:
        return _to_choice(raw, spec, lists, shown)
    if kind is FieldType.FLAG:
        return _to_flag(raw, shown)
    if kind is FieldType.DATE:
        return _to_date(raw, date1904=date1904)
    number = _to_decimal(raw)
    _check_range(number, spec)  # before any rounding: a huge number cannot be quantized
    if kind is FieldType.INTEGER:
        if number != number.to_integral_value():
            raise Invalid("not-an-integer", "Vul een geheel getal in, zonder decimalen.")
        return int(number)
    if kind is FieldType.AMOUNT:
        number = number.quantize(CENT, rounding=ROUND_HALF_UP)
        _check_range(number, spec)
    if kind is FieldType.DECIMAL and number == number.to_integral_value():
        return Decimal(int(number))
    return number


def plain(value: Any) -> Any:
    """A typed value as JSON-friendly data (enum → its Dutch value, Decimal and dates → text)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
