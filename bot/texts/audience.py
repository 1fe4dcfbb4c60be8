"""Who reads a text, and what a rendered note is (shared by every feature's text module).

* ``STAFF``   — a staff member's, manager's or admin's private chat: the full ticket.
* ``LEADER``  — a leader's private chat: the case, without the citizen's personal data.
* ``GROUP``   — the duty group or the leaders' group: masked.
* ``CHANNEL`` — a third-party service (WeCom, SMS, e-mail…): masked, plain text.
* ``LOG``     — a log line: masked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.permissions import Perm, allowed
from bot.services.outbox.store import Buttons
from models.staff import Role


class Audience(StrEnum):
    STAFF = "staff"
    LEADER = "leader"
    GROUP = "group"
    CHANNEL = "channel"
    LOG = "log"

    @property
    def masked(self) -> bool:
        """Whether the citizen's personal data must be hidden for this audience."""
        return self is not Audience.STAFF


@dataclass(frozen=True)
class Rendered:
    text: str
    buttons: Buttons | None = None
    subject: str = ""  # an e-mail's subject (CHANNEL audience only)


Renderer = Callable[[Any, Audience], Rendered]


def private_audience(role: Role | str | None) -> Audience:
    """Who reads a member's private chat. Those who handle tickets (``Perm.tickets`` in the
    permission table: staff, managers, admins) see the full ticket; anyone else who may read
    tickets — a leader — sees it masked, like a leader's private alert (docs/alerts.md)."""
    return Audience.STAFF if allowed(role, Perm.tickets) else Audience.LEADER
