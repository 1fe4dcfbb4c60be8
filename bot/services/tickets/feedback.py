"""A unit's feedback (反馈): its four labelled parts, read from one message or several.

The feedback must label 背景, 过程, 结果 and 后续 ("背景：…"; full-width or ASCII colon, or
"【背景】"). Staff often send it in pieces, so the parts are collected across messages; text
outside any labelled part ("已经处理好了") is not part of the feedback and is never stored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.services.tickets.vocabulary import FEEDBACK_PARTS

# A label starts a line or follows a blank, a comma or a full stop (so a word inside a
# sentence, "检查结果：正常", is not taken for one), maybe after a number ("1.", "一、", "（2）").
_NUMBER = r"(?:[（(]?[0-9０-９一二三四]{1,2}[)）.．、]\s*)?"
_PART = re.compile(
    r"(?:^|(?<=[\s，,。；;]))" + _NUMBER + r"(?:[【\[［]\s*)?(" + "|".join(FEEDBACK_PARTS)
    + r")\s*(?:[】\]］]\s*[:：]?|[:：])"
)


@dataclass(frozen=True)
class Feedback:
    """The labelled parts found (part → its text) and the text outside every part."""

    parts: dict[str, str] = field(default_factory=dict)
    stray: str = ""


def read_feedback(text: str) -> Feedback:
    """Split a message into its labelled parts; a part given twice keeps the later text."""
    matches = list(_PART.finditer(text or ""))
    parts: dict[str, str] = {}
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        body = text[m.end():end].strip()
        if body:
            parts[m.group(1)] = body
    head = text[: matches[0].start()] if matches else (text or "")
    return Feedback(parts, head.strip())


def missing_parts(parts: Mapping[str, str]) -> list[str]:
    """The parts not given yet, in their order."""
    return [p for p in FEEDBACK_PARTS if not parts.get(p)]


def missing_feedback_parts(text: str) -> list[str]:
    """The required parts that a feedback text does not label (with some text after)."""
    return missing_parts(read_feedback(text).parts)


def compose(parts: Mapping[str, str]) -> str:
    """The stored feedback: the parts given, one per line, in their order."""
    return "\n".join(f"{p}：{parts[p]}" for p in FEEDBACK_PARTS if parts.get(p))
