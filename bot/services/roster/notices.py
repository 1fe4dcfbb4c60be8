"""Who hears about roster changes, and under which outbox key: the one place the roster
puts notes in the outbox outside the scheduled posts.

Keys make every notice idempotent (``swap:<id>:ask:<manager>``); the duty group's copy of a
swap offer is edited in place when the swap is decided or expires (``edit_of``).
"""

from __future__ import annotations

from datetime import datetime

from bot.clock import Clock
from bot.services.outbox.store import LOW, Outbox
from bot.services.roster.model import Slot, SwapView
from bot.services.roster.notes import (
    RosterChanged,
    SwapApproved,
    SwapAsk,
    SwapDecided,
    SwapExpired,
    SwapOffered,
    SwapRejected,
)
from bot.services.staff.directory import Member, StaffDirectory
from models.staff import Role


def managers(staff: StaffDirectory) -> list[Member]:
    """Who approves swaps and hears about gaps: the managers, else the admins."""
    return staff.active(Role.manager) or staff.active(Role.admin)


class RosterNotifier:
    """Queues the roster's notes: changed slots and every step of a swap."""

    def __init__(self, outbox: Outbox, staff: StaffDirectory, clock: Clock,
                 duty_group_id: int | None) -> None:
        self.outbox, self.staff, self.clock = outbox, staff, clock
        self.group_id = duty_group_id

    def slot_changed(self, slot: Slot, added: list[int], removed: list[int]) -> None:
        """Tell the people a manager put on or took off ``slot``."""
        now = self.clock.now()
        stamp = now.isoformat()
        for ids, was_added in ((added, True), (removed, False)):
            for sid in ids:
                self.outbox.enqueue(
                    key=f"rset:{slot.instance.key}:{sid}:{int(was_added)}:{stamp}",
                    kind="roster", ref=f"roster:{slot.instance.key}", chat_id=sid,
                    note=RosterChanged(slot=slot, added=was_added, now=now))

    def swap_offered(self, v: SwapView, now: datetime) -> int | None:
        """Post the offer to the duty group; returns the outbox id (edited later)."""
        if self.group_id is None:
            return None
        return self.outbox.enqueue(key=f"swap:{v.id}:offer", kind="swap", ref=f"swap:{v.id}",
                                   chat_id=self.group_id, note=SwapOffered(swap=v, now=now))

    def swap_taken(self, v: SwapView, now: datetime) -> None:
        """Ask every manager to approve or reject."""
        for m in managers(self.staff):
            self.outbox.enqueue(key=f"swap:{v.id}:ask:{m.telegram_id}", kind="swap",
                                ref=f"swap:{v.id}", chat_id=m.telegram_id,
                                note=SwapAsk(swap=v, now=now))

    def swap_decided(self, v: SwapView, now: datetime, *, approved: bool) -> None:
        """Edit the group's offer and tell the offerer and the taker."""
        ref = f"swap:{v.id}"
        if v.group_outbox_id is not None and self.group_id is not None:
            self.outbox.enqueue(key=f"{ref}:decided", kind="swap", ref=ref,
                                chat_id=self.group_id, edit_of=v.group_outbox_id,
                                note=SwapDecided(swap=v, now=now, approved=approved))
        if approved:
            assert v.taker_id is not None
            for who, taker in ((v.from_id, False), (v.taker_id, True)):
                self.outbox.enqueue(key=f"{ref}:done:{who}", kind="swap", ref=ref,
                                    chat_id=who,
                                    note=SwapApproved(swap=v, now=now, taker=taker))
            return
        for who in {v.from_id, v.taker_id} - {None}:
            assert who is not None
            self.outbox.enqueue(key=f"{ref}:rejected:{who}", kind="swap", ref=ref,
                                chat_id=who, note=SwapRejected(swap=v, now=now))

    def swap_expired(self, v: SwapView) -> int:
        """Edit the group's offer and tell the offerer; returns the deliveries added."""
        added = 0
        if v.group_outbox_id is not None and self.group_id is not None:
            added += self.outbox.enqueue(
                key=f"swap:{v.id}:expired", kind="swap", ref=f"swap:{v.id}",
                chat_id=self.group_id, edit_of=v.group_outbox_id, priority=LOW,
                note=SwapExpired(swap=v, to_offerer=False)) is not None
        added += self.outbox.enqueue(
            key=f"swap:{v.id}:expired:{v.from_id}", kind="swap", ref=f"swap:{v.id}",
            chat_id=v.from_id, priority=LOW,
            note=SwapExpired(swap=v, to_offerer=True)) is not None
        return added



