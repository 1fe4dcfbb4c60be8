"""Numbers typed after a command (`/kb_del 12`, `/special del #3`), read in one way.

A user can type any digits at all; a number no row can have must end in "不存在", never in an
overflow (SQLite refuses integers past 2**63, PostgreSQL's integer ids past 2**31 - 1). So a
number past the ids' range is capped at its end, a value the database accepts and no row
reaches: the lookup finds nothing and the command answers as for any unknown number.
"""

from __future__ import annotations

from bot.callbackdata.codec import MAX_ROW_ID

BEYOND = MAX_ROW_ID  # the last id an integer column holds; no row gets that far


def number(text: str) -> int | None:
    """`12` or `#12` (ASCII digits; "²" is a digit to Python but not a number) → 12;
    None when the text is not a number."""
    t = text.strip().removeprefix("#")
    if not (t.isascii() and t.isdigit()):
        return None
    return min(int(t[:12]), BEYOND)


def numbers(texts: list[str]) -> list[int] | None:
    """Every text as a number, or None when one is not."""
    out = [number(t) for t in texts]
    return None if any(n is None for n in out) else [n for n in out if n is not None]
