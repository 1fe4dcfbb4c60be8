"""The operator's test message (`python -m bot channels test <name>`), as a note rendered by
``bot.texts.channels`` for the CHANNEL audience: clearly marked, about no case and no
citizen."""

from __future__ import annotations

from datetime import datetime

from bot.services.outbox.notes import ChannelNote


class ChannelTest(ChannelNote):
    kind = "channel.test"

    channel: str  # the name tested, e.g. "wecom:leaders"
    at: datetime
