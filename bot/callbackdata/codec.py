"""The machinery of the callback-data codec: typed fields, layouts, parse and encode.

See the package docstring for why; the kinds themselves are in `bot/callbackdata/kinds.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

MAX_BYTES = 64  # Telegram's limit for callback_data
MAX_ROW_ID = 2**31 - 1  # our tables' ids (PostgreSQL integer)
MAX_TELEGRAM_ID = 2**53  # Telegram user ids fit in 52 bits
MAX_INDEX = 999  # a position in a short list of choices

T = TypeVar("T", bound=tuple[Any, ...])


# ----------------------------------------------------------------------------- fields
class Field:
    """One typed part of the data: `read` gives the value or None, `write` the text."""

    def read(self, raw: str) -> Any | None:
        raise NotImplementedError

    def write(self, value: Any) -> str:
        return str(value)


@dataclass(frozen=True)
class Int(Field):
    lo: int
    hi: int

    def read(self, raw: str) -> int | None:
        # ASCII digits only ("²".isdigit() is True), and short enough to be cheap to convert
        if not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(self.hi)):
            return None
        value = int(raw)
        return value if self.lo <= value <= self.hi else None


@dataclass(frozen=True)
class OneOf(Field):
    words: tuple[str, ...]

    def read(self, raw: str) -> str | None:
        return raw if raw in self.words else None


@dataclass(frozen=True)
class Word(Field):
    """A short identifier (a field name, a reminder kind, a search token): checked against
    its vocabulary by the handler."""

    max_len: int = 32

    def read(self, raw: str) -> str | None:
        ok = 0 < len(raw) <= self.max_len and raw.isascii() and \
            all(c.isalnum() or c in "_-" for c in raw)
        return raw if ok else None


class Day(Field):
    """A date as ``yyyymmdd``."""

    def read(self, raw: str) -> date | None:
        if len(raw) != 8 or not (raw.isascii() and raw.isdigit()):
            return None
        try:
            return date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
        except ValueError:
            return None

    def write(self, value: Any) -> str:
        return f"{value:%Y%m%d}"


@dataclass(frozen=True)
class Flag(Field):
    """A literal whose presence sets a boolean field (``:x`` on a /t card's alert buttons)."""

    word: str

    def read(self, raw: str) -> bool | None:
        return True if raw == self.word else None

    def write(self, value: Any) -> str:
        return self.word


ROW_ID = Int(1, MAX_ROW_ID)
TELEGRAM_ID = Int(1, MAX_TELEGRAM_ID)
INDEX = Int(0, MAX_INDEX)


# ----------------------------------------------------------------------------- layouts
@dataclass(frozen=True)
class Named:
    """A field that fills the kind's field `name` (not the next one in order)."""

    name: str
    field: Field


Part = str | Field | Named


@dataclass(frozen=True)
class Layout:
    """How one kind is written: literal words and fields, in order (the first is the
    prefix). The fields fill the kind's fields in order (a `Named` one, its own); the rest
    keep their defaults."""

    kind: type[tuple[Any, ...]]
    parts: tuple[Part, ...]

    @property
    def prefix(self) -> str:
        return str(self.parts[0])

    def decode(self, pieces: list[str]) -> tuple[Any, ...] | None:
        if len(pieces) != len(self.parts):
            return None
        values: list[Any] = []
        named: dict[str, Any] = {}
        for part, raw in zip(self.parts, pieces, strict=True):
            if isinstance(part, str):
                if raw != part:
                    return None
                continue
            field = part.field if isinstance(part, Named) else part
            value = field.read(raw)
            if value is None:
                return None
            if isinstance(part, Named):
                named[part.name] = value
            else:
                values.append(value)
        return self.kind(*values, **named)

    def encode(self, value: tuple[Any, ...]) -> str:
        fields = iter(value)
        out = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
            elif isinstance(part, Named):
                out.append(part.field.write(getattr(value, part.name)))
            else:
                out.append(part.write(next(fields)))
        return ":".join(out)


LAYOUTS: list[Layout] = []


def register(kind: type[T], *layouts: tuple[Part, ...]) -> type[T]:
    LAYOUTS.extend(Layout(kind, parts) for parts in layouts)
    return kind


def parse(data: str | None, kind: type[T]) -> T | None:
    """The value of `kind` the data encodes, or None (not ours, malformed, out of range)."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    pieces = data.split(":")
    for layout in LAYOUTS:
        if layout.kind is kind:
            value = layout.decode(pieces)
            if value is not None:
                return value  # type: ignore[return-value]
    return None


def encode(value: tuple[Any, ...]) -> str:
    """The data of a value: the first layout of its kind that gives the value back."""
    for layout in LAYOUTS:
        if layout.kind is type(value):
            try:
                data = layout.encode(value)
            except StopIteration:
                continue
            if parse(data, type(value)) == value:
                return data
    raise ValueError(f"no layout writes {value!r}")
