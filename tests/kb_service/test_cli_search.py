"""`python -m bot kb search`: the same search as /kb, for scripts and evaluation."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.cli import main
from bot.clock import MovableClock
from knowledge_base.service import build_knowledge_base


@pytest.fixture
def cli_env(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    return tmp_path


def test_json_one_object_per_query_same_as_lookup(cli_env: Path, engine: Engine,
                                                  clock: MovableClock,
                                                  capsys: pytest.CaptureFixture[str]):
    assert main(["kb", "search", "--json", "--limit", "3", "出生证丢了", "asdkjh qwe"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    first, nonsense = (json.loads(line) for line in lines)
    assert set(first) == {"query", "results", "ms"} and first["query"] == "出生证丢了"
    assert 1 <= len(first["results"]) <= 3 and first["ms"] >= 0
    top = first["results"][0]
    assert set(top) == {"id", "question", "score", "strong"}
    assert top["question"] == "出生医学证明丢失了怎么补办？" and top["strong"] is True
    assert nonsense["results"] == []
    kb = build_knowledge_base(engine, clock)
    expected = kb.lookup("出生证丢了", limit=3).hits
    assert [r["id"] for r in first["results"]] == [h.id for h in expected]
    assert [r["score"] for r in first["results"]] == [round(h.score, 2) for h in expected]


def test_queries_from_stdin_and_plain_output(cli_env: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]):
    monkeypatch.setattr("sys.stdin", io.StringIO("出生证丢了\n\n  csyxzm \n"))
    assert main(["kb", "search", "--json"]) == 0
    queries = [json.loads(line)["query"]
               for line in capsys.readouterr().out.strip().splitlines()]
    assert queries == ["出生证丢了", "csyxzm"]
    assert main(["kb", "search", "#2"]) == 0
    out = capsys.readouterr().out
    assert "#2 出生医学证明丢失了怎么补办？" in out and "★" in out
    assert main(["kb", "search", "--limit", "0", "x"]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["kb", "search", "--help"])
    assert exc.value.code == 0
