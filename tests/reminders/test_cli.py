"""`python -m bot holidays import|show`, and the start-up check of the policy/holidays files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.reminders.test_ticket_deadlines import SCHEDULE_2027

BAD_POLICY = """\
classes:
  一般:
    sign:     {n: 2, unit: natural_hours}
    contact:  {n: 1, unit: working_days}
    complete: {n: -7, unit: working_days}
mapping:
  - {when: {}, class: 一般}
"""


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    store = tmp_path / "store.yaml"
    monkeypatch.setenv("HOLIDAYS_FILE", str(store))
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    return store


def test_import_then_show(env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    src = tmp_path / "official-2027.yaml"
    src.write_text(SCHEDULE_2027, encoding="utf-8")
    assert main(["holidays", "import", str(src)]) == 0
    out = capsys.readouterr().out
    assert str(env) in out and "2027" in out and "新增 3 条" in out
    assert env.exists() and "2027-01-04" in env.read_text(encoding="utf-8")
    assert env.read_text(encoding="utf-8").startswith("# 节假日覆盖文件 / holiday override store.")
    assert main(["holidays", "show", "--days", "60"]) == 0
    out = capsys.readouterr().out
    assert "调休上班" in out or "放假" in out or "周末" in out


def test_import_bad_file_names_the_line(env: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]):
    src = tmp_path / "bad.yaml"
    src.write_text("days:\n  - {date: 2027-01-01, kind: holliday, name: 元旦}\n",
                   encoding="utf-8")
    assert main(["holidays", "import", str(src)]) == 2
    err = capsys.readouterr().err
    assert "第 2 行" in err and "holliday" in err and err.strip().count("\n") == 0
    assert err.startswith("节假日文件错误: ") and "kind 必须是 holiday 或 workday" in err
    assert not env.exists()  # nothing written


def test_holidays_help(env: Path, capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit) as exc:
        main(["holidays", "import", "--help"])
    assert exc.value.code == 0 and "HOLIDAYS_FILE" in capsys.readouterr().out


def test_bot_refuses_to_start_with_a_bad_policy_file(tmp_path: Path):
    policy = tmp_path / "policy.yaml"
    policy.write_text(BAD_POLICY, encoding="utf-8")
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": "123456:TEST", "DEADLINE_POLICY_FILE": str(policy),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
           "HOLIDAYS_FILE": str(tmp_path / "holidays.yaml"), "LOG_LEVEL": "WARNING"}
    run = subprocess.run([sys.executable, "-m", "bot"], env=env, cwd=tmp_path,
                         capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 2
    assert run.stderr.strip().count("\n") == 0, run.stderr
    assert "第 5 行" in run.stderr and "policy.yaml" in run.stderr
    assert "Traceback" not in run.stderr


def test_bot_refuses_bad_reminder_settings(tmp_path: Path):
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": "123456:TEST", "REMINDER_LEADS": "24h,2x",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}"}
    run = subprocess.run([sys.executable, "-m", "bot"], env=env, cwd=tmp_path,
                         capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 2 and "REMINDER_LEADS" in run.stderr
    assert run.stderr.strip().count("\n") == 0
