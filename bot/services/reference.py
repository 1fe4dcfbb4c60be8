"""Reference data: responsible units, problem categories, industries, request types, urgencies.

The defaults ship in ``bot/data/reference.yaml``; managers may import an edited copy, which is
then kept in the database. Everything here is plain dataclasses (``to_dict``/``from_dict``) and
pure functions, so the same code validates a file, a database snapshot or a test fixture.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz, process

UNIT_KINDS = ("科室", "医院", "社区卫生服务中心", "监督所", "疾控中心", "其他")
UNIT_FIELDS = ("name", "kind", "aliases", "contact", "leader", "section")
# A fuzzy match is accepted when it scores at least this (rapidfuzz 0–100) …
UNIT_THRESHOLD = 80.0
CATEGORY_THRESHOLD = 75.0
# … and beats the runner-up (another target) by this margin: near-ties are asked, not guessed.
MARGIN = 4.0
SUGGESTION_LIMIT = 5
SUGGESTION_CUTOFF = 40.0

_PREFIXES = ("北京市朝阳区", "北京朝阳区", "北京市", "朝阳区")
_CATEGORY_SEPARATORS = re.compile(r"\s*(?:[/／>＞\\|｜→\-－—–·•、:：]+|>>)\s*")


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
            name=_text(data.get("name")),
            kind=_text(data.get("kind")),
            aliases=[_text(a) for a in (data.get("aliases") or []) if _text(a)],
            contact=_text(data.get("contact")),
            leader=_text(data.get("leader")),
            section=_text(data.get("section")),
        )


@dataclass
class MatchResult:
    """``value`` is the canonical name, or None; ``suggestions`` are the nearest names."""

    value: str | None
    suggestions: list[str] = field(default_factory=list)
    score: float = 0.0

    @property
    def ok(self) -> bool:
        return self.value is not None


@dataclass
class CategoryMatch:
    """A two-level category; ``suggestions`` are "一级/二级" strings (or level-2 names)."""

    l1: str | None
    l2: str | None
    suggestions: list[str] = field(default_factory=list)
    # The level-1 category was recognised but the level-2 one was missing or unknown.
    l1_only: bool = False

    @property
    def value(self) -> tuple[str, str] | None:
        if self.l1 is None or self.l2 is None:
            return None
        return (self.l1, self.l2)

    @property
    def ok(self) -> bool:
        return self.value is not None


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
        units = _parse_units(data.get("units"), problems)
        categories = _parse_categories(data.get("categories"), problems)
        urgencies, descriptions, alerts = _parse_urgencies(data.get("urgencies"), problems)
        ref = cls(
            units=units,
            categories=categories,
            industries=_str_list(data.get("industries"), "industries", problems),
            request_types=_str_list(data.get("request_types"), "request_types", problems),
            urgencies=urgencies,
            urgency_descriptions=descriptions,
            alert_urgencies=alerts,
            category_aliases=_str_map(data.get("category_aliases"), "category_aliases", problems),
            industry_aliases=_str_map(data.get("industry_aliases"), "industry_aliases", problems),
            request_type_aliases=_str_map(
                data.get("request_type_aliases"), "request_type_aliases", problems
            ),
            urgency_aliases=_str_map(data.get("urgency_aliases"), "urgency_aliases", problems),
        )
        if validate:
            problems.extend(ref.problems())
        if problems:
            raise ReferenceDataError(problems)
        return ref

    # ---- validation ----
    def problems(self) -> list[str]:
        """Every consistency problem, each naming the offending entry (empty when valid)."""
        out: list[str] = []
        seen: dict[str, str] = {}
        names = [u.name for u in self.units]
        sections = {u.name for u in self.units if u.kind == "科室"}
        for i, unit in enumerate(self.units, 1):
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
        if not self.units:
            out.append("units：至少需要一个承办单位")
        if not self.categories:
            out.append("categories：至少需要一个问题分类")
        for l1, l2s in self.categories.items():
            if not l2s:
                out.append(f"categories“{l1}”：至少需要一个二级分类")
            dups = sorted({x for x in l2s if l2s.count(x) > 1})
            if dups:
                out.append(f"categories“{l1}”：二级分类重复：{'、'.join(dups)}")
        for label, values in (
            ("industries", self.industries),
            ("request_types", self.request_types),
            ("urgencies", self.urgencies),
        ):
            if not values:
                out.append(f"{label}：不能为空")
            dups = sorted({x for x in values if values.count(x) > 1})
            if dups:
                out.append(f"{label}：重复项：{'、'.join(dups)}")
        for label, aliases, targets in (
            ("category_aliases", self.category_aliases, self.categories),
            ("industry_aliases", self.industry_aliases, self.industries),
            ("request_type_aliases", self.request_type_aliases, self.request_types),
            ("urgency_aliases", self.urgency_aliases, self.urgencies),
        ):
            for alias, target in aliases.items():
                if target not in targets:
                    out.append(f"{label}“{alias}”：指向不存在的“{target}”")
        for name in self.alert_urgencies:
            if name not in self.urgencies:
                out.append(f"urgencies：alert 中的“{name}”不存在")
        return out

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
        keys: dict[str, str] = {}  # normalised name/alias -> canonical name
        for unit in self.units:
            for key in (unit.name, *unit.aliases):
                keys.setdefault(normalize_name(key), unit.name)
        return _match(text, keys, threshold=UNIT_THRESHOLD, names=[u.name for u in self.units])

    def match_category(self, text: str) -> CategoryMatch:
        """Match "一级/二级" (also "一级-二级", "一级>二级", a unique 二级 name, or fuzzy)."""
        return _match_category(self, text)

    def match_request_type(self, text: str) -> MatchResult:
        return self._match_simple(text, self.request_types, self.request_type_aliases)

    def match_urgency(self, text: str) -> MatchResult:
        return self._match_simple(text, self.urgencies, self.urgency_aliases)

    def match_industry(self, text: str) -> MatchResult:
        return self._match_simple(text, self.industries, self.industry_aliases)

    def _match_simple(self, text: str, values: list[str], aliases: dict[str, str]) -> MatchResult:
        norm = _simple_norm(text)
        for suffix in ("", "类", "件", "案件", "诉求"):
            if suffix and not norm.endswith(suffix):
                continue
            stem = norm[: len(norm) - len(suffix)] if suffix else norm
            if stem in values:
                return MatchResult(stem, [], 100.0)
            if stem in aliases:
                return MatchResult(aliases[stem], [], 100.0)
        # Only whole values: fuzzy guessing between 急 and 紧急 would be dangerous.
        return MatchResult(None, list(values))


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


# ---------------------------------------------------------------- matching helpers


def normalize_name(text: str) -> str:
    """Fold width, drop spaces/brackets and the 北京市/朝阳区 prefixes for comparing names."""
    s = unicodedata.normalize("NFKC", text or "")
    s = re.sub(r"[\s\u3000\"'“”‘’《》<>]+", "", s)
    s = s.replace("（", "(").replace("）", ")")
    s = s.lower()
    for prefix in _PREFIXES:
        if s.startswith(prefix) and len(s) > len(prefix):
            s = s[len(prefix) :]
            break
    return s


def _simple_norm(text: str) -> str:
    return re.sub(r"[\s\u3000]+", "", unicodedata.normalize("NFKC", text or ""))


def _match(
    text: str, keys: dict[str, str], *, threshold: float, names: list[str]
) -> MatchResult:
    query = normalize_name(text)
    if not query:
        return MatchResult(None, names[:SUGGESTION_LIMIT])
    if query in keys:
        return MatchResult(keys[query], [], 100.0)
    # A fragment that appears in exactly one unit's names ("中日友好" → 中日友好医院).
    if len(query) >= 2:
        owners = {owner for key, owner in keys.items() if query in key}
        if len(owners) == 1:
            return MatchResult(owners.pop(), [], 95.0)
    # A longer text that contains exactly one unit's name ("朝阳医院京西院区").
    contained = sorted(
        ((len(key), owner) for key, owner in keys.items() if len(key) >= 4 and key in query),
        reverse=True,
    )
    if contained and (len(contained) == 1 or contained[0][0] > contained[1][0]):
        return MatchResult(contained[0][1], [], 90.0)
    hits = process.extract(query, list(keys), scorer=fuzz.ratio, limit=20)
    ranked: list[tuple[str, float]] = []
    for key, score, _ in hits:
        owner = keys[key]
        if owner not in {o for o, _ in ranked}:
            ranked.append((owner, float(score)))
    if ranked and ranked[0][1] >= threshold:
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        if ranked[0][1] - runner_up >= MARGIN:
            return MatchResult(ranked[0][0], [], ranked[0][1])
    return MatchResult(None, _suggest(query, keys), ranked[0][1] if ranked else 0.0)


def _suggest(query: str, keys: dict[str, str]) -> list[str]:
    hits = process.extract(
        query, list(keys), scorer=fuzz.WRatio, limit=SUGGESTION_LIMIT * 4,
        score_cutoff=SUGGESTION_CUTOFF,
    )
    if not hits:  # nothing similar: still offer the nearest few so the user sees the options
        hits = process.extract(query, list(keys), scorer=fuzz.WRatio, limit=SUGGESTION_LIMIT * 4)
    out: list[str] = []
    for key, _, _ in hits:
        owner = keys[key]
        if owner not in out:
            out.append(owner)
        if len(out) >= SUGGESTION_LIMIT:
            break
    return out


def _match_category(ref: Reference, text: str) -> CategoryMatch:
    raw = _simple_norm(text)
    parts = [p for p in _CATEGORY_SEPARATORS.split(raw) if p]
    combos = {f"{l1}/{l2}": (l1, l2) for l1, l2s in ref.categories.items() for l2 in l2s}
    if not parts:
        return CategoryMatch(None, None, list(combos)[:SUGGESTION_LIMIT])
    l1_keys = {normalize_name(k): k for k in ref.categories}
    for alias, target in ref.category_aliases.items():
        l1_keys.setdefault(normalize_name(alias), target)

    def find_l1(part: str) -> str | None:
        res = _match(part, l1_keys, threshold=CATEGORY_THRESHOLD, names=list(ref.categories))
        return res.value

    def find_l2(l1: str, part: str) -> CategoryMatch:
        l2_keys = {normalize_name(x): x for x in ref.categories[l1]}
        res = _match(part, l2_keys, threshold=CATEGORY_THRESHOLD, names=ref.categories[l1])
        if res.value is not None:
            return CategoryMatch(l1, res.value)
        return CategoryMatch(l1, None, [f"{l1}/{x}" for x in ref.categories[l1]], l1_only=True)

    if len(parts) >= 2:
        l1 = find_l1(parts[0])
        if l1 is not None:
            return find_l2(l1, "".join(parts[1:]))
    elif (l1 := find_l1(parts[0])) is not None and normalize_name(parts[0]) in l1_keys:
        # Only a level-1 name: the level-2 one must still be chosen.
        return CategoryMatch(l1, None, [f"{l1}/{x}" for x in ref.categories[l1]], l1_only=True)
    else:
        # Just a level-2 name, unique across the taxonomy ("收受红包").
        owners = [combo for combo in combos.values() if combo[1] == parts[0]]
        if len(owners) == 1:
            return CategoryMatch(*owners[0])
    # Fuzzy over the whole "一级/二级" string.
    joined = "/".join(parts)
    combo_keys = {normalize_name(k): k for k in combos}
    res = _match(joined, combo_keys, threshold=CATEGORY_THRESHOLD, names=list(combos))
    if res.value is not None:
        return CategoryMatch(*combos[res.value])
    if res.score >= SUGGESTION_CUTOFF and res.suggestions:
        return CategoryMatch(None, None, res.suggestions)
    return CategoryMatch(None, None, list(ref.categories))  # nothing close: list level 1


# ---------------------------------------------------------------- parsing helpers


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _parse_units(raw: Any, problems: list[str]) -> list[Unit]:
    if not isinstance(raw, list):
        problems.append("units：应为承办单位列表")
        return []
    units: list[Unit] = []
    for i, item in enumerate(raw, 1):
        if not isinstance(item, Mapping):
            problems.append(f"units 第{i}项：应为键值映射（name、kind、section…）")
            continue
        where = f"units 第{i}项“{_text(item.get('name'))}”"
        unknown = sorted(set(map(str, item)) - set(UNIT_FIELDS))
        if unknown:
            problems.append(f"{where}：未知字段 {', '.join(unknown)}")
        if item.get("aliases") is not None and not isinstance(item.get("aliases"), list):
            problems.append(f"{where}：aliases 应为列表")
            item = {**item, "aliases": []}
        units.append(Unit.from_dict(item))
    return units


def _parse_categories(raw: Any, problems: list[str]) -> dict[str, list[str]]:
    if not isinstance(raw, Mapping):
        problems.append("categories：应为“一级分类: [二级分类…]”的映射")
        return {}
    out: dict[str, list[str]] = {}
    for l1, l2s in raw.items():
        if not isinstance(l2s, list):
            problems.append(f"categories“{l1}”：二级分类应为列表")
            continue
        out[_text(l1)] = [_text(x) for x in l2s if _text(x)]
    return out


def _parse_urgencies(
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
        if not isinstance(item, Mapping) or not _text(item.get("name")):
            problems.append(f"urgencies 第{i}项：缺少 name")
            continue
        name = _text(item["name"])
        names.append(name)
        descriptions[name] = _text(item.get("description"))
        if item.get("alert"):
            alerts.append(name)
    return names, descriptions, alerts


def _str_list(raw: Any, label: str, problems: list[str]) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append(f"{label}：应为列表")
        return []
    return [_text(x) for x in raw if _text(x)]


def _str_map(raw: Any, label: str, problems: list[str]) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        problems.append(f"{label}：应为“简称: 全称”的映射")
        return {}
    return {_text(k): _text(v) for k, v in raw.items() if _text(k)}


def suggestions_text(names: Iterable[str]) -> str:
    return "、".join(names)
