"""Channels as recipients in the escalation policy: how they are written, whose phones a level
of channels uses, and that a channel CHANNELS_FILE does not configure stops the bot at start
with one line naming the policy file and line (exit status 2)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.services.alerts.policy import EscalationPolicy, EscalationPolicyError, is_channel
from tests.conftest import BotRun

CONFIGURED = ["wecom:leaders", "dingtalk:office", "feishu:leaders", "sms", "voice", "email"]


def _policy(tmp_path: Path, body: str) -> Path:
    f = tmp_path / "policy.yaml"
    f.write_text(body, encoding="utf-8")
    return f


def test_channels_alongside_todays_kinds(tmp_path: Path) -> None:
    f = _policy(tmp_path, """levels:
  - recipients: [all_leaders, {wecom: leaders}]
  - recipients: [{dingtalk: office}, sms]
  - recipients:
      - managers
      - feishu: leaders
      - voice
      - email
first_level_extra:
  涉稳: [main_leaders, sms]
""")
    p = EscalationPolicy.load(f, channels=CONFIGURED)
    assert p.recipients(0, "紧急") == ("all_leaders", "wecom:leaders")
    assert p.recipients(0, "涉稳") == ("all_leaders", "wecom:leaders", "main_leaders", "sms")
    assert p.recipients(2, "紧急") == ("managers", "feishu:leaders", "voice", "email")
    # whose phones: a level's own people, or for a level of channels only the previous one's
    assert p.people_of(0, "紧急") == ("all_leaders",)
    assert p.people_of(1, "紧急") == ("all_leaders",)
    assert p.people_of(2, "紧急") == ("managers",)
    assert is_channel("wecom:leaders") and is_channel("sms") and not is_channel("managers")


@pytest.mark.parametrize(("body", "line", "words"), [
    ("levels:\n  - recipients: [all_leaders]\n  - recipients: [{wecom: boss}]\n", 3,
     "wecom:boss"),
    ("levels:\n  - recipients: [all_leaders]\n  - recipients:\n      - managers\n"
     "      - dingtalk: other\n", 5, "dingtalk:other"),
    ("levels:\n  - recipients: [all_leaders, {slack: leaders}]\n", 2, "slack"),
    ("levels:\n  - recipients: [all_leaders, {wecom: ''}]\n", 2, "wecom"),
    ("levels:\n  - recipients: [all_leaders]\nfirst_level_extra:\n  涉稳: [fax]\n", 4, "fax"),
])
def test_unknown_or_unconfigured_channels_name_file_and_line(
        tmp_path: Path, body: str, line: int, words: str) -> None:
    f = _policy(tmp_path, body)
    with pytest.raises(EscalationPolicyError) as exc:
        EscalationPolicy.load(f, channels=CONFIGURED)
    assert str(f) in str(exc.value) and f"line {line}" in str(exc.value), str(exc.value)
    assert words in str(exc.value)


def test_a_person_channel_needs_the_file_too(tmp_path: Path) -> None:
    f = _policy(tmp_path, "levels:\n  - recipients: [all_leaders]\n  - recipients: [sms]\n")
    with pytest.raises(EscalationPolicyError, match="CHANNELS_FILE") as exc:
        EscalationPolicy.load(f)  # no channels configured at all
    assert "line 3" in str(exc.value)
    assert EscalationPolicy.load(f, channels=["sms"]).recipients(1, "紧急") == ("sms",)


def _one_line(run_bot: Callable[..., BotRun], tmp_path: Path, database_url: str,
              **env: str) -> str:
    """`python -m bot` with these settings: exit status 2 and one line, which is returned."""
    run = run_bot(TELEGRAM_BOT_TOKEN="123:abc", DATABASE_URL=database_url,
                  HOLIDAYS_FILE=str(tmp_path / "h.yaml"), **env)
    assert run.status == 2, run.err
    assert len(run.err_lines) == 1, run.err_lines
    return run.err_lines[0]


def test_bot_refuses_a_policy_naming_a_robot_the_file_lacks(
        tmp_path: Path, database_url: str, run_bot: Callable[..., BotRun]) -> None:
    policy = _policy(tmp_path, "levels:\n  - recipients: [all_leaders]\n"
                               "  - recipients: [{wecom: boss}, sms]\n")
    channels = tmp_path / "channels.yaml"
    channels.write_text('wecom: {leaders: {url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/'
                        'send?key=SECRETKEY"}}\n', encoding="utf-8")
    line = _one_line(run_bot, tmp_path, database_url, ESCALATION_POLICY_FILE=str(policy),
                     CHANNELS_FILE=str(channels))
    assert str(policy) in line and "line 3" in line and "wecom:boss" in line, line
    assert "SECRETKEY" not in line


def test_bot_refuses_a_bad_channels_file_without_showing_secrets(
        tmp_path: Path, database_url: str, run_bot: Callable[..., BotRun]) -> None:
    channels = tmp_path / "channels.yaml"
    channels.write_text('dingtalk:\n  leaders:\n    url: "http://oapi.dingtalk.com/robot/send'
                        '?access_token=SECRETTOKEN"\n', encoding="utf-8")
    line = _one_line(run_bot, tmp_path, database_url, CHANNELS_FILE=str(channels))
    assert str(channels) in line and "line 3" in line and "https" in line
    assert "SECRETTOKEN" not in line
