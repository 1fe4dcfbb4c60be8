"""Numbers typed after a command (`/kb_del 12`, `/special del #3`), read in one way.

A user can type any digits at all. A number no row can have (past the ids' range: PostgreSQL's
integer ids end at 2**31 - 1, and SQLite refuses integers past 2**63, so such a number would
overflow the query) is not looked up: :func:`number` raises :class:`NumberOutOfRange` with the
text as typed, and :func:`handlers.access.guard` — around every command — answers
"编号 … 不存在", quoting it, as for any unknown number; nothing changes.
"""

from __future__ import annotations

from bot.callbackdata.codec import MAX_ROW_ID


class NumberOutOfRange(Exception):
    """A number after a command that no row can have; ``typed`` is what the user wrote."""

    def __init__(self, typed: str) -> None:
        super().__init__(typed)
        self.typed = typed


def number(text: str) -> int | None:
    """`12` or `#12` (ASCII digits; "²" is a digit to Python but not a number) → 12;
    None when the text is not a number; :class:`NumberOutOfRange` past the ids' range."""
    t = text.strip().removeprefix("#")
    if not (t.isascii() and t.isdigit()):
        return None
    digits = t.lstrip("0") or "0"
    if len(digits) > len(str(MAX_ROW_ID)) or int(digits) > MAX_ROW_ID:
        raise NumberOutOfRange(text.strip())
    return int(digits)


def numbers(texts: list[str]) -> list[int] | None:
    """Every text as a number, or None when one is not (out of range: raises)."""
    out = [number(t) for t in texts]
    return None if any(n is None for n in out) else [n for n in out if n is not None]
