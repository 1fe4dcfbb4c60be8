"""Reference data: responsible units, problem categories, industries, request types, urgencies.

The defaults ship in ``bot/data/reference.yaml``; managers may import an edited copy, which is
then kept in the database. The same code validates a file, a database snapshot or a test
fixture: :mod:`~bot.services.reference.spec` checks the shape,
:mod:`~bot.services.reference.checks` the consistency, and every problem is collected
(:class:`~bot.services.reference.problems.ReferenceDataError`) so a manager fixes a file in
one pass. Matching typed text is :mod:`~bot.services.reference.match`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.configfiles.yaml_source import YamlSource
from bot.services.reference import checks
from bot.services.reference.match import (
    CategoryMatch,
    MatchResult,
    match_category,
    match_simple,
    match_unit,
)
from bot.services.reference.problems import (
    ReferenceDataError,
    ReferenceFileError,
    ReferenceProblem,
)
from bot.services.reference.spec import ReferenceSpec, shape_problems
from bot.services.reference.units import Unit


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
    def from_dict(cls, data: Any, *, validate: bool = True) -> Reference:
        """Build from a parsed YAML/JSON mapping; raise ReferenceDataError on any problem."""
        try:
            spec = ReferenceSpec.model_validate(data)
        except ValidationError as exc:
            raise ReferenceDataError(shape_problems(exc, data)) from None
        ref = cls(
            units=spec.units,
            categories=spec.categories,
            industries=spec.industries,
            request_types=spec.request_types,
            urgencies=[u.name for u in spec.urgencies],
            urgency_descriptions={u.name: u.description for u in spec.urgencies},
            alert_urgencies=[u.name for u in spec.urgencies if u.alert],
            category_aliases=spec.category_aliases,
            industry_aliases=spec.industry_aliases,
            request_type_aliases=spec.request_type_aliases,
            urgency_aliases=spec.urgency_aliases,
        )
        if validate:
            ref.validate()
        return ref

    # ---- validation ----
    def problems(self) -> list[ReferenceProblem]:
        """Every consistency problem, each naming the offending entry (empty when valid)."""
        return [
            *checks.unit_problems(self.units),
            *checks.category_problems(self.categories),
            *checks.list_problems({"industries": self.industries,
                                   "request_types": self.request_types,
                                   "urgencies": self.urgencies}),
            *checks.alias_problems({
                "category_aliases": (self.category_aliases, self.categories),
                "industry_aliases": (self.industry_aliases, self.industries),
                "request_type_aliases": (self.request_type_aliases, self.request_types),
                "urgency_aliases": (self.urgency_aliases, self.urgencies),
            }),
            *checks.alert_problems(self.alert_urgencies, self.urgencies),
        ]

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
        return match_category(self.categories, self.category_aliases, text)

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
    """Load and validate a reference YAML file (default: the packaged defaults).

    Every problem is reported at once, each with the line of its entry in the file.
    """
    if path is None:  # the packaged file cannot change: parsed once, validated each time
        return Reference.from_dict(_packaged_data())
    target = Path(path)
    src = YamlSource(target, ReferenceFileError)
    data = src.plain()
    try:
        return Reference.from_dict(data or {})
    except ReferenceDataError as exc:
        problems = [replace(p, line=_line(src, p.loc)) for p in exc.problems]
        raise ReferenceDataError(problems, path=str(target)) from None


@functools.cache
def _packaged_data() -> Any:
    """The packaged defaults, parsed (every fresh database starts from them)."""
    return YamlSource(default_reference_path(), ReferenceFileError).plain() or {}


def _line(src: YamlSource, loc: tuple[str | int, ...]) -> int | None:
    """The line of the entry at `loc`; None when the document lacks it (a missing list)."""
    if not loc:
        return None
    node = src.node_at(loc)
    if node is None or node is src.node_at(loc[:-1]):
        return None
    return YamlSource.line(node)
