"""Ticket deadlines (办理时限) from a configurable policy file.

The policy file (default: packaged ``bot/data/deadline_policy.yaml``) has two parts:

* ``classes:`` — named rows (紧急, 急, 一般, 复杂疑难, 即时办结 …), each with a limit per stage:
  ``sign`` (签收), ``contact`` (首次联系), ``first_feedback`` (首次反馈, optional) and
  ``complete`` (办结反馈). A limit is ``{n: <positive int>, unit: <unit>}`` or ``null`` (no such
  deadline); a row with ``no_deadlines: true`` (即时办结) has none at all.
* ``mapping:`` — rules from a ticket's (urgency, request_type, complex, answered_on_spot) to a
  row; the first matching rule wins and the last must be the catch-all ``when: {}``.

Counting rules:

* Natural units (``natural_minutes``, ``natural_hours``, ``natural_days``) are plain elapsed
  time from ``received_at``, 7×24, holidays ignored.
* ``working_days``: N working days after T = 23:59:59 (local time) on the N-th working day
  strictly after T's date (the receipt date never counts, whatever the hour; a ticket received
  on a weekend or holiday is effectively counted from the next working day). See
  :meth:`bot.services.calendar.WorkCalendar.add_workdays`. ``Deadlines.provisional`` is true
  when any day counted came from the provisional fallback calendar.
* A ``platform_deadline`` printed on the city's order replaces the computed ``complete_by``.

Reading the file is :mod:`bot.services.tickets.policy_file`: errors raise ``PolicyError``
naming the file and line, and the bot refuses to start.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo
from pathlib import Path

import yaml

from bot.configfiles.yaml_source import YamlSource
from bot.services.calendar.work import WorkCalendar
from bot.services.tickets.policy_file import (
    STAGES,
    ClassSpec,
    RuleSpec,
    Stage,
    Unit,
    read_policy,
)
from bot.services.tickets.vocabulary import REQUEST_TYPES, URGENCIES

PACKAGED_POLICY_FILE = Path(__file__).resolve().parents[2] / "data" / "deadline_policy.yaml"

_NATURAL_DELTA = {
    "natural_minutes": timedelta(minutes=1),
    "natural_hours": timedelta(hours=1),
    "natural_days": timedelta(days=1),
}


@dataclass(frozen=True)
class Limit:
    n: int
    unit: Unit

    @property
    def natural(self) -> bool:
        return self.unit != "working_days"


@dataclass(frozen=True)
class PolicyClass:
    name: str
    limits: Mapping[Stage, Limit | None]
    no_deadlines: bool = False


@dataclass(frozen=True)
class MappingRule:
    """``None`` in a condition means "any"."""

    policy_class: str
    urgency: frozenset[str] | None = None
    request_type: frozenset[str] | None = None
    complex_case: bool | None = None
    answered_on_spot: bool | None = None
    line: int | None = None

    @property
    def catch_all(self) -> bool:
        return (self.urgency is None and self.request_type is None
                and self.complex_case is None and self.answered_on_spot is None)

    def matches(self, *, urgency: str, request_type: str, complex_case: bool,
                answered_on_spot: bool) -> bool:
        return ((self.urgency is None or urgency in self.urgency)
                and (self.request_type is None or request_type in self.request_type)
                and (self.complex_case is None or complex_case == self.complex_case)
                and (self.answered_on_spot is None or answered_on_spot == self.answered_on_spot))


@dataclass(frozen=True)
class Deadlines:
    sign_by: datetime | None
    contact_by: datetime | None
    first_feedback_by: datetime | None
    complete_by: datetime | None
    policy_class: str
    #: True when any counted working day came from the provisional fallback calendar.
    provisional: bool


# --------------------------------------------------------------------------- the policy


class DeadlinePolicy:
    def __init__(self, classes: Mapping[str, PolicyClass], rules: list[MappingRule], *,
                 source: Path | None = None, tz: tzinfo | None = None) -> None:
        self.classes = dict(classes)
        self.rules = list(rules)
        self.source = source
        # The configured zone deadlines are counted and returned in; None: the zone of
        # the time a ticket was received.
        self.tz = tz

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None, *,
             tz: tzinfo | None = None) -> DeadlinePolicy:
        """Read and validate a policy file (default: the packaged one); raise PolicyError."""
        src, spec = read_policy(path if path is not None else PACKAGED_POLICY_FILE)
        classes = {name: _policy_class(name, row) for name, row in spec.classes.items()}
        rules = [_rule(r, src.node_at(("mapping", i))) for i, r in enumerate(spec.mapping)]
        return cls(classes, rules, source=src.path, tz=tz)

    def classify(self, *, urgency: str, request_type: str, complex_case: bool = False,
                 answered_on_spot: bool = False) -> str:
        """The policy class (row name) for a ticket; first matching rule wins."""
        if urgency not in URGENCIES:
            raise ValueError(f"unknown urgency {urgency!r}; expected one of {URGENCIES}")
        if request_type not in REQUEST_TYPES:
            raise ValueError(
                f"unknown request type {request_type!r}; expected one of {REQUEST_TYPES}")
        for rule in self.rules:
            if rule.matches(urgency=urgency, request_type=request_type,
                            complex_case=complex_case, answered_on_spot=answered_on_spot):
                return rule.policy_class
        raise AssertionError("validated policy always ends with a catch-all rule")

    def compute(self, *, received_at: datetime, urgency: str, request_type: str,
                calendar: WorkCalendar, complex_case: bool = False,
                answered_on_spot: bool = False,
                platform_deadline: datetime | None = None) -> Deadlines:
        """All deadlines of a ticket. ``platform_deadline`` (from the city's order) wins for
        ``complete_by``. Times are returned in the policy's zone."""
        _require_aware(received_at, "received_at")
        if platform_deadline is not None:
            _require_aware(platform_deadline, "platform_deadline")
        name = self.classify(urgency=urgency, request_type=request_type,
                             complex_case=complex_case, answered_on_spot=answered_on_spot)
        pclass = self.classes[name]
        if pclass.no_deadlines:
            return Deadlines(None, None, None, None, name, False)
        zone = self.tz or received_at.tzinfo
        start = received_at.astimezone(zone)
        provisional = False
        out: dict[str, datetime | None] = {}
        for stage in STAGES:
            limit = pclass.limits[stage]
            if stage == "complete" and platform_deadline is not None:
                out[stage] = platform_deadline.astimezone(zone)
            elif limit is None:
                out[stage] = None
            elif limit.natural:
                out[stage] = start + _NATURAL_DELTA[limit.unit] * limit.n
            else:
                span = calendar.count_workdays(start, limit.n)
                out[stage] = span.end
                provisional = provisional or span.provisional
        return Deadlines(
            sign_by=out["sign"],
            contact_by=out["contact"],
            first_feedback_by=out["first_feedback"],
            complete_by=out["complete"],
            policy_class=name,
            provisional=provisional,
        )

    def extend(self, deadlines: Deadlines, new_complete_by: datetime) -> Deadlines:
        """An approved extension (延期): a later ``complete_by``; other deadlines unchanged.

        ``provisional`` is kept as it was (conservative: it may still describe the
        working-day ``contact_by``).
        """
        _require_aware(new_complete_by, "new_complete_by")
        if deadlines.complete_by is None:
            raise ValueError(f"class {deadlines.policy_class!r} has no completion deadline "
                             "to extend")
        if new_complete_by <= deadlines.complete_by:
            raise ValueError("an extension must move complete_by later "
                             f"({new_complete_by.isoformat()} <= "
                             f"{deadlines.complete_by.isoformat()})")
        return replace(deadlines,
                       complete_by=new_complete_by.astimezone(self.tz or new_complete_by.tzinfo))


def _policy_class(name: str, row: ClassSpec) -> PolicyClass:
    limits: dict[Stage, Limit | None] = {}
    for stage in STAGES:
        spec = getattr(row, stage)
        limits[stage] = Limit(spec.n, spec.unit) if spec is not None else None
    return PolicyClass(name, limits, row.no_deadlines)


def _rule(r: RuleSpec, node: yaml.Node | None) -> MappingRule:
    w = r.when
    return MappingRule(policy_class=r.target, urgency=w.urgency if w else None,
                       request_type=w.request_type if w else None,
                       complex_case=w.complex if w else None,
                       answered_on_spot=w.answered_on_spot if w else None,
                       line=YamlSource.line(node) if node is not None else None)


def _require_aware(value: datetime, name: str) -> None:
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
