"""Parsers for ``parse_mode="MarkdownV2"`` and legacy ``"Markdown"`` (after tdlib).

Why: Telegram rejects an unescaped reserved character in MarkdownV2 outright, which is the most
common production failure of MarkdownV2 bots; the emulator reproduces that rejection and the
entity/offset bookkeeping with reasonable (not byte-for-byte) fidelity.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.emulator.errors import EntityParseError

RESERVED = "_*[]()~`>#+-=|{}.!"


@dataclass
class _Open:
    """An entity whose closing marker has not been seen yet."""

    type: str
    offset: int
    index: int
    argument: str = ""


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _reserved(char: str) -> EntityParseError:
    return EntityParseError(
        f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
    )


def _closes(top: _Open, text: str, i: int) -> bool:
    """Does the marker at ``i`` end the innermost open entity?"""
    char, nxt = text[i], text[i + 1 : i + 2]
    return {
        "bold": char == "*",
        "italic": char == "_" and nxt != "_",
        "underline": char == "_" and nxt == "_",
        "strikethrough": char == "~",
        "spoiler": char == "|" and nxt == "|",
        "code": char == "`",
        "pre": text[i : i + 3] == "```",
        "text_link": char == "]",
        "custom_emoji": char == "]",
    }[top.type]


def _open_entity(text: str, i: int, offset: int) -> tuple[_Open, int]:
    """Start an entity at the marker ``text[i]``; returns it and the index of its last char."""
    char, nxt = text[i], text[i + 1 : i + 2]
    if char == "_":
        if nxt == "_":
            return _Open("underline", offset, i), i + 1
        return _Open("italic", offset, i), i
    simple = {"*": "bold", "~": "strikethrough", "[": "text_link"}
    if char in simple:
        return _Open(simple[char], offset, i), i
    if char == "|" and nxt == "|":
        return _Open("spoiler", offset, i), i + 1
    if char == "!" and nxt == "[":
        return _Open("custom_emoji", offset, i), i + 1
    if char == "`":
        if text[i : i + 3] != "```":
            return _Open("code", offset, i), i
        j = i + 3
        k = j
        while k < len(text) and not text[k].isspace() and text[k] != "`":
            k += 1
        language = ""
        if k != j and k < len(text) and text[k] != "`":
            language, j = text[j:k], k
        if text[j : j + 2] in ("\r\n", "\n\r"):
            j += 2
        elif text[j : j + 1] in ("\n", "\r"):
            j += 1
        return _Open("pre", offset, i, language), j - 1
    raise _reserved(char)


def _read_url(text: str, i: int) -> tuple[str, int]:
    """Read ``(url)`` starting at ``text[i] == '('``; returns url and index of ``)``."""
    start = i + 1
    j, chars = start, []
    while j < len(text) and text[j] != ")":
        if text[j] == "\\" and j + 1 < len(text) and 0 < ord(text[j + 1]) <= 126:
            chars.append(text[j + 1])
            j += 2
            continue
        chars.append(text[j])
        j += 1
    if j >= len(text):
        where = _byte_offset(text, start)
        raise EntityParseError(f"Can't find end of a URL at byte offset {where}")
    return "".join(chars), j


def parse_markdown_v2(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Return ``(plain_text, entities)`` or raise :class:`EntityParseError`."""
    out: list[str] = []
    u16 = 0
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    quote_start: int | None = None
    last_newline = 0
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        at_line_start = i == 0 or text[i - 1] == "\n"
        if at_line_start and not stack:
            if char == ">":
                quote_start = u16 if quote_start is None else quote_start
                i += 1
                continue
            if quote_start is not None:
                length = last_newline - quote_start
                entities.append({"type": "blockquote", "offset": quote_start, "length": length})
                quote_start = None
        if char == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
            out.append(text[i + 1])
            u16 += 1
            i += 2
            continue
        in_code = bool(stack) and stack[-1].type in ("code", "pre")
        if char not in ("`" if in_code else RESERVED):
            if char == "\n":
                last_newline = u16
            out.append(char)
            u16 += 2 if ord(char) > 0xFFFF else 1
            i += 1
            continue
        if not stack or not _closes(stack[-1], text, i):
            opened, i = _open_entity(text, i, u16)
            stack.append(opened)
            i += 1
            continue
        top = stack.pop()
        entity: dict[str, Any] = {"type": top.type, "offset": top.offset, "length": 0}
        if top.type in ("underline", "spoiler"):
            i += 1
        elif top.type == "pre":
            i += 2
            if top.argument:
                entity["language"] = top.argument
        elif top.type in ("text_link", "custom_emoji"):
            if text[i + 1 : i + 2] == "(":
                url, i = _read_url(text, i + 1)
            elif top.type == "custom_emoji":
                raise EntityParseError("Custom emoji entity must contain a tg://emoji URL")
            else:
                url = "".join(out)[top.offset :]
            if top.type == "custom_emoji":
                entity["custom_emoji_id"] = url.partition("id=")[2]
            else:
                entity["url"] = url
        entity["length"] = u16 - top.offset
        if entity["length"] > 0:
            entities.append(entity)
        i += 1
    if stack:
        raise EntityParseError(
            "Can't find end of the entity starting at byte offset "
            f"{_byte_offset(text, stack[-1].index)}"
        )
    if quote_start is not None:
        entities.append({"type": "blockquote", "offset": quote_start, "length": u16 - quote_start})
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def parse_markdown(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Legacy ``Markdown``: ``*bold*``, ``_italic_``, ```` `code` ````, ```` ```pre``` ````,
    ``[text](url)``; no nesting, ``\\`` escapes only ``_*`[``."""
    out: list[str] = []
    entities: list[dict[str, Any]] = []
    u16 = 0
    i, n = 0, len(text)
    kinds = {"*": "bold", "_": "italic", "`": "code", "[": "text_link"}
    while i < n:
        char = text[i]
        if char == "\\" and text[i + 1 : i + 2] in ("_", "*", "`", "["):
            out.append(text[i + 1])
            u16 += 1
            i += 2
            continue
        if char not in kinds:
            out.append(char)
            u16 += 2 if ord(char) > 0xFFFF else 1
            i += 1
            continue
        begin = i
        end_marker = {"[": "]"}.get(char, char)
        kind = kinds[char]
        if text[i : i + 3] == "```":
            kind, end_marker, i = "pre", "```", i + 2
        end = text.find(end_marker, i + 1)
        if end == -1:
            raise EntityParseError(
                f"Can't find end of the entity starting at byte offset {_byte_offset(text, begin)}"
            )
        inner = text[i + 1 : end]
        entity: dict[str, Any] = {"type": kind, "offset": u16, "length": 0}
        i = end + len(end_marker)
        if kind == "text_link":
            if text[i : i + 1] != "(" or text.find(")", i) == -1:
                raise EntityParseError(
                    f"Can't find end of a URL at byte offset {_byte_offset(text, i)}"
                )
            close = text.find(")", i)
            entity["url"], i = text[i + 1 : close], close + 1
        out.append(inner)
        entity["length"] = len(inner.encode("utf-16-le")) // 2
        u16 += entity["length"]
        if entity["length"]:
            entities.append(entity)
    return "".join(out), entities
