"""Consistency checks over reference data that has the right shape.

Each check takes plain data and returns problem records naming the offending entry; the
`Reference` runs them all (see `Reference.problems`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from bot.services.reference.match import normalize_name
from bot.services.reference.problems import Problem, ReferenceProblem
from bot.services.reference.units import SECTION_KIND, UNIT_KINDS, Unit

_REQUIRED_UNIT_FIELDS = ("name", "kind", "contact", "leader", "section")


def unit_problems(units: Sequence[Unit]) -> list[ReferenceProblem]:
    """Missing fields, unknown kinds and sections, duplicate names and aliases."""
    out: list[ReferenceProblem] = []
    seen: dict[str, str] = {}
    names = [u.name for u in units]
    sections = {u.name for u in units if u.kind == SECTION_KIND}
    for i, unit in enumerate(units, 1):
        out += [_of_unit(Problem.missing_field, i, unit, field=f)
                for f in _REQUIRED_UNIT_FIELDS if not getattr(unit, f)]
        if unit.kind and unit.kind not in UNIT_KINDS:
            out.append(_of_unit(Problem.bad_kind, i, unit, value=unit.kind))
        if unit.section and sections and unit.section not in sections:
            out.append(_of_unit(Problem.unknown_section, i, unit, value=unit.section))
        if unit.name and names.count(unit.name) > 1 and names.index(unit.name) < i - 1:
            out.append(_of_unit(Problem.duplicate_unit, i, unit))
            continue
        for key in [unit.name, *unit.aliases]:
            if not key:
                continue
            owner = seen.setdefault(normalize_name(key), unit.name)
            if owner != unit.name:
                out.append(_of_unit(Problem.duplicate_key, i, unit, value=key, target=owner))
    if not units:
        out.append(ReferenceProblem(Problem.no_units, section="units", loc=("units",)))
    return out


def _of_unit(code: Problem, index: int, unit: Unit, **fields: str) -> ReferenceProblem:
    return ReferenceProblem(code, section="units", index=index, name=unit.name,
                            loc=("units", index - 1), **fields)


def category_problems(categories: Mapping[str, list[str]]) -> list[ReferenceProblem]:
    """At least one category; each with level-2 names, none repeated."""
    out: list[ReferenceProblem] = []
    if not categories:
        out.append(ReferenceProblem(Problem.no_categories, section="categories",
                                    loc=("categories",)))
    for l1, l2s in categories.items():
        loc: tuple[str | int, ...] = ("categories", l1)
        if not l2s:
            out.append(ReferenceProblem(Problem.empty_l2, section="categories", name=l1,
                                        loc=loc))
        dups = _duplicates(l2s)
        if dups:
            out.append(ReferenceProblem(Problem.duplicate_l2, section="categories", name=l1,
                                        values=dups, loc=loc))
    return out


def list_problems(lists: Mapping[str, list[str]]) -> list[ReferenceProblem]:
    """Each named list (industries, request types, urgencies) non-empty, without repeats."""
    out: list[ReferenceProblem] = []
    for section, values in lists.items():
        if not values:
            out.append(ReferenceProblem(Problem.empty_list, section=section, loc=(section,)))
        dups = _duplicates(values)
        if dups:
            out.append(ReferenceProblem(Problem.duplicate_values, section=section, values=dups,
                                        loc=(section,)))
    return out


def alias_problems(
    aliases: Mapping[str, tuple[Mapping[str, str], Collection[str]]],
) -> list[ReferenceProblem]:
    """Every alias points at an existing value: section -> (alias map, the values)."""
    return [ReferenceProblem(Problem.alias_target, section=section, name=alias, target=target,
                             loc=(section, alias))
            for section, (mapping, targets) in aliases.items()
            for alias, target in mapping.items() if target not in targets]


def alert_problems(alerts: Sequence[str], urgencies: Sequence[str]) -> list[ReferenceProblem]:
    """Urgencies marked `alert` exist."""
    return [ReferenceProblem(Problem.unknown_alert, section="urgencies", name=name,
                             loc=("urgencies",))
            for name in alerts if name not in urgencies]


def _duplicates(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(sorted({x for x in values if values.count(x) > 1}))
