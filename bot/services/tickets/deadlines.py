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
* ``working_days``: N working days after T = 23:59:59 Asia/Shanghai on the N-th working day
  strictly after T's date (the receipt date never counts, whatever the hour; a ticket received
  on a weekend or holiday is effectively counted from the next working day). See
  :meth:`bot.services.calendar.WorkCalendar.add_workdays`. ``Deadlines.provisional`` is true
  when any day counted came from the provisional fallback calendar.
* A ``platform_deadline`` printed on the city's order replaces the computed ``complete_by``.

Validation errors raise :class:`PolicyError` naming the file and line; the bot refuses to start.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

import yaml

from bot.clock import SHANGHAI
from bot.configfiles.errors import ConfigFileError
from bot.services.calendar.work import WorkCalendar, YamlSource

__all__ = [
    "PACKAGED_POLICY_FILE",
    "REQUEST_TYPES",
    "STAGES",
    "UNITS",
    "URGENCIES",
    "DeadlinePolicy",
    "Deadlines",
    "Limit",
    "MappingRule",
    "PolicyClass",
    "PolicyError",
]

PACKAGED_POLICY_FILE = Path(__file__).resolve().parents[2] / "data" / "deadline_policy.yaml"

#: Ticket urgencies known to the product.
URGENCIES: tuple[str, ...] = ("一般", "急", "重点", "紧急", "涉稳")
#: Ticket request types known to the product.
REQUEST_TYPES: tuple[str, ...] = ("投诉", "举报", "求助", "咨询", "建议", "表扬")

Stage = Literal["sign", "contact", "first_feedback", "complete"]
STAGES: tuple[Stage, ...] = ("sign", "contact", "first_feedback", "complete")
_REQUIRED_STAGES: tuple[Stage, ...] = ("sign", "contact", "complete")
_STAGE_LABELS = {"sign": "签收", "contact": "联系", "first_feedback": "首次反馈",
                 "complete": "办结反馈"}

Unit = Literal["natural_minutes", "natural_hours", "natural_days", "working_days"]
UNITS: tuple[Unit, ...] = ("natural_minutes", "natural_hours", "natural_days", "working_days")
_UNIT_ALIASES: Mapping[str, Unit] = {
    "自然分钟": "natural_minutes",
    "自然小时": "natural_hours",
    "自然日": "natural_days",
    "工作日": "working_days",
}
_NATURAL_DELTA = {
    "natural_minutes": timedelta(minutes=1),
    "natural_hours": timedelta(hours=1),
    "natural_days": timedelta(days=1),
}
_CONDITION_KEYS = ("urgency", "request_type", "complex", "answered_on_spot")


class PolicyError(ConfigFileError):
    """The deadline policy file is invalid. ``str()`` names the file and line."""

    prefix = '时限配置错误 / deadline policy error: '


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


# --------------------------------------------------------------------------- parsing


def _parse_limit(src: YamlSource, node: yaml.Node, where: str) -> Limit | None:
    if src.is_null(node):
        return None
    fields = dict(src.mapping(node, where))
    unknown = sorted(set(fields) - {"n", "unit"})
    if unknown:
        raise src.error(f"{where}: 未知字段 {unknown}（可用：n, unit）/ unknown fields "
                        f"{unknown} (allowed: n, unit)", src.key_of(fields[unknown[0]]))
    if "n" not in fields:
        raise src.error(f"{where}: 缺少时限数值 n / missing limit n", node)
    if "unit" not in fields:
        raise src.error(f"{where}: 缺少单位 unit / missing unit", node)
    n = src.value(fields["n"])
    if isinstance(n, bool) or not isinstance(n, int):
        raise src.error(f"{where}: n 应为正整数 / n must be a positive integer, got {n!r}",
                        fields["n"])
    if n <= 0:
        raise src.error(f"{where}: n 必须大于 0 / n must be > 0, got {n}", fields["n"])
    raw_unit = src.value(fields["unit"])
    unit = _UNIT_ALIASES.get(raw_unit, raw_unit) if isinstance(raw_unit, str) else raw_unit
    if unit not in UNITS:
        raise src.error(
            f"{where}: 未知单位 {raw_unit!r}（可用：{', '.join(UNITS)}）/ unknown unit "
            f"{raw_unit!r}", fields["unit"])
    return Limit(n, unit)


