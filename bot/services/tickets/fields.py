"""The parsed ticket and the validation of one field's text.

``parse_field`` is used both for the lines of a pasted ticket and for the answers the
dialogue collects for missing fields, so both paths accept and reject exactly the same input.
A rejected value gives a :class:`FieldProblem` (what is wrong, the value as shown, the
options); ``bot.texts.tickets.field_problem`` words it.
"""

from __future__ import annotations

import enum
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
    RECHECKED_FIELDS,
    REQUIRED_FIELDS,
    YES_NO_WORDS,
)
from bot.services.tickets.values import extract_phones, normalize_platform_no, parse_datetime

# The name the parser has always logged under, so log filters keep matching after the split.
logger = logging.getLogger("bot.services.tickets.paste")

MAX_NAME = 20


class Issue(enum.StrEnum):
    """What is wrong with a field's value."""

    required = "required"
    phone = "phone"
    platform_no = "platform_no"
    name_long = "name_long"
    name_digits = "name_digits"
    choice = "choice"  # options: the allowed values
    unit = "unit"  # options: the nearest units
    unit_none = "unit_none"
    category = "category"  # options: the nearest categories (at most 5)
    category_none = "category_none"  # nothing close to suggest
    category_l2 = "category_l2"  # options: the level-2 categories of the level 1 recognised
    time = "time"
    time_future = "time_future"
    deadline_early = "deadline_early"
    unknown_field = "unknown_field"  # value: the field name
    yes_no = "yes_no"
    invalid = "invalid"  # the validator itself failed
    parse_failed = "parse_failed"  # the whole paste could not be read


@dataclass(frozen=True)
class FieldProblem:
    """A rejected value: the field, the issue, the value as shown (shortened), options."""

    field: str
    issue: Issue
    value: str = ""
    options: tuple[str, ...] = ()


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
    #: Optional fields given with a value that could not be read (a call time "14:3"): they
    #: are asked again like required ones, never replaced by a default.
    recheck: set[str] = field(default_factory=set)

    def missing(self) -> list[str]:
        """Fields still to ask, in the order the dialogue asks them: the required ones, then
        the optional ones whose value could not be read."""
        required = [f for f in REQUIRED_FIELDS if self.get(f) is None]
        return required + [f for f in RECHECKED_FIELDS
                           if f in self.recheck and self.get(f) is None]

    def merge(self, other: ParsedTicket) -> None:
        """Take every value `other` (a later paste) has; its unreadable fields are asked."""
        for name in ALL_FIELDS:
            value = other.get(name)
            if value is not None:
                self.apply(name, value)
                self.recheck.discard(name)
        if other.phone is not None:
            self.extra_phones = list(other.extra_phones)
        self.recheck |= {f for f in other.recheck if other.get(f) is None}

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
            if value is not None:
                self.recheck.discard(name)
        else:
            raise KeyError(name)


@dataclass
class ParseResult:
    ticket: ParsedTicket
    errors: list[FieldProblem] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.errors and not self.ticket.missing()


Parsed = tuple[Any, FieldProblem | None]


def parse_field(name: str, value: str, *, reference: Reference, now: datetime) -> Parsed:
    """Validate one field's text; return (normalised value, None) or (None, the problem)."""
    try:
        return _parse_field(name, value or "", reference=reference, now=now)
    except Exception:  # never let odd input break the dialogue
        logger.exception("parse_field failed for field %s", name)
        return None, FieldProblem(name, Issue.invalid)


def _parse_field(name: str, value: str, *, reference: Reference, now: datetime) -> Parsed:
    if name not in FIELD_LABELS_ZH:
        return None, FieldProblem(name, Issue.unknown_field, name)
    text = value.strip()
    if not text:
        return None, (FieldProblem(name, Issue.required) if name in REQUIRED_FIELDS else None)
    parser = _PARSERS.get(name)
    if parser is None:  # address, content: free text, kept exactly (only outer blanks trimmed)
        return text, None
    return parser(name, text, reference, now)


def _problem(name: str, issue: Issue, text: str, options: list[str] | None = None) -> Parsed:
    return None, FieldProblem(name, issue, shorten(text), tuple(options or ()))


def _platform_no(name: str, text: str, _ref: Reference, _now: datetime) -> Parsed:
    number = normalize_platform_no(text)
    return (number, None) if number else _problem(name, Issue.platform_no, text)


def _citizen_name(name: str, text: str, _ref: Reference, _now: datetime) -> Parsed:
    if re.search(r"\d{5,}", unicodedata.normalize("NFKC", text)):
        return _problem(name, Issue.name_digits, text)
    if len(text) > MAX_NAME:
        return _problem(name, Issue.name_long, text)
    return text, None


def _phone(name: str, text: str, _ref: Reference, _now: datetime) -> Parsed:
    valid, _ = extract_phones(text)
    return (valid[0], None) if valid else _problem(name, Issue.phone, text)


def _choice(name: str, text: str, ref: Reference, _now: datetime) -> Parsed:
    matcher = {"request_type": ref.match_request_type, "urgency": ref.match_urgency,
               "industry": ref.match_industry}[name]
    res = matcher(text)
    if res.value is not None:
        return res.value, None
    return _problem(name, Issue.choice, text, res.suggestions)


def _category(name: str, text: str, ref: Reference, _now: datetime) -> Parsed:
    cat = ref.match_category(text)
    if cat.value is not None:
        return cat.value, None
    if cat.l1_only:
        return _problem(name, Issue.category_l2, text, cat.suggestions)
    return _problem(name, Issue.category if cat.suggestions else Issue.category_none, text,
                    cat.suggestions)


def _unit(name: str, text: str, ref: Reference, _now: datetime) -> Parsed:
    unit = ref.match_unit(text)
    if unit.value is not None:
        return unit.value, None
    if not unit.suggestions:
        return _problem(name, Issue.unit_none, text)
    return _problem(name, Issue.unit, text, unit.suggestions)


def _yes_no(name: str, text: str, _ref: Reference, _now: datetime) -> Parsed:
    flag = YES_NO_WORDS.get(unicodedata.normalize("NFKC", text).strip().lower())
    return (flag, None) if flag is not None else _problem(name, Issue.yes_no, text)


def _time(name: str, text: str, _ref: Reference, now: datetime) -> Parsed:
    when = parse_datetime(text, now=now, end_of_day=name == "platform_deadline")
    if when is None:
        return _problem(name, Issue.time, text)
    if name == "received_at" and when > now + timedelta(days=1):
        return _problem(name, Issue.time_future, text)
    return when, None


_PARSERS = {
    "platform_no": _platform_no,
    "citizen_name": _citizen_name,
    "phone": _phone,
    "request_type": _choice,
    "urgency": _choice,
    "industry": _choice,
    "category": _category,
    "unit": _unit,
    "answered_on_spot": _yes_no,
    "complex_case": _yes_no,
    "received_at": _time,
    "platform_deadline": _time,
}


def shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
