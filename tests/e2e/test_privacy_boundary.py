"""The privacy boundary, end to end (issue 13, item 1): a realistic session in which the
citizen's name, phone, ID number and bank card appear in many writings — in the pasted
content, an /urgent note, a feedback, the callback, the card and its history, the alerts and
their edits, the daily post and /weekly — and not one message sent to a group or to a leader,
nor any note rendered for an outside channel, holds any of them in any writing. The staff
member handling the ticket, in private, still sees them (so the check can fail)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.services.outbox.notes import load_note
from bot.texts.audience import Audience
from bot.texts.daily import MASKED_FOOTER
from bot.texts.render import render
from models.db import session_scope
from models.outbox import OutboxMessage
from tests.e2e.harness import (
    DUTY_GROUP,
    LEADER,
    LEADER_GROUP,
    MANAGER,
    STAFF,
    Harness,
    buttons,
    text_of,
    ticket_paste,
)
from tests.privacy.test_masker import leaks, name_survives

NO = "2026112500456"
NAME, PHONE, ID, CARD = "张三丰", "13812345678", "110105199003071234", "6222021234567890123"
NUMBERS = (PHONE, ID, CARD)
PASTE = ticket_paste(NO, NAME, PHONE, "張三豐称孩子高烧急诊无人接诊，张 三 丰情绪激动，"
                     "回拨１３８１２３４５６７８或138.1234.5678，身份证 110105 19900307 1234，"
                     "退费银行卡 6222 0212 3456 7890 123。")
URGENT_NOTE = f"来电人{NAME}{PHONE}情绪激动，身份证{ID}，卡号{CARD}"
FEEDBACK = (f"背景：{NAME}（{PHONE}）来电反映急诊问题。\n过程：医院已核实，联系{NAME}本人。\n"
            f"结果：已向张三丰道歉，退费至卡{CARD}。\n后续：加强培训，回访 138-1234-5678。")
WATCHED = (DUTY_GROUP, LEADER_GROUP, LEADER)


def leaked(text: str) -> list[str]:
    found = [n for n in NUMBERS if leaks(n, text)]
    return found + ([NAME] if name_survives(NAME, text) else [])


def watched_texts(h: Harness) -> list[tuple[int, str]]:
    """Every text the bot sent or edited into a group or a leader's chat (captions too)."""
    out = []
    for call in h.emu.calls:
        chat = call.params.get("chat_id")
        if call.ok and chat is not None and int(chat) in WATCHED:
            text = call.params.get("text") or call.params.get("caption") or ""
            out.append((int(chat), str(text)))
    return out


async def card_in(h: Harness, user: int, chat: int) -> dict:
    for m in reversed(await h.say(user, f"/t {NO}", chat_id=chat)):
        if "刷新" in buttons(m) or "签收" in buttons(m) or "反馈" in buttons(m):
            return m
    raise AssertionError("no card")


async def work_the_ticket(h: Harness) -> None:
    """Log, re-mark with a note, then sign, dispatch, feedback and callback in private."""
    private = text_of(await h.say(STAFF, PASTE))
    assert "已登记" in private and NAME in private and PHONE in private  # staff: in full
    await h.say(STAFF, f"/urgent {NO} {URGENT_NOTE}")  # re-marked: the alert carries the note
    alert = await h.emu.wait_for_message(LEADER, contains="案件提醒")
    assert "说明：" in alert["text"]
    card = await card_in(h, STAFF, STAFF)
    await h.press(STAFF, card, "签收")
    picker = (await h.press(STAFF, h.current(card), "派发"))[-1]
    await h.press(STAFF, picker, "确定派发")
    await h.press(STAFF, h.current(card), "反馈")
    await h.say(STAFF, FEEDBACK)
    assert "已反馈" in h.current(card)["text"]
    await h.press(STAFF, h.current(card), "回访")
    question = await h.emu.wait_for_message(STAFF, contains="是否解决")
    await h.press(STAFF, h.current(question), "已解决")
    await h.press(STAFF, h.emu.last_bot_message(STAFF), "满意")
    await h.say(STAFF, "录音编号 R-001")


async def test_no_group_leader_or_channel_text_holds_the_citizens_data(team: Harness):
    await work_the_ticket(team)
    # the leader acknowledges: every copy (groups included) is edited
    alert = team.emu.last_bot_message(LEADER)
    await team.press(LEADER, alert, "收到")
    # the group looks at the card and its whole history
    group_card = await card_in(team, STAFF, DUTY_GROUP)
    history = text_of(await team.press(STAFF, group_card, "全部记录"))
    assert "反馈" in history and "回访" in history  # the events are there, masked
    # what the leaders read: /daily and /weekly, in the groups and in private
    await team.say(STAFF, "/daily", chat_id=DUTY_GROUP)
    await team.say(LEADER, "/daily")
    await team.say(MANAGER, "/weekly", chat_id=LEADER_GROUP)
    await team.say(LEADER, "/weekly")
    # the scheduled daily post next morning
    team.clock.advance(timedelta(days=1))
    await team.run_due()

    sent = watched_texts(team)
    chats = {chat for chat, _ in sent}
    assert chats == set(WATCHED), chats  # every watched chat was written to
    assert any(NO in text for _, text in sent)  # the case itself is there
    bad = [(chat, leaked(text), text) for chat, text in sent if leaked(text)]
    assert not bad, bad
    # the masker leaves the bot's own words alone (a label followed by 信息 is no name)
    assert any(MASKED_FOOTER in text for chat, text in sent if chat == DUTY_GROUP)

    # every note the outbox holds, rendered for each masked audience (channels included)
    with session_scope(team.svc.tickets.engine) as s:
        rows = list(s.exec(select(OutboxMessage)).all())
    assert rows
    for row in rows:
        if not row.note_kind or row.payload is None:
            continue
        note = load_note(row.note_kind, row.payload)
        for audience in (Audience.GROUP, Audience.LEADER, Audience.CHANNEL, Audience.LOG):
            out = render(note, audience)
            assert not leaked(out.text + out.subject), (row.kind, audience, out.text)


async def test_a_leaders_private_card_is_masked_and_the_handlers_is_full(team: Harness):
    """/t in a leader's private chat shows the card for the LEADER audience (a leader does not
    handle tickets: masked like their private alerts), with 收到 when the alert waits for
    them; its refresh and 全部记录 stay masked. Staff and managers, who handle tickets, see
    the full card in private."""
    await work_the_ticket(team)
    card = await card_in(team, LEADER, LEADER)
    assert NO in card["text"] and not leaked(card["text"]), card["text"]
    assert "收到" in buttons(card)  # the alert sent to them waits: its buttons are on the card
    mark = team.emu.mark()
    await team.press(LEADER, card, "刷新")
    history = text_of(await team.press(LEADER, team.current(card), "全部记录"))
    assert "反馈" in history and not leaked(history), history
    edits = [str(c.params.get("text", "")) for c in team.emu.calls[mark:]
             if c.method == "editMessageText" and int(c.params["chat_id"]) == LEADER]
    assert edits and not any(leaked(t) for t in edits)
    for handler in (STAFF, MANAGER):
        full = (await card_in(team, handler, handler))["text"]
        assert NAME in full and PHONE in full, handler
