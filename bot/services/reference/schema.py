"""The reference file's schema: units, reading a raw mapping, and the consistency checks.

Reading collects every problem instead of stopping at the first, and each message names the
offending entry, so a manager can fix an imported file in one pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from bot.services.reference.match import normalize_name

if TYPE_CHECKING:
    from bot.services.reference.data import Reference

UNIT_KINDS = ("科室", "医院", "社区卫生服务中心", "监督所", "疾控中心", "其他")
UNIT_FIELDS = ("name", "kind", "aliases", "contact", "leader", "section")


class ReferenceDataError(ValueError):
    """The reference data is invalid; ``problems`` lists each issue, naming the entry."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("参考数据有误：\n" + "\n".join(f"- {p}" for p in problems))


@dataclass
class Unit:
    name: str
    kind: str
    aliases: list[str] = field(default_factory=list)
    contact: str = ""
    leader: str = ""
    section: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Unit:
        return cls(
            name=clean_text(data.get("name")),
            kind=clean_text(data.get("kind")),
            aliases=[clean_text(a) for a in (data.get("aliases") or []) if clean_text(a)],
            contact=clean_text(data.get("contact")),
            leader=clean_text(data.get("leader")),
            section=clean_text(data.get("section")),
        )


def reference_problems(ref: Reference) -> list[str]:
    """Every consistency problem of ``ref``, each naming the offending entry."""
    out: list[str] = []
    seen: dict[str, str] = {}
    names = [u.name for u in ref.units]
    sections = {u.name for u in ref.units if u.kind == "科室"}
    for i, unit in enumerate(ref.units, 1):
        where = f"units 第{i}项“{unit.name or '（无名称）'}”"
        for fname in ("name", "kind", "contact", "leader", "section"):
            if not getattr(unit, fname):
                out.append(f"{where}：缺少字段 {fname}")
        if unit.kind and unit.kind not in UNIT_KINDS:
            out.append(f"{where}：kind“{unit.kind}”无效，应为 {'/'.join(UNIT_KINDS)}")
        if unit.section and sections and unit.section not in sections:
            out.append(f"{where}：section“{unit.section}”不是已登记的委机关科室")
        if unit.name and names.count(unit.name) > 1 and names.index(unit.name) < i - 1:
            out.append(f"{where}：单位名称重复")
            continue
        for key in [unit.name, *unit.aliases]:
            if not key:
                continue
            norm = normalize_name(key)
            owner = seen.setdefault(norm, unit.name)
            if owner != unit.name:
                out.append(f"{where}：名称或简称“{key}”与“{owner}”重复")
    if not ref.units:
        out.append("units：至少需要一个承办单位")
    if not ref.categories:
        out.append("categories：至少需要一个问题分类")
    for l1, l2s in ref.categories.items():
        if not l2s:
            out.append(f"categories“{l1}”：至少需要一个二级分类")
        dups = sorted({x for x in l2s if l2s.count(x) > 1})
        if dups:
            out.append(f"categories“{l1}”：二级分类重复：{'、'.join(dups)}")
    for label, values in (
        ("industries", ref.industries),
        ("request_types", ref.request_types),
        ("urgencies", ref.urgencies),
    ):
        if not values:
            out.append(f"{label}：不能为空")
        dups = sorted({x for x in values if values.count(x) > 1})
        if dups:
            out.append(f"{label}：重复项：{'、'.join(dups)}")
    for label, aliases, targets in (
        ("category_aliases", ref.category_aliases, ref.categories),
        ("industry_aliases", ref.industry_aliases, ref.industries),
        ("request_type_aliases", ref.request_type_aliases, ref.request_types),
        ("urgency_aliases", ref.urgency_aliases, ref.urgencies),
    ):
        for alias, target in aliases.items():
            if target not in targets:
                out.append(f"{label}“{alias}”：指向不存在的“{target}”")
    for name in ref.alert_urgencies:
        if name not in ref.urgencies:
            out.append(f"urgencies：alert 中的“{name}”不存在")
    return out


def clean_text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()


def parse_units(raw: Any, problems: list[str]) -> list[Unit]:
    if not isinstance(raw, list):
        problems.append("units：应为承办单位列表")
        return []
    units: list[Unit] = []
    for i, item in enumerate(raw, 1):
        if not isinstance(item, Mapping):
            problems.append(f"units 第{i}项：应为键值映射（name、kind、section…）")
            continue
        where = f"units 第{i}项“{clean_text(item.get('name'))}”"
        unknown = sorted(set(map(str, item)) - set(UNIT_FIELDS))
        if unknown:
            problems.append(f"{where}：未知字段 {', '.join(unknown)}")
        if item.get("aliases") is not None and not isinstance(item.get("aliases"), list):
            problems.append(f"{where}：aliases 应为列表")
            item = {**item, "aliases": []}
        units.append(Unit.from_dict(item))
    return units


def parse_categories(raw: Any, problems: list[str]) -> dict[str, list[str]]:
    if not isinstance(raw, Mapping):
        problems.append("categories：应为“一级分类: [二级分类…]”的映射")
        return {}
    out: dict[str, list[str]] = {}
    for l1, l2s in raw.items():
        if not isinstance(l2s, list):
            problems.append(f"categories“{l1}”：二级分类应为列表")
            continue
        out[clean_text(l1)] = [clean_text(x) for x in l2s if clean_text(x)]
    return out


def parse_urgencies(
    raw: Any, problems: list[str]
) -> tuple[list[str], dict[str, str], list[str]]:
    names: list[str] = []
    descriptions: dict[str, str] = {}
    alerts: list[str] = []
    if not isinstance(raw, list):
        problems.append("urgencies：应为列表")
        return names, descriptions, alerts
    for i, item in enumerate(raw, 1):
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, Mapping) or not clean_text(item.get("name")):
            problems.append(f"urgencies 第{i}项：缺少 name")
            continue
        name = clean_text(item["name"])
        names.append(name)
        descriptions[name] = clean_text(item.get("description"))
        if item.get("alert"):
            alerts.append(name)
    return names, descriptions, alerts


def str_list(raw: Any, label: str, problems: list[str]) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append(f"{label}：应为列表")
        return []
    return [clean_text(x) for x in raw if clean_text(x)]


def str_map(raw: Any, label: str, problems: list[str]) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        problems.append(f"{label}：应为“简称: 全称”的映射")
        return {}
    return {clean_text(k): clean_text(v) for k, v in raw.items() if clean_text(k)}

