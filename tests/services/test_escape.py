"""The one escaping helper (`bot.texts.escape`): what users type is quoted literally."""

from __future__ import annotations

from bot.texts.escape import escape


def test_markup_characters_become_entities() -> None:
    assert escape("<b>") == "&lt;b&gt;"
    assert escape("a&b") == "a&amp;b"
    assert escape('"x" \'y\'') == "&quot;x&quot; &#x27;y&#x27;"
    assert escape("张三 2026-11-25") == "张三 2026-11-25"


def test_none_is_empty_and_other_values_are_shown_as_text() -> None:
    assert escape(None) == ""
    assert escape(12) == "12"
    assert escape(escape("<")) == "&amp;lt;"  # escaping twice shows the entity: call it once
