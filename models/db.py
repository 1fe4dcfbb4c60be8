"""Engine and session helpers: one session per unit of work, explicit transactions."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

DATA_FOLDER_NAME = "data"


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create the engine; SQLite gets WAL, foreign keys and a busy timeout (a write waits up to
    30 s for another program's write lock — in a worker thread, never on the event loop), and
    its folder and files are private to this account (they hold citizens' personal data)."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        db_file = Path(path) if path and path != ":memory:" else None
        if db_file is not None:
            _private_dir(db_file.parent)
        # Sessions run in worker threads (bot/offload.py), each holding a connection while it
        # waits out another program's write lock: room for every worker and then some.
        pool = {"pool_size": 10, "max_overflow": 20} if db_file is not None else {}
        engine = create_engine(
            url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30}, **pool
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        if db_file is not None:
            event.listen(engine, "connect", lambda *_: _private_files(db_file))
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=10)


def refresh_statistics(engine: Engine) -> None:
    """After a bulk load on PostgreSQL: until autovacuum gets round to the new rows the planner
    believes the tables are nearly empty and picks nested loops over thousands of rows (a
    report on freshly generated demo data took seconds instead of a fraction of one)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")


def _private_dir(folder: Path) -> None:
    """Create the folder 0700. An existing folder is tightened only when it is the bot's own
    data folder (named ``data``): a database put in a shared folder such as /tmp must not
    change that folder's mode."""
    existed = folder.exists()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not existed or folder.name == DATA_FOLDER_NAME:
        with contextlib.suppress(OSError):
            if folder.stat().st_mode & 0o077:
                folder.chmod(0o700)


def _private_files(db_file: Path) -> None:
    """The database and its -wal/-shm companions readable by this account only."""
    for f in (db_file, db_file.with_name(db_file.name + "-wal"),
              db_file.with_name(db_file.name + "-shm")):
        with contextlib.suppress(OSError):
            if f.exists() and f.stat().st_mode & 0o077:
                f.chmod(0o600)


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """Open a session, commit when the block succeeds, roll back when it raises."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
