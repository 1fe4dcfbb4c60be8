"""The one masker: hide a citizen's name, phone, ID, bank card and e-mail in any writing.

Used at every boundary where text leaves the person handling a ticket — a group chat, a
leader's private copy, an outside channel, a log line. It knows two kinds of things:

* **known secrets** — the citizen's own name and phone(s) from the ticket: masked wherever
  they appear, in simplified or traditional script, with or without spaces or dots between
  the characters, in half- or full-width digits, with any separators;
* **patterns** — anything that looks like a mobile or Beijing landline (+86, spaces, dots,
  dashes, slashes, underscores, parentheses, full-width digits), a 15/18-digit ID (separators
  allowed; at most the first 6 and the last 4 stay), a 16–19-digit bank card (last 4 stay),
  an e-mail address (first character of the local part stays), and a Chinese name right after
  a label such as 来电人/姓名/联系人/患者.

Ordinary numbers stay readable: 工单编号 (13 digits), dates, counts and money are not phone,
ID or card shaped. Matching runs on a *normalised shadow* of the text — full-width folded to
ASCII and traditional to simplified, one character for one, so positions line up — and the
masks are applied to the original.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import opencc

MASK = "*"
# What people put between digit groups. A run may not contain two separators in a row
# except ") " / "- " style pairs, which the optional second class allows.
_SEP = r"[\s\-－—–./_·()（）]"
_GAP = rf"(?:{_SEP}{{1,2}})?"
_NO_DIGIT_BEFORE = r"(?<![0-9])"
_NO_DIGIT_AFTER = rf"(?!{_GAP}[0-9])"

_MOBILE = re.compile(
    _NO_DIGIT_BEFORE + rf"(?:(?:\+|00){_GAP}86{_GAP})?1{_GAP}[3-9](?:{_GAP}[0-9]){{9}}"
    + _NO_DIGIT_AFTER)
_LANDLINE = re.compile(
    _NO_DIGIT_BEFORE + rf"(?:(?:(?:\+|00){_GAP}86{_GAP})?[(（]?0?10[)）]?{_GAP})?[2-9]"
    rf"(?:{_GAP}[0-9]){{7}}" + _NO_DIGIT_AFTER)
_ID18 = re.compile(_NO_DIGIT_BEFORE + rf"[1-9](?:{_GAP}[0-9]){{16}}{_GAP}[0-9Xx]"
                   r"(?![0-9A-Za-z])")
_ID15 = re.compile(_NO_DIGIT_BEFORE + rf"[1-9](?:{_GAP}[0-9]){{14}}" + _NO_DIGIT_AFTER)
_CARD = re.compile(_NO_DIGIT_BEFORE + rf"[3-9](?:{_GAP}[0-9]){{15,18}}" + _NO_DIGIT_AFTER)
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
_NAME_LABELS = ("来电人", "来电者", "反映人", "投诉人", "举报人", "求助人", "咨询人", "联系人",
                "当事人", "姓名", "患者", "病人", "家属", "市民", "诉求人", "申请人")
_NOT_A_NAME = ("反映", "来电", "表示", "称", "说", "要求", "投诉", "举报", "咨询", "认为",
               "希望", "因", "在", "于", "的", "对", "已", "未", "于", "情绪", "家属", "本人",
               "先生", "女士", "电话", "联系", "手机", "姓名", "无", "不详", "匿名",
               # words the bot itself writes after a label ("已隐去市民个人信息")
               "个人", "信息", "情况", "诉求", "身份", "地址", "病情", "多次", "们")
_CJK = r"[\u3400-\u4dbf\u4e00-\u9fff]"
_LABELLED_NAME = re.compile(
    "(?:" + "|".join(_NAME_LABELS) + r")(?:[:：\s]\s*)?(" + _CJK + r"(?:[\s·.]?" + _CJK
    + r"){1,3})")
_DATE8 = re.compile(r"(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=8192)
def _simplified_char(ch: str) -> str:
    out = _t2s().convert(ch)
    return out if len(out) == 1 else ch


def shadow(text: str) -> str:
    """The text as matching sees it: one character for one, digits ASCII, script simplified."""
    out = []
    for ch in text:
        if "０" <= ch <= "９":
            out.append(chr(ord(ch) - 0xFEE0))
        elif ord(ch) >= 0x3400:
            out.append(_simplified_char(ch))
        else:
            n = unicodedata.normalize("NFKC", ch)
            # a superscript or circled digit (¹, ①) is a footnote mark, not part of a number
            keep = len(n) != 1 or (n.isdigit() and unicodedata.category(ch) != "Nd")
            out.append(ch if keep else n)
    return "".join(out)


def digits_of(text: str) -> str:
    return "".join(ch for ch in shadow(text) if ch.isascii() and ch.isdigit())


@dataclass(frozen=True)
class Secrets:
    """The citizen's own data, known from the ticket, to hide wherever it appears."""

    names: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()  # numbers that must stay readable (the ticket's own number)

    @classmethod
    def of(cls, names: Iterable[str | None] = (), phones: Iterable[str | None] = (),
           keep: Iterable[str | None] = ()) -> Secrets:
        return cls(tuple(n.strip() for n in names if n and len(n.strip()) >= 2),
                   tuple(d for p in phones if p and len(d := digits_of(p)) >= 7),
                   tuple(digits_of(k) for k in keep if k and digits_of(k)))

    def __add__(self, other: Secrets) -> Secrets:
        return Secrets(self.names + other.names, self.phones + other.phones,
                       self.keep + other.keep)


NO_SECRETS = Secrets()


class Masked(str):
    """A text that has been through :func:`mask` — the only function that makes one.

    The type is what lets the Telegram boundary (``bot.boundary.PrivacyBot``) tell a text
    already masked for its audience (with the ticket's own name and phone as known secrets)
    from one a renderer forgot to mask: it masks every text bound for a group that is not a
    ``Masked``. Any operation on it (slicing, ``+``, ``format``) gives a plain ``str`` again,
    so a masked text joined with an unmasked one is masked once more at the boundary.
    """

    __slots__ = ()


def _mask_digits(original: str, keep_head: int, keep_tail: int) -> str:
    """Replace digits with * except the first ``keep_head`` and last ``keep_tail`` digits;
    separators stay so the shape remains readable."""
    positions = [i for i, ch in enumerate(original) if ch.isdigit() or ch in "Xx"]
    keep = set(positions[:keep_head]) | set(positions[len(positions) - keep_tail:]
                                             if keep_tail else [])
    return "".join(MASK if i in positions and i not in keep else ch
                   for i, ch in enumerate(original))


def _name_pattern(name: str) -> re.Pattern[str]:
    chars = [re.escape(_simplified_char(c)) for c in name if not c.isspace()]
    return re.compile(r"[\s·.．・]?".join(chars))


def mask(text: str, secrets: Secrets = NO_SECRETS) -> Masked:
    """``text`` with every personal datum masked (idempotent; never raises)."""
    if not text:
        return Masked(text or "")
    sh = shadow(text)
    spans: list[tuple[int, int, int, int]] = []  # start, end, keep_head, keep_tail

    def take(m: re.Match[str], head: int, tail: int) -> None:
        s, e = m.span()
        if not any(a <= s < b or a < e <= b for a, b, _, _ in spans):
            spans.append((s, e, head, tail))

    for phone in secrets.phones:
        variants = {phone}
        if phone.startswith("86") and len(phone) == 13:
            variants.add(phone[2:])
        if phone.startswith("010") and len(phone) == 11:
            variants.add(phone[3:])
        for v in sorted(variants, key=len, reverse=True):
            pat = re.compile(_GAP.join(re.escape(d) for d in v))
            for m in pat.finditer(sh):
                take(m, 3 if len(v) == 11 else 0, 4)
    for m in _ID18.finditer(sh):
        if _birth_date_at(m.group(0), 6, 4):
            take(m, 6, 4)
    for m in _CARD.finditer(sh):
        if not _kept(m.group(0), secrets):
            take(m, 0, 4)
    for m in _ID15.finditer(sh):
        if _birth_date_at(m.group(0), 6, 2):
            take(m, 6, 4)
    for m in _MOBILE.finditer(sh):
        take(m, 3, 4)
    for m in _LANDLINE.finditer(sh):
        if not _DATE8.fullmatch(re.sub(r"\D", "", m.group(0))):
            take(m, 0, 4)
    out = list(text)
    for s, e, head, tail in spans:
        masked = _mask_digits(sh[s:e], head, tail)
        for i in range(s, e):
            out[i] = MASK if masked[i - s] == MASK else out[i]
    text = "".join(out)
    text = _mask_names(text, secrets)
    return Masked(_EMAIL.sub(_mask_email, text))


def _birth_date_at(number: str, start: int, year_digits: int) -> bool:
    """An ID number carries a birth date (YYYYMMDD, or YYMMDD in the old 15-digit form);
    checking it keeps long ticket numbers and other codes readable."""
    d = re.sub(r"\D", "", number)
    y = d[start:start + year_digits]
    month, day = d[start + year_digits:start + year_digits + 2], \
        d[start + year_digits + 2:start + year_digits + 4]
    if year_digits == 4 and y[:2] not in ("19", "20"):
        return False
    return month.isdigit() and day.isdigit() and 1 <= int(month) <= 12 and 1 <= int(day) <= 31


def _kept(number: str, secrets: Secrets) -> bool:
    return re.sub(r"\D", "", number) in secrets.keep


def _mask_names(text: str, secrets: Secrets) -> str:
    sh = shadow(text)
    out = list(text)
    for name in sorted(set(secrets.names), key=len, reverse=True):
        for m in _name_pattern(name).finditer(sh):
            _star_after_first(out, m.start(), m.end())
    for m in _LABELLED_NAME.finditer(sh):
        s, e = m.span(1)
        candidate = re.sub(r"[\s·.]", "", sh[s:e])
        for stop in _NOT_A_NAME:  # cut the name before a verb or particle glued to it
            k = candidate.find(stop, 1)
            if k > 0:
                candidate = candidate[:k]
        if len(candidate) < 2 or candidate.startswith(_NOT_A_NAME):
            continue
        end = s
        seen = 0
        while end < len(sh) and seen < len(candidate):
            if not re.match(r"[\s·.]", sh[end]):
                seen += 1
            end += 1
        _star_after_first(out, s, end)
    return "".join(out)


def _star_after_first(out: list[str], start: int, end: int) -> None:
    first = True
    for i in range(start, end):
        if re.match(_CJK, out[i]) or out[i] == MASK:
            if first:
                first = False
                continue
            out[i] = MASK


def _mask_email(m: re.Match[str]) -> str:
    local, _, domain = m.group(0).partition("@")
    return local[:1] + MASK * 3 + "@" + domain


def mask_name(name: str) -> str:
    """张三 → 张*: keep the first character (a name field shown on its own)."""
    name = (name or "").strip()
    return name[0] + MASK * max(1, len(name) - 1) if name else ""


def mask_phone(phone: str) -> str:
    """13800138000 → 138****8000; a landline keeps its last four digits."""
    digits = digits_of(phone)
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if len(digits) >= 11:
        return digits[:3] + MASK * 4 + digits[-4:]
    if len(digits) >= 7:
        return MASK * 4 + digits[-4:]
    return MASK * max(len(digits), 4)
