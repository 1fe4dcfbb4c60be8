"""What can be wrong with reference data: one record per problem, naming the entry.

Reading collects every problem instead of stopping at the first, so a manager can fix an
imported file in one pass. The records carry fields only; `bot.texts.admin` words them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Problem(enum.StrEnum):
    # the file itself
    file = "file"  # unreadable or not YAML (detail says why, line where)
    # the shape of the document
    top_not_mapping = "top_not_mapping"
    not_list = "not_list"  # `section` should be a list
    not_mapping = "not_mapping"  # `section` (categories, *_aliases) should be a mapping
    entry_not_mapping = "entry_not_mapping"  # units #index
    unknown_fields = "unknown_fields"  # units #index: values = the unknown keys
    aliases_not_list = "aliases_not_list"  # units #index
    l2_not_list = "l2_not_list"  # categories `name`
    urgency_without_name = "urgency_without_name"  # urgencies #index
    # consistency
    missing_field = "missing_field"  # units #index: field
    bad_kind = "bad_kind"  # units #index: value = the kind
    unknown_section = "unknown_section"  # units #index: value = the section
    duplicate_unit = "duplicate_unit"  # units #index
    duplicate_key = "duplicate_key"  # units #index: value = name or alias, target = owner
    no_units = "no_units"
    no_categories = "no_categories"
    empty_l2 = "empty_l2"  # categories `name`
    duplicate_l2 = "duplicate_l2"  # categories `name`: values
    empty_list = "empty_list"  # `section`
    duplicate_values = "duplicate_values"  # `section`: values
    alias_target = "alias_target"  # `section` alias `name` -> missing `target`
    unknown_alert = "unknown_alert"  # urgencies: `name` marked alert is not an urgency


@dataclass(frozen=True)
class ReferenceProblem:
    """One problem. `section` is the top-level key, `index` the 1-based entry number,
    `name` the entry's name; `loc` is the path into the document (for the line number)."""

    code: Problem
    section: str = ""
    index: int | None = None
    name: str = ""
    field: str = ""
    value: str = ""
    values: tuple[str, ...] = ()
    target: str = ""
    detail: str = ""
    loc: tuple[str | int, ...] = ()
    line: int | None = None


class ReferenceDataError(ValueError):
    """The reference data is invalid; `problems` lists each issue, naming the entry."""

    def __init__(self, problems: list[ReferenceProblem], *, path: str | None = None) -> None:
        self.problems = problems
        self.path = path
        super().__init__(f"{len(problems)} reference data problem(s): "
                         + ", ".join(p.code.value for p in problems))


class ReferenceFileError(ReferenceDataError):
    """The file cannot be read or is not valid YAML (raised by `YamlSource`)."""

    def __init__(self, message: str, *, path: object = None, line: int | None = None) -> None:
        where = str(path) if path is not None else None
        super().__init__([ReferenceProblem(Problem.file, detail=message, value=where or "",
                                           line=line)], path=where)


__all__ = ["Problem", "ReferenceDataError", "ReferenceFileError", "ReferenceProblem"]
