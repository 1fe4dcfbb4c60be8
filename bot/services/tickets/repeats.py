"""The warnings shown when a ticket is logged: the same caller again (一人多反映), the same
problem from several people (多人反映同一问题), the same place and category."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from bot.services.tickets.indexes import SIMILAR_WINDOW_DAYS
from bot.services.tickets.similar import Similar, SimilarityIndex
from models.ticket import Ticket

#: Earlier tickets from the same phone that count as 一人多反映.
REPEAT_WINDOW_DAYS = 90


@dataclass(frozen=True)
class Warnings:
    repeat_refs: list[str] = field(default_factory=list)  # 一人多反映
    similar: list[Similar] = field(default_factory=list)  # 多人反映同一问题
    same_place_refs: list[str] = field(default_factory=list)  # same address and category


class WarningFinder:
    def __init__(self, similar: SimilarityIndex) -> None:
        self.similar = similar

    def find(self, s: Session, t: Ticket, now: datetime) -> Warnings:
        """The warnings for a ticket just added to the session (it is not compared to itself)."""
        repeat: list[str] = []
        if t.phone:
            since = now - timedelta(days=REPEAT_WINDOW_DAYS)
            repeat = list(s.exec(select(Ticket.platform_no).where(
                Ticket.phone == t.phone, Ticket.id != t.id, Ticket.received_at >= since,
            ).order_by(col(Ticket.received_at).desc()).limit(20)).all())
        since = now - timedelta(days=SIMILAR_WINDOW_DAYS)
        similar = self.similar.similar(t.content, since=since, exclude=t.id, limit=10)
        same_place: list[str] = []
        if t.address:
            same_place = list(s.exec(select(Ticket.platform_no).where(
                Ticket.address == t.address, Ticket.category_l1 == t.category_l1,
                Ticket.id != t.id, Ticket.received_at >= since,
            ).limit(10)).all())
        seen = {x.platform_no for x in similar}
        similar += [Similar(0, no, 100.0) for no in same_place if no not in seen]
        return Warnings(repeat, similar, same_place)
