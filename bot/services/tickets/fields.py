"""The parsed ticket and the validation of one field's text.

``parse_field`` is used both for the lines of a pasted ticket and for the answers the
dialogue collects for missing fields, so both paths accept and reject exactly the same input.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.services.reference.data import Reference
from bot.services.tickets.labels import (
    ALL_FIELDS,
    FIELD_LABELS_ZH,
    MSG_CATEGORY,
    MSG_CATEGORY_L2,
    MSG_CHOICE,
    MSG_INVALID,
    MSG_NAME_DIGITS,
    MSG_NAME_LONG,
    MSG_PHONE,
    MSG_PLATFORM_NO,
    MSG_REQUIRED,
    MSG_TIME,
    MSG_TIME_FUTURE,
    MSG_UNIT,
    MSG_UNIT_NONE,
    MSG_UNKNOWN_FIELD,
    MSG_YES_NO,
    REQUIRED_FIELDS,
    YES_NO_WORDS,
)
from bot.services.tickets.values import extract_phones, normalize_platform_no, parse_datetime

# The name the parser has always logged under, so log filters keep matching after the split.
logger = logging.getLogger("bot.services.tickets.paste")


@dataclass
class FieldError:
    field: str
    message: str

    @property
    def message_zh(self) -> str:
        return self.message


@dataclass
class ParsedTicket:
    platform_no: str | None = None
    received_at: datetime | None = None
    citizen_name: str | None = None
    phone: str | None = None
    address: str | None = None
    request_type: str | None = None
    category_l1: str | None = None
    category_l2: str | None = None
    unit: str | None = None
    industry: str | None = None
    urgency: str | None = None
    content: str | None = None
    platform_deadline: datetime | None = None
    answered_on_spot: bool | None = None  # 咨询 answered during the call: closed at logging
    complex_case: bool | None = None  # 复杂疑难: the longer completion limit
    extra_phones: list[str] = field(default_factory=list)

    def missing(self) -> list[str]:
        """Required fields still empty, in the order the dialogue asks them."""
        return [f for f in REQUIRED_FIELDS if self.get(f) is None]

    def get(self, name: str) -> Any:
        if name == "category":
            if self.category_l1 is None or self.category_l2 is None:
                return None
            return (self.category_l1, self.category_l2)
        return getattr(self, name)

    def apply(self, name: str, value: Any) -> None:
        """Store a value returned by ``parse_field`` (category takes the (l1, l2) tuple)."""
        if name == "category":
            self.category_l1, self.category_l2 = value if value else (None, None)
        elif name in ALL_FIELDS:
            setattr(self, name, value)
        else:
            raise KeyError(name)


@dataclass
class ParseResult:
    ticket: ParsedTicket
    errors: list[FieldError] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.errors and not self.ticket.missing()


def parse_field(
    field: str, value: str, *, reference: Reference, now: datetime
) -> tuple[Any, str | None]:
    """Validate one field's text; return (normalised value, None) or (None, Chinese error)."""
    try:
        return _parse_field(field, value or "", reference=reference, now=now)
    except Exception:  # never let odd input break the dialogue
        logger.exception("parse_field failed for field %s", field)
        return None, MSG_INVALID.format(label=FIELD_LABELS_ZH.get(field, field))


def _parse_field(
    name: str, value: str, *, reference: Reference, now: datetime
) -> tuple[Any, str | None]:
    label = FIELD_LABELS_ZH.get(name)
    if label is None:
        return None, MSG_UNKNOWN_FIELD.format(value=name)
    text = value.strip()
    shown = shorten(text)
    if not text:
        return None, (MSG_REQUIRED.format(label=label) if name in REQUIRED_FIELDS else None)
    if name == "platform_no":
        number = normalize_platform_no(text)
        return (number, None) if number else (None, MSG_PLATFORM_NO.format(value=shown))
    if name == "citizen_name":
        if re.search(r"\d{5,}", unicodedata.normalize("NFKC", text)):
            return None, MSG_NAME_DIGITS.format(value=shown)
        if len(text) > 20:
            return None, MSG_NAME_LONG.format(value=shown)
        return text, None
    if name == "phone":
        valid, _ = extract_phones(text)
        return (valid[0], None) if valid else (None, MSG_PHONE.format(value=shown))
    if name in ("request_type", "urgency", "industry"):
        matcher = {
            "request_type": reference.match_request_type,
            "urgency": reference.match_urgency,
            "industry": reference.match_industry,
        }[name]
        res = matcher(text)
        if res.value is not None:
            return res.value, None
        options = "、".join(res.suggestions)
        return None, MSG_CHOICE.format(label=label, value=shown, options=options)
    if name == "category":
        cat = reference.match_category(text)
        if cat.value is not None:
            return cat.value, None
        template = MSG_CATEGORY_L2 if cat.l1_only else MSG_CATEGORY
        return None, template.format(value=shown, options="、".join(cat.suggestions))
    if name == "unit":
        unit = reference.match_unit(text)
        if unit.value is not None:
            return unit.value, None
        if not unit.suggestions:
            return None, MSG_UNIT_NONE.format(value=shown)
        return None, MSG_UNIT.format(value=shown, options="、".join(unit.suggestions))
    if name in ("answered_on_spot", "complex_case"):
        flag = YES_NO_WORDS.get(unicodedata.normalize("NFKC", text).strip().lower())
        if flag is None:
            return None, MSG_YES_NO.format(label=label, value=shown)
        return flag, None
    if name in ("received_at", "platform_deadline"):
        when = parse_datetime(text, now=now, end_of_day=name == "platform_deadline")
        if when is None:
            return None, MSG_TIME.format(label=label, value=shown)
        if name == "received_at" and when > now + timedelta(days=1):
            return None, MSG_TIME_FUTURE.format(value=shown)
        return when, None
    return text, None  # address, content: free text, kept exactly (only outer blanks trimmed)


def shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"

