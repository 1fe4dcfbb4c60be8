"""Write audit entries. Callers pass ids and action names only — no citizen data."""

from __future__ import annotations

from sqlmodel import Session

from bot.clock import Clock
from models.audit import AuditLog


def record(
    *,
    session: Session,
    clock: Clock,
    actor_id: int | None,
    action: str,
    chat_id: int | None = None,
    target: str | None = None,
    detail: str | None = None,
) -> AuditLog:
    entry = AuditLog(
        at=clock.now(),
        actor_id=actor_id,
        chat_id=chat_id,
        action=action,
        target=target,
        detail=(detail or None) and detail[:512],
    )
    session.add(entry)
    return entry
