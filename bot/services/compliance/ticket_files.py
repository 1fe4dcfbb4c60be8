"""Files attached to tickets: the callback recording (回访录音) the contract asks for, and
photos or documents at any step.

Each is kept by the :class:`AttachmentStore` (Telegram `file_id` plus a 0600 local copy) with
the ticket and the *stage* it was sent at: the step the ticket is in, where a ticket waiting
for its callback (已反馈) and one just called back (已回访) are both at 回访 — staff attach the
recording right before or right after recording the callback's answers. The callback ledger
(:mod:`bot.services.compliance.ledger`) reads the 回访 ones.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from bot.services.compliance.attachments import (
    TICKET,
    AttachmentStore,
    IncomingFile,
    StoredAttachment,
)
from bot.services.compliance.errors import ComplianceError
from bot.services.tickets.workflow import Status
from models.ticket import Ticket

CALLBACK_STAGE = "回访"
#: What counts as the recording of a callback (a photo does not).
RECORDING_MEDIA = frozenset({"voice", "audio", "document"})
#: The stage a file sent now belongs to, by the ticket's status.
STAGE_OF_STATUS: dict[str, str] = {
    Status.new: "签收",
    Status.signed: "派发",
    Status.dispatched: "反馈",
    Status.feedback: CALLBACK_STAGE,
    Status.called_back: CALLBACK_STAGE,
    Status.closed: "办结",
    Status.returned: "退回",
    Status.supervised: "督办",
}

TicketById = Callable[[int], Ticket | None]


@dataclass(frozen=True)
class TicketFilesSummary:
    """What a ticket card shows: how many files, of which kinds."""

    count: int
    kinds: Counter[str]

    @property
    def recordings(self) -> int:
        return sum(n for media, n in self.kinds.items() if media in RECORDING_MEDIA)


def stage_of(status: str) -> str:
    return STAGE_OF_STATUS.get(status, status[:8])


class TicketFiles:
    """Attach files to tickets and count them (the card and the ledger read the counts)."""

    def __init__(self, store: AttachmentStore, ticket_by_id: TicketById) -> None:
        self.store, self.ticket_by_id = store, ticket_by_id

    def check_size(self, size: int | None) -> None:
        self.store.check_size(size)

    def attach(self, *, ticket_id: int, incoming: IncomingFile, content: bytes,
               actor_id: int | None,
               stage: str | None = None) -> tuple[Ticket, StoredAttachment]:
        """Keep a file for a ticket, at `stage` or the ticket's current one; refuses an
        unknown ticket, an empty file or one over the limit (nothing kept)."""
        ticket = self.ticket_by_id(ticket_id)
        if ticket is None or ticket.id is None:
            raise ComplianceError("ticket_not_found", text=str(ticket_id))
        stored = self.store.save(incoming, content, purpose=TICKET, uploaded_by=actor_id,
                                 ticket_id=ticket.id, stage=stage or stage_of(ticket.status))
        return ticket, stored

    def summary(self, ticket_id: int) -> TicketFilesSummary:
        kinds = self.store.ticket_summary([ticket_id]).get(ticket_id, Counter())
        return TicketFilesSummary(sum(kinds.values()), kinds)
