"""The escalation policy: who hears of an urgent ticket first, and who next if nobody answers.

Ordered levels, each with its recipients, a wait (`wait_minutes`, default
ESCALATE_AFTER_MINUTES), how many times it is sent again before moving up (`repeat`, default
0) and optionally a daily time window (`window: "20:00-08:00"`, in the configured TIMEZONE,
may cross midnight) outside which the level is skipped. When the last level's repeats are used
up and its wait has passed, the policy is exhausted and the managers are told nobody answered.

A level may also name channels beyond Telegram, alongside those kinds: a group robot by its
key in CHANNELS_FILE (`wecom: leaders`, `dingtalk: …`, `feishu: …`) and `sms`, `voice`,
`email` (to the level's people with a phone / address on record). A channel the channels file
does not configure is an error at start, with the policy file's line.

Loaded once at start from the packaged `bot/data/escalation.yaml` or ESCALATION_POLICY_FILE.
The file is described by the pydantic model :class:`PolicyFile`; a bad file raises
`EscalationPolicyError`, whose message names the file and line. Unknown and missing keys are
checked on the YAML tree first, so the error points at the key's own line.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, field_validator
from pydantic_core import PydanticCustomError

from bot.configfiles.errors import ConfigFileError
from bot.configfiles.yaml_source import YamlSource

PACKAGED_FILE = Path(__file__).resolve().parents[2] / "data" / "escalation.yaml"

RECIPIENTS = ("section_leaders", "main_leaders", "all_leaders", "managers", "duty_group",
              "leader_group", "duty_officer")
GROUP_RECIPIENTS = frozenset({"duty_group", "leader_group"})
PEOPLE_RECIPIENTS = frozenset(RECIPIENTS) - GROUP_RECIPIENTS
# channels beyond Telegram: robots are written `{wecom: <name>}` and kept as "wecom:<name>"
ROBOT_CHANNELS = ("wecom", "dingtalk", "feishu")
PERSON_CHANNELS = ("sms", "voice", "email")
_ROBOT_NAME = re.compile(r"^[A-Za-z0-9_\-\u4e00-\u9fff]{1,40}$")
MAX_MINUTES = 24 * 60
MAX_REPEAT = 50
_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–~]\s*(\d{1,2}):(\d{2})\s*$")
_TOP_KEYS = frozenset({"levels", "first_level_extra", "main_leaders"})
_LEVEL_KEYS = frozenset({"name", "recipients", "wait_minutes", "repeat", "window"})


class EscalationPolicyError(ConfigFileError):
    """The escalation policy file is invalid. ``str()`` names the file and line."""

    prefix = '升级策略配置错误 / escalation policy error: '


def _bad(message: str, value: Any) -> PydanticCustomError:
    # the value goes through the context, so braces in what someone typed stay literal
    return PydanticCustomError("escalation_policy", message + ": {value}", {"value": repr(value)})


class Window(BaseModel):
    """A daily time window [start, end) in local time; end <= start crosses midnight."""

    model_config = ConfigDict(frozen=True)

    start: time
    end: time

    def contains(self, local: time) -> bool:
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def _window(value: Any) -> Window | None:
    if value is None or isinstance(value, Window):
        return value
    m = _WINDOW.match(value) if isinstance(value, str) else None
    if m is not None:
        h1, m1, h2, m2 = (int(x) for x in m.groups())
        if h1 < 24 and h2 < 24 and m1 < 60 and m2 < 60 and (h1, m1) != (h2, m2):
            return Window(start=time(h1, m1), end=time(h2, m2))
    raise _bad('应为 "HH:MM-HH:MM"（TIMEZONE 时区，可跨午夜，如 "20:00-08:00"，须加引号）'
               ' / must be "HH:MM-HH:MM" (local time, may cross midnight, quoted)', value)


def is_channel(kind: str) -> bool:
    """Whether a recipient kind is a channel beyond Telegram (a robot, sms, voice, email)."""
    return kind in PERSON_CHANNELS or kind.partition(":")[0] in ROBOT_CHANNELS


def _recipient(value: Any) -> str:
    if isinstance(value, dict) and len(value) == 1:  # {wecom: leaders}
        ((vendor, name),) = value.items()
        value = f"{vendor}:{name}"
    if isinstance(value, str) and ":" in value:
        vendor, _, name = value.partition(":")
        if vendor.strip() in ROBOT_CHANNELS and _ROBOT_NAME.match(name.strip()):
            return f"{vendor.strip()}:{name.strip()}"
    if value not in RECIPIENTS and value not in PERSON_CHANNELS:
        raise _bad(f"无效的接收对象（可用：{', '.join(RECIPIENTS + PERSON_CHANNELS)}，或机器人 "
                   "wecom: / dingtalk: / feishu: <名称>）/ unknown recipient", value)
    return str(value)


def _distinct(values: tuple[str, ...]) -> tuple[str, ...]:
    if not values:
        raise _bad("不能为空 / must not be empty", list(values))
    return tuple(dict.fromkeys(values))


def _minutes(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) \
            or not 0 < value <= MAX_MINUTES:
        raise _bad(f"应为 0 到 {MAX_MINUTES} 之间的分钟数 / must be minutes in "
                   f"(0, {MAX_MINUTES}]", value)
    return float(value)


def _repeat(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_REPEAT:
        raise _bad(f"应为 0 到 {MAX_REPEAT} 之间的整数（重复次数）/ must be a whole number of "
                   f"repeats in [0, {MAX_REPEAT}]", value)
    return value


def _telegram_id(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise _bad("应为 TG 号 / must be Telegram ids", value)
    return value


Recipients = Annotated[tuple[Annotated[str, BeforeValidator(_recipient)], ...],
                       AfterValidator(_distinct)]


class Level(BaseModel):
    """One step of the policy (a level's name defaults to its position, see `load`)."""

    model_config = ConfigDict(frozen=True, extra="forbid", coerce_numbers_to_str=True)

    name: str = ""
    recipients: Recipients
    wait_minutes: Annotated[float | None, BeforeValidator(_minutes)] = None  # None: default
    repeat: Annotated[int, BeforeValidator(_repeat)] = 0  # sent again before moving up
    window: Annotated[Window | None, BeforeValidator(_window)] = None  # applies inside only


class PolicyFile(BaseModel):
    """The escalation YAML file as written."""

    model_config = ConfigDict(extra="forbid")

    levels: list[Level]
    first_level_extra: dict[str, Recipients] | None = None
    main_leaders: list[Annotated[int, BeforeValidator(_telegram_id)]] | None = None

    @field_validator("levels")
    @classmethod
    def _some_levels(cls, levels: list[Level]) -> list[Level]:
        if not levels:
            raise _bad("不能为空 / must not be empty", levels)
        return levels


@dataclass(frozen=True)
class EscalationPolicy:
    levels: tuple[Level, ...]
    first_level_extra: dict[str, tuple[str, ...]]
    main_leaders: tuple[int, ...]
    default_wait_minutes: float = 10
    source: Path | None = None
    tz: tzinfo | None = None  # windows are read in this zone (None: the zone of `at`)

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
        if window is None:
            return True
        local = at.astimezone(self.tz) if self.tz is not None else at
        return window.contains(local.time().replace(tzinfo=None))

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

    def people_of(self, level: int, urgency: str) -> tuple[str, ...]:
        """Whose phones and addresses a level's channels use: its own person kinds, or, for
        a level that names channels only (`[wecom: leaders, sms]`), those of the nearest
        earlier level that names people — the ones who have not answered yet."""
        for lv in range(level, -1, -1):
            kinds = tuple(k for k in self.recipients(lv, urgency) if k in PEOPLE_RECIPIENTS)
            if kinds:
                return kinds
        return ()

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None, *,
             default_wait_minutes: float = 10, tz: tzinfo | None = None,
             channels: Collection[str] = ()) -> EscalationPolicy:
        """``channels``: the channels CHANNELS_FILE configures (``wecom:leaders``, ``sms``…);
        a level naming any other is refused at its line."""
        src = YamlSource(path if path is not None else PACKAGED_FILE, EscalationPolicyError)
        _check_keys(src)
        data = src.validate(PolicyFile)
        _check_channels(src, data, frozenset(channels))
        if data.levels[0].window is not None:
            raise src.error("第 1 级不能设置 window：提醒必须立即送达 / the first level may not "
                            "have a window: an alert must always reach someone at once",
                            src.node_at(("levels", 0, "window")))
        levels = tuple(lv if lv.name else lv.model_copy(update={"name": f"第{i + 1}级"})
                       for i, lv in enumerate(data.levels))
        return cls(levels, dict(data.first_level_extra or {}), tuple(data.main_leaders or ()),
                   default_wait_minutes, Path(src.path) if path is not None else None, tz)


