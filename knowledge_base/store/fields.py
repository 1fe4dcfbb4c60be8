"""The fields of an entry: their limits and validation, and reading / writing them on a row.

Every way in — the dialogues (field by field), the commands, file import — validates through
:func:`clean`, so an entry in the database always satisfies the same rules; a problem is a
:class:`~knowledge_base.errors.KbError` with a code that ``bot/texts/kb.py`` words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from knowledge_base.errors import KbError
from knowledge_base.normalize import normalize
from models.kb import KbEntry

__all__ = [
    "FIELDS",
    "KEYWORD_SPLIT",
    "KbError",
    "apply_fields",
    "changed_fields",
    "check_field",
    "clean",
    "keywords_of",
    "similar_of",
    "split_keywords",
    "split_similar",
]

#: The fields of an entry, in import/export column order (``similar`` last: older files
#: without it still line up).
FIELDS = ("question", "answer", "keywords", "category", "source", "similar")
MAX_QUESTION = 200
MAX_ANSWER = 10_000
MAX_KEYWORD = 32
MAX_KEYWORDS = 40
MAX_CATEGORY = 64
MAX_SOURCE = 500
MAX_SIMILAR = 30  # phrasings per entry
KEYWORD_SPLIT = re.compile(r"[、,，;；\s]+")
#: Similar phrasings are sentences (they may hold 、 and spaces): one per line, or ｜ / | / ；.
SIMILAR_SPLIT = re.compile(r"[\n\r|｜;；]+")


def split_keywords(value: object) -> tuple[str, ...]:
    """Keywords from a list or a string separated by 、,，;； or spaces (duplicates dropped)."""
    return _split(value, KEYWORD_SPLIT)


def split_similar(value: object) -> tuple[str, ...]:
    """Similar phrasings from a list or a string with one per line (or | ；-separated)."""
    return tuple(" ".join(p.split()) for p in _split(value, SIMILAR_SPLIT))


def _split(value: object, pattern: re.Pattern[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    parts: list[str] = []
    items = value if isinstance(value, list | tuple) else [value]
    for item in items:
        if item is None:
            continue
        parts.extend(p for p in pattern.split(str(item)) if p)
    return tuple(dict.fromkeys(p.strip() for p in parts if p.strip()))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _check_question(question: str) -> None:
    if not question:
        raise KbError("question_empty")
    if not normalize(question):
        raise KbError("question_no_text")
    if len(question) > MAX_QUESTION:
        raise KbError("question_too_long", n=len(question), max=MAX_QUESTION)


def _check_lists(keywords: tuple[str, ...], similar: tuple[str, ...]) -> None:
    if len(keywords) > MAX_KEYWORDS:
        raise KbError("keywords_too_many", n=len(keywords), max=MAX_KEYWORDS)
    for kw in keywords:
        if len(kw) > MAX_KEYWORD:
            raise KbError("keyword_too_long", keyword=kw[:40], max=MAX_KEYWORD)
    if len(similar) > MAX_SIMILAR:
        raise KbError("similar_too_many", n=len(similar), max=MAX_SIMILAR)
    for text in similar:
        if len(text) > MAX_QUESTION:
            raise KbError("similar_too_long", text=text[:40], max=MAX_QUESTION)


def clean(values: Mapping[str, Any]) -> dict[str, Any]:
    """Validate and tidy the fields of an entry; raises KbError naming the first problem."""
    question = " ".join(_text(values.get("question")).split())
    answer = _text(values.get("answer")).replace("\r\n", "\n")
    keywords = split_keywords(values.get("keywords"))
    category = " ".join(_text(values.get("category")).split())
    source = " ".join(_text(values.get("source")).split())
    key = normalize(question)
    similar = tuple(s for s in split_similar(values.get("similar"))
                    if normalize(s) and normalize(s) != key)
    _check_question(question)
    if not answer:
        raise KbError("answer_empty")
    if len(answer) > MAX_ANSWER:
        raise KbError("answer_too_long", n=len(answer), max=MAX_ANSWER)
    _check_lists(keywords, similar)
    if len(category) > MAX_CATEGORY:
        raise KbError("category_too_long", max=MAX_CATEGORY)
    if len(source) > MAX_SOURCE:
        raise KbError("source_too_long", max=MAX_SOURCE)
    return {"question": question, "answer": answer, "keywords": keywords,
            "category": category, "source": source, "similar": similar}


def check_field(name: str, value: object) -> Any:
    """Validate and tidy one field (for dialogues that ask field by field)."""
    values: dict[str, Any] = {"question": "问", "answer": "答", name: value}
    return clean(values)[name]


def keywords_of(row: KbEntry) -> tuple[str, ...]:
    return tuple(k for k in row.keywords.split("、") if k) if row.keywords else ()


def similar_of(row: KbEntry) -> tuple[str, ...]:
    return tuple(s for s in row.similar.split("\n") if s) if row.similar else ()


def _current(row: KbEntry, name: str) -> object:
    if name == "keywords":
        return keywords_of(row)
    if name == "similar":
        return similar_of(row)
    return getattr(row, name)


def changed_fields(row: KbEntry, values: Mapping[str, Any]) -> list[str]:
    """The fields of ``values`` that differ from the row."""
    return [n for n in FIELDS if n in values and _current(row, n) != values[n]]


def apply_fields(row: KbEntry, values: Mapping[str, Any]) -> None:
    """Write ``values`` to the row (lists joined, the question's match key kept)."""
    for name, value in values.items():
        if name == "keywords":
            row.keywords = "、".join(value)
        elif name == "similar":
            row.similar = "\n".join(value)
        elif name == "question":
            row.question = value
            row.question_key = normalize(value)[:256]
        else:
            setattr(row, name, value)
