"""Users sending files: the update carries the Bot API object, getFile serves the bytes."""

from __future__ import annotations

import pytest
import telegram

from bot.emulator import BotApiEmulator
from tests.emulator.conftest import GROUP, USER


@pytest.mark.parametrize(("kind", "name"), [("document", "制度.docx"), ("voice", ""),
                                            ("audio", "回访录音.mp3"), ("photo", "")])
async def test_user_file_reaches_the_bot_and_downloads(emu: BotApiEmulator, bot: telegram.Bot,
                                                       kind: str, name: str) -> None:
    prompt = await bot.send_message(USER, "请回复本消息发送文件")
    payload = f"{kind}-bytes".encode() * 10
    emu.send_file(user_id=USER, kind=kind, content=payload, filename=name, caption="说明",
                  reply_to_message_id=prompt.message_id)
    (update,) = await bot.get_updates(timeout=1)
    msg = update.message
    assert msg.caption == "说明" and msg.reply_to_message.message_id == prompt.message_id
    media = {"document": msg.document, "voice": msg.voice, "audio": msg.audio,
             "photo": msg.photo[-1] if msg.photo else None}[kind]
    assert media is not None and media.file_size == len(payload)
    if kind == "document":
        assert msg.document.file_name == "制度.docx"
    if kind == "voice":
        assert msg.voice.duration.total_seconds() == 5 and msg.voice.mime_type == "audio/ogg"
    file = await bot.get_file(media.file_id)
    assert bytes(await file.download_as_bytearray()) == payload


async def test_file_in_a_group_and_bad_kind(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    emu.send_document(user_id=USER, content=b"x", filename="a.pdf", chat_id=GROUP)
    (update,) = await bot.get_updates(timeout=1)
    assert update.message.chat.id == GROUP and update.message.document.mime_type == \
        "application/pdf"
    with pytest.raises(ValueError, match="unsupported"):
        emu.send_file(user_id=USER, kind="sticker", content=b"x")
    with pytest.raises(LookupError):
        emu.send_document(user_id=USER, content=b"x", filename="a.pdf", reply_to_message_id=999)
