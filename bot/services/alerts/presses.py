"""Whose 收到 / 暂缓 counts: only the alert's recipients (docs/alerts.md, "the rule").

A button's data can be forged, so the role alone (leader, manager, admin) is not enough: the
press must come from a chat the alert was sent to — the person's own copy (also one sent
again by /alerts or /start), or the leaders' group copy — or from someone who opened one of
the alert's channel links (recorded as a ``link_open`` event when they open it). A /t card
shows 收到 only to such a person, so the card and the rule agree.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.clock import Clock
from bot.services.alerts.errors import AlertGone, NotARecipient
from bot.services.alerts.mail import AlertMail
from models.alert import Alert, AlertEvent
from models.db import session_scope

LINK_OPEN = "link_open"  # AlertEvent action: this person opened one of the alert's links


class Presses:
    def __init__(self, *, engine: Engine, clock: Clock, mail: AlertMail) -> None:
        self.engine, self.clock, self.mail = engine, clock, mail

    def is_recipient(self, alert_id: int, *, actor_id: int, chat_id: int) -> bool:
        """The alert went to this chat, or this person opened one of its links."""
        if self.mail.copies_to([alert_id], chat_id):
            return True
        with session_scope(self.engine) as s:
            opened = s.exec(select(AlertEvent.id).where(
                AlertEvent.alert_id == alert_id, AlertEvent.action == LINK_OPEN,
                AlertEvent.actor_id == actor_id)).first()
        return opened is not None

    def check(self, alert_id: int, *, actor_id: int, chat_id: int) -> None:
        """Raise AlertGone (no such alert) or NotARecipient; else the press may count."""
        with session_scope(self.engine) as s:
            if s.get(Alert, alert_id) is None:
                raise AlertGone()
        if not self.is_recipient(alert_id, actor_id=actor_id, chat_id=chat_id):
            raise NotARecipient()

    def link_opened(self, alert_id: int, actor_id: int, level: int) -> None:
        with session_scope(self.engine) as s:
            s.add(AlertEvent(alert_id=alert_id, at=self.clock.now(), actor_id=actor_id,
                             action=LINK_OPEN, level=level))