def _check_keys(src: YamlSource) -> None:
    """Empty file, unknown and missing keys, each at the key's own line (a pydantic error
    location leads to the value, which for a list starts on the next line)."""
    if src.root is None or YamlSource.is_null(src.root):
        raise EscalationPolicyError("文件为空 / the file is empty", path=src.path)
    top = dict(src.mapping(src.root, "文件顶层 / top level"))
    _unknown(src, top, _TOP_KEYS, "")
    if "levels" not in top:
        raise src.error("缺少 levels / missing levels", src.root)
    levels = top["levels"]
    if not isinstance(levels, yaml.SequenceNode):
        return  # the model says "must be a list"
    for index, node in enumerate(levels.value):
        if not isinstance(node, yaml.MappingNode):
            continue
        what = f"levels[{index + 1}]"
        fields = dict(src.mapping(node, what))
        if "repeat_every_minutes" in fields:
            raise src.error(f"{what}.repeat_every_minutes 已停用，请改用 repeat（重复次数）和 "
                            "wait_minutes / repeat_every_minutes is gone: use repeat (how many "
                            "times) and wait_minutes", src.key_of(fields["repeat_every_minutes"]))
        _unknown(src, fields, _LEVEL_KEYS, what + " ")
        if "recipients" not in fields:
            raise src.error(f"{what} 缺少 recipients / missing recipients", node)


def _check_channels(src: YamlSource, data: PolicyFile, configured: frozenset[str]) -> None:
    """Every channel a level names must be configured in CHANNELS_FILE."""
    named: list[tuple[tuple[int | str, ...], str]] = [
        (("levels", i, "recipients", j), kind)
        for i, lv in enumerate(data.levels) for j, kind in enumerate(lv.recipients)]
    named += [(("first_level_extra", urgency, j), kind)
              for urgency, kinds in (data.first_level_extra or {}).items()
              for j, kind in enumerate(kinds)]
    for loc, kind in named:
        if is_channel(kind) and kind not in configured:
            raise src.error(f"渠道 {kind!r} 未在 CHANNELS_FILE 中配置 / channel {kind!r} is not "
                            "configured in CHANNELS_FILE", src.node_at(loc))


def _unknown(src: YamlSource, fields: dict[str, yaml.Node], allowed: frozenset[str],
             what: str) -> None:
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise src.error(f"{what}未知字段 {unknown[0]!r}（可用：{', '.join(sorted(allowed))}）"
                        " / unknown key", src.key_of(fields[unknown[0]]))
