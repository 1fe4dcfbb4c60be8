"""Text validation: HTML and MarkdownV2 parsing, length limits, as seen through PTB."""

from __future__ import annotations

import pytest
import telegram
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.emulator import BotApiEmulator
from bot.emulator.html_entities import parse_html
from tests.emulator.conftest import USER


async def _rejected(emu: BotApiEmulator, bot: telegram.Bot, text: str, mode: str) -> str:
    with pytest.raises(BadRequest):
        await bot.send_message(USER, text, parse_mode=mode)
    error = emu.calls_to("sendMessage")[-1].error
    assert error is not None
    return error


async def test_valid_nested_html(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    html = (
        '<b>工单 <i>#12</i></b> <a href="https://example.com/?a=1&amp;b=2">链接</a> '
        '<span class="tg-spoiler">秘</span> <pre><code class="language-python">x &lt; 1'
        "</code></pre> &#128512;&#x41;&quot;&gt;"
    )
    message = await bot.send_message(USER, html, parse_mode=ParseMode.HTML)
    assert message.text == '工单 #12 链接 秘 x < 1 😀A">'
    kinds = {e.type: message.parse_entity(e) for e in message.entities}
    assert kinds["bold"] == "工单 #12"
    assert kinds["italic"] == "#12"
    assert kinds["text_link"] == "链接"
    assert kinds["spoiler"] == "秘"
    assert kinds["pre"] == "x < 1"
    pre = next(e for e in message.entities if e.type == "pre")
    assert pre.language == "python"
    link = next(e for e in message.entities if e.type == "text_link")
    assert link.url == "https://example.com/?a=1&b=2"
    stored = emu.last_bot_message(USER)
    assert stored is not None and stored["html"] == html and stored["text"] == message.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("请看 <foo>x</foo>", 'Unsupported start tag "foo" at byte offset 7'),
        ("<b>粗体", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("Tom & Jerry", 'Character "&" must be escaped as "&amp;" at byte offset 4'),
        ("<a>x</a>", 'Tag "a" must have non-empty attribute "href" at byte offset 0'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("x <b", "Unclosed start tag at byte offset 2"),
    ],
)
async def test_html_rejections(
    emu: BotApiEmulator, bot: telegram.Bot, text: str, expected: str
) -> None:
    error = await _rejected(emu, bot, text, ParseMode.HTML)
    assert error == f"Bad Request: can't parse entities: {expected}"


async def test_html_length_counts_plain_text(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    # 4096 visible characters wrapped in lots of markup is fine ...
    body = "<b>" + "x" * 4000 + "</b><i>" + "&lt;" * 96 + "</i>"
    message = await bot.send_message(USER, body, parse_mode=ParseMode.HTML)
    assert len(message.text) == 4096
    # ... one more visible character is not; emoji outside the BMP count twice (UTF-16)
    assert "too long" in await _rejected(emu, bot, "😀" * 2049, ParseMode.HTML)
    assert await _rejected(emu, bot, "x" * 4097, "") == "Bad Request: message is too long"


async def test_empty_text_after_parsing(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    error = await _rejected(emu, bot, "<b>  </b>\n", ParseMode.HTML)
    assert error == "Bad Request: message text is empty"


async def test_markdown_v2(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    message = await bot.send_message(
        USER, r"*粗* _斜_ ||剧透|| `a.b` [链接](https://x.cn/a\)b) 结束\.", parse_mode="MarkdownV2"
    )
    assert message.text == "粗 斜 剧透 a.b 链接 结束."
    assert [e.type for e in message.entities] == [
        "bold", "italic", "spoiler", "code", "text_link",
    ]  # fmt: skip
    assert message.entities[-1].url == "https://x.cn/a)b"
    error = await _rejected(emu, bot, "版本 1.0", "MarkdownV2")
    assert error == (
        "Bad Request: can't parse entities: Character '.' is reserved and must be escaped "
        "with the preceding '\\'"
    )
    error = await _rejected(emu, bot, "*未闭合", "MarkdownV2")
    assert error.endswith("Can't find end of the entity starting at byte offset 0")


def test_parser_offsets_are_utf16() -> None:
    text, entities = parse_html("😀<b>粗</b>")
    assert text == "😀粗"
    assert entities == [{"type": "bold", "offset": 2, "length": 1}]
    assert parse_html("a & b", strict_amp=False)[0] == "a & b"
