"""Turn a ticket pasted from the 12345 platform (labelled lines) into validated fields.

``parse_ticket_text`` reads the whole paste; ``parse_field`` validates one answer when the
dialogue asks for a missing field. Neither raises: problems come back as Chinese messages that
tell the user what to fix. A field whose value is invalid stays ``None`` (so ``missing()`` lists
it again) and, for optional fields, its original line is kept in the content so nothing is lost.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.clock import SHANGHAI
from bot.services.reference import Reference

logger = logging.getLogger(__name__)

REQUIRED_FIELDS = (
    "platform_no", "citizen_name", "phone", "request_type", "category", "unit", "urgency",
    "content",
)
OPTIONAL_FIELDS = ("address", "received_at", "industry", "platform_deadline", "answered_on_spot",
                   "complex_case")
ALL_FIELDS = REQUIRED_FIELDS + OPTIONAL_FIELDS

FIELD_LABELS_ZH: dict[str, str] = {
    "platform_no": "工单编号",
    "received_at": "来电时间",
    "citizen_name": "来电人",
    "phone": "联系电话",
    "address": "地址",
    "request_type": "诉求类型",
    "category": "问题分类",
    "unit": "承办单位",
    "industry": "行业",
    "urgency": "紧急程度",
    "content": "诉求内容",
    "platform_deadline": "办理时限",
    "answered_on_spot": "即时办结",
    "complex_case": "复杂疑难",
}

FIELD_PROMPTS_ZH: dict[str, str] = {
    "platform_no": "请输入工单编号（6–32位数字、字母或“-”）：",
    "citizen_name": "请输入来电人姓名：",
    "phone": "请输入联系电话（手机号或北京固话）：",
    "request_type": "请输入诉求类型（投诉/举报/求助/咨询/建议/表扬）：",
    "category": "请输入问题分类，格式“一级分类/二级分类”，例如“医疗服务/服务态度”：",
    "unit": "请输入承办单位名称（可用简称，例如“朝阳医院”）：",
    "urgency": "请输入紧急程度（一般/急/重点/紧急/涉稳）：",
    "content": "请输入诉求内容：",
    "address": "请输入地址：",
    "received_at": "请输入来电时间，例如“2026-11-25 09:12”：",
    "industry": "请输入所属行业：",
    "platform_deadline": "请输入办理时限，例如“2026-12-02 18:00”：",
    "answered_on_spot": "请输入是否即时办结（咨询已当场答复：是/否）：",
    "complex_case": "请输入是否复杂疑难（是/否）：",
}

# Label as written on the platform (or by staff) -> field. Longer synonyms first is not needed:
# labels are compared whole, after removing spaces and brackets.
LABEL_SYNONYMS: dict[str, tuple[str, ...]] = {
    "platform_no": ("工单编号", "工单号", "编号", "受理编号", "工单编码"),
    "citizen_name": ("来电人", "诉求人", "联系人", "反映人", "市民姓名", "姓名", "来电人姓名"),
    "phone": ("联系电话", "电话", "手机", "手机号", "手机号码", "来电号码", "联系方式",
              "联系人电话", "来电电话"),
    "request_type": ("诉求类型", "类型", "工单类型"),
    "category": ("问题分类", "问题类别", "分类"),
    "unit": ("承办单位", "责任单位", "办理单位", "主办单位"),
    "urgency": ("紧急程度", "紧急", "缓急程度"),
    "address": ("地址", "事发地址", "诉求地址", "事发地点"),
    "received_at": ("来电时间", "受理时间", "派单时间"),
    "industry": ("行业", "所属行业"),
    "content": ("诉求内容", "内容", "问题描述", "反映内容", "诉求描述"),
    "platform_deadline": ("办理时限", "截止时间", "处理时限"),
    "answered_on_spot": ("即时办结", "当场答复", "当场办结"),
    "complex_case": ("复杂疑难", "疑难案件"),
}
_LABELS: dict[str, str] = {syn: f for f, syns in LABEL_SYNONYMS.items() for syn in syns}

_LABEL_CHARS = r"[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z \u3000]{0,11}"
_BRACKET_LINE = re.compile(r"^\s*[【\[［]\s*(" + _LABEL_CHARS + r")\s*[】\]］]\s*[:：]?\s*(.*)$")
_COLON_LINE = re.compile(r"^\s*(" + _LABEL_CHARS + r")\s*[:：]\s*(.*)$")
_TAB_LINE = re.compile(r"^\s*(" + _LABEL_CHARS + r")\t+\s*(.*)$")
# Several "label：value" pairs on one line ("来电人：张三  联系电话：138…").
_LABEL_ALTERNATION = "|".join(sorted(map(re.escape, _LABELS), key=len, reverse=True))
_INLINE_LABEL = re.compile(
    r"(?:\s+|[，,；;]\s*)(?:[【\[]\s*)?(" + _LABEL_ALTERNATION
    + r")\s*(?:[】\]]\s*[:：]?|[:：])\s*"
)
_COMMAND = re.compile(r"^\s*/new(?:@\w+)?(?=\s|$)", re.IGNORECASE)

_MOBILE = re.compile(r"1[3-9]\d{9}", re.ASCII)
_LANDLINE = re.compile(r"010[2-9]\d{7}", re.ASCII)
_LOCAL = re.compile(r"[2-9]\d{7}", re.ASCII)
_PHONE_SEPARATORS = re.compile(r"[，,、;；/|]|或者|或|和|及")
_PLATFORM_NO = re.compile(r"[A-Za-z0-9-]{6,32}", re.ASCII)

MSG_REQUIRED = "{label}不能为空，请重新输入。"
MSG_PHONE = "联系电话“{value}”不是有效的手机号或北京固话，请核对后重新输入。"
MSG_PLATFORM_NO = "工单编号“{value}”格式不正确：应为6–32位数字、字母或“-”，请核对后重新输入。"
MSG_NAME_LONG = "来电人姓名“{value}”过长（最多20个字），请核对后重新输入。"
MSG_NAME_DIGITS = "来电人姓名“{value}”中含有号码，请只填写姓名，电话请填在联系电话中。"
MSG_CHOICE = "{label}“{value}”无效，请从以下选项中选择：{options}。"
MSG_UNIT = "承办单位“{value}”未找到。您要找的是不是：{options}？请输入准确的单位名称。"
MSG_UNIT_NONE = "承办单位“{value}”未找到，请输入准确的单位名称。"
MSG_CATEGORY = "问题分类“{value}”未找到。相近的分类有：{options}。请按“一级分类/二级分类”输入。"
MSG_CATEGORY_L2 = (
    "问题分类“{value}”缺少或无法识别二级分类，可选：{options}。请按“一级分类/二级分类”输入。"
)
MSG_TIME = "{label}“{value}”无法识别，请按“2026-11-25 09:12”的格式输入。"
MSG_TIME_FUTURE = "来电时间“{value}”晚于当前时间，请核对后重新输入。"
MSG_DEADLINE_EARLY = "办理时限“{value}”早于来电时间，请核对后重新输入。"
MSG_UNKNOWN_FIELD = "未知字段：{value}"
MSG_YES_NO = "{label}“{value}”无法识别，请填写“是”或“否”。"
_YES_NO = {"是": True, "是的": True, "对": True, "y": True, "yes": True, "1": True, "√": True,
           "否": False, "不是": False, "n": False, "no": False, "0": False, "×": False}
MSG_INVALID = "{label}无法识别，请重新输入。"
MSG_PARSE_FAILED = "工单内容无法解析，请检查后重新粘贴，或逐项输入。"
OTHER_PHONES_LABEL = "其他联系电话"


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


# ---------------------------------------------------------------- values


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


def parse_datetime(raw: str, *, now: datetime, end_of_day: bool = False) -> datetime | None:
    """Read 2026-11-25 09:12, 2026/11/25 9:12, 2026年11月25日 09时12分, 11-25 09:12 …

    A missing year is taken from ``now``; a date without time is 00:00 (23:59 when
    ``end_of_day``). The result is aware, in Asia/Shanghai.
    """
    tz = now.tzinfo or SHANGHAI
    s = unicodedata.normalize("NFKC", raw or "").strip()
    if not s:
        return None
    try:
        iso = datetime.fromisoformat(s)
    except ValueError:
        iso = None
    if iso is not None and ("T" in s or iso.tzinfo is not None):
        return (iso if iso.tzinfo else iso.replace(tzinfo=tz)).astimezone(SHANGHAI)
    ampm = _AMPM.search(s)
    s = _AMPM.sub(" ", s)
    s = re.sub(r"[时点]半", ":30", s)
    s = s.replace("年", "-").replace("月", "-").replace("日", " ").replace("号", " ")
    s = s.replace("时", ":").replace("点", ":").replace("分", ":").replace("秒", "")
    s = re.sub(r"\s+", " ", s.replace("T", " ")).strip().rstrip(":").strip()
    if re.fullmatch(r"\d{1,2}(?::\d{1,2}){1,2}", s):  # a time alone: today
        s = f"{(now.astimezone(tz) if now.tzinfo else now).strftime('%Y-%m-%d')} {s}"
    m = re.fullmatch(
        r"(?:(\d{4})\s*[-/.]\s*)?(\d{1,2})\s*[-/.]\s*(\d{1,2})"
        r"(?:\s*(\d{1,2})\s*(?::\s*(\d{1,2}))?\s*(?::\s*(\d{1,2}))?)?",
        s,
    )
    if not m:
        return None
    year_s, mon, day, hour, minute, second = m.groups()
    now_local = now.astimezone(tz) if now.tzinfo else now.replace(tzinfo=tz)
    year = int(year_s) if year_s else now_local.year
    if hour is None:
        h, mi, sec = (23, 59, 0) if end_of_day else (0, 0, 0)
    else:
        h, mi, sec = int(hour), int(minute or 0), int(second or 0)
        if ampm and ampm.group(1) in ("下午", "晚上") and h < 12:
            h += 12
    try:
        result = datetime(year, int(mon), int(day), h, mi, sec, tzinfo=tz)
    except ValueError:
        return None
    if not year_s:
        # "11-25 09:12" pasted early in January means last year (a deadline: next year).
        if not end_of_day and result > now_local + timedelta(days=1):
            result = _with_year(result, year - 1) or result
        elif end_of_day and result < now_local - timedelta(days=180):
            result = _with_year(result, year + 1) or result
    return result.astimezone(SHANGHAI)


def _with_year(value: datetime, year: int) -> datetime | None:
    try:
        return value.replace(year=year)
    except ValueError:  # 29 February
        return None


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
    shown = _shorten(text)
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
        flag = _YES_NO.get(unicodedata.normalize("NFKC", text).strip().lower())
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


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


# ---------------------------------------------------------------- the paste


def _label_of(line: str) -> tuple[str, str, bool] | None:
    """Return (label, value, is_known) for a "label：value" line, else None."""
    for pattern in (_BRACKET_LINE, _COLON_LINE, _TAB_LINE):
        m = pattern.match(line)
        if not m:
            continue
        label = re.sub(r"[\s\u3000]+", "", m.group(1))
        known = label in _LABELS
        if pattern is _TAB_LINE and not known:
            return None
        return label, m.group(2).strip(), known
    return None


def _inline_pairs(label: str, value: str) -> list[tuple[str, str]]:
    """Split "张三  联系电话：138…" after a label into several pairs; content swallows the rest."""
    pairs: list[tuple[str, str]] = []
    if _LABELS[label] == "content":
        return [(label, value)]
    pos = 0
    for m in _INLINE_LABEL.finditer(value):
        if m.start() < pos:
            continue
        pairs.append((label, value[pos : m.start()].strip()))
        label, pos = m.group(1), m.end()
        if _LABELS[label] == "content":
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
                name = _LABELS[label]
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
            errors.append(FieldError("phone", MSG_PHONE.format(value=_shorten(phone_text))))

    if ticket.received_at is None:
        ticket.received_at = now
    deadline = ticket.platform_deadline
    if deadline is not None and deadline < ticket.received_at:
        errors.append(FieldError("platform_deadline", MSG_DEADLINE_EARLY.format(
            value=_shorten(raw["platform_deadline"][1]))))
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
