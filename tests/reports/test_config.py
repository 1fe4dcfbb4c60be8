"""report_config.yaml: the pydantic model, errors with file and line, REPORT_CONFIG_FILE."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.clock import MovableClock
from bot.services.reports.config import PACKAGED_CONFIG, ReportConfig, ReportConfigError
from tests.conftest import BotRun

GOOD = PACKAGED_CONFIG.read_text(encoding="utf-8")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "report_config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_packaged_file_gives_the_documented_defaults():
    cfg = ReportConfig.load()
    assert cfg == ReportConfig.from_dict({})
    assert cfg.score_weights == {"response": 0.1, "solved": 0.5, "satisfied": 0.4}
    assert cfg.satisfaction_weights == {"满意": 1.0, "基本满意": 0.9, "不满意": 0.0}
    assert cfg.response_exclude == ("退回",) and cfg.clusters.min_callers == 2


def test_a_replacement_file_changes_the_definitions(tmp_path: Path):
    path = write(tmp_path, GOOD.replace("score_weights: {response: 0.1, solved: 0.5, "
                                        "satisfied: 0.4}",
                                        "score_weights: {response: 0.3, solved: 0.35, "
                                        "satisfied: 0.35}").replace("top_n: 10", "top_n: 5"))
    cfg = ReportConfig.load(path, month_start_day=19)
    assert cfg.score_weights == {"response": 0.3, "solved": 0.35, "satisfied": 0.35}
    assert cfg.top_n == 5 and cfg.month_start_day == 19


@pytest.mark.parametrize(("old", "new", "line", "words"), [
    ("    basis: callback_at          # callback_at", "    basis: closed_at  #", 14,
     "rates.solved.basis"),
    ("top_n: 10 ", "top_n: zero ", 23, "top_n"),
    ("  min_callers: 2 ", "  min_caller: 2 ", 32, "clusters.min_caller"),
    ("weights: {满意: 1.0, 基本满意: 0.9, 不满意: 0.0}", "weights: {满意: 1.0, 不满意: 0.0}", 18,
     "满意, 基本满意, 不满意"),
    ("score_weights: {response: 0.1, solved: 0.5, satisfied: 0.4}",
     "score_weights: {response: 0.1, solved: 0.5}", 21, "score_weights.satisfied"),
])
def test_a_bad_value_names_the_file_and_the_line(tmp_path: Path, old: str, new: str,
                                                 line: int, words: str):
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(ReportConfigError) as exc:
        ReportConfig.load(path)
    msg = str(exc.value)
    assert exc.value.line == line, msg
    assert str(path) in msg and f"第 {line} 行" in msg and words in msg
    assert "\n" not in msg


def test_a_missing_or_broken_file_is_a_config_error(tmp_path: Path):
    with pytest.raises(ReportConfigError, match="file not found"):
        ReportConfig.load(tmp_path / "nope.yaml")
    with pytest.raises(ReportConfigError, match="第 2 行"):
        ReportConfig.load(write(tmp_path, "top_n: 1\nkey: value: other\n"))


def test_report_command_exits_2_on_a_bad_report_config(engine: Engine, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]):
    from bot.cli import main

    path = write(tmp_path, GOOD.replace("top_n: 10 ", "top_n: -1 "))
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("REPORT_CONFIG_FILE", str(path))
    monkeypatch.chdir(tmp_path)
    assert main(["report", "weekly", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("配置错误: ") and str(path) in err and "第 23 行" in err
    assert "\n" not in err and not (tmp_path / "out").exists()


def test_build_services_reads_report_config_file(engine: Engine, clock: MovableClock,
                                                 tmp_path: Path):
    from bot.app import build_services
    from bot.config import Settings

    path = write(tmp_path, GOOD.replace("top_n: 10 ", "top_n: 3 "))
    settings = Settings(telegram_bot_token="123456:TEST", report_config_file=path,
                        holidays_file=tmp_path / "holidays.yaml", kb_seed_starter=False)
    svc = build_services(settings, engine=engine, clock=clock)
    assert svc.reports.config.top_n == 3
    assert svc.reports.tz is clock.tz


def test_bot_refuses_to_start_with_a_bad_report_config(tmp_path: Path, database_url: str,
                                                       run_bot: Callable[..., BotRun]):
    path = write(tmp_path, GOOD.replace("    basis: callback_at          # callback_at",
                                        "    basis: closed_at  #", 1))
    run = run_bot(TELEGRAM_BOT_TOKEN="123456:TEST", REPORT_CONFIG_FILE=str(path),
                  DATABASE_URL=database_url, HOLIDAYS_FILE=str(tmp_path / "holidays.yaml"),
                  LOG_LEVEL="WARNING")
    assert run.status == 2, run.err
    assert len(run.err_lines) == 1, run.err_lines
    assert "第 14 行" in run.err and "report_config.yaml" in run.err
