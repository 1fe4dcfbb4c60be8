"""Render a note for the audience of the chat it goes to.

The outbox holds notes (data); this is the one place they become words. The audience is
decided by where the text goes, never by the producer:

* ``STAFF``   — a staff member's, manager's or admin's private chat: the full ticket.
* ``LEADER``  — a leader's private chat: the case, without the citizen's personal data.
* ``GROUP``   — the duty group or the leaders' group: masked.
* ``CHANNEL`` — a third-party service (WeCom, SMS, e-mail…): masked, plain text.
* ``LOG``     — a log line: masked.

Each feature's text module exports ``RENDERERS`` (note class → function); the table below is
their union, so a reader finds every renderer from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.services.outbox.notes import Note
from bot.services.outbox.store import Buttons


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


Renderer = Callable[[Any, Audience], Rendered]


class NoRenderer(LookupError):
    """A note kind without a renderer: a programming error, caught by the tests."""


def _table() -> dict[type[Note], Renderer]:
    from bot.texts import alerts, reminders, roster

    table: dict[type[Note], Renderer] = {}
    for module in (alerts, reminders, roster):
        table.update(module.RENDERERS)
    return table


_RENDERERS: dict[type[Note], Renderer] | None = None


def renderers() -> dict[type[Note], Renderer]:
    global _RENDERERS
    if _RENDERERS is None:
        _RENDERERS = _table()
    return _RENDERERS


def render(note: Note, audience: Audience) -> Rendered:
    fn = renderers().get(type(note))
    if fn is None:
        raise NoRenderer(type(note).__name__)
    return fn(note, audience)
