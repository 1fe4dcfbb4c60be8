"""Render a note for the audience of the chat it goes to — the privacy boundary of the outbox.

The outbox holds notes (data); this is the one place they become words. The audience
(``bot.texts.audience``) is decided by where the text goes, never by the producer. Each
feature's text module exports ``RENDERERS`` (note class → function); the table below is their
union, so a reader finds every renderer from here.

Whatever a feature's renderer writes, :func:`render` masks the result for every audience but
``STAFF`` (a leader's private chat, a group, an outside channel, a log line) with THE masker:
the citizen's names and phones the note carries (any ``citizen_name``/``phone`` field, nested
ones included) as known secrets, plus the patterns (labelled names, phones in any writing,
IDs, bank cards, e-mail). So a renderer that forgets to mask, or a note kind added tomorrow,
still cannot put a citizen's data in a group: the only way out of the outbox is through here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bot.services.masker import Secrets, mask
from bot.services.outbox.notes import Note
from bot.texts import (
    alert_channels,
    alerts,
    channels,
    compliance,
    daily,
    holidays,
    reminders,
    roster,
    swaps,
)
from bot.texts.audience import Audience, Rendered, Renderer

RENDERERS: dict[type[Note], Renderer] = {
    **alerts.RENDERERS,
    **alert_channels.RENDERERS,
    **channels.RENDERERS,
    **holidays.RENDERERS,
    **compliance.RENDERERS,
    **reminders.RENDERERS,
    **roster.RENDERERS,
    **swaps.RENDERERS,
    **daily.RENDERERS,
}

# The fields of a note (at any depth) that hold the citizen's data, and those that hold
# numbers which must stay readable although they may look like one (工单编号).
NAME_FIELDS = frozenset({"citizen_name"})
PHONE_FIELDS = frozenset({"phone"})
KEEP_FIELDS = frozenset({"platform_no", "ticket"})


class NoRenderer(LookupError):
    """A note kind without a renderer: a programming error, caught by the tests."""


def render(note: Note, audience: Audience) -> Rendered:
    """The note in words for ``audience``; masked unless the audience is the handling staff."""
    fn = RENDERERS.get(type(note))
    if fn is None:
        raise NoRenderer(type(note).__name__)
    out = fn(note, audience)
    if not audience.masked:
        return out
    secrets = secrets_of(note)
    return Rendered(mask(out.text, secrets), out.buttons,
                    mask(out.subject, secrets) if out.subject else out.subject)


def secrets_of(note: Note) -> Secrets:
    """The citizen's names and phones a note carries, and the numbers to keep readable."""
    names: list[str] = []
    phones: list[str] = []
    keep: list[str] = []
    for key, value in _fields(note.model_dump(mode="python")):
        if key in NAME_FIELDS:
            names.append(value)
        elif key in PHONE_FIELDS:
            phones.append(value)
        elif key in KEEP_FIELDS:
            keep.append(value)
    return Secrets.of(names, phones, keep)


def _fields(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """Every (field name, string value) pair inside a dumped note, at any depth."""
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _fields(v, str(k))
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _fields(v, key)
