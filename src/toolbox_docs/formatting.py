"""Dutch formatting of money, hours, numbers, dates and lists, with Babel (locale ``nl_NL``).

Amounts are rounded here with ``ROUND_HALF_UP`` (the way people round money) before Babel formats
them, so the text never depends on Babel's own rounding mode.

**Non-breaking space.** ``euro`` keeps the non-breaking space (U+00A0) that Babel's Dutch pattern puts
between the euro sign and the amount: ``"€\\u00a01.250,00"``. In a Word table or a narrow column the
sign then never ends up alone at the end of a line. It looks like an ordinary space when printed; a
caller that needs plain ASCII spacing (a CSV for another program) can ``.replace("\\u00a0", " ")``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from babel import Locale
from babel.dates import format_date
from babel.numbers import NumberPattern, format_currency, format_decimal, parse_pattern

# Parsed once: Babel parses a locale given by name again at every call (hundreds per document).
LOCALE = Locale.parse("nl_NL")
NBSP = "\u00a0"  # what Babel puts between "€" and the amount
CENT = Decimal("0.01")


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def euro(amount: Decimal) -> str:
    """``Decimal("1250") -> "€ 1.250,00"`` (with a non-breaking space after the sign)."""
    return format_currency(round_half_up(amount), "EUR", locale=LOCALE)


@functools.cache
def _pattern(text: str) -> NumberPattern:
    """A number pattern, parsed once (Babel parses a pattern given as text again at every call)."""
    return parse_pattern(text)


def hours(value: Decimal) -> str:
    """Hours with at most two decimals and no trailing zeros: ``12.50 -> "12,5"``, ``8 -> "8"``."""
    return format_decimal(round_half_up(value), format=_pattern("#,##0.##"), locale=LOCALE)


def number(value: Decimal | int, *, decimals: int = 0) -> str:
    """A number with Dutch grouping and exactly ``decimals`` decimals: ``1250 -> "1.250"``."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    rounded = round_half_up(Decimal(value), decimals)
    return format_decimal(rounded, format=_pattern(pattern), locale=LOCALE)


def date_long(day: dt.date) -> str:
    """``2026-03-01 -> "1 maart 2026"``."""
    return format_date(day, format="d MMMM y", locale=LOCALE)


def date_short(day: dt.date) -> str:
    """``2026-03-01 -> "01-03-2026"`` (the way dates are typed in the intake)."""
    return format_date(day, format="dd-MM-y", locale=LOCALE)


def weeks(count: int) -> str:
    return f"{count} week" if count == 1 else f"{count} weken"


def points(count: int) -> str:
    return f"{count} punt" if count == 1 else f"{count} punten"


def dutch_list(items: Sequence[str], word: str = "en") -> str:
    """A Dutch list: ``["a", "b", "c"] -> "a, b en c"``; ``word="of"`` gives "a, b of c". The one joiner
    (the wording's ``opsomming`` filter, the conditions in validation messages, the doctor's summary)."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]
