"""Issue 14 (items 6, 7, 10) below the handlers: what counts as a paste in the /new dialogue,
merging a later paste into a draft, unreadable times asked again, and feedback parts."""

from __future__ import annotations

from datetime import datetime

from bot.services.reference.data import Reference
from bot.services.tickets.feedback import compose, missing_feedback_parts, read_feedback
from bot.services.tickets.fields import ParsedTicket
from bot.services.tickets.paste import looks_like_paste, parse_ticket_text


def test_two_labelled_lines_make_a_paste() -> None:
    assert looks_like_paste("工单编号：2026112500123\n来电人：张三")
    assert looks_like_paste("联系电话: 139\n地址: 朝阳区")  # ASCII colons
    assert looks_like_paste("【工单编号】123456\n【来电人】张三")
    assert not looks_like_paste("工单编号：2026112500123")  # one line: an answer
    assert not looks_like_paste("时间：昨天\n地点：医院")  # not ticket labels
    assert not looks_like_paste("想问一下\n狂犬疫苗去哪里打")


def test_a_later_paste_fills_and_overrides_the_draft(ref: Reference, now: datetime) -> None:
    draft = parse_ticket_text("工单编号：2026112500999\n来电人：李四", reference=ref,
                              now=now).ticket
    later = parse_ticket_text("联系电话：13900001111\n来电人：王五\n来电时间：11-25 9:3",
                              reference=ref, now=now).ticket
    draft.merge(later)
    assert (draft.platform_no, draft.citizen_name, draft.phone) == (
        "2026112500999", "王五", "13900001111")
    assert draft.received_at is None and "received_at" in draft.missing()
    fixed = parse_ticket_text("来电时间：11-25 09:03\n诉求类型：咨询", reference=ref,
                              now=now).ticket
    draft.merge(fixed)
    assert draft.received_at is not None and "received_at" not in draft.missing()
    draft.apply("received_at", None)
    assert "received_at" not in draft.missing()  # never given: counted from logging


def test_unreadable_times_are_asked_not_replaced(ref: Reference, now: datetime) -> None:
    res = parse_ticket_text("来电时间：2026/11/25 14:3\n办理时限：2026-11-24 25:99",
                            reference=ref, now=now)
    t = res.ticket
    assert {e.field for e in res.errors} == {"received_at", "platform_deadline"}
    assert t.received_at is None and t.platform_deadline is None
    assert t.missing()[-2:] == ["received_at", "platform_deadline"]
    assert t.content is None  # asked again, so not kept in the content
    assert ParsedTicket().missing()[-1] == "content"  # optional times are not asked unasked


def test_spaced_label_is_read_outside_the_content(ref: Reference, now: datetime) -> None:
    t = parse_ticket_text("来电时间 2026-11-25 09:12\n诉求内容：联系电话 13800138000 打不通",
                          reference=ref, now=now).ticket
    assert t.received_at is not None and t.received_at.hour == 9
    assert t.phone is None and "打不通" in (t.content or "")


def test_feedback_parts() -> None:
    got = read_feedback("已经处理好了\n背景：市民挂号。\n过程：医院核实。")
    assert got.parts == {"背景": "市民挂号。", "过程": "医院核实。"}
    assert got.stray == "已经处理好了"
    assert read_feedback("已经处理好了").parts == {}
    assert read_feedback("背景：a 过程：b 结果：c 后续：d").parts == {
        "背景": "a", "过程": "b", "结果": "c", "后续": "d"}
    assert read_feedback("【背景】a\n1.过程:b\n（3）结果：c\n四、后续：d").parts == {
        "背景": "a", "过程": "b", "结果": "c", "后续": "d"}
    assert read_feedback("过程：检查结果：正常").parts == {"过程": "检查结果：正常"}
    assert missing_feedback_parts("背景过程结果后续") == ["背景", "过程", "结果", "后续"]
    assert missing_feedback_parts("背景：\n过程：b") == ["背景", "结果", "后续"]
    assert compose({"后续": "d", "背景": "a"}) == "背景：a\n后续：d"
