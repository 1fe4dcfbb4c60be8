"""Write intended deliveries to the outbox, and the bookkeeping the sender needs.

A delivery carries a :class:`~bot.services.outbox.notes.Note` (what happened, as data); the
courier renders it for the chat's audience at send time. No Telegram here: the sender
(`handlers/delivery.py`) claims due rows, sends them and reports back through `mark_sent` /
`mark_retry` / `mark_failed`. Enqueueing rings the :class:`Wakeup` the courier waits on.
The courier works one lane per chat (`chats_due`, `due(chat_id=…)`); a row is claimed
(``pending`` → ``sending``) just before it is sent, and a chat Telegram asked to wait
(429 ``retry_after``) has its rows held with `defer_chat`.

Rows for an outside channel (``channel`` set: a WeCom robot, SMS, e-mail…) share the table
and its idempotency keys but are another lane: the Telegram courier never sees them (`due`
reads Telegram rows only), the channel courier (`bot/channels/courier.py`) reads them through
``bot.services.outbox.lanes`` and is woken by its own doorbell.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event, func, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.clock import Clock
from bot.services.outbox.notes import Note, UnknownNote, load_note
from bot.services.outbox.wakeup import Wakeup
from models.db import session_scope
from models.outbox import OutboxMessage

log = logging.getLogger(__name__)

URGENT, NORMAL, LOW = 0, 5, 9
SENDING = "sending"  # claimed by a courier, its answer not yet known
MAX_ATTEMPTS = 12
Buttons = list[list[tuple[str, str]]]  # rows of (label, callback_data)
_RING_PENDING = "outbox.ring_after_commit"  # Session.info flag: a ring is already planned


@dataclass(frozen=True)
class Outgoing:
    """A row claimed for sending, detached from its session."""

    id: int
    chat_id: int
    method: str
    text: str
    buttons: Buttons | None
    priority: int
    attempts: int
    edit_message_id: int | None
    kind: str
    ref: str
    note: Note | None = None  # None only for rows written before notes existed


class Outbox:
    def __init__(self, engine: Engine, clock: Clock, wakeup: Wakeup,
                 channel_wakeup: Wakeup | None = None) -> None:
        self.engine, self.clock, self.wakeup = engine, clock, wakeup
        self.channel_wakeup = channel_wakeup  # the channel courier's doorbell

    def enqueue(self, *, key: str, kind: str, note: Note, chat_id: int = 0, ref: str = "",
                priority: int = NORMAL, not_before: datetime | None = None,
                edit_of: int | None = None, channel: str = "", destination: str = "",
                session: Session | None = None) -> int | None:
        """Add one delivery of ``note`` unless its key exists already. Returns the new row id
        or None. The row holds data only; the courier renders it for the chat's audience
        (rows written before notes existed carry their text, and are still delivered as is).

        ``channel`` (with ``destination``) sends it outside Telegram; ``chat_id`` is then 0.
        With ``session``, the row is written in the caller's transaction: it exists exactly
        when the caller's other changes do (an alert and its first copies), the courier is
        woken once that transaction commits, and a key that another transaction writes at
        the same moment fails the caller's transaction rather than being skipped.
        """
        now = self.clock.now()
        row = OutboxMessage(
            dedup_key=key[:160], kind=kind, ref=ref, chat_id=chat_id,
            channel=channel, destination=destination, note_kind=note.kind, payload=note.dump(),
            priority=priority, next_attempt_at=not_before or now, created_at=now,
            method="edit" if edit_of is not None else "send", edit_of=edit_of,
        )
        if session is not None:
            new_id = _insert(session, row)
            if new_id is not None:
                self._ring_after_commit(session, channel)
            return new_id
        try:
            with session_scope(self.engine) as s:
                new_id = _insert(s, row)
        except IntegrityError:  # a concurrent producer won the race: the delivery exists
            return None
        if new_id is not None:
            self._ring(channel)
        return new_id

    def _ring(self, channel: str) -> None:
        """Wake the courier of the row's lane: Telegram, or the channels beyond it."""
        if not channel:
            self.wakeup.ring()
        elif self.channel_wakeup is not None:
            self.channel_wakeup.ring()

    def _ring_after_commit(self, session: Session, channel: str) -> None:
        """Wake the courier when the caller's transaction commits (not before: it would find
        nothing yet and sleep a whole tick). One listener per session and lane: after a
        rollback it stays planned for the session's next commit, which is harmless (a spare
        ring)."""
        flag = f"{_RING_PENDING}:{bool(channel)}"
        if session.info.get(flag):
            return
        session.info[flag] = True

        def ring(s: Session) -> None:
            s.info.pop(flag, None)
            try:  # the caller's changes are committed: nothing here may make them look failed
                self._ring(channel)
            except Exception:  # the courier still finds the rows at its next idle check
                log.exception("outbox: could not wake the courier")

        event.listen(session, "after_commit", ring, once=True)

    def enqueue_many(self, items: list[dict[str, Any]]) -> int:
        """Add several deliveries (the keyword arguments of `enqueue`, each with its ``note``)
        in one transaction.

        Keys that exist already are skipped. A producer that fans out to many people (a
        reminder batch, a digest) pays for one commit instead of one per recipient.
        """
        if not items:
            return 0
        now = self.clock.now()
        rows = {}
        for it in items:
            key = it["key"][:160]
            note: Note = it["note"]
            rows[key] = OutboxMessage(
                dedup_key=key, kind=it["kind"], ref=it.get("ref", ""),
                chat_id=it.get("chat_id", 0), channel=it.get("channel", ""),
                destination=it.get("destination", ""), priority=it.get("priority", NORMAL),
                note_kind=note.kind, payload=note.dump(),
                next_attempt_at=it.get("not_before") or now, created_at=now)
        try:
            with session_scope(self.engine) as s:
                seen = set(s.exec(select(OutboxMessage.dedup_key).where(
                    col(OutboxMessage.dedup_key).in_(list(rows)))).all())
                fresh = [r for k, r in rows.items() if k not in seen]
                s.add_all(fresh)
        except IntegrityError:  # a concurrent producer: fall back to one at a time
            return sum(self.enqueue(**it) is not None for it in items)
        for channel in {r.channel for r in fresh}:
            self._ring(channel)
        return len(fresh)

    def due(self, *, limit: int = 50, chat_id: int | None = None) -> list[Outgoing]:
        """Pending rows whose time has come (of one chat, or all), urgent first; edits wait
        for their original."""
        now = self.clock.now()
        with session_scope(self.engine) as s:
            q = select(OutboxMessage).where(
                OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now,
                OutboxMessage.channel == "")
            if chat_id is not None:
                q = q.where(OutboxMessage.chat_id == chat_id)
            rows = s.exec(q.order_by(col(OutboxMessage.priority), col(OutboxMessage.id))
                          .limit(limit)).all()
            out: list[Outgoing] = []
            for r in rows:
                target = None
                if r.method == "edit":
                    orig = s.get(OutboxMessage, r.edit_of) if r.edit_of else None
                    if orig is None or orig.status in ("failed", "cancelled"):
                        r.status, r.last_error = "cancelled", "original not delivered"
                        s.add(r)
                        continue
                    if orig.status != "sent":
                        continue  # not yet: the original is still on its way
                    target = orig.message_id
                assert r.id is not None
                try:
                    note = load_note(r.note_kind, r.payload) if r.payload else None
                except (UnknownNote, ValueError) as exc:  # code changed under a stored row
                    r.status, r.last_error = "failed", f"unreadable note: {exc}"[:256]
                    s.add(r)
                    continue
                out.append(Outgoing(r.id, r.chat_id, r.method, r.text,
                                    _load_buttons(r.buttons), r.priority, r.attempts, target,
                                    r.kind, r.ref, note))
        return out

    def next_due_at(self, *, after: datetime | None = None,
                    chat_id: int | None = None) -> datetime | None:
        """When the next Telegram row falls due (only those later than ``after``, of one chat
        when ``chat_id`` is given); None when nothing is pending."""
        with session_scope(self.engine) as s:
            q = select(OutboxMessage.next_attempt_at).where(
                OutboxMessage.status == "pending", OutboxMessage.channel == "")
            if after is not None:
                q = q.where(OutboxMessage.next_attempt_at > after)
            if chat_id is not None:
                q = q.where(OutboxMessage.chat_id == chat_id)
            return s.exec(q.order_by(col(OutboxMessage.next_attempt_at)).limit(1)).first()

    def chats_due(self) -> list[int]:
        """The chats with a Telegram row due now, those with the most urgent rows first (the
        courier starts their lanes in this order)."""
        now = self.clock.now()
        with session_scope(self.engine) as s:
            rows = s.exec(select(OutboxMessage.chat_id, func.min(OutboxMessage.priority)).where(
                OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now,
                OutboxMessage.channel == "").group_by(col(OutboxMessage.chat_id))).all()
        return [chat for chat, _ in sorted(rows, key=lambda r: (r[1], r[0]))]

    def claim(self, row_id: int) -> bool:
        """Take the row in hand (``pending`` -> ``sending``) just before sending it; False when
        it is no longer pending (cancelled by a 收到 meanwhile). A row still ``sending`` when
        the process stops is one whose outcome nobody learnt: `release_claims` at the next
        start sends it again (at least once, never silently dropped)."""
        with session_scope(self.engine) as s:
            result = s.exec(update(OutboxMessage).where(
                col(OutboxMessage.id) == row_id, col(OutboxMessage.status) == "pending",
            ).values(status=SENDING))
            return bool(result.rowcount)

    def release_claims(self) -> int:
        """At start: Telegram rows a previous process had in hand are pending again."""
        with session_scope(self.engine) as s:
            result = s.exec(update(OutboxMessage).where(
                col(OutboxMessage.status) == SENDING, col(OutboxMessage.channel) == "",
            ).values(status="pending"))
            return int(result.rowcount or 0)

    def defer_chat(self, chat_id: int, until: datetime) -> int:
        """Hold every pending row of the chat until ``until`` (Telegram said: not before),
        without counting an attempt; a restart keeps the plan."""
        with session_scope(self.engine) as s:
            result = s.exec(update(OutboxMessage).where(
                col(OutboxMessage.status) == "pending", col(OutboxMessage.channel) == "",
                col(OutboxMessage.chat_id) == chat_id,
                col(OutboxMessage.next_attempt_at) < until,
            ).values(next_attempt_at=until))
            return int(result.rowcount or 0)

    def mark_sent(self, row_id: int, message_id: int | None) -> None:
        with session_scope(self.engine) as s:
            r = s.get(OutboxMessage, row_id)
            if r is not None:
                r.status, r.sent_at, r.message_id = "sent", self.clock.now(), message_id
                r.attempts += 1
                s.add(r)

    def mark_retry(self, row_id: int, error: str, *, after: float | None = None) -> bool:
        """Back off (exponentially unless `after` is given). False once attempts run out."""
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
            delay = after if after is not None else min(300.0, 2.0 ** r.attempts)
            r.status = "pending"
            r.next_attempt_at = self.clock.now() + timedelta(seconds=delay)
            s.add(r)
            return True

    def mark_failed(self, row_id: int, error: str) -> None:
        with session_scope(self.engine) as s:
            r = s.get(OutboxMessage, row_id)
            if r is not None:
                r.status, r.last_error = "failed", error[:256]
                r.attempts += 1
                s.add(r)

    def cancel(self, *, ref: str, kind: str | None = None) -> int:
        """Drop pending deliveries for a ref (e.g. an alert acknowledged before escalating)."""
        with session_scope(self.engine) as s:
            q = select(OutboxMessage).where(OutboxMessage.ref == ref,
                                            OutboxMessage.status == "pending")
            if kind is not None:
                q = q.where(OutboxMessage.kind == kind)
            rows = s.exec(q).all()
            for r in rows:
                r.status = "cancelled"
                s.add(r)
            return len(rows)

    def deliveries(self, *, ref: str, kind: str | None = None) -> list[OutboxMessage]:
        with session_scope(self.engine) as s:
            q = select(OutboxMessage).where(OutboxMessage.ref == ref)
            if kind is not None:
                q = q.where(OutboxMessage.kind == kind)
            return list(s.exec(q.order_by(col(OutboxMessage.id))).all())


def _insert(s: Session, row: OutboxMessage) -> int | None:
    if s.exec(select(OutboxMessage.id).where(
            OutboxMessage.dedup_key == row.dedup_key)).first() is not None:
        return None
    s.add(row)
    s.flush()
    return row.id


def _load_buttons(raw: str | None) -> Buttons | None:
    if raw is None:
        return None
    return [[(label, data) for label, data in row] for row in json.loads(raw)]
