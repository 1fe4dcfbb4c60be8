"""Tickets end to end: paste-to-log, the dialogue, every workflow button, lists, masking."""

from __future__ import annotations

import pytest

from tests.e2e.harness import (
    DUTY_GROUP,
    LEADER,
    STAFF,
    STRANGER,
    Harness,
    buttons,
    text_of,
)

PASTE = """/new
工单编号：2026112500123
来电时间：2026-11-25 09:12
来电人：张三丰
联系电话：138 0013 8000
诉求类型：投诉
问题分类：医疗服务/服务态度
承办单位：朝阳医院
紧急程度：一般
地址：朝阳区工体南路8号
诉求内容：市民反映在门诊挂号时工作人员态度恶劣，
要求医院核实并道歉。<script>&*_😀"""


def card_of(messages: list[dict]) -> dict:
    for m in reversed(messages):
        if "签收" in buttons(m) or "刷新" in buttons(m):
            return m
    raise AssertionError(f"no ticket card in {[m.get('text') for m in messages]}")


async def log_ticket(h: Harness, text: str = PASTE) -> dict:
    return card_of(await h.say(STAFF, text))


async def test_paste_logs_in_one_step(team: Harness):
    card = await log_ticket(team)
    assert "已登记" in card["text"] and "2026112500123" in card["text"]
    assert "张三丰" in card["text"] and "13800138000" in card["text"]  # private chat: in full
    assert "<script>&*_😀" in card["text"]  # survives, escaped for HTML
    assert buttons(card)[:1] == ["签收"] and "退回" in buttons(card)
    t = team.svc.tickets.get("2026112500123")
    assert t is not None and t.status == "待签收" and t.unit == "首都医科大学附属北京朝阳医院"
    assert t.sign_by is not None and t.complete_by is not None


@pytest.mark.parametrize("variant", [
    PASTE.replace("：", ":"),
    PASTE.replace("来电人：", "诉求人：").replace("联系电话：", "手机：").replace(
        "诉求内容：", "问题描述：").replace("承办单位：", "责任单位："),
    PASTE.replace("\n", "\n\n").replace("工单编号：", "  工单编号 ： "),
])
async def test_paste_label_variants(team: Harness, variant: str):
    card = await log_ticket(team, variant)
    assert "已登记" in card["text"]
    t = team.svc.tickets.get("2026112500123")
    assert t is not None and t.phone == "13800138000" and t.citizen_name == "张三丰"
    assert "道歉" in t.content


async def test_missing_fields_are_asked_one_by_one(team: Harness):
    text = text_of(await team.say(STAFF, "/new\n工单编号：2026112500999\n来电人：李四"))
    assert "联系电话" in text
    assert "不是有效" in text_of(await team.say(STAFF, "12345"))  # bad phone: asked again
    replies = await team.say(STAFF, "13900001111")
    assert "诉求类型" in text_of(replies)
    await team.press(STAFF, replies[-1], "咨询")
    prompt = team.emu.last_bot_message(STAFF)
    assert "问题分类" in prompt["text"]
    await team.press(STAFF, prompt, "疫苗接种")
    await team.press(STAFF, team.emu.last_bot_message(STAFF),
                     buttons(team.emu.last_bot_message(STAFF))[0])
    assert "承办单位" in team.emu.last_bot_message(STAFF)["text"]
    await team.say(STAFF, "朝阳疾控")
    await team.press(STAFF, team.emu.last_bot_message(STAFF), "一般")
    card = card_of(await team.say(STAFF, "想问一下狂犬疫苗去哪里打"))
    assert "已登记" in card["text"]
    assert team.svc.tickets.get("2026112500999").request_type == "咨询"


async def test_new_alone_runs_the_dialogue_and_cancel_saves_nothing(team: Harness):
    assert "工单编号" in text_of(await team.say(STAFF, "/new"))
    await team.say(STAFF, "2026112500888")
    assert "已取消" in text_of(await team.say(STAFF, "/cancel"))
    assert team.svc.tickets.get("2026112500888") is None


async def test_duplicate_number_is_refused_with_pointer(team: Harness):
    await log_ticket(team)
    text = text_of(await team.say(STAFF, PASTE))
    assert "已登记" in text and "/t 2026112500123" in text


