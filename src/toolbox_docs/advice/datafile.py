"""Strict reading of the advice's editable data files (``werkvormen.toml``, ``advies.toml``, "
  "``checklist.toml``).

Advisors edit these files by hand, so every value is checked and every mistake is reported in Dutch,
naming the entry (``werkvorm 'buurtschouw': 'voorbereiding_uren' moet een getal van 0 of meer zijn``).
``Entry`` wraps one TOML table: typed getters record which keys were read, and ``finish`` refuses any
key that was not, so a typo never passes silently. The files are read by ``settings.read_toml``, the one
TOML reader.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, TypeVar

E = TypeVar("E", bound=Enum)


class DataError(ValueError):
    """A broken entry in a data file; the message names the entry and is Dutch."""


def quoted(values: tuple[str, ...] | list[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)


class Entry:
    """One TOML table, read key by key; ``where`` names it in messages (``werkvorm 'koffiekar'``)."""

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, Mapping):
            raise DataError(f"{where or 'het bestand'}: hoort een tabel te zijn")
        self._data: Mapping[str, Any] = data
        self._read: set[str] = set()
        self.where = where

    def fail(self, key: str, problem: str) -> DataError:
        return DataError(f"{self._prefix}'{key}' {problem}")

    @property
    def _prefix(self) -> str:
        return f"{self.where}: " if self.where else ""

    def has(self, key: str) -> bool:
        return key in self._data

    def keys(self) -> tuple[str, ...]:
        return tuple(self._data)

    def raw(self, key: str) -> Any:
        if key not in self._data:
            raise self.fail(key, "ontbreekt")
        self._read.add(key)
        return self._data[key]

    def text(self, key: str) -> str:
        value = self.raw(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "moet een tekst zijn die niet leeg is")
        return value.strip()

    def version(self) -> str:
        """The ``versie`` of a file: a non-empty text (a bare number is accepted and kept as text)."""
        if not self.has("versie"):
            raise self.fail("versie", "ontbreekt; elk bestand noemt zijn versie")
        value = self.raw("versie")
        if isinstance(value, bool) or not isinstance(value, str | int | float) or not str(value).strip():
            raise self.fail("versie", "moet een tekst zijn, bijvoorbeeld \"2025.1\"")
        return str(value).strip()

    def flag(self, key: str, default: bool | None = None) -> bool:
        if default is not None and key not in self._data:
            return default
        value = self.raw(key)
        if not isinstance(value, bool):
            raise self.fail(key, "moet true of false zijn")
        return value

    def decimal(self, key: str) -> Decimal:
        value = self.raw(key)
        problem = "moet een getal van 0 of meer zijn"
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise self.fail(key, problem)
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise self.fail(key, problem) from None
        if not number.is_finite() or number < 0:
            raise self.fail(key, problem)
        return number

    def integer(self, key: str, *, minimum: int = 0) -> int:
        value = self.raw(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail(key, f"moet een geheel getal van {minimum} of meer zijn")
        return value

    def choice(self, key: str, enum: type[E]) -> E:
        return self._member(key, self.raw(key), enum)

    def choices(self, key: str, enum: type[E], *, allow_empty: bool = True) -> tuple[E, ...]:
        value = self.raw(key)
        if not isinstance(value, list) or (not allow_empty and not value):
            raise self.fail(key, "moet een lijst zijn" + ("" if allow_empty else " met minstens één waarde"))
        members = tuple(self._member(key, item, enum) for item in value)
        if len(set(members)) != len(members):
            raise self.fail(key, "noemt een waarde dubbel")
        return tuple(sorted(members, key=lambda m: list(enum).index(m)))

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.raw(key)
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(key, "moet een lijst met teksten zijn")
        return tuple(v.strip() for v in value)

    def integers(self, key: str, *, minimum: int = 0) -> tuple[int, ...]:
        value = self.raw(key)
        if not isinstance(value, list) or not value or not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= minimum for v in value
        ):
            raise self.fail(key, f"moet een lijst met gehele getallen van {minimum} of meer zijn")
        return tuple(value)

    def table(self, key: str, where: str | None = None) -> Entry:
        return Entry(self.raw(key), where or (f"{self.where} › [{key}]" if self.where else f"[{key}]"))

    def tables(self, key: str, *, name: str) -> Iterator[Entry]:
        """The entries of an array of tables (``[[werkvorm]]``), each named by its ``id`` where it has one."""
        value = self.raw(key)
        if not isinstance(value, list) or not value:
            raise self.fail(key, f"moet minstens één [[{key}]] bevatten")
        for number, item in enumerate(value, start=1):
            ident = item.get("id") if isinstance(item, Mapping) else None
            named = isinstance(ident, str) and ident.strip()
            label = f"{name} '{ident}'" if named else f"{name} nr. {number}"
            yield Entry(item, label)

    def enum_map(self, key: str, enum: type[E], convert: str = "integer") -> dict[E, Any]:
        """A table with one entry per member of ``enum`` (by its Dutch value), all required."""
        inner = self.table(key)
        result: dict[E, Any] = {}
        for member in enum:
            name = str(member.value)
            if not inner.has(name):
                raise inner.fail(name, "ontbreekt")
            result[member] = inner.decimal(name) if convert == "decimal" else inner.integer(name)
        inner.finish()
        return result

    def finish(self) -> None:
        unknown = [k for k in self._data if k not in self._read]
        if unknown:
            raise DataError(f"{self._prefix}onbekende sleutel {quoted(unknown)}")

    def _member(self, key: str, item: Any, enum: type[E]) -> E:
        for member in enum:
            if member.value == item:
                return member
        allowed = quoted([str(m.value) for m in enum])
        raise self.fail(key, f"kent de waarde {item!r} niet; kies uit {allowed}")
