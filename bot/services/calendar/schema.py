"""The holidays file as a pydantic model, and the mapping of its first problem to a line.

A hand-edited schedule must point at the line to fix, and the loader must say *what* is wrong
in words an operator understands. So every check raises a ``PydanticCustomError`` whose type
is a problem code (see ``PROBLEMS`` in :mod:`bot.services.calendar.errors`) and whose
context carries the values the message needs; :func:`read_holidays_file` turns the first one
into a :class:`~bot.services.calendar.errors.CalendarFileError` with file and line. (Not
``YamlSource.validate``: that keeps pydantic's own words, and these messages — checked by the
tests, shown by ``python -m bot holidays import`` — say exactly what to fix.)

Dates are taken as written (the YAML loader would turn ``2027-13-01`` into an unreadable
timestamp before any model saw it), so the date rule can name the exact text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from bot.configfiles.yaml_source import YamlSource
from bot.services.calendar.errors import PROBLEMS

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
DAY_FIELDS = ("date", "kind", "name")
YEAR_FIELDS = ("complete", "source")
TOP_FIELDS = ("years", "days")


def _fail(code: str, **ctx: Any) -> PydanticCustomError:
    return PydanticCustomError(code, code, ctx)


def _year_key(value: Any) -> int:
    key = str(value)
    if not key.isdigit() or not 1900 <= int(key) <= 2200:
        raise _fail("bad_year", key=key)
    return int(key)


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        raise _fail("date_has_time", text=str(value))
    if isinstance(value, date):
        return value
    text = str(value).strip() if isinstance(value, str | int | float) else ""
    if _DATE_RE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    elif _DATE_RE.match(text):
        raise _fail("date_has_time", text=text)
    raise _fail("bad_date", got=repr(text or value))


def _unknown(data: dict[str, Any], allowed: tuple[str, ...]) -> list[str]:
    """Keys not in ``allowed``, in the order written."""
    return [k for k in data if k not in allowed]


class YearEntry(BaseModel):
    """``years: {2027: {complete: true, source: …}}`` — a year the file declares."""

    model_config = ConfigDict(frozen=True)

    complete: bool = False
    source: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _shape(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise _fail("not_a_mapping")
        unknown = _unknown(data, YEAR_FIELDS)
        if unknown:
            raise _fail("year_unknown_field", field=unknown[0], at_key=unknown[0])
        return data

    @field_validator("complete", mode="before")
    @classmethod
    def _complete(cls, value: Any) -> bool:
        if not isinstance(value, bool):
            raise _fail("complete_not_bool", value=repr(value))
        return value

    @field_validator("source", mode="before")
    @classmethod
    def _source(cls, value: Any) -> str | None:
        if value is not None and not isinstance(value, str):
            raise _fail("source_not_text", value=repr(value))
        return value or None

    @model_validator(mode="after")
    def _complete_needs_source(self) -> YearEntry:
        if self.complete and not self.source:
            raise _fail("year_needs_source")
        return self


class DayEntry(BaseModel):
    """One dated entry: ``{date: 2027-01-01, kind: holiday, name: 元旦}``."""

    model_config = ConfigDict(frozen=True)

    date: Annotated[date, BeforeValidator(_date)]
    kind: str
    name: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _shape(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise _fail("day_not_mapping")
        unknown = sorted(_unknown(data, DAY_FIELDS))
        if unknown:
            raise _fail("day_unknown_fields", fields=unknown, at_key=unknown[0])
        for required in ("date", "kind"):
            if required not in data:
                raise _fail("day_missing", field=required)
        return data

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: Any) -> str:
        if value not in ("holiday", "workday"):
            raise _fail("bad_kind", kind=repr(value))
        return str(value)

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, value: Any) -> str | None:
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise _fail("name_not_text", name=repr(value))
        return value.strip() if value else None

    @model_validator(mode="after")
    def _holiday_needs_name(self) -> DayEntry:
        if self.kind == "holiday" and not self.name:
            raise _fail("holiday_needs_name")
        return self


class HolidaysFile(BaseModel):
    """The whole file: optional ``years:`` and ``days:`` (a bare list means ``days:``)."""

    years: dict[Annotated[int, BeforeValidator(_year_key)], YearEntry] = {}
    days: list[DayEntry] = []

    @model_validator(mode="before")
    @classmethod
    def _shape(cls, data: Any) -> Any:
        if data is None:
            return {}
        if isinstance(data, list):
            return {"days": data}
        if not isinstance(data, dict):
            raise _fail("top_not_mapping")
        unknown = _unknown(data, TOP_FIELDS)
        if unknown:
            raise _fail("unknown_top_key", key=unknown[0], at_key=unknown[0])
        return data

    @field_validator("years", mode="before")
    @classmethod
    def _years(cls, value: Any) -> Any:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise _fail("not_a_mapping")
        return value

    @field_validator("days", mode="before")
    @classmethod
    def _days(cls, value: Any) -> Any:
        if value is None:
            return []
        if not isinstance(value, list):
            raise _fail("not_a_list")
        return value


# --------------------------------------------------------------------------- reading


def _plain(src: YamlSource, node: yaml.Node | None, where: str) -> Any:
    """Plain values for the model; timestamps stay the text written (see the module doc)."""
    if node is None or src.is_null(node):
        return None
    if isinstance(node, yaml.MappingNode):
        return {k: _plain(src, v, f"{where}.{k}") for k, v in src.mapping(node, where)}
    if isinstance(node, yaml.SequenceNode):
        return [_plain(src, v, f"{where}[{i}]") for i, v in enumerate(node.value)]
    if isinstance(node, yaml.ScalarNode) and node.tag == _TIMESTAMP:
        return str(node.value)
    return src.value(node)


def _node(src: YamlSource, loc: tuple[int | str, ...]) -> yaml.Node | None:
    """The node at a model location (a bare list at the top stands for ``days:``)."""
    if isinstance(src.root, yaml.SequenceNode) and loc[:1] == ("days",):
        loc = loc[1:]
    return src.node_at(loc)


def _line(src: YamlSource, loc: tuple[int | str, ...], key: str | None) -> int | None:
    """The line of ``key`` in the mapping at ``loc`` (unknown keys), else of the node."""
    node = _node(src, loc)
    if key is not None and isinstance(node, yaml.MappingNode):
        for k, _ in node.value:
            if str(getattr(k, "value", "")) == key:
                return src.line(k)
    return src.line(node) if node is not None else None


def _subject(loc: tuple[int | str, ...]) -> dict[str, Any]:
    """The year or the day entry a location is about (the messages name it)."""
    if len(loc) >= 2 and loc[0] == "years":
        return {"year": str(loc[1]), "what": f"years.{loc[1]}"}
    if len(loc) >= 2 and loc[0] == "days" and isinstance(loc[1], int):
        return {"entry": loc[1] + 1}
    return {"what": str(loc[0])} if loc else {}


def read_holidays_file(src: YamlSource,
                       problem: Callable[..., Exception]) -> tuple[HolidaysFile, list[int]]:
    """Validate the document; returns the model and each day entry's line.

    ``problem(code, line=…, **fields)`` builds the error raised for the first problem.
    """
    try:
        model = HolidaysFile.model_validate(_plain(src, src.root, "top level"))
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        loc = tuple(first.get("loc", ()))
        if loc and loc[-1] == "[key]":
            loc = loc[:-1]
        fields = dict(first.get("ctx") or {})
        line = _line(src, loc, fields.pop("at_key", None))
        code = first["type"]
        fields = {**_subject(loc), **fields}
        if code not in PROBLEMS:  # a check this module did not foresee: pydantic's words
            code = "invalid"
            fields = {"detail": f"{'.'.join(map(str, loc))}: {first.get('msg', '')}"}
        raise problem(code, line=line, **fields) from None
    lines = []
    for i in range(len(model.days)):
        node = _node(src, ("days", i))
        lines.append(src.line(node) if node is not None else 0)
    return model, lines