def _parse_class(src: YamlSource, name: str, node: yaml.Node) -> PolicyClass:
    fields = dict(src.mapping(node, f"classes.{name}"))
    allowed = {*STAGES, "no_deadlines"}
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise src.error(
            f"classes.{name}: 未知字段 {unknown}（可用：{', '.join(sorted(allowed))}）/ "
            f"unknown fields {unknown}", src.key_of(fields[unknown[0]]))
    no_deadlines = False
    if "no_deadlines" in fields:
        no_deadlines = src.value(fields["no_deadlines"])
        if not isinstance(no_deadlines, bool):
            raise src.error(f"classes.{name}.no_deadlines 应为 true/false / must be a boolean",
                            fields["no_deadlines"])
    limits: dict[Stage, Limit | None] = {}
    for stage in STAGES:
        where = f"classes.{name}.{stage}（{_STAGE_LABELS[stage]}）"
        if stage in fields:
            limits[stage] = _parse_limit(src, fields[stage], where)
        elif not no_deadlines and stage in _REQUIRED_STAGES:
            raise src.error(f"{where}: 缺少时限（无此环节请写 null）/ missing limit "
                            "(write null for none)", src.key_of(node))
        else:
            limits[stage] = None
    if no_deadlines and any(limits.values()):
        raise src.error(f"classes.{name}: no_deadlines: true 时不能再写时限 / a class with "
                        "no_deadlines cannot have limits", src.key_of(node))
    if not no_deadlines and limits["complete"] is None:
        raise src.error(f"classes.{name}.complete: 办结时限不能为空 / the completion limit "
                        "cannot be null (use no_deadlines: true for 即时办结)",
                        fields["complete"])
    return PolicyClass(name, limits, no_deadlines)


def _parse_choice(src: YamlSource, node: yaml.Node, where: str,
                  known: tuple[str, ...]) -> frozenset[str]:
    raw = src.value(node)
    values = raw if isinstance(raw, list) else [raw]
    if not values:
        raise src.error(f"{where}: 列表不能为空 / list must not be empty", node)
    for v in values:
        if v not in known:
            raise src.error(f"{where}: 未知取值 {v!r}（可用：{'/'.join(known)}）/ unknown value "
                            f"{v!r}", node)
    return frozenset(values)


def _parse_rule(src: YamlSource, node: yaml.Node, index: int,
                classes: Mapping[str, PolicyClass]) -> MappingRule:
    where = f"mapping 第 {index + 1} 条 / rule #{index + 1}"
    fields = dict(src.mapping(node, where))
    unknown = sorted(set(fields) - {"when", "class"})
    if unknown:
        raise src.error(f"{where}: 未知字段 {unknown}（可用：when, class）/ unknown fields",
                        src.key_of(fields[unknown[0]]))
    if "class" not in fields:
        raise src.error(f"{where}: 缺少 class / missing class", node)
    target = src.value(fields["class"])
    if target not in classes:
        raise src.error(f"{where}: 未定义的时限类别 {target!r}（已定义：{'/'.join(classes)}）/ "
                        f"class {target!r} is not defined under classes", fields["class"])
    when_node = fields.get("when")
    urgency: frozenset[str] | None = None
    request_type: frozenset[str] | None = None
    flags: dict[str, bool] = {}
    if not src.is_null(when_node):
        for key, cnode in src.mapping(when_node, f"{where} when"):
            if key == "urgency":
                urgency = _parse_choice(src, cnode, f"{where} urgency", URGENCIES)
            elif key == "request_type":
                request_type = _parse_choice(src, cnode, f"{where} request_type", REQUEST_TYPES)
            elif key in ("complex", "answered_on_spot"):
                value = src.value(cnode)
                if not isinstance(value, bool):
                    raise src.error(f"{where} {key}: 应为 true/false / must be true or false, "
                                    f"got {value!r}", cnode)
                flags[key] = value
            else:
                raise src.error(
                    f"{where}: 未知条件 {key!r}（可用：{', '.join(_CONDITION_KEYS)}）/ "
                    f"unknown condition {key!r}", src.key_of(cnode))
    return MappingRule(policy_class=target, urgency=urgency, request_type=request_type,
                       complex_case=flags.get("complex"),
                       answered_on_spot=flags.get("answered_on_spot"), line=src.line(node))


