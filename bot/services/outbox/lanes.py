"""The outbox rows of the outside channels, as the channel courier works them.

Each channel (``wecom:leaders``, ``sms``, ``email``…) is a lane of its own: its due rows are
read apart from every other channel's, so one slow or failing vendor holds up nobody else. A
row is *claimed* (``pending`` → ``sending``) by a conditional update just before it is sent, so
an acknowledgement that cancels the alert's pending rows meanwhile wins over a stale batch;
what a process held in hand when it died goes back to ``pending`` when the next one starts
(the vendor never answered it, so it is sent again).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.clock import Clock
from bot.services.outbox.notes import Note, UnknownNote, load_note
from bot.services.outbox.store import SENDING
from models.db import session_scope
from models.outbox import OutboxMessage

MAX_ATTEMPTS = 8  # 2 s, 4 s … 256 s apart: about eight minutes of trying
MAX_BACKOFF_SECONDS = 300.0


@dataclass(frozen=True)
class ChannelRow:
    """A channel delivery taken from the outbox, detached from its session."""

    id: int
    channel: str
    destination: str
    kind: str
    ref: str
    attempts: int
    note: Note


class ChannelRows:
    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine, self.clock = engine, clock

    def channels_pending(self) -> set[str]:
        """Every channel that has a row waiting (due or not)."""
        with session_scope(self.engine) as s:
            return set(s.exec(select(OutboxMessage.channel).where(
                OutboxMessage.status == "pending", OutboxMessage.channel != "",
            ).distinct()).all())

    def due(self, channel: str, *, limit: int = 20) -> list[ChannelRow]:
        """The channel's rows whose time has come, urgent first, oldest first."""
        now = self.clock.now()
        out: list[ChannelRow] = []
        with session_scope(self.engine) as s:
            rows = s.exec(select(OutboxMessage).where(
                OutboxMessage.status == "pending", OutboxMessage.channel == channel,
                OutboxMessage.next_attempt_at <= now,
            ).order_by(col(OutboxMessage.priority), col(OutboxMessage.id)).limit(limit)).all()
            for r in rows:
                assert r.id is not None
                try:
                    note = load_note(r.note_kind, r.payload or "")
                except (UnknownNote, ValueError) as exc:  # code changed under a stored row
                    r.status, r.last_error = "failed", f"unreadable note: {exc}"[:256]
                    s.add(r)
                    continue
                out.append(ChannelRow(r.id, r.channel, r.destination, r.kind, r.ref,
                                      r.attempts, note))
        return out

    def next_due_at(self, channel: str) -> datetime | None:
        with session_scope(self.engine) as s:
            return s.exec(select(OutboxMessage.next_attempt_at).where(
                OutboxMessage.status == "pending", OutboxMessage.channel == channel,
            ).order_by(col(OutboxMessage.next_attempt_at)).limit(1)).first()

    def claim(self, row_id: int) -> bool:
        """Take the row in hand; False when it is no longer pending (cancelled, taken)."""
        with session_scope(self.engine) as s:
            result = s.exec(update(OutboxMessage).where(
                col(OutboxMessage.id) == row_id, col(OutboxMessage.status) == "pending",
            ).values(status=SENDING))
            return bool(result.rowcount)

    def sent(self, row_id: int) -> None:
        self._finish(row_id, "sent", "", sent=True)

    def failed(self, row_id: int, error: str) -> None:
        self._finish(row_id, "failed", error)

    def retry(self, row_id: int, error: str) -> bool:
        """Back off exponentially; False (and the row failed) once attempts run out."""
        with session_scope(self.engine) as s:
            r = s.get(OutboxMessage, row_id)
            if r is None:
                return False
            r.attempts += 1
            r.last_error = error[:256]
            if r.attempts >= MAX_ATTEMPTS:
                r.status = "failed"
                s.add(r)
                return False
            r.status = "pending"
            delay = min(MAX_BACKOFF_SECONDS, 2.0 ** r.attempts)
            r.next_attempt_at = self.clock.now() + timedelta(seconds=delay)
            s.add(r)
            return True

    def defer(self, row_id: int, until: datetime) -> None:
        """Not yet (the channel's rate limit): later, without counting an attempt."""
        with session_scope(self.engine) as s:
            r = s.get(OutboxMessage, row_id)
            if r is not None and r.status in ("pending", SENDING):
                r.status, r.next_attempt_at = "pending", until
                s.add(r)

    def release_claims(self) -> int:
        """At start: channel rows a previous process had in hand when it stopped are pending
        again (the Telegram courier releases its own: ``Outbox.release_claims``)."""
        with session_scope(self.engine) as s:
            result = s.exec(update(OutboxMessage).where(
                col(OutboxMessage.status) == SENDING, col(OutboxMessage.channel) != "",
            ).values(status="pending"))
            return int(result.rowcount or 0)

    def sent_since(self, channel: str, since: datetime) -> list[datetime]:
        """When the channel's recent messages went out (seeds its rate-limit window)."""
        with session_scope(self.engine) as s:
            stamps = s.exec(select(OutboxMessage.sent_at).where(
                OutboxMessage.channel == channel, OutboxMessage.status == "sent",
                col(OutboxMessage.sent_at) >= since)).all()
        return sorted(t for t in stamps if t is not None)

    def _finish(self, row_id: int, status: str, error: str, *, sent: bool = False) -> None:
        with session_scope(self.engine) as s:
            r = s.get(OutboxMessage, row_id)
            if r is None:
                return
            r.status, r.attempts = status, r.attempts + 1
            if error:
                r.last_error = error[:256]
            if sent:
                r.sent_at = self.clock.now()
            s.add(r)
