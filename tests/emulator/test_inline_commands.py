"""Inline query answers and scope-aware bot commands."""

from __future__ import annotations

import pytest
import telegram
from telegram import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BotCommandScopeChatMember,
    InlineQueryResultArticle,
    InputTextMessageContent,
)
from telegram.error import BadRequest

from bot.emulator import BotApiEmulator
from tests.emulator.conftest import GROUP, USER


def _article(result_id: str, text: str = "内容") -> InlineQueryResultArticle:
    return InlineQueryResultArticle(result_id, "标题", InputTextMessageContent(text))


async def test_inline_query_flow(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    query_id = emu.inline_query(user_id=USER, query="停水", offset="")
    (update,) = await bot.get_updates()
    inline = update.inline_query
    assert (inline.id, inline.query, inline.from_user.id) == (query_id, "停水", USER)
    assert inline.chat_type == "private"
    with pytest.raises(BadRequest, match=r"(?i)result_id_duplicate"):
        await inline.answer([_article("a"), _article("a")])
    with pytest.raises(BadRequest, match=r"(?i)results_too_much"):
        await inline.answer([_article(str(i)) for i in range(51)])
    with pytest.raises(BadRequest, match=r"(?i)result_id_invalid"):
        await inline.answer([_article("x" * 65)])
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await inline.answer([_article("a", "   ")])
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await inline.answer(
            [InlineQueryResultArticle("a", "t", InputTextMessageContent("<b>x", "HTML"))]
        )
    assert emu.inline_answer(query_id) is None  # rejected answers do not count
    assert await inline.answer([_article("a"), _article("b")], cache_time=0)
    answer = emu.inline_answer(query_id)
    assert answer is not None and [r["id"] for r in answer["results"]] == ["a", "b"]
    assert answer["results"][0]["input_message_content"]["message_text"] == "内容"
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await inline.answer([_article("c")])


async def test_commands_per_scope(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    everyone = [BotCommand("start", "开始"), BotCommand("help", "帮助")]
    private = [BotCommand("new", "新建工单")]
    group = [BotCommand("duty", "今日值班")]
    admin = [BotCommand("admin", "管理")]
    assert await bot.set_my_commands(everyone)
    assert await bot.set_my_commands(private, scope=BotCommandScopeAllPrivateChats())
    assert await bot.set_my_commands(group, scope=BotCommandScopeChat(GROUP))
    assert await bot.set_my_commands(admin, scope=BotCommandScopeChatMember(GROUP, USER))
    assert await bot.set_my_commands(everyone[:1], language_code="en")
    assert set(emu.commands) == {
        "default", "all_private_chats", f"chat:{GROUP}", f"chat_member:{GROUP}:{USER}",
        "default#en",
    }  # fmt: skip
    assert [c["command"] for c in emu.commands["default"]] == ["start", "help"]
    assert await bot.get_my_commands(scope=BotCommandScopeChat(GROUP)) == tuple(group)
    assert await bot.get_my_commands() == tuple(everyone)
    assert await bot.delete_my_commands(scope=BotCommandScopeAllPrivateChats())
    assert await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats()) == ()
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.set_my_commands(group, scope=BotCommandScopeChat(-5))
