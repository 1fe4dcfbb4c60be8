"""A strict parser for Telegram's ``parse_mode="HTML"`` (modelled on tdlib's ``parse_html``).

Why not :mod:`html.parser`: it silently accepts broken markup, while Telegram rejects it with
``can't parse entities: ...``. The emulator must reject exactly what Telegram rejects so that a
forgotten ``html.escape`` fails in tests instead of in production.

Output is the plain text (tags stripped, entities decoded) plus Bot API ``MessageEntity`` dicts
with UTF-16 offsets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.emulator.errors import EntityParseError

_TAG_TYPES: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


@dataclass
class _Open:
    """A start tag waiting for its end tag."""

    tag: str
    attrs: dict[str, str]
    offset: int
    index: int
    extra: dict[str, Any] = field(default_factory=dict)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units (Telegram's unit for offsets and limits)."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _decode_entity(text: str, i: int) -> tuple[str | None, int]:
    """Decode the ``&...;`` starting at ``i``; ``(None, i)`` if it is not a valid entity."""
    end = text.find(";", i + 1, i + 12)
    if end == -1:
        return None, i
    body = text[i + 1 : end]
    if body in _NAMED:
        return _NAMED[body], end + 1
    if body.startswith("#"):
        digits, base = body[1:], 10
        if digits[:1] in ("x", "X"):
            digits, base = digits[1:], 16
        try:
            code = int(digits, base) if digits.isalnum() else -1
        except ValueError:
            code = -1
        if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
            return chr(code), end + 1
    return None, i


def _skip_spaces(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _parse_attributes(text: str, i: int, tag: str, begin: int) -> tuple[dict[str, str], int]:
    """Parse ``name=value`` pairs up to the closing ``>``; returns attrs and the index of ``>``."""
    n = len(text)
    attrs: dict[str, str] = {}
    where = f"at byte offset {_byte_offset(text, begin)}"
    while True:
        i = _skip_spaces(text, i)
        if i >= n:
            raise EntityParseError(f'Unclosed start tag "{tag}" {where}')
        if text[i] == ">":
            return attrs, i
        start = i
        while i < n and not text[i].isspace() and text[i] not in "=>":
            i += 1
        name = text[start:i].lower()
        if not name:
            raise EntityParseError(f'Empty attribute name in the tag "{tag}" {where}')
        i = _skip_spaces(text, i)
        if i >= n or text[i] != "=":
            if tag == "blockquote" and name == "expandable":
                attrs[name] = ""
                continue
            raise EntityParseError(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}" {where}'
            )
        i = _skip_spaces(text, i + 1)
        if i >= n:
            raise EntityParseError(f'Unclosed start tag "{tag}" {where}')
        if text[i] in "'\"":
            quote, i, chunks = text[i], i + 1, []
            while i < n and text[i] != quote:
                if text[i] == "&":
                    decoded, nxt = _decode_entity(text, i)
                    if decoded is not None:
                        chunks.append(decoded)
                        i = nxt
                        continue
                chunks.append(text[i])
                i += 1
            if i >= n:
                raise EntityParseError(f"Unclosed start tag {where}")
            i += 1
            value = "".join(chunks)
        else:
            start = i
            while i < n and (text[i].isalnum() or text[i] in ".-"):
                i += 1
            value = text[start:i].lower()
            if i < n and not text[i].isspace() and text[i] != ">":
                raise EntityParseError(
                    f"Unexpected end of name token at byte offset {_byte_offset(text, start)}"
                )
        attrs.setdefault(name, value)


def _check_start_tag(opened: _Open, text: str) -> None:
    where = f"at byte offset {_byte_offset(text, opened.index)}"
    if opened.tag == "span" and opened.attrs.get("class") != "tg-spoiler":
        raise EntityParseError(f'Tag "span" must have class "tg-spoiler" {where}')
    if opened.tag == "a" and not opened.attrs.get("href"):
        raise EntityParseError(f'Tag "a" must have non-empty attribute "href" {where}')


def _entity_for(opened: _Open, length: int, entities: list[dict[str, Any]]) -> dict[str, Any]:
    """Build the MessageEntity for a closed tag (pre absorbs an inner language code block)."""
    etype = _TAG_TYPES[opened.tag]
    entity: dict[str, Any] = {"type": etype, "offset": opened.offset, "length": length}
    if opened.tag == "a":
        entity["url"] = opened.attrs["href"]
    elif opened.tag == "code":
        lang = opened.attrs.get("class", "")
        if lang.startswith("language-") and len(lang) > len("language-"):
            entity["language"] = lang[len("language-") :]
    elif opened.tag == "pre" and entities:
        inner = entities[-1]
        same_span = inner["offset"] == opened.offset and inner["length"] == length
        if inner["type"] == "code" and same_span:
            entities.pop()
            if "language" in inner:
                entity["language"] = inner["language"]
    elif opened.tag == "blockquote" and "expandable" in opened.attrs:
        entity["type"] = "expandable_blockquote"
    elif opened.tag == "tg-emoji":
        emoji_id = opened.attrs.get("emoji-id", "")
        if not emoji_id.isdigit() or int(emoji_id) == 0:
            raise EntityParseError("Invalid custom emoji identifier specified")
        entity["custom_emoji_id"] = emoji_id
    return entity


def parse_html(text: str, *, strict_amp: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Return ``(plain_text, entities)`` or raise :class:`EntityParseError`.

    ``strict_amp``: reject a bare ``&`` (tdlib keeps it literally, but the Bot API docs say it
    must be escaped; strictness catches missing ``html.escape`` calls).
    """
    out: list[str] = []
    u16 = 0
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "&":
            decoded, nxt = _decode_entity(text, i)
            if decoded is None:
                if strict_amp:
                    raise EntityParseError(
                        f'Character "&" must be escaped as "&amp;" at byte offset '
                        f"{_byte_offset(text, i)}"
                    )
                decoded, nxt = "&", i + 1
            out.append(decoded)
            u16 += utf16_len(decoded)
            i = nxt
            continue
        if char != "<":
            out.append(char)
            u16 += 2 if ord(char) > 0xFFFF else 1
            i += 1
            continue
        begin = i
        where = f"at byte offset {_byte_offset(text, begin)}"
        if i + 1 < n and text[i + 1] == "/":
            if not stack:
                raise EntityParseError(f"Unexpected end tag {where}")
            j = i + 2
            while j < n and not text[j].isspace() and text[j] != ">":
                j += 1
            end_name = text[i + 2 : j].lower()
            j = _skip_spaces(text, j)
            if j >= n or text[j] != ">":
                raise EntityParseError(f"Unclosed end tag {where}")
            top = stack.pop()
            if end_name and end_name != top.tag:
                raise EntityParseError(
                    f'Unmatched end tag {where}, expected "</{top.tag}>", found "</{end_name}>"'
                )
            entity = _entity_for(top, u16 - top.offset, entities)
            if entity["length"] > 0:
                entities.append(entity)
            i = j + 1
            continue
        j = i + 1
        while j < n and not text[j].isspace() and text[j] != ">":
            j += 1
        if j >= n:
            raise EntityParseError(f"Unclosed start tag {where}")
        tag = text[i + 1 : j].lower()
        if tag not in _TAG_TYPES:
            raise EntityParseError(f'Unsupported start tag "{tag}" {where}')
        attrs, gt = _parse_attributes(text, j, tag, begin)
        opened = _Open(tag=tag, attrs=attrs, offset=u16, index=begin)
        _check_start_tag(opened, text)
        stack.append(opened)
        i = gt + 1
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities
