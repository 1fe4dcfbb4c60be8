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
from bot.services.tickets.fields import (
    FieldProblem,
    Issue,
    ParsedTicket,
    ParseResult,
    parse_field,
    shorten,
)
from bot.services.tickets.labels import (
    ALL_FIELDS,
    LABEL_TO_FIELD,
    OPTIONAL_FIELDS,
    OTHER_PHONES_LABEL,
    RECHECKED_FIELDS,
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
# "来电时间 2026-11-25 09:12": a known label of four or more characters and a space. Read only
# outside the content (short words such as 电话 or 内容 may begin a sentence there).
_SPACED_LABELS = sorted((x for x in LABEL_TO_FIELD if len(x) >= 4), key=len, reverse=True)
_SPACE_LINE = re.compile(
    r"^\s*(" + "|".join(map(re.escape, _SPACED_LABELS)) + r")[ \u3000]+(\S.*)$"
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
        ticket = ParsedTicket(content=(text or "").strip() or None)
        return ParseResult(ticket, [FieldProblem("text", Issue.parse_failed)])


#: A message with at least this many labelled lines is a paste, whatever the dialogue asked.
PASTE_MIN_LINES = 2


def looks_like_paste(text: str) -> bool:
    """True for a message with two or more "工单编号：…"-style lines of known labels."""
    lines = _COMMAND.sub("", text or "", count=1).splitlines()
    labelled = 0
    for line in lines:
        found = _label_of(line)
        if found is not None and found[2]:
            labelled += 1
            if labelled >= PASTE_MIN_LINES:
                return True
    return False


class _Lines:
    """The paste read line by line: labelled values, phones, the content and loose lines."""

    def __init__(self) -> None:
        self.raw: dict[str, tuple[str, str]] = {}  # field -> (label used, value)
        self.phones: list[str] = []
        self.content: list[str] | None = None
        self.extras: list[str] = []  # unknown "label：value" or loose lines: kept in content
        self._in_content = False
        self._pending: str | None = None  # a label whose value is on the next line

    def feed(self, line: str) -> None:
        found = _label_of(line)
        if found is None and not self._in_content and (m := _SPACE_LINE.match(line)):
            found = (m.group(1), m.group(2).strip(), True)
        if found is not None and found[2]:
            self._in_content, self._pending = False, None
            for label, value in _inline_pairs(found[0], found[1]):
                self._labelled(label, value)
            return
        if self._in_content:
            assert self.content is not None
            self.content.append(line.rstrip())
            return
        stripped = line.strip()
        if not stripped:
            return
        if self._pending == "phone":
            self.phones.append(stripped)
        elif self._pending is not None:
            self.raw[self._pending] = (self.raw[self._pending][0], stripped)
        else:
            self.extras.append(stripped)
        self._pending = None

    def _labelled(self, label: str, value: str) -> None:
        name = LABEL_TO_FIELD[label]
        if name == "content":
            self.content = self.content or []
            if value:
                self.content.append(value)
            self._in_content = True
        elif name == "phone":
            self.phones.append(value)
            if not value:
                self._pending = name
        elif name in self.raw and self.raw[name][1]:
            self.extras.append(f"{label}：{value}")  # a repeated label: keep, do not overwrite
        else:
            self.raw[name] = (label, value)
            if not value:
                self._pending = name


def _parse_ticket_text(text: str, *, reference: Reference, now: datetime) -> ParseResult:
    lines = _Lines()
    for line in _COMMAND.sub("", text or "", count=1).splitlines():
        lines.feed(line)
    ticket = ParsedTicket()
    errors = _apply_fields(lines, ticket, reference=reference, now=now)
    errors += _apply_phones(lines, ticket)
    # No 来电时间 line: the ticket is counted from when it is logged (TicketIntake).
    deadline = ticket.platform_deadline
    if deadline is not None and deadline < (ticket.received_at or now):
        errors.append(FieldProblem("platform_deadline", Issue.deadline_early,
                                   shorten(lines.raw["platform_deadline"][1])))
        ticket.platform_deadline = None
        ticket.recheck.add("platform_deadline")
    body = _trim_blank_lines(lines.content or [])
    ticket.content = "\n".join(body + lines.extras).strip() or None
    return ParseResult(ticket, errors)


def _apply_fields(lines: _Lines, ticket: ParsedTicket, *, reference: Reference,
                  now: datetime) -> list[FieldProblem]:
    """Validate each labelled value. A bad time is asked again; another bad optional value
    is kept in the content instead."""
    errors: list[FieldProblem] = []
    for name in ALL_FIELDS:
        if name in ("content", "phone") or name not in lines.raw:
            continue
        label, value = lines.raw[name]
        if not value:
            continue
        parsed, error = parse_field(name, value, reference=reference, now=now)
        if error:
            errors.append(error)
            if name in RECHECKED_FIELDS:
                ticket.recheck.add(name)
            elif name in OPTIONAL_FIELDS:
                lines.extras.append(f"{label}：{value}")
        else:
            ticket.apply(name, parsed)
    return errors


def _apply_phones(lines: _Lines, ticket: ParsedTicket) -> list[FieldProblem]:
    """The first valid number is the phone; the others are kept in the content."""
    phone_text = "，".join(v for v in lines.phones if v.strip())
    if not phone_text:
        return []
    valid, invalid = extract_phones(phone_text)
    if not valid:
        return [FieldProblem("phone", Issue.phone, shorten(phone_text))]
    ticket.phone, ticket.extra_phones = valid[0], valid[1:]
    others = valid[1:] + invalid
    if others:
        lines.extras.append(f"{OTHER_PHONES_LABEL}：{'、'.join(others)}")
    return []


def _trim_blank_lines(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]
