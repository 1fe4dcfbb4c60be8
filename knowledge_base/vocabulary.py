"""The knowledge base's domain vocabulary: Chinese words that are data, kept in one place.

Field names (shown on buttons and in history) and the summaries written into each version
(stored in ``KbVersion.summary`` and shown by ``/kb_history``) are data, not sentences: they are
stored, compared and exported. Everything the bot *says* is worded in ``bot/texts/kb.py``.
"""

from __future__ import annotations

__all__ = ["FIELD_NAMES_ZH", "SUMMARY", "changed_summary"]

FIELD_NAMES_ZH = {
    "question": "问题",
    "answer": "答复口径",
    "keywords": "关键词",
    "category": "分类",
    "source": "来源",
    "similar": "相似问法",
}

#: what a version says about the change (stored with it)
SUMMARY = {
    "seed": "初始内容",
    "add": "新建",
    "edit": "修改：",
    "delete": "删除",
    "import_add": "导入新增",
    "import_update": "导入更新",
    "import_restore": "导入恢复",
    "learned": "学习：相似问法",
}


def changed_summary(prefix: str, names: list[str]) -> str:
    """``修改：答复口径、关键词`` — a summary naming the changed fields."""
    return prefix + "、".join(FIELD_NAMES_ZH[n] for n in names)
