"""Data at rest: private file modes whatever the umask, and KB gaps stored masked."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.clock import MovableClock
from bot.services.private_files import private_dir, write_private
from knowledge_base.io import write_file
from knowledge_base.service import build_knowledge_base
from models.db import session_scope
from models.kb import KbGap
from tests.privacy.test_masker import leaks, name_survives


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The usual umask of a login shell: files 0644, folders 0755 unless the bot narrows."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def test_python_m_bot_makes_its_data_folder_and_database_private(tmp_path: Path) -> None:
    """`python -m bot db upgrade` under umask 022: data/ 0700, hotline.db (+ -wal/-shm) 0600."""
    env = {**os.environ, "DATABASE_URL": "sqlite:///data/hotline.db", "LOG_LEVEL": "WARNING",
           "HOLIDAYS_FILE": str(tmp_path / "holidays.yaml")}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    done = subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], cwd=tmp_path, env=env,
                          capture_output=True, preexec_fn=lambda: os.umask(0o022), timeout=300)
    assert done.returncode == 0, done.stderr.decode()
    data = tmp_path / "data"
    assert mode(data) == 0o700
    files = [p for p in data.iterdir() if p.name.startswith("hotline.db")]
    assert tmp_path / "data" / "hotline.db" in files
    assert all(mode(p) == 0o600 for p in files), {p.name: oct(mode(p)) for p in files}


def test_the_cli_runs_with_umask_077_and_restores_the_callers(tmp_path: Path,
                                                               open_umask: None,
                                                               monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    from bot import cli

    seen: list[int] = []

    def probe(args: object) -> int:
        seen.append(os.umask(0o077))  # read it (setting the same value back)
        (tmp_path / "made-by-a-library.txt").write_text("x")  # plain open(): the umask rules
        return 0

    monkeypatch.setattr(cli, "_db_upgrade", probe)
    assert cli.main(["db", "upgrade"]) == 0
    assert seen == [0o077]
    assert mode(tmp_path / "made-by-a-library.txt") == 0o600
    assert os.umask(0o022) == 0o022  # the caller's umask is back


def test_reports_and_exports_are_written_0600_in_a_0700_folder(tmp_path: Path,
                                                               open_umask: None) -> None:
    out = tmp_path / "reports" / "2026"
    private_dir(out)
    assert mode(out) == 0o700 and mode(tmp_path / "reports") == 0o700
    shared = tmp_path  # an existing folder the operator chose keeps its mode
    before = mode(shared)
    private_dir(shared)
    assert mode(shared) == before
    old = out / "week.txt"
    old.write_text("old")
    old.chmod(0o644)
    write_private(old, "新的周报")  # replacing a file narrows it too
    assert mode(old) == 0o600 and old.read_text(encoding="utf-8") == "新的周报"
    entries = [{"question": "献血证丢了怎么办", "answer": "到献血点补办", "keywords": ["献血"],
                "category": "", "source": "", "similar": []}]
    for ext in ("yaml", "csv", "xlsx"):
        path = tmp_path / f"kb.{ext}"
        write_file(path, entries)
        assert mode(path) == 0o600, ext


def test_kb_gaps_are_stored_masked(engine: Engine, clock: MovableClock) -> None:
    kb = build_knowledge_base(engine, clock)
    kb.gaps.record("来电人张三丰问：１３８-１２３４-５６７８ 身份证110105 19900307 1234 "
                   "卡号6222 0212 3456 7890 123 怎么退费", 2001)
    with session_scope(engine) as s:
        stored = [g.query for g in s.exec(select(KbGap)).all()]
    assert len(stored) == 1 and "怎么退费" in stored[0]
    for number in ("13812345678", "110105199003071234", "6222021234567890123"):
        assert not leaks(number, stored[0]), stored[0]
    assert not name_survives("张三丰", stored[0])
