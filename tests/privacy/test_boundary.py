"""The Telegram boundary (`bot.boundary`): what a call's parameters look like on their way out.
A group (negative id, @username) or an inline message gets masked words; a private chat gets
the words as written; a text the masker has been through already is left as it is."""

from __future__ import annotations

import pytest
from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup

from bot.boundary import UnmaskableSend, guard_payload, is_private, leaves_private
from bot.services.masker import Masked, Secrets, mask
from bot.texts.audience import Audience, private_audience
from models.staff import Role
from tests.privacy.test_masker import leaks

RAW = "来电人：张三丰 回拨１３８１２３４５６７８ 卡 6222 0212 3456 7890 123"
GROUP = -1001001


def test_only_positive_ids_are_private_chats() -> None:
    assert is_private(2001) and is_private("2001")
    assert not any(is_private(c) for c in (-1001001, "-100", "@duty", 0, True, "x"))
    assert leaves_private({"chat_id": GROUP}) and leaves_private({"inline_message_id": "a"})
    assert not leaves_private({"chat_id": 2001}) and not leaves_private({"text": RAW})


@pytest.mark.parametrize("chat", [GROUP, "@duty_channel"])
def test_text_and_caption_for_a_group_are_masked(chat: object) -> None:
    out = guard_payload("sendMessage", {"chat_id": chat, "text": RAW, "caption": RAW})
    for key in ("text", "caption"):
        assert "张三丰" not in out[key] and out[key].startswith("来电人：张**")
        assert not leaks("13812345678", out[key]) and not leaks("6222021234567890123", out[key])


def test_an_inline_message_edit_is_masked_its_chat_being_unknown() -> None:
    out = guard_payload("editMessageText", {"inline_message_id": "abc", "text": RAW})
    assert "张三丰" not in out["text"]


def test_a_private_chat_gets_the_words_as_written() -> None:
    data = {"chat_id": 2001, "text": RAW}
    assert guard_payload("sendMessage", data) is data


def test_a_masked_text_goes_as_it_is() -> None:
    """Masked with the ticket's own secrets (its number kept readable although card-shaped):
    masking again by patterns alone would hide the kept number."""
    kept = "6222021234567890999"
    done = mask(f"工单 {kept}，来电人张三丰", Secrets.of(["张三丰"], [], [kept]))
    assert isinstance(done, Masked) and kept in done
    out = guard_payload("sendMessage", {"chat_id": GROUP, "text": done})
    assert out["text"] is done
    assert kept not in guard_payload("sendMessage", {"chat_id": GROUP, "text": str(done)})["text"]


def test_button_labels_and_the_reply_hint_are_masked() -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("回拨 13812345678", callback_data="x"),
                                    InlineKeyboardButton("签收", callback_data="y")]])
    out = guard_payload("editMessageReplyMarkup", {"chat_id": GROUP, "reply_markup": markup})
    labels = [b.text for row in out["reply_markup"].inline_keyboard for b in row]
    assert labels[1] == "签收" and not leaks("13812345678", labels[0])
    assert out["reply_markup"].inline_keyboard[0][0].callback_data == "x"
    plain = InlineKeyboardMarkup([[InlineKeyboardButton("签收", callback_data="y")]])
    assert guard_payload("sendMessage", {"chat_id": GROUP, "text": "x",
                                         "reply_markup": plain})["reply_markup"] is plain
    hint = ForceReply(input_field_placeholder="来电人张三丰")
    out = guard_payload("sendMessage", {"chat_id": GROUP, "text": "x", "reply_markup": hint})
    assert out["reply_markup"].input_field_placeholder == "来电人张**"


@pytest.mark.parametrize("endpoint", ["forwardMessage", "copyMessage", "sendMediaGroup",
                                      "sendPoll"])
def test_words_that_cannot_be_masked_are_refused_for_groups(endpoint: str) -> None:
    with pytest.raises(UnmaskableSend):
        guard_payload(endpoint, {"chat_id": GROUP, "from_chat_id": 2001, "message_id": 1})
    data = {"chat_id": 2001, "from_chat_id": 3001, "message_id": 1}
    assert guard_payload(endpoint, data) is data


def test_a_private_chat_is_read_by_the_staff_handling_tickets_or_by_a_leader() -> None:
    """The permission table decides: whoever handles tickets (Perm.tickets) sees them in full
    in private; a leader, who only reads them, sees them masked."""
    assert [private_audience(r) for r in (Role.staff, Role.manager, Role.admin)] == \
        [Audience.STAFF] * 3
    assert private_audience(Role.leader) is Audience.LEADER and Audience.LEADER.masked
