"""Reading a ticket pasted from the 12345 platform: labelled lines into a ParsedTicket.

Labels are matched whole against the synonyms in :mod:`bot.services.tickets.labels`; values
go through :func:`bot.services.tickets.fields.parse_field`. Unknown lines are never dropped:
they end up in the content so nothing the citizen said is lost.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime

from bot.services.reference.data import Reference
from bot.services.tickets.fields import FieldError, ParsedTicket, ParseResult, parse_field, shorten
from bot.services.tickets.labels import (
    ALL_FIELDS,
    LABEL_TO_FIELD,
    MSG_DEADLINE_EARLY,
    MSG_PARSE_FAILED,
    MSG_PHONE,
    OPTIONAL_FIELDS,
    OTHER_PHONES_LABEL,
)
from bot.services.tickets.values import extract_phones

# The name the parser has always logged under, so log filters keep matching after the split.
logger = logging.getLogger(__name__)

_LABEL_CHARS = r"[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z \u3000]{0,11}"
_BRACKET_LINE = re.compile(r"^\s*[【\[［]\s*(" + _LABEL_CHARS + r")\s*[】\]］]\s*[:：]?\s*(.*)$")
_COLON_LINE = re.compile(r"^\s*(" + _LABEL_CHARS + r")\s*[:：]\s*(.*)$")
_TAB_LINE = re.compile(r"^\s*(" + _LABEL_CHARS + r")\t+\s*(.*)$")
# Several "label：value" pairs on one line ("来电人：张三  联系电话：138…").
_LABEL_ALTERNATION = "|".join(sorted(map(re.escape, LABEL_TO_FIELD), key=len, reverse=True))
_INLINE_LABEL = re.compile(
    r"(?:\s+|[，,；;]\s*)(?:[【\[]\s*)?(" + _LABEL_ALTERNATION
    + r")\s*(?:[】\]]\s*[:：]?|[:：])\s*"
)
_COMMAND = re.compile(r"^\s*/new(?:@\w+)?(?=\s|$)", re.IGNORECASE)


def _label_of(line: str) -> tuple[str, str, bool] | None:
    """Return (label, value, is_known) for a "label：value" line, else None."""
    for pattern in (_BRACKET_LINE, _COLON_LINE, _TAB_LINE):
        m = pattern.match(line)
        if not m:
            continue
        label = re.sub(r"[\s\u3000]+", "", m.group(1))
        known = label in LABEL_TO_FIELD
        if pattern is _TAB_LINE and not known:
            return None
        return label, m.group(2).strip(), known
    return None


def _inline_pairs(label: str, value: str) -> list[tuple[str, str]]:
    """Split "张三  联系电话：138…" after a label into several pairs; content swallows the rest."""
    pairs: list[tuple[str, str]] = []
    if LABEL_TO_FIELD[label] == "content":
        return [(label, value)]
    pos = 0
    for m in _INLINE_LABEL.finditer(value):
        if m.start() < pos:
            continue
        pairs.append((label, value[pos : m.start()].strip()))
        label, pos = m.group(1), m.end()
        if LABEL_TO_FIELD[label] == "content":
            break
    pairs.append((label, value[pos:].strip()))
    return pairs


def parse_ticket_text(text: str, *, reference: Reference, now: datetime) -> ParseResult:
    """Parse a pasted ticket block. Never raises; unknown lines end up in the content."""
    try:
        return _parse_ticket_text(text, reference=reference, now=now)
    except Exception:
        logger.exception("parse_ticket_text failed")  # the text itself is never logged
        ticket = ParsedTicket(received_at=now, content=(text or "").strip() or None)
        return ParseResult(ticket, [FieldError("text", MSG_PARSE_FAILED)])


def _parse_ticket_text(text: str, *, reference: Reference, now: datetime) -> ParseResult:
    text = _COMMAND.sub("", text or "", count=1)
    raw: dict[str, tuple[str, str]] = {}  # field -> (label used, value)
    phone_values: list[str] = []
    content_lines: list[str] | None = None
    extras: list[str] = []
    in_content = False
    pending: str | None = None  # a label whose value is on the next line

    for line in text.splitlines():
        found = _label_of(line)
        if found is not None and found[2]:
            in_content, pending = False, None
            for label, value in _inline_pairs(found[0], found[1]):
                name = LABEL_TO_FIELD[label]
                if name == "content":
                    content_lines = content_lines or []
                    if value:
                        content_lines.append(value)
                    in_content = True
                elif name == "phone":
                    phone_values.append(value)
                    if not value:
                        pending = name
                elif name in raw and raw[name][1]:
                    extras.append(f"{label}：{value}")  # a repeated label: keep, do not overwrite
                else:
                    raw[name] = (label, value)
                    if not value:
                        pending = name
            continue
        if in_content:
            assert content_lines is not None
            content_lines.append(line.rstrip())
            continue
        stripped = line.strip()
        if not stripped:
            continue
        if pending is not None:
            if pending == "phone":
                phone_values.append(stripped)
            else:
                raw[pending] = (raw[pending][0], stripped)
            pending = None
            continue
        extras.append(stripped)  # unknown "label：value" or a loose line: kept in the content

    ticket = ParsedTicket()
    errors: list[FieldError] = []
    for name in ALL_FIELDS:
        if name in ("content", "phone") or name not in raw:
            continue
        label, value = raw[name]
        if not value:
            continue
        parsed, error = parse_field(name, value, reference=reference, now=now)
        if error:
            errors.append(FieldError(name, error))
            if name in OPTIONAL_FIELDS:
                extras.append(f"{label}：{value}")
        else:
            ticket.apply(name, parsed)

    phone_text = "，".join(v for v in phone_values if v.strip())
    if phone_text:
        valid, invalid = extract_phones(phone_text)
        if valid:
            ticket.phone, ticket.extra_phones = valid[0], valid[1:]
            others = valid[1:] + invalid
            if others:
                extras.append(f"{OTHER_PHONES_LABEL}：{'、'.join(others)}")
        else:
            errors.append(FieldError("phone", MSG_PHONE.format(value=shorten(phone_text))))

    if ticket.received_at is None:
        ticket.received_at = now
    deadline = ticket.platform_deadline
    if deadline is not None and deadline < ticket.received_at:
        errors.append(FieldError("platform_deadline", MSG_DEADLINE_EARLY.format(
            value=shorten(raw["platform_deadline"][1]))))
        ticket.platform_deadline = None

    body = _trim_blank_lines(content_lines or [])
    ticket.content = "\n".join(body + extras).strip() or None
    return ParseResult(ticket, errors)


def _trim_blank_lines(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]
