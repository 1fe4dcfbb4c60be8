"""Turn a ticket pasted from the 12345 platform (labelled lines) into validated fields.

``parse_ticket_text`` reads the whole paste; ``parse_field`` validates one answer when the
dialogue asks for a missing field. Neither raises: problems come back as Chinese messages that
tell the user what to fix. A field whose value is invalid stays ``None`` (so ``missing()`` lists
it again) and, for optional fields, its original line is kept in the content so nothing is lost.

This module is the stable import path; the work is split by concern into
:mod:`bot.services.ticket_labels` (field names, labels, prompts, messages),
:mod:`bot.services.ticket_values` (phones, platform numbers, times),
:mod:`bot.services.ticket_fields` (``ParsedTicket`` and one-field validation) and
:mod:`bot.services.ticket_paste` (the paste parser).
"""

from __future__ import annotations

from bot.services.ticket_fields import (
    FieldError,
    ParsedTicket,
    ParseResult,
    parse_field,
)
from bot.services.ticket_labels import (
    ALL_FIELDS,
    FIELD_LABELS_ZH,
    FIELD_PROMPTS_ZH,
    LABEL_SYNONYMS,
    MSG_CATEGORY,
    MSG_CATEGORY_L2,
    MSG_CHOICE,
    MSG_DEADLINE_EARLY,
    MSG_INVALID,
    MSG_NAME_DIGITS,
    MSG_NAME_LONG,
    MSG_PARSE_FAILED,
    MSG_PHONE,
    MSG_PLATFORM_NO,
    MSG_REQUIRED,
    MSG_TIME,
    MSG_TIME_FUTURE,
    MSG_UNIT,
    MSG_UNIT_NONE,
    MSG_UNKNOWN_FIELD,
    MSG_YES_NO,
    OPTIONAL_FIELDS,
    OTHER_PHONES_LABEL,
    REQUIRED_FIELDS,
)
from bot.services.ticket_paste import (
    parse_ticket_text,
)
from bot.services.ticket_values import (
    extract_phones,
    normalize_phone,
    normalize_platform_no,
    parse_datetime,
)

__all__ = [
    "ALL_FIELDS",
    "FIELD_LABELS_ZH",
    "FIELD_PROMPTS_ZH",
    "LABEL_SYNONYMS",
    "MSG_CATEGORY",
    "MSG_CATEGORY_L2",
    "MSG_CHOICE",
    "MSG_DEADLINE_EARLY",
    "MSG_INVALID",
    "MSG_NAME_DIGITS",
    "MSG_NAME_LONG",
    "MSG_PARSE_FAILED",
    "MSG_PHONE",
    "MSG_PLATFORM_NO",
    "MSG_REQUIRED",
    "MSG_TIME",
    "MSG_TIME_FUTURE",
    "MSG_UNIT",
    "MSG_UNIT_NONE",
    "MSG_UNKNOWN_FIELD",
    "MSG_YES_NO",
    "OPTIONAL_FIELDS",
    "OTHER_PHONES_LABEL",
    "REQUIRED_FIELDS",
    "FieldError",
    "ParseResult",
    "ParsedTicket",
    "extract_phones",
    "normalize_phone",
    "normalize_platform_no",
    "parse_datetime",
    "parse_field",
    "parse_ticket_text",
]
