"""The reference file's shape as a pydantic model, and its errors as problem records.

The model is as lenient as managers' hand-edited files need (a missing list is empty, text
is trimmed, an urgency may be just its name); a wrong shape becomes one problem per entry,
all of them at once, with the path into the document so a file's line can be added.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationError,
    model_validator,
)

from bot.services.reference.problems import Problem, ReferenceProblem
from bot.services.reference.units import Text, TextList, Unit, clean_text

LIST_SECTIONS = ("industries", "request_types")
ALIAS_SECTIONS = ("category_aliases", "industry_aliases", "request_type_aliases",
                  "urgency_aliases")


def _no_blank_keys(values: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in values.items() if k}


def _no_blanks(values: list[str]) -> list[str]:
    return [v for v in values if v]


Level2 = Annotated[list[Text], AfterValidator(_no_blanks)]
TextMap = Annotated[dict[Text, Text], BeforeValidator(lambda v: {} if v is None else v),
                    AfterValidator(_no_blank_keys)]


def _named(value: str) -> str:
    if not value:
        raise ValueError("an urgency needs a name")
    return value


class UrgencySpec(BaseModel):
    """An urgency: its name, whether it alerts the leaders, and what it means."""

    name: Annotated[Text, AfterValidator(_named)]
    alert: Annotated[bool, BeforeValidator(bool)] = False
    description: Text = ""

    @model_validator(mode="before")
    @classmethod
    def _just_a_name(cls, data: Any) -> Any:
        return {"name": data} if isinstance(data, str) else data


class ReferenceSpec(BaseModel):
    """The whole document (fields in the order problems are reported)."""

    units: list[Unit]
    categories: dict[Text, Level2]
    urgencies: list[UrgencySpec]
    industries: TextList = []
    request_types: TextList = []
    category_aliases: TextMap = {}
    industry_aliases: TextMap = {}
    request_type_aliases: TextMap = {}
    urgency_aliases: TextMap = {}

    model_config = ConfigDict(extra="ignore")


def shape_problems(exc: ValidationError, data: Any) -> list[ReferenceProblem]:
    """One problem per wrong entry (several unknown keys of one unit make one problem)."""
    out: list[ReferenceProblem] = []
    unknown: dict[int, list[str]] = {}
    for err in exc.errors(include_url=False):
        problem = _problem(tuple(err["loc"]), err["type"], data, unknown)
        if problem is not None and problem not in out:
            out.append(problem)
    for index, keys in unknown.items():  # after the unit's other problems, as listed
        pos = next((i for i, p in enumerate(out)
                    if p.section != "units" or (p.index or 0) >= index + 1), len(out))
        out.insert(pos, ReferenceProblem(
            Problem.unknown_fields, section="units", index=index + 1,
            name=_unit_name(data, index), values=tuple(sorted(keys)), loc=("units", index)))
    return out


def _problem(loc: tuple[str | int, ...], kind: str, data: Any,
             unknown: dict[int, list[str]]) -> ReferenceProblem | None:
    if not loc:
        return ReferenceProblem(Problem.top_not_mapping)
    section = str(loc[0])
    if section == "units":
        return _unit_problem(loc, kind, data, unknown)
    if section == "categories":
        if len(loc) == 1:
            return ReferenceProblem(Problem.not_mapping, section=section, loc=loc[:1])
        return ReferenceProblem(Problem.l2_not_list, section=section, name=str(loc[1]),
                                loc=loc[:2])
    if section == "urgencies":
        if len(loc) == 1:
            return ReferenceProblem(Problem.not_list, section=section, loc=loc[:1])
        return ReferenceProblem(Problem.urgency_without_name, section=section,
                                index=int(loc[1]) + 1, loc=loc[:2])
    code = Problem.not_mapping if section in ALIAS_SECTIONS else Problem.not_list
    return ReferenceProblem(code, section=section, loc=loc[:1])


def _unit_problem(loc: tuple[str | int, ...], kind: str, data: Any,
                  unknown: dict[int, list[str]]) -> ReferenceProblem | None:
    if len(loc) == 1:
        return ReferenceProblem(Problem.not_list, section="units", loc=loc)
    index = int(loc[1])
    if len(loc) == 2:
        return ReferenceProblem(Problem.entry_not_mapping, section="units", index=index + 1,
                                loc=loc)
    if kind == "extra_forbidden":
        unknown.setdefault(index, []).append(str(loc[2]))
        return None
    return ReferenceProblem(Problem.aliases_not_list, section="units", index=index + 1,
                            name=_unit_name(data, index), loc=loc[:3])


def _unit_name(data: Any, index: int) -> str:
    try:
        entry = data["units"][index]
    except (KeyError, IndexError, TypeError):
        return ""
    return clean_text(entry.get("name")) if isinstance(entry, Mapping) else ""