async def test_full_workflow_on_buttons(team: Harness):
    card = await log_ticket(team)
    await team.press(STAFF, card, "签收")
    card = team.current(card)
    assert "已签收" in card["text"] and "派发" in buttons(card) and "签收" not in buttons(card)
    await team.press(STAFF, card, "已联系")
    replies = await team.press(STAFF, team.current(card), "派发")
    picker = replies[-1]
    assert "确定派发" in buttons(picker)
    await team.press(STAFF, picker, "确定派发")
    card = team.current(card)
    assert "已派发" in card["text"] and "反馈" in buttons(card)
    await team.press(STAFF, card, "反馈")
    more = text_of(await team.say(STAFF, "背景：市民挂号。\n过程：医院已核实。"))
    assert "结果" in more and "后续" in more  # the missing parts are asked for
    await team.say(STAFF, "结果：已向市民道歉。\n后续：加强培训。")
    card = team.current(card)
    assert "已反馈" in card["text"]
    await team.press(STAFF, card, "回访")
    question = await team.emu.wait_for_message(STAFF, contains="是否解决")
    await team.press(STAFF, team.current(question), "已解决")
    await team.press(STAFF, team.emu.last_bot_message(STAFF), "满意")
    await team.say(STAFF, "录音编号 R-001")
    card = team.current(card)
    assert "已回访" in card["text"]
    await team.press(STAFF, card, "办结")
    await team.press(STAFF, team.current(card), "确认办结")  # 办结 asks for one more tap
    card = team.current(card)
    assert "已办结" in card["text"] and "签收" not in buttons(card)
    t = team.svc.tickets.get("2026112500123")
    assert (t.solved, t.satisfaction, t.status) == (True, "满意", "已办结")
    history = text_of(await team.press(STAFF, card, "全部记录"))
    for action in ("登记", "签收", "派发", "反馈", "回访", "办结"):
        assert action in history


async def test_supervise_return_extend(team: Harness):
    card = await log_ticket(team)
    await team.press(STAFF, card, "签收")
    await team.press(STAFF, team.current(card), "延期")
    assert "无法识别" in text_of(await team.say(STAFF, "下周吧"))
    await team.say(STAFF, "2026-12-30 18:00")
    await team.say(STAFF, "需要协调多个部门")
    t = team.svc.tickets.get("2026112500123")
    assert t.extension_count == 1 and t.complete_by.day == 30
    await team.press(STAFF, team.current(card), "退回")
    await team.say(STAFF, "不属于本委职责")
    assert team.svc.tickets.get("2026112500123").status == "退回"
    assert buttons(team.current(card)) == ["刷新", "全部记录"]


async def test_refused_transition_is_explained(team: Harness):
    card = await log_ticket(team)
    mark = team.emu.mark()
    await team.press_data(STAFF, STAFF, card["message_id"],
                          f"t1:cl:{team.svc.tickets.get('2026112500123').id}", check=False)
    answers = team.callback_answers(mark)
    assert answers and "回访完成后才能办结" in answers[-1]["text"]
    assert team.svc.tickets.get("2026112500123").status == "待签收"


async def test_leader_sees_but_cannot_act(team: Harness):
    await log_ticket(team)
    card = card_of(await team.say(LEADER, "/t 2026112500123"))
    mark = team.emu.mark()
    await team.press(LEADER, card, "签收")
    assert "只能查看" in team.callback_answers(mark)[-1]["text"]
    assert "不能使用" in text_of(await team.say(LEADER, "/new"))


async def test_group_card_is_masked(team: Harness):
    await log_ticket(team)
    card = card_of(await team.say(STAFF, "/t 2026112500123", chat_id=DUTY_GROUP))
    assert "张三丰" not in card["text"] and "13800138000" not in card["text"]
    assert "138****8000" in card["text"] and "张**" in card["text"]


async def test_lists_and_find(team: Harness):
    await log_ticket(team)
    assert "2026112500123" in text_of(await team.say(STAFF, "/mine"))
    assert "待签收 1" in text_of(await team.say(STAFF, "/open"))
    assert "没有符合" in text_of(await team.say(STAFF, "/overdue"))
    assert "2026112500123" in text_of(await team.say(STAFF, "/find 态度"))
    assert "用法" in text_of(await team.say(STAFF, "/find"))
    assert "没有找到" in text_of(await team.say(STAFF, "/t 999999999"))


