"""A database outage in a courier's loop is one line with the driver's reason (never the SQL
or its parameters); any other failure keeps its traceback."""

from __future__ import annotations

import logging
import sqlite3

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from bot.failures import log_failure

log = logging.getLogger("tests.failures")


def _outage() -> OperationalError:
    engine = create_engine("sqlite://")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT * FROM outboxmessage WHERE phone = :p"),
                         {"p": "13912345678"})
    except OperationalError as exc:
        return exc
    finally:
        engine.dispose()
    raise AssertionError("no error")


def test_database_outage_is_one_line_without_sql_or_parameters(caplog: pytest.LogCaptureFixture):
    exc = _outage()
    with caplog.at_level(logging.ERROR, logger="tests.failures"):
        log_failure(log, "outbox look-up failed", exc)
    [record] = caplog.records
    line = record.getMessage()
    assert line == ("outbox look-up failed: database unavailable (OperationalError: no such "
                    "table: outboxmessage)")
    assert record.exc_info is None and "13912345678" not in caplog.text
    assert "SELECT" not in caplog.text
    assert isinstance(exc.orig, sqlite3.OperationalError)


def test_a_bug_keeps_its_traceback(caplog: pytest.LogCaptureFixture):
    try:
        {}["missing"]
    except KeyError as exc:
        with caplog.at_level(logging.ERROR, logger="tests.failures"):
            log_failure(log, "outbox look-up failed", exc)
    [record] = caplog.records
    assert record.getMessage() == "outbox look-up failed"
    assert record.exc_info is not None and "Traceback" in caplog.text
