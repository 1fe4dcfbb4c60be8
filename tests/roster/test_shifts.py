"""Shift configuration: loading, instances across midnight, current/next, day classes."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from bot.config import DEFAULT_TZ as SHANGHAI
from bot.services.calendar.work import WorkCalendar
from bot.services.roster.shifts import ShiftConfig, ShiftConfigError, classify
from bot.texts.roster import day_label, shift_hours


def at(y, mo, d, h, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=SHANGHAI)


def test_packaged_config_is_day_and_night(config):
    assert config.names == ["白班", "夜班"]
    day, night = config.shifts
    assert (day.start, day.end) == (time(8), time(20)) and not day.crosses_midnight
    assert night.crosses_midnight and shift_hours(night) == "20:00–次日08:00"
    assert config.gap_report_at == time(16) and config.swap_offer_hours == 24


@pytest.mark.parametrize(("when", "current", "nxt"), [
    (at(2026, 11, 26, 7, 59), ("2026-11-25", "夜班"), ("2026-11-26", "白班")),
    (at(2026, 11, 26, 8, 0), ("2026-11-26", "白班"), ("2026-11-26", "夜班")),
    (at(2026, 11, 26, 19, 59), ("2026-11-26", "白班"), ("2026-11-26", "夜班")),
    (at(2026, 11, 26, 20, 0), ("2026-11-26", "夜班"), ("2026-11-27", "白班")),
    (at(2026, 11, 27, 0, 0), ("2026-11-26", "夜班"), ("2026-11-27", "白班")),
    (at(2026, 12, 31, 23, 30), ("2026-12-31", "夜班"), ("2027-01-01", "白班")),
])
def test_current_and_next_at_boundaries(config, when, current, nxt):
    cur = config.current(when)
    assert cur is not None and (cur.date.isoformat(), cur.name) == current
    n = config.next(when)
    assert (n.date.isoformat(), n.name) == nxt
    assert config.previous_of(n) == cur


def test_utc_input_is_converted(config):
    from datetime import UTC
    cur = config.current(datetime(2026, 11, 26, 0, 30, tzinfo=UTC))  # 08:30 Shanghai
    assert cur is not None and cur.name == "白班"


def test_bad_files_are_refused(tmp_path):
    cases = {
        "shifts: []": "非空",
        "shifts:\n  - {name: 白班, start: '8点', end: '20:00'}": "HH:MM",
        "shifts:\n  - {name: A, start: '08:00', end: '20:00'}\n"
        "  - {name: A, start: '20:00', end: '08:00'}": "重复",
        "shifts:\n  - {name: A, start: '08:00'}": "name, start, end",
        "shift: 1": "未知字段",
        "- 白班": "顶层应为映射",
        "shifts:\n  - {name: 'A B', start: '08:00', end: '20:00'}": "班次名称无效",
        "shifts:\n  - {name: A, start: '08:00', end: '20:00'}\nswap_offer_hours: 0": "正整数",
        "shifts:\n  - {name: A, start: '08:00', end: '20:00'}\ncatch_up_minutes: true": "正整数",
        "": "非空",
    }
    for i, (body, expect) in enumerate(cases.items()):
        f = tmp_path / f"s{i}.yaml"
        f.write_text(body, encoding="utf-8")
        with pytest.raises(ShiftConfigError, match=expect):
            ShiftConfig.load(f, tz=SHANGHAI)
    # the message names the file and the line of the problem
    f = tmp_path / "dup.yaml"
    f.write_text("shifts:\n  - {name: A, start: '08:00', end: '20:00'}\n"
                 "  - {name: A, start: '20:00', end: '08:00'}\n", encoding="utf-8")
    with pytest.raises(ShiftConfigError, match=r"dup\.yaml 第 3 行 \(line 3\): 班次 A 重复"):
        ShiftConfig.load(f, tz=SHANGHAI)
    f.write_text("shifts:\n  - {name: A, start: '08:00', end: '20:00'}\n"
                 "  - {name: B, start: '20:00', end: '25:00'}\n", encoding="utf-8")
    with pytest.raises(ShiftConfigError, match=r"第 3 行 .*shifts\.1\.end: 时间应为 HH:MM"):
        ShiftConfig.load(f, tz=SHANGHAI)
    with pytest.raises(ShiftConfigError, match="不存在"):
        ShiftConfig.load(tmp_path / "missing.yaml", tz=SHANGHAI)


def test_unquoted_yaml_times_are_understood(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text("shifts:\n  - {name: 全天, start: 08:00, end: 08:00}\n", encoding="utf-8")
    cfg = ShiftConfig.load(f, tz=SHANGHAI)
    inst = cfg.instance(date(2026, 11, 26), "全天")
    assert (inst.end - inst.start).total_seconds() == 24 * 3600


def test_day_classes():
    cal = WorkCalendar()
    assert classify(cal, date(2026, 11, 26)).team == "日常专班"
    assert classify(cal, date(2026, 11, 28)).team == "周末专班"
    national = classify(cal, date(2026, 10, 1))
    assert national.team == "节假日专班" and "国庆节" in day_label(national)
    makeup = classify(cal, date(2026, 10, 10))  # Saturday, make-up working day
    assert makeup.team == "日常专班" and "调休" in makeup.kind
    special = classify(cal, date(2026, 11, 26), "重大任务：进博会保障")
    assert special.team == "节假日专班" and "进博会" in day_label(special)
    assert "暂定" in day_label(classify(cal, date(2031, 3, 3)))  # beyond the package: provisional


def test_shift_times_are_in_the_configured_zone():
    from datetime import timedelta
    from zoneinfo import ZoneInfo
    cfg = ShiftConfig.load(tz=ZoneInfo("Asia/Urumqi"))
    start = cfg.instance(date(2026, 11, 26), "白班").start
    assert start.utcoffset() == timedelta(hours=6) and start.hour == 8
    assert cfg.current(datetime(2026, 11, 26, 2, 30, tzinfo=ZoneInfo("UTC"))).name == "白班"
