"""Shared fixtures: a real database (SQLite file, or PostgreSQL when DATABASE_URL says so)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import datetime

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


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    eng = make_engine(database_url)
    _empty(eng)
    yield eng
    eng.dispose()


def _empty(eng: Engine) -> None:
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    with eng.begin() as conn:
        if eng.dialect.name == "postgresql":
            names = ", ".join(f'"{t}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for t in tables:
                conn.execute(text(f'DELETE FROM "{t}"'))


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
