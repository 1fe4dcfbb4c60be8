"""One-time deep links into the bot for channel messages.

A WeCom message, an SMS or an e-mail cannot carry a 收到 button, so it carries
``https://t.me/<bot>?start=ack_<token>``: tapping it opens the bot, which shows the alert with
its button. A token is minted per message (never reused for another), is unguessable (12
letters, about 68 bits) and letters only, so no masker can mistake it for a number. A link
sent to one person (SMS, e-mail) opens only for that person; a robot's link (a group chat
elsewhere) opens for any leader or manager.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Engine
from sqlmodel import Session, delete, select

from bot.clock import Clock
from bot.services.alerts.errors import LinkInvalid, LinkNotYours
from models.alert import AlertLink
from models.db import session_scope

START_PREFIX = "ack_"
TOKEN_LENGTH = 12
_ALPHABET = string.ascii_letters


def start_payload(token: str) -> str:
    """What follows `/start ` when the link is opened."""
    return START_PREFIX + token


def token_of(payload: str) -> str | None:
    """The token of a `/start` payload, or None when it is not an alert link."""
    if not payload.startswith(START_PREFIX):
        return None
    token = payload[len(START_PREFIX):]
    ok = len(token) == TOKEN_LENGTH and all(c in _ALPHABET for c in token)
    return token if ok else ""


class AlertLinks:
    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine, self.clock = engine, clock

    def mint(self, *, alert_id: int, channel: str, telegram_id: int | None,
             session: Session | None = None) -> str:
        """A new token for one message; with ``session``, in the caller's transaction."""
        token = "".join(secrets.choice(_ALPHABET) for _ in range(TOKEN_LENGTH))
        with self._scope(session) as s:
            s.add(AlertLink(token=token, alert_id=alert_id, channel=channel,
                            telegram_id=telegram_id, created_at=self.clock.now()))
        return token

    def discard(self, token: str, session: Session | None = None) -> None:
        """A token whose message was not queued after all (the step had run before)."""
        with self._scope(session) as s:
            s.exec(delete(AlertLink).where(AlertLink.token == token))  # type: ignore[arg-type]

    @contextmanager
    def _scope(self, session: Session | None) -> Iterator[Session]:
        if session is not None:
            yield session
            return
        with session_scope(self.engine) as s:
            yield s

    def open(self, token: str, actor_id: int) -> int:
        """The alert behind a link opened by `actor_id`; the first opening is recorded."""
        with session_scope(self.engine) as s:
            link = s.exec(select(AlertLink).where(AlertLink.token == token)).first()
            if link is None:
                raise LinkInvalid()
            if link.telegram_id is not None and link.telegram_id != actor_id:
                raise LinkNotYours()
            if link.used_at is None:
                link.used_at, link.used_by = self.clock.now(), actor_id
                s.add(link)
            return link.alert_id
