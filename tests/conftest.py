"""Shared fixtures: a real database (SQLite file, or PostgreSQL when DATABASE_URL says so)."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import SQLModel

import models  # noqa: F401  (registers every table)
from bot.clock import MovableClock
from bot.config import DEFAULT_TZ as SHANGHAI
from bot.services import timefmt
from models.db import make_engine
from models.migrate import upgrade

# No test may fail because the machine is busy: Hypothesis's per-example deadline and its
# "data generation too slow" check measure wall-clock time, so they are off for the suite.
settings.register_profile("suite", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("suite")


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: one worker more than the cores this process may use. A worker spends much
    of an end-to-end test waiting (for the emulator, a child bot, the database server), so a
    core would idle with one worker each: on the 2-core machine 3 workers take the PostgreSQL
    run from ~3 min 10 s to ~2 min 45 s; a fourth adds only load."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return cores + 1


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgresql") else None


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One migrated database for the whole run; tests empty it between them."""
    pg = _postgres_url()
    if pg is None:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
        return
    name = f"hotline_test_{uuid.uuid4().hex[:8]}"
    admin = make_engine(pg)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(pg).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def _worker_engine(database_url: str) -> Iterator[Engine]:
    """One engine per test worker: a new engine pays for its first connection (on PostgreSQL a
    SCRAM log-in and the dialect's start-up queries, ~17 ms) in every test that uses one."""
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def engine(_worker_engine: Engine) -> Engine:
    """The run's database, emptied. A bot started on it closes the pool when it stops only if
    it made the engine itself, so the pool outlives the test."""
    _empty(_worker_engine)
    return _worker_engine


def _empty(eng: Engine) -> None:
    # Children first; a DELETE of a few rows is far cheaper than a TRUNCATE (~0.4 s per test
    # on PG).
    deletes = [f'DELETE FROM "{t.name}"' for t in reversed(SQLModel.metadata.sorted_tables)]
    with eng.begin() as conn:
        if eng.dialect.name != "postgresql":
            for statement in deletes:
                conn.execute(text(statement))
            return
        # One round trip: every DELETE, then ids from 1 again (as after TRUNCATE) for the
        # sequences used. psycopg sends a parameterless multi-statement string as one query.
        conn.exec_driver_sql(";\n".join([*deletes, _RESTART_USED_SEQUENCES]))


_RESTART_USED_SEQUENCES = """DO $$
DECLARE s record;
BEGIN
  FOR s IN SELECT schemaname, sequencename FROM pg_sequences WHERE last_value IS NOT NULL LOOP
    EXECUTE 'ALTER SEQUENCE ' || quote_ident(s.schemaname) || '.'
            || quote_ident(s.sequencename) || ' RESTART';
  END LOOP;
END $$"""


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI))


@pytest.fixture(autouse=True)
def _shown_zone() -> Iterator[None]:
    """Starting an Application sets the zone every time is shown in (`TIMEZONE`, a process
    global): a test that starts one in another zone must not change what later tests see."""
    before = timefmt.zone()
    yield
    timefmt.use_zone(before)


@dataclass(frozen=True)
class BotRun:
    """What `python -m bot …` did, run in this process: exit status, output, and the log
    records at WARNING or above (in a child process those would be more lines on stderr)."""

    status: int
    out: str
    err: str
    warnings: list[str]

    @property
    def err_lines(self) -> list[str]:
        return [x for x in self.err.splitlines() if x.strip()] + self.warnings


@pytest.fixture
def run_bot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
            caplog: pytest.LogCaptureFixture) -> Callable[..., BotRun]:
    """``run_bot(*argv, **env)``: the entry point of ``python -m bot`` (`bot.cli.main`, whose
    return value ``bot/__main__.py`` exits with) with these environment variables, in an empty
    working directory (no stray ``.env``). A child process would only add importing the whole
    bot again; the few tests of the process itself (tests/e2e/test_console.py,
    tests/services/test_startup_errors.py, tests/reminders/test_cli.py) keep spawning one."""

    def run(*argv: str, **env: str) -> BotRun:
        from bot.cli import main

        for key in [k for k in os.environ if k.startswith("TELEGRAM_")]:
            monkeypatch.delenv(key)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        monkeypatch.chdir(tmp_path)
        capsys.readouterr()
        caplog.clear()
        try:
            status = main(list(argv))
        except SystemExit as exc:  # a bad setting: `load_settings_or_exit`
            status = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
        return BotRun(status, captured.out, captured.err, warnings)

    return run
