"""The callback data of the alert buttons (`al1:`), written and read in one place.

``al1:ack:<alert>`` (收到), ``al1:snz:<alert>`` (暂缓: ask for a reason) and
``al1:sr:<alert>:<reason index>`` (the reason chosen). On a message that is not an alert copy
(a /t card) the buttons end in ``:x``: the outbox does not edit that message, so after 收到 the
handler takes the buttons off itself. The version in the prefix lets old keyboards still in
people's chats be told apart if the format ever changes.
"""

from __future__ import annotations

from dataclasses import dataclass

PREFIX = "al1"
ACK, SNOOZE, REASON = "ack", "snz", "sr"
LOOSE = "x"  # the buttons sit on a message that is not an alert copy


def ack_data(alert_id: int, *, loose: bool = False) -> str:
    return f"{PREFIX}:{ACK}:{alert_id}" + (f":{LOOSE}" if loose else "")


def snooze_data(alert_id: int, *, loose: bool = False) -> str:
    return f"{PREFIX}:{SNOOZE}:{alert_id}" + (f":{LOOSE}" if loose else "")


def reason_data(alert_id: int, index: int) -> str:
    return f"{PREFIX}:{REASON}:{alert_id}:{index}"


@dataclass(frozen=True)
class Press:
    action: str  # ACK, SNOOZE or REASON
    alert_id: int
    reason: int | None = None  # the index of the reason (REASON only)
    loose: bool = False  # pressed on a message that is not an alert copy


def parse(data: str) -> Press:
    """Read a button's data; ValueError when it is not one of ours (e.g. an old keyboard)."""
    parts = data.split(":")
    if len(parts) < 3 or parts[0] != PREFIX:
        raise ValueError(data)
    action, alert_id = parts[1], int(parts[2])
    if action in (ACK, SNOOZE) and len(parts) == 3:
        return Press(action, alert_id)
    if action in (ACK, SNOOZE) and len(parts) == 4 and parts[3] == LOOSE:
        return Press(action, alert_id, loose=True)
    if action == REASON and len(parts) == 4 and int(parts[3]) >= 0:
        return Press(action, alert_id, int(parts[3]))
    raise ValueError(data)
