"""Shift swaps: offer → take → approve (or reject / expire).

The offerer's roster entry moves to the taker only on a manager's approval, keeping its role
(e.g. 带班); offers close themselves when their time runs out or the shift starts.
:class:`SwapLedger` keeps the state in the database; :class:`SwapDesk` runs the workflow on
it and has the :class:`~bot.services.roster.notices.RosterNotifier` tell the people involved.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.clock import Clock
from bot.services.roster.checks import TeamChecks
from bot.services.roster.errors import Refusal, RosterError
from bot.services.roster.model import NewEntry, SwapView
from bot.services.roster.notices import RosterNotifier
from bot.services.roster.shifts import ShiftConfig
from bot.services.staff import audit
from models.db import session_scope
from models.roster import RosterEntry, SwapOffer


class SwapLedger:
    """Swap offers in the database; the entry only moves on approval, so the roster is never
    half-swapped."""

    def __init__(self, engine: Engine, clock: Clock, config: ShiftConfig,
                 checks: TeamChecks) -> None:
        self.engine, self.clock, self.config, self.checks = engine, clock, config, checks

    def offer(self, *, staff_id: int, d: date, shift_name: str, now: datetime) -> SwapView:
        if self.config.get(shift_name) is None:
            raise RosterError(Refusal.no_such_shift)
        inst = self.config.instance(d, shift_name)
        if inst.start <= now:
            raise RosterError(Refusal.shift_started)
        with session_scope(self.engine) as s:
            entry = self._entry(s, d, shift_name, staff_id)
            if entry is None:
                raise RosterError(Refusal.not_on_shift)
            dup = s.exec(select(SwapOffer.id).where(
                SwapOffer.shift_date == d, SwapOffer.shift_name == shift_name,
                SwapOffer.from_staff == staff_id,
                col(SwapOffer.status).in_(("open", "taken")))).first()
            if dup is not None:
                raise RosterError(Refusal.swap_pending)
            expires = min(now + timedelta(hours=self.config.swap_offer_hours), inst.start)
            row = SwapOffer(shift_date=d, shift_name=shift_name, from_staff=staff_id,
                            expires_at=expires, created_at=now)
            s.add(row)
            s.flush()
            return self._view(row)

    def set_offer_message(self, offer_id: int, outbox_id: int | None) -> None:
        with session_scope(self.engine) as s:
            row = s.get(SwapOffer, offer_id)
            if row is not None:
                row.group_outbox_id = outbox_id
                s.add(row)

    def get_offer(self, offer_id: int) -> SwapView | None:
        with session_scope(self.engine) as s:
            row = s.get(SwapOffer, offer_id)
            return self._view(row) if row is not None else None

    def take(self, *, offer_id: int, taker_id: int, now: datetime) -> SwapView:
        with session_scope(self.engine) as s:
            row = self._live_offer(s, offer_id, now, "open")
            if row.from_staff == taker_id:
                raise RosterError(Refusal.own_shift)
            if self._entry(s, row.shift_date, row.shift_name, taker_id) is not None:
                raise RosterError(Refusal.already_on_shift)
            problems = self.checks.overlaps(
                s, [NewEntry(row.shift_date, row.shift_name, taker_id, "")],
                replace_slots=False)
            if problems:
                raise RosterError(Refusal.take_overlap, overlap=problems[0][1])
            row.taker_id, row.status = taker_id, "taken"
            s.add(row)
            return self._view(row)

    def approve(self, *, offer_id: int, manager_id: int, now: datetime) -> SwapView:
        """Move the shift from the offerer to the taker (keeping the role, e.g. 带班)."""
        with session_scope(self.engine) as s:
            row = self._live_offer(s, offer_id, now, "taken")
            assert row.taker_id is not None
            entry = self._entry(s, row.shift_date, row.shift_name, row.from_staff)
            if entry is None:
                row.status = "cancelled"
                s.add(row)
                raise RosterError(Refusal.swap_cancelled)
            if self._entry(s, row.shift_date, row.shift_name, row.taker_id) is not None:
                raise RosterError(Refusal.taker_on_shift)
            entry.staff_id, entry.source, entry.created_by = row.taker_id, "swap", manager_id
            s.add(entry)
            row.status, row.decided_at, row.decided_by = "approved", now, manager_id
            s.add(row)
            audit.record(session=s, clock=self.clock, actor_id=manager_id, chat_id=None,
                         action="roster.swap", target=str(row.id),
                         detail=f"{row.shift_date} {row.shift_name} {row.from_staff}->"
                                f"{row.taker_id}")
            return self._view(row)

    def reject(self, *, offer_id: int, manager_id: int, now: datetime) -> SwapView:
        with session_scope(self.engine) as s:
            row = self._live_offer(s, offer_id, now, "taken")
            row.status, row.decided_at, row.decided_by = "rejected", now, manager_id
            s.add(row)
            return self._view(row)

    def expire_due(self, now: datetime) -> list[SwapView]:
        """Close every open or taken offer whose time ran out; returns what was closed."""
        with session_scope(self.engine) as s:
            rows = s.exec(select(SwapOffer).where(
                col(SwapOffer.status).in_(("open", "taken")), SwapOffer.expires_at <= now,
            ).with_for_update()).all()
            out = []
            for r in rows:
                r.status, r.decided_at = "expired", now
                s.add(r)
                out.append(self._view(r))
            return out

    def _live_offer(self, s: Session, offer_id: int, now: datetime, want: str) -> SwapOffer:
        row = s.get(SwapOffer, offer_id, with_for_update=True)
        if row is None:
            raise RosterError(Refusal.no_swap)
        if row.status in ("open", "taken") and row.expires_at <= now:
            raise RosterError(Refusal.swap_expired)
        if row.status != want:
            raise RosterError(Refusal.swap_state, status=row.status)
        return row

    @staticmethod
    def _entry(s: Session, d: date, shift_name: str, staff_id: int) -> RosterEntry | None:
        return s.exec(select(RosterEntry).where(
            RosterEntry.shift_date == d, RosterEntry.shift_name == shift_name,
            RosterEntry.staff_id == staff_id)).first()

    def _view(self, row: SwapOffer) -> SwapView:
        assert row.id is not None
        return SwapView(row.id, self.config.instance(row.shift_date, row.shift_name),
                        row.from_staff, self.checks.name(row.from_staff), row.taker_id,
                        self.checks.name(row.taker_id) if row.taker_id else None, row.status,
                        row.expires_at, row.group_outbox_id)


class SwapDesk:
    """The swap workflow as people see it: each step changes the ledger, then the notifier
    tells the duty group, the managers or the two people involved."""

    def __init__(self, ledger: SwapLedger, notifier: RosterNotifier,
                 config: ShiftConfig) -> None:
        self.ledger, self.notifier, self.config = ledger, notifier, config

    def offer(self, *, staff_id: int, d: date, shift_name: str, now: datetime) -> SwapView:
        """Offer my shift to the team: posted in the duty group with a 接班 button."""
        if self.notifier.group_id is None:
            raise RosterError(Refusal.no_such_shift)
        v = self.ledger.offer(staff_id=staff_id, d=d, shift_name=shift_name, now=now)
        out_id = self.notifier.swap_offered(v, now)
        self.ledger.set_offer_message(v.id, out_id)
        return replace(v, group_outbox_id=out_id)

    def offer_by_order(self, *, staff_id: int, d: date, order: int, now: datetime) -> SwapView:
        """:meth:`offer` for the ``order``-th configured shift (as a button names it)."""
        if not 0 <= order < len(self.config.shifts):
            raise RosterError(Refusal.no_such_shift)
        return self.offer(staff_id=staff_id, d=d, shift_name=self.config.shifts[order].name,
                          now=now)

    def take(self, *, offer_id: int, taker_id: int, now: datetime) -> SwapView:
        """Take an offered shift; the managers are asked to approve."""
        v = self.ledger.take(offer_id=offer_id, taker_id=taker_id, now=now)
        self.notifier.swap_taken(v, now)
        return v

    def decide(self, *, offer_id: int, manager_id: int, approve: bool,
               now: datetime) -> SwapView:
        """A manager approves (the entry moves) or rejects; the group and both people hear."""
        if approve:
            v = self.ledger.approve(offer_id=offer_id, manager_id=manager_id, now=now)
        else:
            v = self.ledger.reject(offer_id=offer_id, manager_id=manager_id, now=now)
        self.notifier.swap_decided(v, now, approved=approve)
        return v

    def expire(self, now: datetime) -> int:
        """Close the offers whose time ran out and say so; returns the deliveries added."""
        return sum(self.notifier.swap_expired(v) for v in self.ledger.expire_due(now))

    def get(self, offer_id: int) -> SwapView | None:
        return self.ledger.get_offer(offer_id)
