"""What a history event records besides its action and the user's note, as data.

`TicketEvent.detail` holds one of these as JSON (a dispatch's units, a callback's answers, a
deadline moved from → to…); `bot.texts.tickets` words it when the history is shown. The
user's own text (a reason, a remark) stays in `TicketEvent.note`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError


class _Detail(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Dispatched(_Detail):
    kind: Literal["dispatched"] = "dispatched"
    units: list[str]
    copied_to: list[str] = []


class CalledBack(_Detail):
    kind: Literal["called_back"] = "called_back"
    reached: bool
    solved: bool | None = None
    satisfaction: str | None = None
    recording: str = ""


class Extended(_Detail):
    """An extension: the completion deadline moved (``old`` None: there was none)."""

    kind: Literal["extended"] = "extended"
    old: datetime | None
    new: datetime


class Reclassified(_Detail):
    """Marked or unmarked 复杂疑难: the policy row and the completion deadline it gives."""

    kind: Literal["reclassified"] = "reclassified"
    policy_class: str
    old: datetime | None
    new: datetime | None


class UrgencyChanged(_Detail):
    kind: Literal["urgency"] = "urgency"
    old: str
    new: str


EventDetail = Annotated[Dispatched | CalledBack | Extended | Reclassified | UrgencyChanged,
                        Field(discriminator="kind")]
_ADAPTER: TypeAdapter[EventDetail] = TypeAdapter(EventDetail)


def dump_detail(detail: EventDetail | None) -> str | None:
    return detail.model_dump_json() if detail is not None else None


def load_detail(stored: str | None) -> EventDetail | None:
    """The detail of a stored event; None for none (or one this version cannot read)."""
    if not stored:
        return None
    try:
        return _ADAPTER.validate_json(stored)
    except ValidationError:
        return None
