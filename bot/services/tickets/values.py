"""Normalising single values from a ticket: phone numbers, platform numbers, dates and times.

Pure functions that return ``None`` for anything they do not understand, so callers decide
which message to show; shared by the paste parser and the ticket action handlers.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta

_MOBILE = re.compile(r"1[3-9]\d{9}", re.ASCII)
_LANDLINE = re.compile(r"010[2-9]\d{7}", re.ASCII)
_LOCAL = re.compile(r"[2-9]\d{7}", re.ASCII)
_PHONE_SEPARATORS = re.compile(r"[，,、;；/|]|或者|或|和|及")
_PLATFORM_NO = re.compile(r"[A-Za-z0-9-]{6,32}", re.ASCII)


def normalize_phone(raw: str) -> str | None:
    """Mainland mobile → 11 digits; Beijing landline → ``010XXXXXXXX``; anything else → None."""
    s = unicodedata.normalize("NFKC", raw or "")
    s = re.sub(r"[\s\-—–－()（）.]", "", s)
    country = False
    if s.startswith("+"):
        if not s.startswith("+86"):
            return None
        s, country = s[3:], True
    elif s.startswith("0086"):
        s, country = s[4:], True
    elif s.startswith("86") and len(s) in (12, 13):
        s, country = s[2:], True
    if not s.isascii() or not s.isdigit():
        return None
    if country and re.fullmatch(r"10[2-9]\d{7}", s):
        s = "0" + s  # +86 10 6500 1234: the trunk 0 is dropped after a country code
    if _MOBILE.fullmatch(s) or _LANDLINE.fullmatch(s):
        return s
    if _LOCAL.fullmatch(s):
        return "010" + s
    return None


def extract_phones(value: str) -> tuple[list[str], list[str]]:
    """Split "138…，010-…、…" into (valid normalised numbers, raw pieces not understood)."""
    valid: list[str] = []
    invalid: list[str] = []
    text = unicodedata.normalize("NFKC", value or "")
    for piece in _PHONE_SEPARATORS.split(text):
        piece = piece.strip()
        if not piece:
            continue
        whole = normalize_phone(piece)
        if whole:
            valid.append(whole)
            continue
        # Greedily join space-separated chunks until they form a number ("138 0013 8000 139…").
        tokens = re.sub(r"[^\d+\-()\s]", " ", piece).split()
        acc = ""
        found = False
        for token in tokens:
            acc = f"{acc} {token}" if acc else token
            number = normalize_phone(acc)
            if number:
                valid.append(number)
                acc, found = "", True
        if not found or re.search(r"\d", acc):
            invalid.append(piece)
    return list(dict.fromkeys(valid)), invalid


def normalize_platform_no(raw: str) -> str | None:
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw or ""))
    return s.upper() if _PLATFORM_NO.fullmatch(s) else None


_AMPM = re.compile(r"(上午|早上|凌晨|中午|下午|晚上)")
# After `_plain_digits`: [[YYYY-]M-D][ H:MM[:SS]]. Minutes and seconds are always two digits:
# "14:3" could be 14:03 or 14:30, so it is asked again rather than guessed.
_DATE_TIME = re.compile(
    r"(?:(\d{4})\s*[-/.]\s*)?(\d{1,2})\s*[-/.]\s*(\d{1,2})"
    r"(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?"
)
_TIME_ALONE = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")


def parse_datetime(raw: str, *, now: datetime, end_of_day: bool = False) -> datetime | None:
    """Read 2026-11-25 09:12, 2026/11/25 9:12, 2026年11月25日 09时12分, 11-25 09:12 …

    A missing year is taken from ``now``; a date without time is 00:00 (23:59 when
    ``end_of_day``). Anything else (``14:3``, ``25:99``, ``2月30日``) is None: the caller asks
    again, never guesses. ``now`` must be aware: the text is read, and the result given, in
    its zone (the clock's, which is the configured one).
    """
    tz = now.tzinfo
    if tz is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    s = unicodedata.normalize("NFKC", raw or "").strip()
    if not s:
        return None
    try:
        iso = datetime.fromisoformat(s)
    except ValueError:
        iso = None
    if iso is not None and ("T" in s or iso.tzinfo is not None):
        return (iso if iso.tzinfo else iso.replace(tzinfo=tz)).astimezone(tz)
    ampm = _AMPM.search(s)
    s = _plain_digits(s)
    if _TIME_ALONE.fullmatch(s):  # a time alone: today
        s = f"{now.strftime('%Y-%m-%d')} {s}"
    m = _DATE_TIME.fullmatch(s)
    if not m:
        return None
    year_s, mon, day, hour, minute, second = m.groups()
    year = int(year_s) if year_s else now.year
    if hour is None:
        h, mi, sec = (23, 59, 0) if end_of_day else (0, 0, 0)
    else:
        h, mi, sec = int(hour), int(minute), int(second or 0)
        if ampm and ampm.group(1) in ("下午", "晚上") and h < 12:
            h += 12
    try:
        result = datetime(year, int(mon), int(day), h, mi, sec, tzinfo=tz)
    except ValueError:
        return None
    if not year_s:
        # "11-25 09:12" pasted early in January means last year (a deadline: next year).
        if not end_of_day and result > now + timedelta(days=1):
            result = _with_year(result, year - 1) or result
        elif end_of_day and result < now - timedelta(days=180):
            result = _with_year(result, year + 1) or result
    return result


def _two(n: str | None) -> str:
    return f"{int(n):02d}" if n else "00"


def _clock_words(m: re.Match[str]) -> str:
    """"9时12分30秒" → "9:12:30", "3点半" → "3:30", "14时" → "14:00", "14点05" → "14:05"."""
    hour, half, minute, second = m.group(1), m.group(2), m.group(3), m.group(4)
    if half:
        return f" {hour}:30"
    return f" {hour}:{_two(minute)}" + (f":{_two(second)}" if second else "")


_CLOCK_WORDS = re.compile(
    r"(\d{1,2})\s*[时点]\s*(?:(半)|(\d{1,2})\s*分(?:\s*(\d{1,2})\s*秒)?)?(?!\s*\d)"
)


def _plain_digits(s: str) -> str:
    """Read Chinese date and time words as separators.

    "2026年11月25日 下午3点半" → "2026-11-25 3:30" (下午 is read by the caller). "14时3" (no
    分) is left as it is, so it is not read: 14:03 or 14:30?
    """
    s = _AMPM.sub(" ", s)
    s = re.sub(r"(\d{1,2})\s*[时点]\s*(\d{2})(?!\d)(?!\s*分)", r" \1:\2", s)  # 14点05
    s = _CLOCK_WORDS.sub(_clock_words, s)
    s = s.replace("年", "-").replace("月", "-").replace("日", " ").replace("号", " ")
    return re.sub(r"\s+", " ", s.replace("T", " ")).strip()


def _with_year(value: datetime, year: int) -> datetime | None:
    try:
        return value.replace(year=year)
    except ValueError:  # 29 February
        return None

