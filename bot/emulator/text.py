"""Text helpers shared by the method implementations: parse modes, trimming, length limits.

Telegram measures lengths and entity offsets in UTF-16 code units *after* the markup has been
parsed and the text trimmed, so that is what these helpers compute.
"""

from __future__ import annotations

import re
from typing import Any

from bot.emulator.errors import EntityParseError, bad_request
from bot.emulator.html_entities import parse_html, utf16_len
from bot.emulator.markdown_v2 import parse_markdown, parse_markdown_v2

MAX_TEXT = 4096
MAX_CAPTION = 1024
_COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w@/])")


def _strip(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Trim surrounding whitespace like Telegram and clip entity ranges accordingly."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    head = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    fixed: list[dict[str, Any]] = []
    for entity in entities:
        start = max(entity["offset"] - head, 0)
        end = min(entity["offset"] + entity["length"] - head, total)
        if end > start:
            fixed.append({**entity, "offset": start, "length": end - start})
    return stripped, fixed


def parse_formatted(
    text: str,
    parse_mode: str | None,
    entities: list[dict[str, Any]] | None = None,
    *,
    strict_amp: bool = True,
) -> tuple[str, list[dict[str, Any]]]:
    """Apply ``parse_mode`` (or explicit ``entities``); 400 "can't parse entities" on failure."""
    mode = (parse_mode or "").lower()
    try:
        if mode == "html":
            plain, found = parse_html(text, strict_amp=strict_amp)
        elif mode == "markdownv2":
            plain, found = parse_markdown_v2(text)
        elif mode == "markdown":
            plain, found = parse_markdown(text)
        elif mode:
            raise bad_request(f"unsupported parse_mode {parse_mode}")
        else:
            plain, found = text, list(entities or [])
    except EntityParseError as exc:
        raise bad_request(f"can't parse entities: {exc}") from None
    return _strip(plain, found)


def command_entities(text: str) -> list[dict[str, Any]]:
    """``bot_command`` entities for every ``/command`` or ``/command@bot`` in a user's text."""
    found = []
    for match in _COMMAND_RE.finditer(text):
        found.append(
            {
                "type": "bot_command",
                "offset": utf16_len(text[: match.start()]),
                "length": utf16_len(match.group()),
            }
        )
    return found


def check_text(
    params: dict[str, Any], *, key: str = "text", strict_amp: bool = True
) -> tuple[str, list[dict[str, Any]]]:
    """Validate a message text: parsed, trimmed, non-empty and at most 4096 UTF-16 units."""
    raw = params.get(key)
    if raw is None or raw == "":
        raise bad_request("message text is empty")
    plain, entities = parse_formatted(
        str(raw), params.get("parse_mode"), params.get("entities"), strict_amp=strict_amp
    )
    if not plain:
        raise bad_request("message text is empty")
    if utf16_len(plain) > MAX_TEXT:
        raise bad_request("message is too long")
    return plain, entities


def check_caption(
    params: dict[str, Any], *, strict_amp: bool = True
) -> tuple[str, list[dict[str, Any]]] | None:
    """Validate an optional caption (≤1024 UTF-16 units after parsing); None when absent."""
    raw = params.get("caption")
    if raw is None or raw == "":
        return None
    plain, entities = parse_formatted(
        str(raw), params.get("parse_mode"), params.get("caption_entities"), strict_amp=strict_amp
    )
    if utf16_len(plain) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    return plain, entities


def check_reply_markup(markup: Any) -> dict[str, Any] | None:
    """Validate an inline keyboard like Telegram (callback_data 1-64 bytes, non-empty text)."""
    if markup is None or markup == "":
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return markup
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not str(button.get("text", "")).strip():
                raise bad_request("text buttons are unallowed in the inline keyboard")
            if "callback_data" in button:
                size = len(str(button["callback_data"]).encode("utf-8"))
                if not 1 <= size <= 64:
                    raise bad_request("BUTTON_DATA_INVALID")
            elif not any(
                k in button
                for k in (
                    "url",
                    "switch_inline_query",
                    "switch_inline_query_current_chat",
                    "switch_inline_query_chosen_chat",
                    "web_app",
                    "login_url",
                    "pay",
                    "callback_game",
                    "copy_text",
                )
            ):
                raise bad_request("text buttons are unallowed in the inline keyboard")
    return markup
