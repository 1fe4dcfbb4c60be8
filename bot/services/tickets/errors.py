"""Why a ticket operation is refused: a code and the fields its words need.

The service raises `TicketError(Refusal.…, **fields)`; `bot.texts.tickets.refusal` words it.
Nothing is changed when an operation is refused.
"""

from __future__ import annotations

import enum


class Refusal(enum.StrEnum):
    """Each refusal, with the fields it carries."""

    incomplete = "incomplete"  # missing: list of field names
    consult_only = "consult_only"  # only 咨询 may be closed at logging
    duplicate = "duplicate"  # platform_no, status
    not_found = "not_found"
    not_allowed = "not_allowed"  # status, action (the workflow forbids it)
    no_units = "no_units"
    feedback_incomplete = "feedback_incomplete"  # missing: list of feedback parts
    callback_incomplete = "callback_incomplete"
    reason_required = "reason_required"
    extend_incomplete = "extend_incomplete"
    extend_not_later = "extend_not_later"
    already_complex = "already_complex"
    not_complex = "not_complex"
    reclass_closed = "reclass_closed"  # status
    same_urgency = "same_urgency"  # urgency
    # an urgent ticket's alert could not be stored with it: nothing was logged / re-marked
    urgent_not_saved = "urgent_not_saved"  # platform_no, urgency, remark (bool)


class TicketError(ValueError):
    """A refused ticket operation: `code` says why, `fields` about what."""

    def __init__(self, code: Refusal, **fields: object) -> None:
        self.code = code
        self.fields = fields
        super().__init__(f"{code.value}: {fields}" if fields else code.value)
