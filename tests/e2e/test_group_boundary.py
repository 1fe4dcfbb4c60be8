"""The group boundary is a property of the bot, not of each renderer (issue 13, item 1): an
edit into a group — a ticket card refreshed after a press in the duty group — comes out
masked, and so does every text, caption and button label the bot puts in a group even when
the code that wrote it forgot to mask (the application's bot is ``bot.boundary.PrivacyBot``).
The same raw text sent to a private chat arrives as it was written, so the checks can fail."""

from __future__ import annotations

import io

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile

from bot.boundary import PrivacyBot, UnmaskableSend
from bot.texts import tickets as ticket_texts
from tests.e2e.harness import DUTY_GROUP, STAFF, Harness, buttons
from tests.e2e.test_privacy_boundary import NAME, NO, PASTE, PHONE, card_in, leaked
from tests.privacy.test_masker import leaks

FULL_WIDTH = "１３８１２３４５６７８"
RAW = f"来电人：{NAME} 回拨{FULL_WIDTH}，身份证 110105 19900307 1234"


def edits_to(h: Harness, chat: int, mark: int) -> list[str]:
    """What the bot asked to edit in the chat (a refresh of an unchanged card is refused as
    'not modified', but its words were sent all the same)."""
    return [str(c.params.get("text", "")) for c in h.emu.calls[mark:]
            if c.method == "editMessageText" and int(c.params["chat_id"]) == chat]


async def test_a_group_card_edited_after_a_press_comes_out_masked(team: Harness):
    await team.say(STAFF, PASTE)
    card = await card_in(team, STAFF, DUTY_GROUP)
    for label in ("刷新", "签收"):
        mark = team.emu.mark()
        await team.press(STAFF, team.current(card), label)
        edited = edits_to(team, DUTY_GROUP, mark)
        assert edited and NO in edited[-1], label
        assert not leaked(edited[-1]), (label, edited[-1])
    assert "已签收" in team.current(card)["text"]


async def test_the_boundary_masks_a_group_card_whose_renderer_forgot(
        team: Harness, monkeypatch: pytest.MonkeyPatch):
    """A card renderer that ignores ``masked`` (a bug) still cannot show the duty group the
    citizen's labelled name, phone or ID: the edit is masked on its way out."""
    await team.say(STAFF, PASTE)
    card = await card_in(team, STAFF, DUTY_GROUP)
    render_card = ticket_texts.render_card

    def forgetful(*args: object, **kwargs: object) -> str:
        return render_card(*args, **{**kwargs, "masked": False})  # type: ignore[arg-type]

    monkeypatch.setattr(ticket_texts, "render_card", forgetful)
    mark = team.emu.mark()
    await team.press(STAFF, team.current(card), "刷新")
    edited = edits_to(team, DUTY_GROUP, mark)
    assert edited and NO in edited[-1]
    assert f"来电人：{NAME}" not in edited[-1] and f"来电人：{NAME[0]}**" in edited[-1]
    for number in (PHONE, "110105199003071234", "6222021234567890123"):
        assert not leaks(number, edited[-1]), number
    # the staff member's private card, from the same forgetful renderer, is in full
    private = await card_in(team, STAFF, STAFF)
    assert f"来电人：{NAME}" in private["text"] and PHONE in private["text"]


async def test_raw_text_through_the_bot_is_masked_for_groups_only(team: Harness):
    """Direct calls with raw text (a name after 来电人, a phone in full-width digits, an ID
    with spaces): sendMessage, editMessageText, editMessageReplyMarkup's labels and
    sendDocument's caption into the duty group are masked; into a private chat they are not."""
    bot = team.app.bot
    assert isinstance(bot, PrivacyBot)
    label = InlineKeyboardMarkup([[InlineKeyboardButton(f"回拨{FULL_WIDTH}", callback_data="x")]])
    for chat in (DUTY_GROUP, STAFF):
        sent = await bot.send_message(chat, RAW, reply_markup=label)
        await bot.edit_message_text(f"改：{RAW}", chat_id=chat, message_id=sent.message_id)
        await bot.edit_message_reply_markup(chat_id=chat, message_id=sent.message_id,
                                            reply_markup=label)
        doc = await bot.send_document(chat, InputFile(io.BytesIO(b"x"), filename="a.txt"),
                                      caption=RAW)
        texts = [team.current({"chat": {"id": chat}, "message_id": sent.message_id})["text"],
                 team.current({"chat": {"id": chat}, "message_id": doc.message_id})
                 .get("caption", "")]
        shown = texts + buttons(team.current({"chat": {"id": chat},
                                              "message_id": sent.message_id}))
        if chat == DUTY_GROUP:
            assert all(NAME not in t and not leaks(PHONE, t) for t in shown), shown
            assert not any(leaks("110105199003071234", t) for t in shown), shown
            assert texts[0].startswith(f"改：来电人：{NAME[0]}**")
        else:
            assert texts == [f"改：{RAW}", RAW] and f"回拨{FULL_WIDTH}" in shown


async def test_words_the_boundary_cannot_mask_never_reach_a_group(team: Harness):
    bot = team.app.bot
    sent = await bot.send_message(STAFF, RAW)
    with pytest.raises(UnmaskableSend):
        await bot.forward_message(DUTY_GROUP, STAFF, sent.message_id)
    with pytest.raises(UnmaskableSend):
        await bot.copy_message(DUTY_GROUP, STAFF, sent.message_id)
    assert not team.emu.bot_messages(DUTY_GROUP)
