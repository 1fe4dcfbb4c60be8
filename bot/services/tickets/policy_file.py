"""Reading the deadline policy file: its shape, its values (pydantic) and its rules' order.

Three passes, each reporting the first problem with the file and line (`PolicyError`):

1. the keys, from the YAML nodes — an unknown or missing key is reported on the line of
   its key, which a pydantic location cannot point at;
2. the values, through `YamlSource.validate(PolicySpec)` — limits, units, conditions;
3. the rules against the classes — every class named exists, the catch-all comes last.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from bot.configfiles.errors import ConfigFileError
from bot.configfiles.yaml_source import YamlSource
from bot.services.tickets.vocabulary import REQUEST_TYPES, URGENCIES

Stage = Literal["sign", "contact", "first_feedback", "complete"]
STAGES: tuple[Stage, ...] = ("sign", "contact", "first_feedback", "complete")
REQUIRED_STAGES: tuple[Stage, ...] = ("sign", "contact", "complete")
STAGE_LABELS = {"sign": "签收", "contact": "联系", "first_feedback": "首次反馈",
                "complete": "办结反馈"}
Unit = Literal["natural_minutes", "natural_hours", "natural_days", "working_days"]
UNITS: tuple[Unit, ...] = ("natural_minutes", "natural_hours", "natural_days", "working_days")
UNIT_ALIASES: Mapping[str, Unit] = {
    "自然分钟": "natural_minutes",
    "自然小时": "natural_hours",
    "自然日": "natural_days",
    "工作日": "working_days",
}
CONDITION_KEYS = ("urgency", "request_type", "complex", "answered_on_spot")


class PolicyError(ConfigFileError):
    """The deadline policy file is invalid. ``str()`` names the file and line."""

    prefix = '时限配置错误 / deadline policy error: '


# --------------------------------------------------------------------------- values


def _fail(message: str, **ctx: Any) -> PydanticCustomError:
    return PydanticCustomError("policy", message, {k: repr(v) for k, v in ctx.items()})


def _positive_int(n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise _fail("n 应为正整数 / n must be a positive integer, got {n}", n=n)
    if n <= 0:
        raise _fail("n 必须大于 0 / n must be > 0, got {n}", n=n)
    return n


def _unit(raw: Any) -> Unit:
    unit = UNIT_ALIASES.get(raw, raw) if isinstance(raw, str) else raw
    if unit not in UNITS:
        raise _fail(f"未知单位 {{unit}}（可用：{', '.join(UNITS)}）/ unknown unit {{unit}}",
                    unit=raw)
    return unit  # type: ignore[no-any-return]


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _fail("应为 true/false / must be true or false, got {value}", value=value)
    return value


def _choice(known: tuple[str, ...]) -> Any:
    def check(values: list[Any]) -> frozenset[str]:
        if not values:
            raise _fail("列表不能为空 / list must not be empty")
        for v in values:
            if v not in known:
                raise _fail(f"未知取值 {{value}}（可用：{'/'.join(known)}）/ unknown value "
                            "{value}", value=v)
        return frozenset(values)

    return Annotated[Any, BeforeValidator(lambda v: v if isinstance(v, list) else [v]),
                     AfterValidator(check)]


Flag = Annotated[Any, AfterValidator(_flag)]
UrgencyChoice = _choice(URGENCIES)
RequestTypeChoice = _choice(REQUEST_TYPES)


class LimitSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    n: Annotated[Any, AfterValidator(_positive_int)]
    unit: Annotated[Any, AfterValidator(_unit)]


class ClassSpec(BaseModel):
    """A row: a limit per stage (null: no such deadline), or none at all (即时办结)."""

    model_config = ConfigDict(extra="forbid")

    no_deadlines: Flag = False
    sign: LimitSpec | None = None
    contact: LimitSpec | None = None
    first_feedback: LimitSpec | None = None
    complete: LimitSpec | None = None

    @field_validator("complete")
    @classmethod
    def _complete_needed(cls, value: LimitSpec | None, info: ValidationInfo) -> LimitSpec | None:
        if value is None and not info.data.get("no_deadlines", False):
            raise _fail("办结时限不能为空 / the completion limit cannot be null (use "
                        "no_deadlines: true for 即时办结)")
        return value

    @model_validator(mode="after")
    def _none_when_no_deadlines(self) -> ClassSpec:
        if self.no_deadlines and any(getattr(self, stage) for stage in STAGES):
            raise _fail("no_deadlines: true 时不能再写时限 / a class with no_deadlines cannot "
                        "have limits")
        return self


class WhenSpec(BaseModel):
    """A rule's conditions; an absent one matches anything."""

    model_config = ConfigDict(extra="forbid")

    urgency: UrgencyChoice | None = None
    request_type: RequestTypeChoice | None = None
    complex: Flag | None = None
    answered_on_spot: Flag | None = None


class RuleSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    when: WhenSpec | None = None
    target: Any = Field(alias="class")


class PolicySpec(BaseModel):
    """The whole file: named rows (`classes`) and the rules choosing one (`mapping`)."""

    classes: dict[str, ClassSpec]
    mapping: list[RuleSpec]


# --------------------------------------------------------------------------- reading


def read_policy(path: str | os.PathLike[str]) -> tuple[YamlSource, PolicySpec]:
    """The validated file and its source (for the rules' lines); raise PolicyError."""
    src = YamlSource(path, PolicyError)
    if src.root is None:
        raise PolicyError("文件为空 / the file is empty", path=src.path)
    _check_keys(src, src.root)
    spec = src.validate(PolicySpec)
    _check_rules(src, spec)
    return src, spec


def _fields(src: YamlSource, node: yaml.Node | None, where: str, allowed: tuple[str, ...],
            unknown_what: str = "unknown fields") -> dict[str, yaml.Node]:
    fields = dict(src.mapping(node, where))
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise src.error(f"{where}: 未知字段 {unknown}（可用：{', '.join(allowed)}）/ "
                        f"{unknown_what} {unknown}", src.key_of(fields[unknown[0]]))
    return fields


def _check_keys(src: YamlSource, root: yaml.Node) -> None:
    top = _fields(src, root, "文件顶层 / top level", ("classes", "mapping"),
                  "unknown top-level keys")
    for key in ("classes", "mapping"):
        if key not in top:
            raise src.error(f"缺少 {key} / missing {key}", root)
    classes = src.mapping(top["classes"], "classes")
    if not classes:
        raise src.error("classes 不能为空 / classes must not be empty", top["classes"])
    for name, node in classes:
        _check_class_keys(src, name, node)
    for i, node in enumerate(src.sequence(top["mapping"], "mapping")):
        where = f"mapping 第 {i + 1} 条 / rule #{i + 1}"
        fields = _fields(src, node, where, ("when", "class"))
        if "class" not in fields:
            raise src.error(f"{where}: 缺少 class / missing class", node)
        if not src.is_null(fields.get("when")):
            _fields(src, fields["when"], f"{where} when", CONDITION_KEYS, "unknown condition")


def _check_class_keys(src: YamlSource, name: str, node: yaml.Node) -> None:
    fields = _fields(src, node, f"classes.{name}", tuple(sorted({*STAGES, "no_deadlines"})))
    no_deadlines = "no_deadlines" in fields and src.value(fields["no_deadlines"]) is True
    for stage in STAGES:
        where = f"classes.{name}.{stage}（{STAGE_LABELS[stage]}）"
        if stage not in fields:
            if not no_deadlines and stage in REQUIRED_STAGES:
                raise src.error(f"{where}: 缺少时限（无此环节请写 null）/ missing limit "
                                "(write null for none)", src.key_of(node))
        elif not src.is_null(fields[stage]):
            limit = _fields(src, fields[stage], where, ("n", "unit"))
            for key, what in (("n", "缺少时限数值 n / missing limit n"),
                              ("unit", "缺少单位 unit / missing unit")):
                if key not in limit:
                    raise src.error(f"{where}: {what}", fields[stage])


def _check_rules(src: YamlSource, spec: PolicySpec) -> None:
    for i, rule in enumerate(spec.mapping):
        node = src.node_at(("mapping", i))
        if i and _catch_all(spec.mapping[i - 1]):
            raise src.error(f"mapping 第 {i + 1} 条永远不会生效：前面已有兜底规则 {{}} / rule "
                            f"#{i + 1} is unreachable after the catch-all rule", node)
        if rule.target not in spec.classes:
            raise src.error(
                f"mapping 第 {i + 1} 条 / rule #{i + 1}: 未定义的时限类别 {rule.target!r}"
                f"（已定义：{'/'.join(spec.classes)}）/ class {rule.target!r} is not defined "
                "under classes", src.node_at(("mapping", i, "class")))
    if not spec.mapping or not _catch_all(spec.mapping[-1]):
        raise src.error("mapping 最后一条必须是兜底规则 {when: {}, class: …} / the last "
                        "mapping rule must be the catch-all `when: {}`", src.node_at(("mapping",)))


def _catch_all(rule: RuleSpec) -> bool:
    w = rule.when
    return w is None or (w.urgency is None and w.request_type is None and w.complex is None
                         and w.answered_on_spot is None)
