"""The fields of an entry: their limits and validation, and reading / writing them on a row.

Every way in — the dialogues (field by field), the commands, file import — validates through
:func:`clean`, so an entry in the database always satisfies the same rules; the Chinese messages
of :class:`KbError` go to the user as they are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from knowledge_base.normalize import normalize
from models.kb import KbEntry

__all__ = [
    "FIELDS",
    "FIELD_NAMES_ZH",
    "KbError",
    "apply_fields",
    "changed_fields",
    "check_field",
    "clean",
    "keywords_of",
    "split_keywords",
]

#: The fields of an entry, in import/export column order.
FIELDS = ("question", "answer", "keywords", "category", "source")
FIELD_NAMES_ZH = {
    "question": "问题",
    "answer": "答复口径",
    "keywords": "关键词",
    "category": "分类",
    "source": "来源",
}
MAX_QUESTION = 200
MAX_ANSWER = 10_000
MAX_KEYWORD = 32
MAX_KEYWORDS = 40
MAX_CATEGORY = 64
MAX_SOURCE = 500
KEYWORD_SPLIT = re.compile(r"[、,，;；\s]+")


class KbError(ValueError):
    """A change the knowledge base refuses; the message is Chinese, for the user."""


def split_keywords(value: object) -> tuple[str, ...]:
    """Keywords from a list or a string separated by 、,，;； or spaces (duplicates dropped)."""
    if value is None:
        return ()
    parts: list[str] = []
    items = value if isinstance(value, list | tuple) else [value]
    for item in items:
        if item is None:
            continue
        parts.extend(p for p in KEYWORD_SPLIT.split(str(item)) if p)
    return tuple(dict.fromkeys(p.strip() for p in parts if p.strip()))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def clean(values: Mapping[str, Any]) -> dict[str, Any]:
    """Validate and tidy the fields of an entry; raises KbError naming the first problem."""
    question = " ".join(_text(values.get("question")).split())
    answer = _text(values.get("answer")).replace("\r\n", "\n")
    keywords = split_keywords(values.get("keywords"))
    category = " ".join(_text(values.get("category")).split())
    source = " ".join(_text(values.get("source")).split())
    if not question:
        raise KbError("问题不能为空")
    if not normalize(question):
        raise KbError("问题里没有文字")
    if len(question) > MAX_QUESTION:
        raise KbError(f"问题太长（{len(question)} 字，最多 {MAX_QUESTION} 字）")
    if not answer:
        raise KbError("答复口径不能为空")
    if len(answer) > MAX_ANSWER:
        raise KbError(f"答复口径太长（{len(answer)} 字，最多 {MAX_ANSWER} 字）")
    if len(keywords) > MAX_KEYWORDS:
        raise KbError(f"关键词太多（{len(keywords)} 个，最多 {MAX_KEYWORDS} 个）")
    for kw in keywords:
        if len(kw) > MAX_KEYWORD:
            raise KbError(f"关键词“{kw[:40]}”太长（最多 {MAX_KEYWORD} 字）")
    if len(category) > MAX_CATEGORY:
        raise KbError(f"分类太长（最多 {MAX_CATEGORY} 字）")
    if len(source) > MAX_SOURCE:
        raise KbError(f"来源太长（最多 {MAX_SOURCE} 字）")
    return {"question": question, "answer": answer, "keywords": keywords,
            "category": category, "source": source}


def check_field(name: str, value: object) -> Any:
    """Validate and tidy one field (for dialogues that ask field by field)."""
    values: dict[str, Any] = {"question": "问题", "answer": "答复", name: value}
    return clean(values)[name]


def keywords_of(row: KbEntry) -> tuple[str, ...]:
    return tuple(k for k in row.keywords.split("、") if k) if row.keywords else ()


def changed_fields(row: KbEntry, values: Mapping[str, Any]) -> list[str]:
    """The fields of ``values`` that differ from the row."""
    out = []
    for name in FIELDS:
        if name not in values:
            continue
        old: object = keywords_of(row) if name == "keywords" else getattr(row, name)
        if old != values[name]:
            out.append(name)
    return out


def apply_fields(row: KbEntry, values: Mapping[str, Any]) -> None:
    """Write ``values`` to the row (keywords joined with 、, the question's match key kept)."""
    for name, value in values.items():
        if name == "keywords":
            row.keywords = "、".join(value)
        elif name == "question":
            row.question = value
            row.question_key = normalize(value)[:256]
        else:
            setattr(row, name, value)
