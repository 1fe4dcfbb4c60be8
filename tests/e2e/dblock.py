"""Another program holding the database's write lock until the test lets go.

What a ``python -m bot kb import`` or a backup does to the running bot: on SQLite, a second
connection takes the write lock (``BEGIN IMMEDIATE``); on PostgreSQL, a second connection locks
every table in EXCLUSIVE mode (reads go on, every write waits). The lock is held until the
``with`` block ends, never for a fixed time, so tests assert what happened while it was held
and after it was released, not how long anything took.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from models.db import make_engine


@contextmanager
def write_lock_held(engine: Engine) -> Iterator[None]:
    """Hold the write lock of ``engine``'s database from another connection (another engine,
    so the bot's pool is not involved) until the block ends."""
    other = make_engine(engine.url.render_as_string(hide_password=False))
    conn = other.connect()
    try:
        if other.dialect.name == "sqlite":
            raw = conn.connection.dbapi_connection
            assert raw is not None
            raw.isolation_level = None  # we issue BEGIN ourselves
            raw.execute("BEGIN IMMEDIATE")
            try:
                yield
            finally:
                raw.execute("ROLLBACK")
        else:
            tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
            with conn.begin():
                conn.execute(text(f"LOCK TABLE {tables} IN EXCLUSIVE MODE"))
                yield
    finally:
        conn.close()
        other.dispose()
