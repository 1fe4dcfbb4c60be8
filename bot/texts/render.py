"""Render a note for the audience of the chat it goes to.

The outbox holds notes (data); this is the one place they become words. The audience
(``bot.texts.audience``) is decided by where the text goes, never by the producer. Each
feature's text module exports ``RENDERERS`` (note class → function); the table below is their
union, so a reader finds every renderer from here.
"""

from __future__ import annotations

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


class NoRenderer(LookupError):
    """A note kind without a renderer: a programming error, caught by the tests."""


def render(note: Note, audience: Audience) -> Rendered:
    fn = RENDERERS.get(type(note))
    if fn is None:
        raise NoRenderer(type(note).__name__)
    return fn(note, audience)
