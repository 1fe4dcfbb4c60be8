"""The callback ledger (回访台账): one row per callback made in a period, with its answers and
whether its recording was attached.

A callback is a 回访 event in a ticket's history. Its recording is a voice message, audio
file or document attached at the 回访 stage *for that callback*: a supervised ticket (督办)
is fed back and called back again, so each callback owns the 回访 files sent between the
feedback it followed and the 督办 that came after it (or any time later, if none came).
A photo is kept as an attachment but is not a recording.

Periods are read like the reports' (`bot.services.reports.periods`): no argument is the
current (assessment) month so far; one argument is a month, quarter, half-year, year or a
date (its week, as /weekly); two dates are a range.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.services.compliance.attachments import TICKET
from bot.services.compliance.people import People
from bot.services.compliance.ticket_files import CALLBACK_STAGE, RECORDING_MEDIA
from bot.services.reports import periods
from bot.services.reports.periods import Period, PeriodError, PeriodProblem
from bot.services.staff.directory import Member
from bot.services.tickets.history import CalledBack, load_detail
from bot.services.tickets.workflow import Action
from models.compliance import Attachment
from models.db import session_scope
from models.ticket import Ticket, TicketEvent

_CHUNK = 500  # ids per IN (…) list, well under every database's parameter limit
_ONE_ARG_KINDS = ("month", "quarter", "halfyear", "year", "week")


@dataclass(frozen=True)
class LedgerRow:
    ticket_id: int
    platform_no: str
    unit: str
    at: datetime
    staff: Member | None
    reached: bool
    solved: bool | None
    satisfaction: str | None
    note: str
    files: Counter[str]  # the 回访 files that belong to this callback, by media kind

    @property
    def recordings(self) -> int:
        return sum(n for media, n in self.files.items() if media in RECORDING_MEDIA)

    @property
    def missing(self) -> bool:
        """A callback that reached the citizen and has no recording: what the ledger marks."""
        return self.reached and self.recordings == 0


@dataclass(frozen=True)
class Ledger:
    period: Period
    rows: list[LedgerRow]

    @property
    def missing(self) -> int:
        return sum(1 for r in self.rows if r.missing)


def ledger_period(args: Sequence[str], now: datetime, *, start_day: int = 1) -> Period:
    """The period `/ledger` asks for (see the module docstring); raises PeriodError."""
    if not args:
        return periods.month_containing(now, start_day=start_day)
    if len(args) == 2:
        return periods.parse("custom", list(args), now, start_day=start_day)
    if len(args) > 2:
        raise PeriodError(PeriodProblem.too_many_args)
    arg = args[0].strip()
    errors: dict[str, PeriodError] = {}
    for kind in _ONE_ARG_KINDS:
        try:
            return periods.parse(kind, [arg], now, start_day=start_day)
        except PeriodError as exc:
            if exc.problem is PeriodProblem.not_started:
                raise
            errors[kind] = exc
    upper = arg.upper()
    if "Q" in upper or "季" in arg:
        raise errors["quarter"]
    if "H" in upper or "半年" in arg:
        raise errors["halfyear"]
    raise errors["month"]


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i:i + _CHUNK]


class CallbackLedger:
    def __init__(self, engine: Engine, staff: People) -> None:
        self.engine, self.staff = engine, staff

    def build(self, period: Period) -> Ledger:
        """Every callback made in `period`, oldest first, with its recording status."""
        with session_scope(self.engine) as s:
            found = s.exec(
                select(TicketEvent, Ticket.platform_no, Ticket.unit)
                .join(Ticket, col(Ticket.id) == col(TicketEvent.ticket_id))
                .where(TicketEvent.action == Action.callback.value,
                       col(TicketEvent.at) >= period.start, col(TicketEvent.at) < period.end)
                .order_by(col(TicketEvent.at), col(TicketEvent.id))).all()
            ids = sorted({e.ticket_id for e, _, _ in found})
            marks: dict[int, list[tuple[datetime, str]]] = {}
            uploads: dict[int, list[tuple[datetime, str]]] = {}
            for part in _chunks(ids):
                for tid, action, at in s.exec(select(
                        TicketEvent.ticket_id, TicketEvent.action, TicketEvent.at).where(
                        col(TicketEvent.ticket_id).in_(part),
                        col(TicketEvent.action).in_([Action.feedback.value,
                                                     Action.supervise.value]))).all():
                    marks.setdefault(tid, []).append((at, action))
                for tid, media, at in s.exec(select(
                        Attachment.ticket_id, Attachment.media, Attachment.uploaded_at).where(
                        Attachment.purpose == TICKET, Attachment.stage == CALLBACK_STAGE,
                        col(Attachment.ticket_id).in_(part))).all():
                    uploads.setdefault(int(tid), []).append((at, media))
            events = [(e.ticket_id, e.at, e.actor_id, e.note, e.detail, no, unit)
                      for e, no, unit in found]
        names = {m.telegram_id: m for m in self.staff.all()}
        rows = []
        for tid, at, actor, note, stored, no, unit in events:
            detail = load_detail(stored)
            called = detail if isinstance(detail, CalledBack) else None
            first, last = _window(at, marks.get(tid, []))
            files = Counter(media for u, media in uploads.get(tid, [])
                            if (first is None or u >= first) and (last is None or u < last))
            rows.append(LedgerRow(
                ticket_id=tid, platform_no=no, unit=unit, at=at,
                staff=names.get(actor) if actor is not None else None,
                reached=called.reached if called else True,
                solved=called.solved if called else None,
                satisfaction=called.satisfaction if called else None,
                note=note, files=files))
        return Ledger(period, rows)


def _window(at: datetime, marks: list[tuple[datetime, str]]
            ) -> tuple[datetime | None, datetime | None]:
    """The time a callback's files may be sent in: from the feedback it followed to the
    next 督办 (None: open on that side)."""
    fed = [m for m, action in marks if action == Action.feedback.value and m <= at]
    supervised = [m for m, action in marks if action == Action.supervise.value and m > at]
    return (max(fed) if fed else None), (min(supervised) if supervised else None)
