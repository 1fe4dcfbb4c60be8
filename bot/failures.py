"""How code that must outlive any failure (the couriers, the delivery lanes, the scheduled
steps) logs one.

A database that cannot be reached or read — a PostgreSQL restart, a locked or vanished SQLite
file — is an outage, not a bug: one line naming what failed and the driver's reason, once per
attempt while it lasts, instead of a traceback every poll that buries the line saying why (the
database watch's "was deleted", the reconnect). Anything else is a bug and keeps its traceback.
Only the driver's first line is logged: the SQL and its parameters (a citizen's phone) never.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import OperationalError


def log_failure(log: logging.Logger, what: str, exc: BaseException) -> None:
    """Log ``what`` failed because of ``exc`` (see the module docstring)."""
    if isinstance(exc, OperationalError):
        orig = exc.orig if exc.orig is not None else exc
        reason = (str(orig).strip().splitlines() or [""])[0][:200]
        log.error("%s: database unavailable (%s: %s)", what, type(orig).__name__, reason)
        return
    log.error("%s", what, exc_info=exc)
