"""The escalation policy file: the packaged one loads, bad files name file and line, and
`python -m bot` refuses to start on one with one line and exit status 2."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.config import DEFAULT_TZ as SHANGHAI
from bot.services.alerts.policy import EscalationPolicy, EscalationPolicyError
from tests.conftest import BotRun

DAY = datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI)
NIGHT = datetime(2026, 11, 25, 23, 0, tzinfo=SHANGHAI)


def test_packaged_policy_loads():
    p = EscalationPolicy.load(default_wait_minutes=7)
    assert p.last == 2 and p.wait(0) == timedelta(minutes=7)
    # every active leader, the leaders' group and the duty group hear of it at once
    assert set(p.recipients(0, "紧急")) == {"all_leaders", "leader_group", "duty_group"}
    assert "main_leaders" in p.recipients(0, "涉稳")
    assert "main_leaders" not in p.recipients(0, "紧急")
    assert [p.repeats(i) for i in range(3)] == [0, 0, 2]


def test_steps_repeat_then_move_up_then_exhaust():
    p = EscalationPolicy.load()
    steps, step = [], p.next_step(-1, 0, DAY)
    while step is not None:
        steps.append(step)
        step = p.next_step(*step, DAY)
    assert steps == [(0, 0), (1, 0), (2, 0), (2, 1), (2, 2)]


def test_window_level_is_skipped_outside_its_window(tmp_path: Path):
    f = tmp_path / "p.yaml"
    f.write_text("levels:\n  - recipients: [all_leaders]\n"
                 "  - recipients: [duty_officer]\n    window: 20:00-08:00\n"
                 "  - recipients: [managers]\n    repeat: 1\n", encoding="utf-8")
    p = EscalationPolicy.load(f)
    assert str(p.levels[1].window) == "20:00-08:00"  # unquoted 20:00 is not read as base 60
    assert p.next_step(0, 0, NIGHT) == (1, 0)
    assert p.next_step(0, 0, DAY) == (2, 0)
    assert p.applies(1, datetime(2026, 11, 26, 7, 59, tzinfo=SHANGHAI))
    assert not p.applies(1, datetime(2026, 11, 26, 8, 0, tzinfo=SHANGHAI))
    assert p.next_step(2, 0, DAY) == (2, 1) and p.next_step(2, 1, DAY) is None


def test_fractional_minutes(tmp_path: Path):
    f = tmp_path / "p.yaml"
    f.write_text("levels:\n  - recipients: [all_leaders]\n    wait_minutes: 0.05\n"
                 "  - recipients: [managers]\n", encoding="utf-8")
    p = EscalationPolicy.load(f)
    assert p.wait(0) == timedelta(seconds=3) and p.levels[1].name == "第2级"


@pytest.mark.parametrize(("body", "line", "words"), [
    ("levels:\n  - recipients: [all_leaders, bosses]\n", 2, "bosses"),
    ("levels:\n  - recipients: [all_leaders]\n    wait_minutes: -1\n", 3, "wait_minutes"),
    ("levels:\n  - recipients: [all_leaders]\n    repeat_every_minutes: 5\n"
     "  - recipients: [managers]\n", 3, "repeat"),
    ("levels:\n  - recipients: [all_leaders]\n    repeat: -1\n", 3, "repeat"),
    ("levels:\n  - recipients: [all_leaders]\n    repeat: 1.5\n", 3, "repeat"),
    ("levels:\n  - recipients: [all_leaders]\n  - recipients: [managers]\n"
     "    window: \"25:00-08:00\"\n", 4, "window"),
    ("levels:\n  - recipients: [all_leaders]\n  - recipients: [managers]\n"
     "    window: night\n", 4, "window"),
    ("levels:\n  - recipients: [all_leaders]\n    window: \"20:00-08:00\"\n", 3, "window"),
    ("levels: []\n", 1, "levels"),
    ("levles:\n  - recipients: [x]\n", 1, "levles"),
    ("levels:\n  - recipients: [all_leaders]\nmain_leaders: [abc]\n", 3, "main_leaders"),
    ("levels:\n  - recipients: [all_leaders\n", 3, "YAML"),
])
def test_bad_policy_names_file_and_line(tmp_path: Path, body: str, line: int, words: str):
    f = tmp_path / "bad.yaml"
    f.write_text(body, encoding="utf-8")
    with pytest.raises(EscalationPolicyError) as exc:
        EscalationPolicy.load(f)
    assert str(f) in str(exc.value) and f"line {line}" in str(exc.value)
    assert words in str(exc.value)


def test_bot_refuses_to_start_with_bad_policy(tmp_path: Path, database_url: str,
                                              run_bot: Callable[..., BotRun]):
    bad = tmp_path / "bad.yaml"
    bad.write_text("levels:\n  - recipients: [nobody]\n", encoding="utf-8")
    run = run_bot(TELEGRAM_BOT_TOKEN="123:abc", DATABASE_URL=database_url,
                  ESCALATION_POLICY_FILE=str(bad), HOLIDAYS_FILE=str(tmp_path / "h.yaml"))
    assert run.status == 2
    assert len(run.err_lines) == 1, run.err_lines
    line = run.err_lines[0]
    assert str(bad) in line and "line 2" in line and "nobody" in line


def test_windows_are_read_in_the_configured_zone(tmp_path: Path):
    from zoneinfo import ZoneInfo
    f = tmp_path / "p.yaml"
    f.write_text("levels:\n  - recipients: [all_leaders]\n"
                 "  - recipients: [duty_officer]\n    window: \"22:00-06:00\"\n",
                 encoding="utf-8")
    assert EscalationPolicy.load(f).applies(1, NIGHT)  # 23:00 in the zone of `at`
    urumqi = EscalationPolicy.load(f, tz=ZoneInfo("Asia/Urumqi"))
    assert not urumqi.applies(1, NIGHT)  # 21:00 in Urumqi
    assert urumqi.applies(1, NIGHT + timedelta(hours=1))
