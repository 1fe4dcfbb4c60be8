"""Start-up plumbing shared by `python -m bot`, the console mode and the benchmarks."""

from __future__ import annotations

import logging
import sys

from sqlalchemy.engine import Engine

from bot.config import Settings
from models.db import make_engine
from models.migrate import upgrade

QUIET_LOGGERS = ("httpx", "httpcore", "apscheduler", "telegram.ext.Updater", "aiohttp.access")


def setup_logging(level: str = "INFO") -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def prepare_database(settings: Settings) -> Engine:
    """Create the engine and bring the schema up to date (idempotent)."""
    engine = make_engine(settings.database_url)
    upgrade(engine)
    return engine
