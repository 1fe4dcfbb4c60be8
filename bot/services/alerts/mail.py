"""Everything the alert service puts in the outbox, under its deterministic keys.

Keys (``alert:<id>:L<level>:r<repeat>:<chat>``, ``alert:<id>:<tag>:<copy>``, …) make a repeated
step a no-op, which is what makes escalation crash-safe. Every row carries a note from
``notes``; the courier renders it for the chat's audience. Channel messages beyond Telegram
are rows of their own lane (``channel``/``destination``) under keys
``alert:<id>:L<level>:r<repeat>:<channel>[:<member>][:p<part>]``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session

from bot.services.alerts.channels import ChannelTarget
from bot.services.alerts.common import CHANNEL, EDIT, NOTICE, SEND, Recipient, ref_of
from bot.services.alerts.links import AlertLinks, start_payload
from bot.services.alerts.notes import AlertChannelSent, AlertEdited, AlertSent, Change, ChannelDown
from bot.services.outbox.notes import Note, UnknownNote, load_note
from bot.services.outbox.store import SENDING, URGENT, Outbox
from models.outbox import OutboxMessage


class AlertMail:
    def __init__(self, outbox: Outbox, *, duty_group_id: int | None = None,
                 links: AlertLinks | None = None) -> None:
        self.outbox, self.duty_group_id, self.links = outbox, duty_group_id, links

    def send_level(self, note: AlertSent, recipients: Iterable[Recipient],
                   session: Session | None = None) -> None:
        """One copy of a level per recipient; a copy has the 收到/暂缓 buttons only where a
        press counts (not the duty group's notice, not a duty officer who may not ack). With
        ``session``, in the caller's transaction (the first level, written with the alert)."""
        a_id = note.alert_id
        for r in recipients:
            copy = note if r.can_ack else note.model_copy(update={"ackable": False})
            self.outbox.enqueue(
                key=f"alert:{a_id}:L{note.level}:r{note.repeat}:{r.chat_id}", kind=SEND,
                ref=ref_of(a_id), chat_id=r.chat_id, note=copy, priority=URGENT,
                session=session)

    def send_again(self, note: AlertSent, chat_id: int, tag: str) -> bool:
        """Another copy for one person who asked (/start, /alerts): a copy like the others,
        so 收到, 暂缓 and closing edit it too. True when it was enqueued."""
        key = f"alert:{note.alert_id}:again:{tag}:{chat_id}"
        return self.outbox.enqueue(key=key, kind=SEND, ref=ref_of(note.alert_id),
                                   chat_id=chat_id, note=note, priority=URGENT) is not None

    def copies_to(self, alert_ids: Iterable[int], chat_id: int) -> set[int]:
        """The alerts (of these) that a copy was addressed to this chat for, delivered or not."""
        return {i for i in alert_ids if any(
            row.chat_id == chat_id for row in self.outbox.deliveries(ref=ref_of(i), kind=SEND))}

    def send_channels(self, note: AlertSent, targets: Iterable[ChannelTarget],
                      session: Session | None = None) -> None:
        """One message per channel target (an SMS as two parts); every message that can
        carry a link gets its own one-time token. The token is stored before the row, and
        dropped again when the row existed already (a step repeated after a crash). With
        ``session``, all of it in the caller's transaction (the first level)."""
        for tg in targets:
            key = f"alert:{note.alert_id}:L{note.level}:r{note.repeat}:{tg.channel}"
            key += f":{tg.telegram_id}" if tg.telegram_id is not None else ""
            token = self._token(note.alert_id, tg, session)
            parts = (1, 2) if tg.medium == "sms" else (0,)
            queued = False
            for part in parts:
                linked = token if part != 1 else ""
                copy = AlertChannelSent(
                    sent=note, part=part, medium=tg.medium, mentions=tg.mentions,
                    ticket=note.platform_no, start=start_payload(linked) if linked else "")
                row = self.outbox.enqueue(
                    key=key + (f":p{part}" if part else ""), kind=CHANNEL,
                    ref=ref_of(note.alert_id), channel=tg.channel, destination=tg.destination,
                    note=copy, priority=URGENT, session=session)
                queued = queued or (row is not None and bool(linked))
            if token and not queued and self.links is not None:
                self.links.discard(token, session)

    def _token(self, alert_id: int, tg: ChannelTarget, session: Session | None) -> str:
        if self.links is None or tg.medium == "voice":  # a call cannot be tapped
            return ""
        return self.links.mint(alert_id=alert_id, channel=tg.channel,
                               telegram_id=tg.telegram_id, session=session)

    def edit_copies(self, alert_id: int, tag: str, change: Change) -> int:
        """Edit every copy sent (or still on its way) so all recipients see the same state;
        copies whose text was purged are left as they are."""
        n = 0
        for row in self.outbox.deliveries(ref=ref_of(alert_id), kind=SEND):
            if row.method != "send" or row.status not in ("sent", "pending", SENDING):
                continue
            original = _original(row)
            if original is None and not row.text:
                # its text was purged (OUTBOX_RETENTION_DAYS): nothing left to show, so the
                # copy stays as it was sent rather than being replaced by a bare state line
                continue
            # a copy keeps its own buttons: the duty group's notice never gains 收到/暂缓
            ackable = original.ackable if original is not None \
                else row.chat_id != self.duty_group_id
            note = AlertEdited(alert_id=alert_id, original=original,
                               legacy_text="" if original is not None else row.text,
                               change=change, ackable=ackable)
            self.outbox.enqueue(key=f"alert:{alert_id}:{tag}:{row.id}", kind=EDIT,
                                ref=ref_of(alert_id), chat_id=row.chat_id, note=note,
                                priority=URGENT, edit_of=row.id)
            n += 1
        return n

    def notify(self, alert_id: int, tag: str, chats: Iterable[int], note: Note) -> None:
        """A notice about the alert to each chat, once per (tag, chat)."""
        for chat in chats:
            self.outbox.enqueue(key=f"alert:{alert_id}:{tag}:{chat}", kind=NOTICE,
                                ref=ref_of(alert_id), chat_id=chat, note=note,
                                priority=URGENT)

    def channel_down(self, note: ChannelDown, since: datetime, chats: Iterable[int]) -> None:
        """To each chat once per run of failures of the channel (`since`: when it began)."""
        ref = ref_of(note.alert_id) if note.alert_id is not None else f"channel:{note.channel}"
        for chat in chats:
            self.outbox.enqueue(key=f"channel:{note.channel}:down:{since.isoformat()}:{chat}",
                                kind=NOTICE, ref=ref, chat_id=chat, note=note, priority=URGENT)

    def cancel_pending(self, alert_id: int) -> int:
        """Drop copies and channel messages not sent yet (the alert was acknowledged or
        closed); a channel message already in a vendor's hands is let go."""
        return (self.outbox.cancel(ref=ref_of(alert_id), kind=SEND)
                + self.outbox.cancel(ref=ref_of(alert_id), kind=CHANNEL))


def _original(row: OutboxMessage) -> AlertSent | None:
    if not row.payload:
        return None
    try:
        note = load_note(row.note_kind, row.payload)
    except (UnknownNote, ValueError):
        return None
    return note if isinstance(note, AlertSent) else None
