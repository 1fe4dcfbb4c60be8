"""The escalation policy: who hears of an urgent ticket first, and who next if nobody answers.

Ordered levels, each with its recipients, a wait (`wait_minutes`, default
ESCALATE_AFTER_MINUTES), how many times it is sent again before moving up (`repeat`, default
0) and optionally a time window (`window: "20:00-08:00"`, Asia/Shanghai, may cross midnight)
outside which the level is skipped. When the last level's repeats are used up and its wait
has passed, the policy is exhausted and the managers are told nobody answered.

Loaded once at start from the packaged `bot/data/escalation.yaml` or ESCALATION_POLICY_FILE;
a bad file raises `EscalationPolicyError`, whose message names the file and line.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

import yaml

from bot.clock import SHANGHAI
from bot.configfiles.errors import ConfigFileError
from bot.services.calendar.work import YamlSource

PACKAGED_FILE = Path(__file__).resolve().parents[2] / "data" / "escalation.yaml"

RECIPIENTS = ("section_leaders", "main_leaders", "all_leaders", "managers", "duty_group",
              "leader_group", "duty_officer")
GROUP_RECIPIENTS = frozenset({"duty_group", "leader_group"})
MAX_MINUTES = 24 * 60
MAX_REPEAT = 50
_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–~]\s*(\d{1,2}):(\d{2})\s*$")


class EscalationPolicyError(ConfigFileError):
    """The escalation policy file is invalid. ``str()`` names the file and line."""

    prefix = '升级策略配置错误 / escalation policy error: '


@dataclass(frozen=True)
class Window:
    """A daily time window [start, end) in Asia/Shanghai; end <= start crosses midnight."""

    start: time
    end: time

    def contains(self, at: datetime) -> bool:
        t = at.astimezone(SHANGHAI).time().replace(tzinfo=None)
        if self.start < self.end:
            return self.start <= t < self.end
        return t >= self.start or t < self.end

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class Level:
    name: str
    recipients: tuple[str, ...]
    wait_minutes: float | None = None  # None: ESCALATE_AFTER_MINUTES
    repeat: int = 0  # times the level is sent again (each after its wait) before moving up
    window: Window | None = None  # the level only applies inside this daily window


@dataclass(frozen=True)
class EscalationPolicy:
    levels: tuple[Level, ...]
    first_level_extra: dict[str, tuple[str, ...]]
    main_leaders: tuple[int, ...]
    default_wait_minutes: float = 10
    source: Path | None = None

    @property
    def last(self) -> int:
        return len(self.levels) - 1

    def wait(self, level: int) -> timedelta:
        minutes = self.levels[level].wait_minutes
        return timedelta(minutes=minutes if minutes is not None else self.default_wait_minutes)

    def repeats(self, level: int) -> int:
        return self.levels[level].repeat

    def applies(self, level: int, at: datetime) -> bool:
        window = self.levels[level].window
        return window is None or window.contains(at)

    def next_level(self, after: int, at: datetime) -> int | None:
        """The first level after `after` that applies at `at` (levels outside their time
        window are skipped); None: the policy is exhausted."""
        for level in range(after + 1, len(self.levels)):
            if self.applies(level, at):
                return level
        return None

    def next_step(self, level: int, repeat: int, at: datetime) -> tuple[int, int] | None:
        """What follows (level, repeat) once its wait is over: the same level again, the next
        applicable level, or None when the policy is exhausted. level -1: the first step."""
        if level >= 0 and repeat < self.repeats(level):
            return level, repeat + 1
        nxt = self.next_level(level, at)
        return (nxt, 0) if nxt is not None else None

    def recipients(self, level: int, urgency: str) -> tuple[str, ...]:
        kinds = list(self.levels[level].recipients)
        if level == 0:
            kinds += [k for k in self.first_level_extra.get(urgency, ()) if k not in kinds]
        return tuple(kinds)

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None, *,
             default_wait_minutes: float = 10) -> EscalationPolicy:
        src = YamlSource(path if path is not None else PACKAGED_FILE, EscalationPolicyError)
        if src.root is None or YamlSource.is_null(src.root):
            raise EscalationPolicyError("文件为空 / the file is empty", path=src.path)
        top = dict(src.mapping(src.root, "文件顶层 / top level"))
        allowed = {"levels", "first_level_extra", "main_leaders"}
        unknown = sorted(set(top) - allowed)
        if unknown:
            raise src.error(f"未知字段 {unknown[0]!r}（可用：{', '.join(sorted(allowed))}）"
                            " / unknown key", src.key_of(top[unknown[0]]))
        if "levels" not in top:
            raise src.error("缺少 levels / missing levels", src.root)
        nodes = src.sequence(top["levels"], "levels")
        if not nodes:
            raise src.error("levels 不能为空 / levels must not be empty", top["levels"])
        levels = [_level(src, n, i) for i, n in enumerate(nodes)]
        extra: dict[str, tuple[str, ...]] = {}
        if not YamlSource.is_null(top.get("first_level_extra")):
            for urgency, node in src.mapping(top["first_level_extra"], "first_level_extra"):
                extra[urgency] = _recipients(src, node, f"first_level_extra.{urgency}")
        main: tuple[int, ...] = ()
        if not YamlSource.is_null(top.get("main_leaders")):
            ids = []
            for node in src.sequence(top["main_leaders"], "main_leaders"):
                value = src.value(node)
                if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                    raise src.error(f"main_leaders 应为 TG 号 / must be Telegram ids: {value!r}",
                                    node)
                ids.append(value)
            main = tuple(ids)
        return cls(tuple(levels), extra, main, default_wait_minutes,
                   Path(src.path) if path is not None else None)


def _level(src: YamlSource, node: yaml.Node, index: int) -> Level:
    what = f"levels[{index + 1}]"
    fields = dict(src.mapping(node, what))
    allowed = {"name", "recipients", "wait_minutes", "repeat", "window"}
    if "repeat_every_minutes" in fields:
        raise src.error(f"{what}.repeat_every_minutes 已停用，请改用 repeat（重复次数）和 "
                        "wait_minutes / repeat_every_minutes is gone: use repeat (how many "
                        "times) and wait_minutes", src.key_of(fields["repeat_every_minutes"]))
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise src.error(f"{what} 未知字段 {unknown[0]!r}（可用：{', '.join(sorted(allowed))}）"
                        " / unknown key", src.key_of(fields[unknown[0]]))
    if "recipients" not in fields:
        raise src.error(f"{what} 缺少 recipients / missing recipients", node)
    name = src.value(fields["name"]) if "name" in fields else f"第{index + 1}级"
    wait = _minutes(src, fields.get("wait_minutes"), f"{what}.wait_minutes")
    repeat = _repeat(src, fields.get("repeat"), f"{what}.repeat")
    window = _window(src, fields.get("window"), f"{what}.window")
    if window is not None and index == 0:
        raise src.error("第 1 级不能设置 window：提醒必须立即送达 / the first level may not have "
                        "a window: an alert must always reach someone at once",
                        fields["window"])
    return Level(str(name), _recipients(src, fields["recipients"], f"{what}.recipients"),
                 wait, repeat, window)


def _repeat(src: YamlSource, node: yaml.Node | None, what: str) -> int:
    if YamlSource.is_null(node):
        return 0
    assert node is not None
    value = src.value(node)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_REPEAT:
        raise src.error(f"{what} 应为 0 到 {MAX_REPEAT} 之间的整数（重复次数）/ must be a "
                        f"whole number of repeats in [0, {MAX_REPEAT}]: {value!r}", node)
    return value


def _window(src: YamlSource, node: yaml.Node | None, what: str) -> Window | None:
    if YamlSource.is_null(node):
        return None
    assert node is not None
    # the raw text: unquoted 20:00 would be a YAML 1.1 base-60 number
    raw = node.value if isinstance(node, yaml.ScalarNode) else None
    m = _WINDOW.match(str(raw)) if raw is not None else None
    if m is not None:
        h1, m1, h2, m2 = (int(x) for x in m.groups())
        if h1 < 24 and h2 < 24 and m1 < 60 and m2 < 60 and (h1, m1) != (h2, m2):
            return Window(time(h1, m1), time(h2, m2))
    raise src.error(f"{what} 应为 \"HH:MM-HH:MM\"（北京时间，可跨午夜，如 \"20:00-08:00\"）"
                    f" / must be \"HH:MM-HH:MM\" (Asia/Shanghai, may cross midnight): "
                    f"{raw!r}", node)


def _recipients(src: YamlSource, node: yaml.Node, what: str) -> tuple[str, ...]:
    out: list[str] = []
    for item in src.sequence(node, what):
        value = src.value(item)
        if value not in RECIPIENTS:
            raise src.error(f"{what} 中的 {value!r} 无效（可用：{', '.join(RECIPIENTS)}）"
                            " / unknown recipient", item)
        if value not in out:
            out.append(value)
    if not out:
        raise src.error(f"{what} 不能为空 / must not be empty", node)
    return tuple(out)


def _minutes(src: YamlSource, node: yaml.Node | None, what: str) -> float | None:
    if YamlSource.is_null(node):
        return None
    assert node is not None
    value = src.value(node)
    if isinstance(value, bool) or not isinstance(value, int | float) \
            or not 0 < value <= MAX_MINUTES:
        raise src.error(f"{what} 应为 0 到 {MAX_MINUTES} 之间的分钟数 / must be minutes in "
                        f"(0, {MAX_MINUTES}]: {value!r}", node)
    return float(value)