# --------------------------------------------------------------------------- the policy


class DeadlinePolicy:
    def __init__(self, classes: Mapping[str, PolicyClass], rules: list[MappingRule], *,
                 source: Path | None = None) -> None:
        self.classes = dict(classes)
        self.rules = list(rules)
        self.source = source

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> DeadlinePolicy:
        """Read and validate a policy file (default: the packaged one)."""
        src = YamlSource(path if path is not None else PACKAGED_POLICY_FILE, PolicyError)
        root = src.root
        if root is None:
            raise PolicyError("文件为空 / the file is empty", path=src.path)
        top = dict(src.mapping(root, "文件顶层 / top level"))
        unknown = sorted(set(top) - {"classes", "mapping"})
        if unknown:
            raise src.error(f"顶层未知字段 {unknown}（可用：classes, mapping）/ unknown "
                            "top-level keys", src.key_of(top[unknown[0]]))
        for key in ("classes", "mapping"):
            if key not in top:
                raise src.error(f"缺少 {key} / missing {key}", root)

        classes: dict[str, PolicyClass] = {}
        for name, cnode in src.mapping(top["classes"], "classes"):
            classes[name] = _parse_class(src, name, cnode)
        if not classes:
            raise src.error("classes 不能为空 / classes must not be empty", top["classes"])

        rules: list[MappingRule] = []
        rule_nodes = src.sequence(top["mapping"], "mapping")
        for i, rnode in enumerate(rule_nodes):
            if rules and rules[-1].catch_all:
                raise src.error(
                    f"mapping 第 {i + 1} 条永远不会生效：前面已有兜底规则 {{}} / rule #{i + 1} "
                    "is unreachable after the catch-all rule", rnode)
            rules.append(_parse_rule(src, rnode, i, classes))
        if not rules or not rules[-1].catch_all:
            raise src.error("mapping 最后一条必须是兜底规则 {when: {}, class: …} / the last "
                            "mapping rule must be the catch-all `when: {}`", top["mapping"])
        return cls(classes, rules, source=src.path)

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
        ``complete_by``. Times are returned in Asia/Shanghai."""
        _require_aware(received_at, "received_at")
        if platform_deadline is not None:
            _require_aware(platform_deadline, "platform_deadline")
        name = self.classify(urgency=urgency, request_type=request_type,
                             complex_case=complex_case, answered_on_spot=answered_on_spot)
        pclass = self.classes[name]
        if pclass.no_deadlines:
            return Deadlines(None, None, None, None, name, False)
        start = received_at.astimezone(SHANGHAI)
        provisional = False
        out: dict[str, datetime | None] = {}
        for stage in STAGES:
            limit = pclass.limits[stage]
            if stage == "complete" and platform_deadline is not None:
                out[stage] = platform_deadline.astimezone(SHANGHAI)
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
        return replace(deadlines, complete_by=new_complete_by.astimezone(SHANGHAI))


def _require_aware(value: datetime, name: str) -> None:
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (Asia/Shanghai)")
