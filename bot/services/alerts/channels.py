"""Which channel messages a level sends beyond Telegram, and to which phone or address.

A level names robots (`wecom: leaders`) and person channels (`sms`, `voice`, `email`). A robot
gets one message, @-mentioning the level's people whose phone is on record; a person channel
gets one message per person of the level with a phone (SMS, voice) or an address (e-mail) on
record. The level's people are its own person kinds, or — for a level of channels only —
those of the nearest earlier level (`EscalationPolicy.people_of`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.services.alerts.policy import PERSON_CHANNELS, is_channel
from bot.services.alerts.recipients import RecipientResolver
from bot.services.staff.contacts import Contact
from models.alert import Alert
from models.ticket import Ticket


@dataclass(frozen=True)
class ChannelTarget:
    channel: str  # "wecom:leaders", "sms", "voice", "email"
    destination: str = ""  # the phone or address; "" for a robot
    telegram_id: int | None = None  # whose phone or address; None for a robot
    mentions: tuple[str, ...] = ()  # robots: phones to @-mention

    @property
    def medium(self) -> str:
        return self.channel.partition(":")[0]


class ChannelPlanner:
    def __init__(self, *, recipients: RecipientResolver,
                 contacts_of: Callable[[Iterable[int]], dict[int, Contact]]) -> None:
        self.recipients = recipients
        self.contacts_of = contacts_of  # the contacts on record for some members

    def targets(self, a: Alert, t: Ticket, level: int) -> list[ChannelTarget]:
        kinds = [k for k in self.recipients.policy.recipients(level, a.urgency)
                 if is_channel(k)]
        if not kinds:
            return []
        people = self.recipients.people(a, t, level)
        contacts = self.contacts_of(m.telegram_id for m in people)
        on_record = [contacts[m.telegram_id] for m in people if m.telegram_id in contacts]
        phones = tuple(dict.fromkeys(c.phone for c in on_record if c.phone))
        out: list[ChannelTarget] = []
        for kind in kinds:
            if kind not in PERSON_CHANNELS:  # a robot
                out.append(ChannelTarget(kind, mentions=phones))
                continue
            for c in on_record:
                address = c.email if kind == "email" else c.phone
                if address:
                    out.append(ChannelTarget(kind, address, c.telegram_id))
        return out
