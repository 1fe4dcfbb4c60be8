"""The escalation policy file: the packaged one loads, bad files name file and line, and
`python -m bot` refuses to start on one with one line and exit status 2."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from bot.services.escalation import EscalationPolicy, EscalationPolicyError


def test_packaged_policy_loads():
    p = EscalationPolicy.load(default_wait_minutes=7)
    assert p.last == 2 and p.wait(0) == timedelta(minutes=7)
    assert p.repeat_every(2) == timedelta(minutes=10) and p.repeat_every(0) is None
    assert "main_leaders" in p.recipients(0, "涉稳")
    assert "main_leaders" not in p.recipients(0, "紧急")


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
     "  - recipients: [managers]\n", 3, "最后一级"),
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


def test_bot_refuses_to_start_with_bad_policy(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("levels:\n  - recipients: [nobody]\n", encoding="utf-8")
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": "123:abc",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
           "ESCALATION_POLICY_FILE": str(bad), "HOLIDAYS_FILE": str(tmp_path / "h.yaml")}
    proc = subprocess.run([sys.executable, "-m", "bot"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    lines = [x for x in proc.stderr.splitlines() if x.strip() and " INFO " not in x]
    assert len(lines) == 1, proc.stderr
    assert str(bad) in lines[0] and "line 2" in lines[0] and "nobody" in lines[0]
