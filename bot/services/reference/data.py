"""Reference data: responsible units, problem categories, industries, request types, urgencies.

The defaults ship in ``bot/data/reference.yaml``; managers may import an edited copy, which is
then kept in the database. Everything here is plain dataclasses (``to_dict``/``from_dict``) and
pure functions, so the same code validates a file, a database snapshot or a test fixture.

The pieces: :mod:`bot.services.reference.schema` (units, reading a raw mapping, consistency
checks) and :mod:`bot.services.reference.match` (matching typed text to units, categories and
choices). :class:`Reference` ties them together and every public name stays importable from
here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from bot.services.reference.match import (
    CATEGORY_THRESHOLD,
    MARGIN,
    SUGGESTION_CUTOFF,
    SUGGESTION_LIMIT,
    UNIT_THRESHOLD,
    CategoryMatch,
    MatchResult,
    match_category,
    match_simple,
    match_unit,
    normalize_name,
    suggestions_text,
)
from bot.services.reference.schema import (
    UNIT_FIELDS,
    UNIT_KINDS,
    ReferenceDataError,
    Unit,
    parse_categories,
    parse_units,
    parse_urgencies,
    reference_problems,
    str_list,
    str_map,
)

__all__ = [
    "CATEGORY_THRESHOLD",
    "MARGIN",
    "SUGGESTION_CUTOFF",
    "SUGGESTION_LIMIT",
    "UNIT_FIELDS",
    "UNIT_KINDS",
    "UNIT_THRESHOLD",
    "CategoryMatch",
    "MatchResult",
    "Reference",
    "ReferenceDataError",
    "Unit",
    "default_reference_path",
    "load_reference",
    "normalize_name",
    "suggestions_text",
]


@dataclass
class Reference:
    units: list[Unit] = field(default_factory=list)
    categories: dict[str, list[str]] = field(default_factory=dict)
    industries: list[str] = field(default_factory=list)
    request_types: list[str] = field(default_factory=list)
    urgencies: list[str] = field(default_factory=list)
    urgency_descriptions: dict[str, str] = field(default_factory=dict)
    # Urgencies that make the bot alert the commission's leaders at once.
    alert_urgencies: list[str] = field(default_factory=list)
    category_aliases: dict[str, str] = field(default_factory=dict)
    industry_aliases: dict[str, str] = field(default_factory=dict)
    request_type_aliases: dict[str, str] = field(default_factory=dict)
    urgency_aliases: dict[str, str] = field(default_factory=dict)

    # ---- serialisation ----
    def to_dict(self) -> dict[str, Any]:
        return {
            "version": 1,
            "units": [u.to_dict() for u in self.units],
            "categories": {k: list(v) for k, v in self.categories.items()},
            "category_aliases": dict(self.category_aliases),
            "industries": list(self.industries),
            "industry_aliases": dict(self.industry_aliases),
            "request_types": list(self.request_types),
            "request_type_aliases": dict(self.request_type_aliases),
            "urgencies": [
                {
                    "name": u,
                    "alert": u in self.alert_urgencies,
                    "description": self.urgency_descriptions.get(u, ""),
                }
                for u in self.urgencies
            ],
            "urgency_aliases": dict(self.urgency_aliases),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, validate: bool = True) -> Reference:
        """Build from a parsed YAML/JSON mapping; raise ReferenceDataError on any problem."""
        if not isinstance(data, Mapping):
            raise ReferenceDataError(["文件顶层应为键值映射（units、categories 等）。"])
        problems: list[str] = []
        units = parse_units(data.get("units"), problems)
        categories = parse_categories(data.get("categories"), problems)
        urgencies, descriptions, alerts = parse_urgencies(data.get("urgencies"), problems)
        ref = cls(
            units=units,
            categories=categories,
            industries=str_list(data.get("industries"), "industries", problems),
            request_types=str_list(data.get("request_types"), "request_types", problems),
            urgencies=urgencies,
            urgency_descriptions=descriptions,
            alert_urgencies=alerts,
            category_aliases=str_map(data.get("category_aliases"), "category_aliases", problems),
            industry_aliases=str_map(data.get("industry_aliases"), "industry_aliases", problems),
            request_type_aliases=str_map(
                data.get("request_type_aliases"), "request_type_aliases", problems
            ),
            urgency_aliases=str_map(data.get("urgency_aliases"), "urgency_aliases", problems),
        )
        if validate:
            problems.extend(ref.problems())
        if problems:
            raise ReferenceDataError(problems)
        return ref

    # ---- validation ----
    def problems(self) -> list[str]:
        """Every consistency problem, each naming the offending entry (empty when valid)."""
        return reference_problems(self)

    def validate(self) -> None:
        problems = self.problems()
        if problems:
            raise ReferenceDataError(problems)

    # ---- look-ups ----
    def unit(self, name: str) -> Unit | None:
        """The unit with this canonical name, or None."""
        return next((u for u in self.units if u.name == name), None)

    def units_in_section(self, section: str) -> list[Unit]:
        return [u for u in self.units if u.section == section]

    def match_unit(self, text: str) -> MatchResult:
        """Match a responsible unit by name, alias, unique fragment or fuzzy similarity."""
        return match_unit(self.units, text)

    def match_category(self, text: str) -> CategoryMatch:
        """Match "一级/二级" (also "一级-二级", "一级>二级", a unique 二级 name, or fuzzy)."""
        return match_category(self, text)

    def match_request_type(self, text: str) -> MatchResult:
        return match_simple(text, self.request_types, self.request_type_aliases)

    def match_urgency(self, text: str) -> MatchResult:
        return match_simple(text, self.urgencies, self.urgency_aliases)

    def match_industry(self, text: str) -> MatchResult:
        return match_simple(text, self.industries, self.industry_aliases)


# ---------------------------------------------------------------- loading


def default_reference_path() -> Path:
    return Path(str(resources.files("bot.data").joinpath("reference.yaml")))


def load_reference(path: str | Path | None = None) -> Reference:
    """Load and validate a reference YAML file (default: the packaged defaults)."""
    target = Path(path) if path is not None else default_reference_path()
    try:
        raw = target.read_text(encoding="utf-8")
    except OSError as exc:
        raise ReferenceDataError([f"无法读取文件 {target}：{exc.strerror or exc}"]) from exc
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise ReferenceDataError([f"{target} 不是有效的 YAML：{exc}"]) from exc
    return Reference.from_dict(data or {})
