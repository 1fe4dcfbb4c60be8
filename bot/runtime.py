"""Start-up plumbing shared by `python -m bot`, the console mode and the benchmarks."""

from __future__ import annotations

import logging
import sys
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, InterfaceError, NoSuchModuleError, OperationalError

from bot import logsafety
from bot.config import Settings
from models.db import make_engine
from models.migrate import upgrade

QUIET_LOGGERS = ("httpx", "httpcore", "apscheduler", "telegram.ext.Updater", "aiohttp.access")


def setup_logging(level: str = "INFO", token: str | None = None) -> None:
    """Log to stderr at ``level``, every handler behind the privacy filter (citizens' data
    masked, ``token`` hidden) and the payload-dumping library loggers capped — at any level,
    DEBUG included (``bot.logsafety``)."""
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    logsafety.install(token)


_ENGINES: list[Engine] = []


class DatabaseUnusable(RuntimeError):
    """DATABASE_URL names a database we cannot open or migrate; ``str()`` is one line that
    names the setting and the cause (never the URL itself: it may hold a password)."""


def prepare_database(settings: Settings) -> Engine:
    """Create the engine and bring the schema up to date (idempotent).

    Engines made here are disposed by `dispose_engines()` when a command finishes, so a
    subcommand never leaves connections open (PostgreSQL notices; tests run them in-process).
    Any reason the database cannot be used raises :class:`DatabaseUnusable`.
    """
    try:
        engine = make_engine(settings.database_url)
    except (ArgumentError, NoSuchModuleError, ImportError, OSError) as exc:
        raise DatabaseUnusable(f"DATABASE_URL: {_cause(exc)}") from None
    try:
        upgrade(engine)
    except (OperationalError, InterfaceError, OSError) as exc:
        engine.dispose()
        raise DatabaseUnusable(f"DATABASE_URL: {_cause(exc)}") from None
    _ENGINES.append(engine)
    return engine


def _cause(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = " ".join(str(orig).split()) or type(orig).__name__
    return text[:300]


def dispose_engines() -> None:
    while _ENGINES:
        _ENGINES.pop().dispose()


ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "inline_query",
                   "my_chat_member"]


async def start_app(app: Any, *, poll_timeout: int = 10) -> None:
    """Start an Application the way `run_polling` does, for embedding in our own loop."""
    await app.initialize()
    if app.post_init is not None:
        await app.post_init(app)
    await app.updater.start_polling(poll_interval=0.0, timeout=poll_timeout,
                                    allowed_updates=ALLOWED_UPDATES)
    await app.start()


async def stop_app(app: Any) -> None:
    """Stop what `start_app` started, running post_stop/post_shutdown like `run_polling`."""
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    if app.post_stop is not None:
        await app.post_stop(app)
    await app.shutdown()
    if app.post_shutdown is not None:
        await app.post_shutdown(app)
