"""Mask citizens' personal data before it is shown in a group chat or written anywhere shared.

``mask_phone("13800138000") == "138****8000"``, ``mask_name("张三") == "张*"``; ``mask_text``
hides the given names and phones and anything that looks like a phone or ID-card number.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_SEP = r"[\s\-－—–]*"  # what people put between digit groups: "138 0013 8000", "010-6500-1234"
_NO_DIGIT_BEFORE = r"(?<![0-9０-９])"
_NO_DIGIT_AFTER = r"(?![0-9０-９])"

# Order matters: longer patterns first, so an ID number is not half-masked as a phone.
_ID_CARD = re.compile(_NO_DIGIT_BEFORE + r"\d{17}[\dXx](?![0-9A-Za-z])", re.ASCII)
_MOBILE = re.compile(
    _NO_DIGIT_BEFORE + r"(?:(?:\+|00)?86" + _SEP + r")?1[3-9]\d(?:" + _SEP + r"\d){8}"
    + _NO_DIGIT_AFTER,
    re.ASCII,
)
_LANDLINE = re.compile(
    _NO_DIGIT_BEFORE + r"(?:(?:\+|00)?86" + _SEP + r"10" + _SEP + r"|[(（]?010[)）]?"
    + _SEP + r")?[2-9]\d{3}" + _SEP + r"\d{4}" + _NO_DIGIT_AFTER,
    re.ASCII,
)
_EIGHT_DIGITS = re.compile(_NO_DIGIT_BEFORE + r"\d{8}" + _NO_DIGIT_AFTER, re.ASCII)


def _digits(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text or "") if ch.isascii()
                   and ch.isdigit())


def mask_phone(phone: str) -> str:
    """``13800138000`` → ``138****8000``; ``01065001234`` → ``010****1234``."""
    digits = _digits(phone)
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if len(digits) >= 11:
        return digits[:3] + "****" + digits[-4:]
    if len(digits) >= 7:
        return "****" + digits[-4:]
    return "*" * max(len(digits), 4)


def mask_name(name: str) -> str:
    """Keep the first character, replace the rest with ``*`` (at least one): 张三 → 张*."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def mask_id_card(number: str) -> str:
    """Keep the region code and the last four characters: 110105********1234."""
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_text(
    text: str, *, names: Iterable[str] = (), phones: Iterable[str] = ()
) -> str:
    """Hide the given names and phones, and any phone-like or ID-card-like number, in ``text``."""
    out = text or ""
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len,
                       reverse=True):
        masked = mask_name(name)
        while name in out:  # each pass removes characters of the name, so this ends
            out = out.replace(name, masked)
    for phone in {_digits(p) for p in phones}:
        if len(phone) < 7:
            continue
        variants = {phone}
        if phone.startswith("010") and len(phone) == 11:
            variants.add(phone[3:])  # the same landline written without the area code
        for variant in sorted(variants, key=len, reverse=True):
            # Known numbers are masked even when glued to other digits.
            pattern = re.compile(_SEP.join(re.escape(d) for d in variant))
            while pattern.search(out):
                out = pattern.sub(lambda m: mask_phone(m.group(0)), out)
    out = _ID_CARD.sub(lambda m: mask_id_card(m.group(0)), out)
    out = _MOBILE.sub(lambda m: mask_phone(m.group(0)), out)
    out = _LANDLINE.sub(lambda m: mask_phone(m.group(0)), out)
    out = _EIGHT_DIGITS.sub(lambda m: mask_phone(m.group(0)), out)
    return out
