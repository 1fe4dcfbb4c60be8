"""The layering rules of docs/ARCHITECTURE.md hold (the check CI runs, run here too so a
developer sees a broken rule locally), and the check finds each kind of breach."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / ".ci" / "check_architecture.py"


def _checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_architecture", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_tree_follows_the_architecture(capsys: pytest.CaptureFixture[str]) -> None:
    status = _checker().main([])
    out = capsys.readouterr().out
    assert status == 0, out
    assert out.strip().endswith("0 problem(s)")


def _write(root: Path, rel: str, source: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")


def test_each_kind_of_breach_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    for pkg in ("bot", "handlers", "knowledge_base", "models"):
        _write(tmp_path, f"{pkg}/__init__.py", "")
    # a cycle hidden behind an import inside a function
    _write(tmp_path, "bot/a.py", "import bot.b\n")
    _write(tmp_path, "bot/b.py", "def f() -> None:\n    from bot import a\n")
    # the domain rendering
    _write(tmp_path, "bot/services/__init__.py", "")
    _write(tmp_path, "bot/services/tickets.py", "from bot.texts.tickets import card\n")
    # sizes
    _write(tmp_path, "handlers/big.py", "x = 1\n" * 401)
    _write(tmp_path, "handlers/long.py",
           "def long() -> None:\n" + "    pass\n" * 60)
    # ways around the Telegram boundary and the escaping helper
    _write(tmp_path, "handlers/direct.py",
           "import telegram\nfrom telegram.ext import ApplicationBuilder\n"
           "b = telegram.Bot('t')\napp = ApplicationBuilder()\n")
    _write(tmp_path, "bot/texts/raw.py",
           "import html\nfrom html import escape as e, unescape\nx = html.escape('<')\n")
    _write(tmp_path, "bot/texts/escape.py", "from html import escape\n")  # the helper: fine
    _write(tmp_path, "bot/boundary.py", "from telegram.ext import ExtBot\nb = ExtBot('t')\n")
    # the zone named in three modules
    for name in ("one", "two", "three"):
        _write(tmp_path, f"models/{name}.py", 'TZ = "Asia/Shanghai"\n')
    checker = _checker()
    monkeypatch.setattr(checker, "ROOT", tmp_path)
    assert checker.main([]) == 1
    out = capsys.readouterr().out
    assert "import cycle: bot.a ⇄ bot.b" in out
    assert "bot/services/tickets.py: line 1: the domain imports bot.texts.tickets" in out
    assert "handlers/big.py: 402 lines (max 400)" in out
    assert "handlers/long.py: line 1: function long has 61 lines (max 60)" in out
    assert "Asia/Shanghai named in 3 modules (max 2)" in out
    assert "handlers/direct.py: line 3: constructs a Bot" in out
    assert "handlers/direct.py: line 4: uses ApplicationBuilder" in out
    assert "bot/texts/raw.py: line 2: imports html.escape" in out
    assert "bot/texts/raw.py: line 3: calls html.escape" in out
    assert out.strip().endswith("9 problem(s)")