async def test_unregistered_user_cannot_log(team: Harness):
    replies = await team.say(STRANGER, PASTE)
    assert len(replies) == 1 and str(STRANGER) in replies[0]["text"]
    assert team.svc.tickets.get("2026112500123") is None


async def test_every_label_synonym_logs_the_ticket(team: Harness):
    from bot.services.tickets.labels import LABEL_SYNONYMS

    base = {
        "platform_no": "工单编号", "citizen_name": "来电人", "phone": "联系电话",
        "request_type": "诉求类型", "category": "问题分类", "unit": "承办单位",
        "urgency": "紧急程度", "content": "诉求内容",
    }
    values = {
        "citizen_name": "王五", "phone": "010-65001234", "request_type": "建议",
        "category": "控烟/室内吸烟", "unit": "朝阳区卫生健康监督所", "urgency": "一般",
        "content": "商场内有人吸烟，无人劝阻。",
    }
    n = 0
    for field, labels in LABEL_SYNONYMS.items():
        if field not in base:
            continue
        for label in labels:
            n += 1
            no = f"SYN{n:05d}"
            values["platform_no"] = no
            lines = [f"{label if f == field else base[f]}：{values[f]}" for f in base]
            replies = await team.say(STAFF, "/new\n" + "\n".join(lines))
            assert "已登记" in text_of(replies), (field, label, text_of(replies))
            t = team.svc.tickets.get(no)
            assert t is not None and t.phone == "01065001234" and "吸烟" in t.content
    assert n >= 30


async def test_supervise_sends_the_case_back_for_second_handling(team: Harness):
    card = await log_ticket(team)
    for label in ("签收",):
        await team.press(STAFF, team.current(card), label)
    await team.press(STAFF, team.current(card), "派发")
    picker = await team.emu.wait_for_message(STAFF, contains="请选择承办单位")
    await team.press(STAFF, team.current(picker), "确定派发")
    await team.press(STAFF, team.current(card), "反馈")
    await team.say(STAFF, "背景：a\n过程：b\n结果：c\n后续：d")
    await team.press(STAFF, team.current(card), "督办")
    assert "已督办" in text_of(await team.say(STAFF, "来电人不满意，要求二次处置"))
    t = team.svc.tickets.get("2026112500123")
    assert t.status == "督办" and t.supervise_count == 1
    assert "派发" in buttons(team.current(card))  # dispatched again for second handling


async def test_consultation_answered_on_the_spot_is_closed_at_logging(team: Harness):
    paste = PASTE.replace("诉求类型：投诉", "诉求类型：咨询") + "\n即时办结：是"
    card = await log_ticket(team, paste)
    t = team.svc.tickets.get("2026112500123")
    assert t.status == "已办结" and t.complete_by is None and "已办结" in card["text"]
    refused = text_of(await team.say(STAFF, PASTE.replace("2026112500123", "2026112500124")
                                     + "\n即时办结：是"))
    assert "只有“咨询”类工单可以即时办结" in refused
    assert team.svc.tickets.get("2026112500124") is None


async def test_complex_case_gets_the_longer_limit(team: Harness):
    await log_ticket(team, PASTE + "\n复杂疑难：是")
    await log_ticket(team, PASTE.replace("2026112500123", "2026112500125"))
    hard, plain = team.svc.tickets.get("2026112500123"), team.svc.tickets.get("2026112500125")
    assert hard.complex_case and hard.complete_by > plain.complete_by
    assert "无法识别" in text_of(await team.say(STAFF, PASTE.replace(
        "2026112500123", "2026112500126") + "\n复杂疑难：也许"))


async def test_manager_marks_a_ticket_complex(team: Harness):
    from tests.e2e.harness import MANAGER

    await log_ticket(team)
    before = team.svc.tickets.get("2026112500123").complete_by
    assert "用法" in text_of(await team.say(MANAGER, "/complex"))
    assert "没有找到" in text_of(await team.say(MANAGER, "/complex 999999"))
    card = card_of(await team.say(MANAGER, "/complex 2026112500123"))
    after = team.svc.tickets.get("2026112500123")
    assert after.complex_case and after.complete_by > before and "复杂疑难" in text_of(
        await team.press(MANAGER, card, "全部记录"))
    assert "已是" in text_of(await team.say(MANAGER, "/complex 2026112500123"))
    await team.say(MANAGER, "/complex 2026112500123 取消")
    assert team.svc.tickets.get("2026112500123").complete_by == before
