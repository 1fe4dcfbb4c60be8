"""The on-boarding gate: nobody works on the roster before passing the on-boarding exam
(合同 六.4 — three times lets the commission end the contract).

The roster import and `/roster_set` call :meth:`OnboardingGate.enforce` with the people they
are about to put on duty: with ``ONBOARDING_GATE=warn`` (the default, so a team can fill in
the register first) it returns the people to name in a warning; with ``refuse`` it raises
:class:`OnboardingRefused` and the roster changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.services.compliance.people import People
from bot.services.staff.directory import Member
from models.compliance import StaffRecord
from models.db import session_scope

WARN, REFUSE = "warn", "refuse"


class OnboardingRefused(ValueError):
    """Refuse mode: these people have not passed the on-boarding exam."""

    def __init__(self, members: list[Member]) -> None:
        self.members = members
        super().__init__(", ".join(str(m.telegram_id) for m in members))


class OnboardingGate:
    def __init__(self, engine: Engine, staff: People, *, mode: str = WARN) -> None:
        if mode not in (WARN, REFUSE):
            raise ValueError(f"onboarding gate mode must be warn or refuse, not {mode!r}")
        self.engine, self.staff, self.mode = engine, staff, mode

    def check(self, telegram_ids: Iterable[int]) -> list[Member]:
        """Those of `telegram_ids` without a passed on-boarding exam in the register
        (unknown ids are the roster's business and are skipped), in the order given."""
        ids = list(dict.fromkeys(telegram_ids))
        if not ids:
            return []
        with session_scope(self.engine) as s:
            passed = set(s.exec(select(StaffRecord.telegram_id).where(
                col(StaffRecord.telegram_id).in_(ids),
                StaffRecord.exam_passed == True)).all())  # noqa: E712
        out = []
        for tid in ids:
            member = self.staff.get_any(tid)
            if member is not None and tid not in passed:
                out.append(member)
        return out

    def enforce(self, telegram_ids: Iterable[int]) -> list[Member]:
        """Warn mode: the people to warn about. Refuse mode: raise if there are any."""
        flagged = self.check(telegram_ids)
        if flagged and self.mode == REFUSE:
            raise OnboardingRefused(flagged)
        return flagged
