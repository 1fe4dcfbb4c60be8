"""Keyboards, edits, callback answers, deletions and files through the real PTB client."""

from __future__ import annotations

import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest

from bot.emulator import BotApiEmulator
from tests.emulator.conftest import GROUP, USER


def _keyboard(*labels: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(x, callback_data=x) for x in labels]])


async def test_message_shape_and_ids_per_chat(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    first = await bot.send_message(USER, "一")
    second = await bot.send_message(USER, "二", reply_to_message_id=first.message_id)
    in_group = await bot.send_message(GROUP, "群")
    assert (first.message_id, second.message_id, in_group.message_id) == (1, 2, 1)
    assert first.from_user.id == emu.bot_user["id"] and first.from_user.is_bot
    assert isinstance(emu.calls_to("sendMessage")[0].result["date"], int)
    assert second.reply_to_message is not None and second.reply_to_message.text == "一"
    assert [m["text"] for m in emu.bot_messages(USER)] == ["一", "二"]


async def test_callback_data_longer_than_64_bytes(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("太长", callback_data="工" * 22)]])
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(USER, "x", reply_markup=markup)
    assert emu.calls[-1].error == "Bad Request: BUTTON_DATA_INVALID"
    ok = InlineKeyboardMarkup([[InlineKeyboardButton("刚好", callback_data="工" * 21 + "a")]])
    await bot.send_message(USER, "x", reply_markup=ok)


async def test_edit_not_modified_and_keyboard_removal(
    emu: BotApiEmulator, bot: telegram.Bot
) -> None:
    message = await bot.send_message(
        USER, "<b>状态</b>", parse_mode="HTML", reply_markup=_keyboard("A")
    )
    with pytest.raises(BadRequest, match="exactly the same"):
        await bot.edit_message_text(
            "<b>状态</b>", USER, message.message_id, parse_mode="HTML", reply_markup=_keyboard("A")
        )
    assert emu.calls[-1].error == (
        "Bad Request: message is not modified: specified new message content and reply markup "
        "are exactly the same as a current content and reply markup of the message"
    )
    edited = await bot.edit_message_text(
        "<b>状态</b>", USER, message.message_id, parse_mode="HTML"
    )
    assert isinstance(edited, telegram.Message) and edited.edit_date is not None
    assert "reply_markup" not in emu.last_bot_message(USER)  # omitted markup removes it
    with pytest.raises(BadRequest, match="exactly the same"):
        await bot.edit_message_reply_markup(USER, message.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", USER, 999)


async def test_delete_message(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    message = await bot.send_message(USER, "临时")
    assert await bot.delete_message(USER, message.message_id)
    assert emu.bot_messages(USER) == []
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(USER, message.message_id)


async def test_button_press_and_double_answer(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    message = await bot.send_message(USER, "选择", reply_markup=_keyboard("是", "否"))
    query_id = emu.press(user_id=USER, message=emu.last_bot_message(USER), text="否")
    (update,) = await bot.get_updates()
    query = update.callback_query
    assert query.id == query_id and query.data == "否"
    assert query.message.message_id == message.message_id and query.message.text == "选择"
    assert await query.answer("好的")
    assert emu.callback_answer(query_id)["text"] == "好的"
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await query.answer()
    with pytest.raises(LookupError, match="buttons"):
        emu.press(user_id=USER, message=emu.last_bot_message(USER), text="也许")


async def test_send_document_bytes_roundtrip(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    payload = "工单导出,1\n".encode() * 100
    message = await bot.send_document(
        USER, InputFile(payload, filename="导出.csv"), caption="<b>导出</b>", parse_mode="HTML"
    )
    assert message.document.file_name == "导出.csv"
    assert message.document.file_size == len(payload)
    assert message.caption == "导出"
    (sent,) = emu.sent_files(USER)
    assert (sent.method, sent.filename, sent.content, sent.caption) == (
        "sendDocument", "导出.csv", payload, "导出",
    )  # fmt: skip
    assert emu.calls_to("sendDocument")[0].files["document"] == payload
    file = await bot.get_file(message.document.file_id)
    assert bytes(await file.download_as_bytearray()) == payload
    again = await bot.send_document(GROUP, message.document.file_id)
    assert again.document.file_id == message.document.file_id
    with pytest.raises(BadRequest, match=r"(?i)message caption is too long"):
        await bot.send_document(USER, payload, filename="a.csv", caption="x" * 1025)


async def test_send_photo(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    png = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000100000000808060000001f15c489")
    message = await bot.send_photo(USER, png, caption="图")
    assert (message.photo[-1].width, message.photo[-1].height) == (16, 8)
    assert emu.sent_files(USER)[0].content == png


async def test_chat_lookup_and_members(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    chat = await bot.get_chat(GROUP)
    assert chat.title == "值班群"
    assert (await bot.get_chat_member(GROUP, USER)).status == "creator"
    assert (await bot.get_chat_member(GROUP, 1002)).status == "administrator"
    assert (await bot.get_chat_member(USER, USER)).status == "member"
    assert await bot.send_chat_action(USER, "typing")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.get_chat(424242)
