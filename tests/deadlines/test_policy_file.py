"""Policy file loading and validation (errors name the line)."""

from __future__ import annotations

import pytest

from bot.services.calendar.work import WorkCalendar
from bot.services.tickets.deadlines import PACKAGED_POLICY_FILE, DeadlinePolicy, Limit
from bot.services.tickets.policy_file import PolicyError

from .helpers import sh

BASE = [
    "classes:",                                          # 1
    "  一般:",                                            # 2
    "    sign: {n: 2, unit: natural_hours}",             # 3
    "    contact: {n: 1, unit: working_days}",           # 4
    "    complete: {n: 7, unit: working_days}",          # 5
    "mapping:",                                          # 6
    "  - {when: {urgency: 紧急}, class: 一般}",            # 7
    "  - {when: {}, class: 一般}",                         # 8
]


def variant(**lines: str) -> str:
    """BASE with some lines replaced: variant(l3="...")."""
    out = list(BASE)
    for key, text in lines.items():
        out[int(key[1:]) - 1] = text
    return "\n".join(out) + "\n"


def test_packaged_policy_loads() -> None:
    policy = DeadlinePolicy.load()
    assert policy.source == PACKAGED_POLICY_FILE
    assert set(policy.classes) == {"紧急", "急", "一般", "复杂疑难", "即时办结"}
    assert policy.classes["紧急"].limits["sign"] == Limit(30, "natural_minutes")
    assert policy.classes["复杂疑难"].limits["complete"] == Limit(15, "working_days")
    assert policy.classes["即时办结"].no_deadlines
    assert policy.rules[-1].catch_all


def test_base_variant_is_valid(write) -> None:
    policy = DeadlinePolicy.load(write("p.yaml", variant()))
    assert policy.classify(urgency="紧急", request_type="投诉") == "一般"


def test_manager_can_switch_a_unit(write) -> None:
    path = write("p.yaml", variant(l4="    contact: {n: 24, unit: natural_hours}",
                                   l5="    complete: {n: 10, unit: 工作日}"))
    policy = DeadlinePolicy.load(path)
    d = policy.compute(received_at=sh(2026, 9, 30, 10, 0), urgency="一般", request_type="投诉",
                       calendar=WorkCalendar())
    assert d.contact_by == sh(2026, 10, 1, 10, 0)  # natural hours, holiday or not
    assert policy.classes["一般"].limits["complete"] == Limit(10, "working_days")


def test_list_conditions(write) -> None:
    rule_line = "  - {when: {urgency: [紧急, 涉稳], request_type: [投诉, 举报]}, class: 一般}"
    path = write("p.yaml", variant(l7=rule_line))
    rule = DeadlinePolicy.load(path).rules[0]
    assert rule.urgency == {"紧急", "涉稳"} and rule.request_type == {"投诉", "举报"}


@pytest.mark.parametrize(
    ("lines", "line", "needle"),
    [
        ({"l7": "  - {when: {urgency: 特急}, class: 一般}"}, 7, "unknown value '特急'"),
        ({"l7": "  - {when: {request_type: 表彰}, class: 一般}"}, 7, "unknown value '表彰'"),
        ({"l7": "  - {when: {urgency: [紧急, 特急]}, class: 一般}"}, 7, "特急"),
        ({"l3": "    sign: {n: -2, unit: natural_hours}"}, 3, "must be > 0"),
        ({"l3": "    sign: {n: 0, unit: natural_hours}"}, 3, "must be > 0"),
        ({"l3": "    sign: {n: two, unit: natural_hours}"}, 3, "positive integer"),
        ({"l3": "    sign: {n: 1.5, unit: natural_hours}"}, 3, "positive integer"),
        ({"l3": "    sign: {unit: natural_hours}"}, 3, "missing limit n"),
        ({"l3": "    sign: {n: 2}"}, 3, "missing unit"),
        ({"l3": "    sign: {n: 2, unit: hours}"}, 3, "unknown unit 'hours'"),
        ({"l3": "    sign: {n: 2, unit: natural_hours, note: x}"}, 3, "unknown fields"),
        ({"l4": "    # contact removed"}, 2, "contact"),
        ({"l5": "    complete: null"}, 5, "cannot be null"),
        ({"l4": "    contakt: {n: 1, unit: working_days}"}, 4, "unknown fields"),
        ({"l7": "  - {when: {urgency: 紧急}, class: 特别}"}, 7, "not defined"),
        ({"l7": "  - {when: {urgent: 紧急}, class: 一般}"}, 7, "unknown condition"),
        ({"l7": "  - {when: {complex: maybe}, class: 一般}"}, 7, "true or false"),
        ({"l7": "  - {when: {urgency: 紧急}}"}, 7, "missing class"),
        ({"l8": "  - {when: {urgency: 一般}, class: 一般}"}, 7, "catch-all"),
        ({"l7": "  - {when: {}, class: 一般}"}, 8, "unreachable"),
        ({"l6": "rules:"}, 6, "unknown top-level"),
        ({"l3": "    sign: {n: 2, unit: natural_hours"}, 4, "YAML"),
        ({"l4": "    sign: {n: 1, unit: working_days}"}, 4, "duplicate key 'sign'"),
    ],
)
def test_validation_errors_name_the_line(write, lines, line: int, needle: str) -> None:
    path = write("policy.yaml", variant(**lines))
    with pytest.raises(PolicyError) as exc_info:
        DeadlinePolicy.load(path)
    err = exc_info.value
    assert needle in str(err)
    assert err.line == line, str(err)
    assert f"{path} 第 {line} 行 (line {line})" in str(err)


def test_no_deadlines_class_cannot_have_limits(write) -> None:
    path = write("policy.yaml", variant(l2="  一般:\n    no_deadlines: true"))
    with pytest.raises(PolicyError, match="no_deadlines"):
        DeadlinePolicy.load(path)


def test_empty_and_missing_files(write, tmp_path) -> None:
    with pytest.raises(PolicyError, match="empty"):
        DeadlinePolicy.load(write("empty.yaml", "# nothing\n"))
    with pytest.raises(PolicyError, match="missing mapping"):
        DeadlinePolicy.load(write("half.yaml", "\n".join(BASE[:5]) + "\n"))
    with pytest.raises(PolicyError, match="file not found"):
        DeadlinePolicy.load(tmp_path / "nope.yaml")
