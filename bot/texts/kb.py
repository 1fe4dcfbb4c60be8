"""Text for the knowledge base: search results, entries, history, gaps, synonyms, dialogues.

Everything from users or the database goes through ``escape`` (``bot.texts.escape``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from bot.services.timefmt import fmt_dt
from bot.texts.escape import escape
from bot.texts.split import LIMIT
from knowledge_base.errors import KbError, KbFileError
from knowledge_base.scoring import SearchHit
from knowledge_base.service import (
    FIELD_NAMES_ZH,
    Entry,
    Gap,
    KbStats,
    PickOutcome,
    SynonymGroup,
    Version,
)

# ----------------------------------------------------------------------------- search
USAGE = ("用法：/kb &lt;关键词或问题&gt;，例如 <code>/kb 出生证丢了怎么补办</code>\n"
         "也可以直接在私聊里把问题发给我，或在任意聊天输入 @机器人 加关键词。")
PRIVATE_HINT = ("直接发送问题或关键词即可检索知识库（支持错别字、拼音、口语说法）。"
                "/help 查看全部功能。")
NO_HITS = "🔎 “{q}”：知识库里没有找到相符的答复口径。"
WEAK_HEAD = "🔎 “{q}”：没有把握的匹配，<b>可能相关：</b>"
SEVERAL_HEAD = "🔎 “{q}”：以下几条都相符，<b>请选择：</b>"
SEVERAL_FOOT = "点按钮看完整答复口径。"
WEAK_FOOT = "点按钮看完整答复口径。都不对的话，请点“记录为知识库缺口”，项目经理会补充。"
NO_HITS_FOOT = "请换个说法再试（关键词、拼音都可以）；如确实缺少，请点“记录为知识库缺口”。"
OTHERS_HEAD = "<b>其他可能相关：</b>"
#: phrasings shown under an answer (the editor shows them all)
SIMILAR_SHOWN = 3
SIMILAR_MORE = " 等 {n} 条"
BTN_GAP = "记录为知识库缺口"
GAP_RECORDED = "✅ 已记录为知识库缺口 #{id}：“{q}”。项目经理会补充答复口径。"
GAP_AGAIN = "这个问题已在缺口清单里（#{id}，已被提出 {times} 次），项目经理会补充。"
GAP_EXPIRED = "这次检索已过期，请重新搜索后再记录。"
ENTRY_GONE = "这条知识条目已删除或不存在。"
NOT_FOUND_ID = "没有编号为 {id} 的知识条目。"
INLINE_EMPTY_TITLE = "知识库里没有找到相符的答复口径"
INLINE_TRIMMED = "……\n（答复口径较长，已截断；完整内容请私聊机器人发送 /kb #{id}）"

MAX_BUTTON = 30  # characters of a question on a result button


def score_label(score: float) -> str:
    return f"匹配度 {round(score)}"


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def result_button(pos: int, question: str) -> str:
    return f"{pos}. {_short(question, MAX_BUTTON)}"


def render_entry(e: Entry, *, now: datetime, score: float | None = None,
                 names: Mapping[int, str] | None = None, answer: str | None = None,
                 similar_max: int | None = SIMILAR_SHOWN) -> str:
    """The full answer: question, 答复口径, source, category and keywords, version. An
    answer read on a phone shows a few of the entry's phrasings (a starter entry has 14-16);
    the editor's preview (``similar_max=None``) shows them all."""
    head = f"<b>#{e.id} {escape(e.question)}</b>"
    if score is not None:
        head += f"（{score_label(score)}）"
    if not e.active:
        head += " <i>（已删除）</i>"
    lines = [head, escape(e.answer if answer is None else answer)]
    meta = []
    if e.source:
        meta.append(f"📖 来源：{escape(e.source)}")
    tags = []
    if e.category:
        tags.append(f"分类：{escape(e.category)}")
    if e.keywords:
        tags.append("关键词：" + escape("、".join(e.keywords)))
    if tags:
        meta.append("　".join(tags))
    if e.similar:
        meta.append(_similar_line(e.similar, similar_max))
    who = _name(e.updated_by, names)
    verb = "录入" if e.version == 1 else "更新"
    meta.append(f"第 {e.version} 版 · {fmt_dt(e.updated_at, now)} {escape(who)}{verb}")
    return "\n".join(lines) + "\n\n" + "\n".join(meta)


def _similar_line(similar: Sequence[str], most: int | None) -> str:
    shown = similar if most is None else similar[:most]
    line = "相似问法：" + escape("；".join(shown))
    if len(shown) < len(similar):
        line += SIMILAR_MORE.format(n=len(similar))
    return line


def _name(actor: int | None, names: Mapping[int, str] | None) -> str:
    if actor is None:
        return "系统"
    return (names or {}).get(actor, str(actor))


def render_strong(q: str, e: Entry, score: float, others: Sequence[SearchHit], *,
                  now: datetime, names: Mapping[int, str] | None = None) -> str:
    text = f"🔎 “{escape(_short(q, 60))}”\n" + render_entry(e, now=now, score=score, names=names)
    if others:
        lines = [OTHERS_HEAD] + [
            f"{i}. {escape(h.question)}（{score_label(h.score)}）"
            for i, h in enumerate(others, start=2)
        ]
        text += "\n\n" + "\n".join(lines)
    return text


def render_weak(q: str, hits: Sequence[SearchHit], *, several: bool = False) -> str:
    """The candidates when none is sure; ``several``: they are all good matches (a broad
    query such as "疫苗"), so the reply says so rather than "没有把握"."""
    head = SEVERAL_HEAD if several else WEAK_HEAD
    lines = [head.format(q=escape(_short(q, 60)))]
    lines += [f"{i}. {escape(h.question)}（{score_label(h.score)}）"
              for i, h in enumerate(hits, start=1)]
    lines.append(SEVERAL_FOOT if several else WEAK_FOOT)
    return "\n".join(lines)


def render_none(q: str) -> str:
    return NO_HITS.format(q=escape(_short(q, 60))) + "\n" + NO_HITS_FOOT


def inline_text(e: Entry, *, now: datetime) -> str:
    """The message an inline result sends: the full entry, trimmed to fit one message."""
    budget = LIMIT - 64
    text = render_entry(e, now=now)
    note = INLINE_TRIMMED.format(id=e.id)
    answer = e.answer
    while len(text) > budget and answer:  # escaping lengthens text: measure, cut, repeat
        cut = max(len(text) - budget + len(note), 16)
        answer = answer[: max(0, len(answer) - cut)]
        text = render_entry(e, now=now, answer=answer + note)
    return text


def inline_title(hit: SearchHit, strong: bool) -> str:
    return _short(hit.question if strong else f"（可能相关）{hit.question}", 100)


def inline_description(e: Entry, hit: SearchHit) -> str:
    return f"{score_label(hit.score)} · " + _short(" ".join(e.answer.split()), 90)


# ----------------------------------------------------------------------------- history
HISTORY_USAGE = "用法：/kb_history &lt;条目编号&gt; [版本号]，例如 /kb_history 12"
HISTORY_NO_VERSION = "条目 #{id} 没有第 {v} 版。"


def render_history(e: Entry, versions: Sequence[Version], *, now: datetime,
                   names: Mapping[int, str]) -> str:
    lines = [f"<b>#{e.id} {escape(e.question)}</b> 的修改记录（共 {len(versions)} 版"
             + ("，已删除" if not e.active else "") + "）"]
    for v in versions:
        lines.append(f"第 {v.version} 版 · {fmt_dt(v.at, now)} · {escape(v.summary)} · "
                     f"{escape(_name(v.actor_id, names))}")
    lines.append(f"查看某一版的内容：/kb_history {e.id} &lt;版本号&gt;")
    return "\n".join(lines)


def render_version(e: Entry, v: Version, *, now: datetime, names: Mapping[int, str]) -> str:
    snap = v.snapshot
    lines = [f"<b>#{e.id} 第 {v.version} 版</b>（{fmt_dt(v.at, now)} · {escape(v.summary)} · "
             f"{escape(_name(v.actor_id, names))}）"]
    for key in ("question", "answer", "keywords", "category", "source", "similar"):
        value = snap.get(key) or ""
        if isinstance(value, list):
            value = "、".join(str(x) for x in value)
        lines.append(f"<b>{FIELD_NAMES_ZH[key]}：</b>{escape(str(value)) or '—'}")
    if snap.get("status") == "deleted":
        lines.append("<i>此版本为删除</i>")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- gaps
GAPS_EMPTY = "目前没有待补充的知识库缺口。"
GAPS_USAGE = ("用法：/kb_gaps 查看待补充的缺口；/kb_gaps close &lt;缺口编号&gt; [条目编号] "
              "关闭缺口（可注明补充的条目）")
GAP_CLOSED = "已关闭缺口 #{id}。"
GAP_CLOSED_WITH = "已关闭缺口 #{id}，对应条目 #{entry}。这个问法已记为该条目的相似问法。"
BTN_CLOSE_GAP = "关闭 #{id}"


def render_gaps(gaps: Sequence[Gap], total: int, *, now: datetime,
                names: Mapping[int, str]) -> str:
    if not gaps:
        return GAPS_EMPTY
    lines = [f"<b>待补充的知识库缺口</b>（共 {total} 条，最早的在前）"]
    for g in gaps:
        times = f" · {g.times} 次" if g.times > 1 else ""
        lines.append(f"#{g.id} “{escape(g.query)}” · {escape(_name(g.asked_by, names))} · "
                     f"{fmt_dt(g.asked_at, now)}{times}")
    if total > len(gaps):
        lines.append(f"……另有 {total - len(gaps)} 条")
    lines.append("补充答复口径：/kb_add；关闭时注明条目：/kb_gaps close &lt;缺口编号&gt; "
                 "&lt;条目编号&gt;")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- synonyms
SYN_USAGE = ("用法：/kb_syn 查看同义词；/kb_syn add 词1 词2 … 新增一组（第一个词相同的组会合并）；"
             "/kb_syn del &lt;组号&gt; [词] 删除一组或组里的一个词")
SYN_EMPTY = "还没有同义词。/kb_syn add 出生证 出生医学证明 新增一组。"
SYN_ADDED = "已保存同义词组 #{id}：{members}\n检索立即生效。"
SYN_DELETED = "已删除同义词组 #{id}。"
SYN_MEMBER_DELETED = "已从同义词组 #{id} 删除“{member}”，现在是：{members}"


def join_members(members: Sequence[str]) -> str:
    return " = ".join(escape(m) for m in members)


def render_synonyms(groups: Sequence[SynonymGroup]) -> str:
    if not groups:
        return SYN_EMPTY
    lines = [f"<b>同义词</b>（共 {len(groups)} 组；检索时同组的词互相匹配）"]
    lines += [f"#{g.id} {join_members(g.members)}" for g in groups]
    lines.append(SYN_USAGE)
    return "\n".join(lines)


# ----------------------------------------------------------------------------- maintenance
ADD_QUESTION = ("新增知识条目（随时发送 /cancel 取消）。\n"
                "请发送<b>问题</b>，用市民常问的说法，如“出生证丢了怎么补办？”：")
ADD_ANSWER = "请发送<b>答复口径</b>："
ADD_KEYWORDS = "请发送<b>关键词</b>，用顿号、逗号或空格分隔；没有请点“跳过”："
ADD_CATEGORY = "请选择或发送<b>分类</b>；没有请点“跳过”："
ADD_SOURCE = "请发送<b>来源</b>（依据的法规、办事指南或通知）；没有请点“跳过”："
ADD_CONFIRM = "请确认：\n\n{preview}"
ADD_DONE = "✅ 已保存为知识条目 #{id}，检索立即可用。"
ADD_CANCELLED = "已取消，未保存。"
ADD_TIMEOUT = "知识条目编辑已超时，未保存的内容已丢弃。"
ADD_EMPTY = "内容不能为空，请重新发送："
BTN_SKIP = "跳过"
BTN_SAVE = "保存"
BTN_CANCEL = "取消"
EDIT_USAGE = "用法：/kb_edit &lt;条目编号&gt;，例如 /kb_edit 12"
EDIT_PICK = "要修改 #{id} 的哪一项？"
EDIT_ASK = "请发送新的<b>{field}</b>：\n当前：{current}"
EDIT_ASK_CLEAR = "（发送“无”清空）"
EDIT_DONE = "✅ 已保存 #{id}（第 {version} 版）。"
EDIT_SAME = "内容没有变化，未保存。"
DEL_USAGE = "用法：/kb_del &lt;条目编号&gt;，例如 /kb_del 12"
DEL_CONFIRM = ("确认删除这条知识条目？删除后检索不到，修改记录仍保留（/kb_history {id}）。"
               "\n\n{preview}")
BTN_DEL = "确认删除"
DEL_DONE = "已删除 #{id}。修改记录保留：/kb_history {id}"
STALE = "这个操作已结束或已过期。"
CLEAR_WORDS = ("无", "清空", "-", "—")


def render_draft(values: Mapping[str, object]) -> str:
    lines = []
    for key in ("question", "answer", "keywords", "category", "source", "similar"):
        value = values.get(key) or ""
        if isinstance(value, list | tuple):
            value = "、".join(str(v) for v in value)
        lines.append(f"<b>{FIELD_NAMES_ZH[key]}：</b>{escape(str(value)) or '—'}")
    return "\n".join(lines)


EDIT_ASK_SIMILAR = "（相似问法每行一条，也可用“｜”分隔）"
RETRY = "{error}，请重新发送："
RETRY_OR_CANCEL = "{error}，请重新发送（/cancel 取消）："
DUPLICATE_IN_DIALOGUE = ("已有相同的问题：#{id} {question}\n"
                         "修改请用 /kb_edit {id}；或发送另一个问题：")

# ----------------------------------------------------------------------------- learning
PICK_LEARNED = "📚 已把“{q}”记为 #{id} 的相似问法，以后这样问能直接找到。"
PICK_PENDING = "已记下：“{q}”对应 #{id}（再有一位同事这样选就会记为相似问法）。"


def render_pick(outcome: PickOutcome, query: str, entry_id: int) -> str | None:
    """What a pick taught the search (None: nothing worth saying)."""
    q = escape(_short(query, 40))
    if outcome.status == "learned":
        return PICK_LEARNED.format(q=q, id=entry_id)
    if outcome.status == "pending":
        return PICK_PENDING.format(q=q, id=entry_id)
    return None


# ----------------------------------------------------------------------------- stats
STATS_USAGE = "用法：/kb_stats"


def render_stats(st: KbStats) -> str:
    lines = ["<b>知识库状态</b>", f"条目：{st.entries} 条；待补充缺口：{st.open_gaps} 条"]
    if st.semantic:
        lines.append(f"检索方式：关键词 + 语义（{escape(st.model or '')}）")
        lines.append(f"已有语义向量：{st.vectors} 条"
                     + (f"，后台计算中 {st.embedding_backlog} 条" if st.embedding_backlog else ""))
    else:
        lines.append("检索方式：<b>仅关键词</b>（语义模型不可用："
                     f"{escape(st.semantic_reason or '未加载')}）")
    lines.append("关键词索引：" + ("已就绪" if st.lexical_ready else "后台构建中")
                 + (f"（用时 {st.build_seconds:.1f} 秒）" if st.build_seconds else ""))
    picks = st.picks
    lines.append(f"学习：已记为相似问法 {picks.get('promoted', 0)} 条，"
                 f"待确认 {picks.get('pending', 0)} 条")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- errors
_ERRORS = {
    "question_empty": "问题不能为空",
    "question_no_text": "问题里没有文字",
    "question_too_long": "问题太长（{n} 字，最多 {max} 字）",
    "answer_empty": "答复口径不能为空",
    "answer_too_long": "答复口径太长（{n} 字，最多 {max} 字）",
    "keywords_too_many": "关键词太多（{n} 个，最多 {max} 个）",
    "keyword_too_long": "关键词“{keyword}”太长（最多 {max} 字）",
    "similar_too_many": "相似问法太多（{n} 条，最多 {max} 条）",
    "similar_too_long": "相似问法“{text}”太长（最多 {max} 字）",
    "category_too_long": "分类太长（最多 {max} 字）",
    "source_too_long": "来源太长（最多 {max} 字）",
    "duplicate_question": "已有相同的问题：#{id}（可用 /kb_edit {id} 修改）",
    "duplicate_row": "问题与第 {row} 行重复",
    "unknown_fields": "未知字段：{names}",
    "no_entry": "没有编号为 {id} 的知识条目",
    "no_active_entry": "没有编号为 {id} 的知识条目（或已删除）",
    "synonym_too_long": "同义词“{term}”太长（最多 {max} 字）",
    "synonym_no_text": "同义词“{term}”里没有文字",
    "synonym_group_small": "一组同义词至少要有两个不同的词",
    "no_synonym_group": "没有编号为 {id} 的同义词组",
    "synonym_not_in_group": "同义词组 {id} 里没有“{term}”",
    "empty_query": "检索内容为空",
    "no_gap": "没有编号为 {id} 的知识库缺口",
    "gap_closed": "缺口 #{id} 已经关闭",
    # files (python -m bot kb import)
    "bad_extension": "不支持的文件类型“{suffix}”：请用 .yaml/.yml、.csv 或 .xlsx",
    "missing_file": "找不到文件：{path}",
    "missing_columns": ("第 1 行（表头）缺少列：{names}。"
                        "表头应为 question,answer,keywords,category,source,similar"),
    "empty_file": "文件是空的（第 1 行应为表头 question,answer,…）",
    "bad_csv_encoding": "CSV 文件编码无法识别，请另存为 UTF-8",
    "bad_csv": "CSV 格式错误：{detail}",
    "bad_xlsx": "无法读取 XLSX 文件：{detail}",
    "no_entries_sheet": "XLSX 文件里没有知识条目工作表",
    "empty_sheet": "工作表是空的（第 1 行应为表头 question,answer,…）",
    "bad_yaml_encoding": "YAML 文件不是 UTF-8 编码",
    "bad_yaml": "YAML 格式错误{line}",
    "bad_yaml_synonyms": "YAML 的 synonyms 应为列表（每组一个列表）",
    "bad_yaml_shape": "YAML 应为条目列表，或含 entries: 列表的映射",
    "row_not_mapping": "不是“字段: 值”形式的条目",
}


def kb_error(exc: Exception, *, html: bool = True) -> str:
    """The Chinese sentence for a knowledge-base error (escaped for HTML unless ``html`` is
    False, e.g. for the command line)."""
    if not isinstance(exc, KbError | KbFileError):
        return escape(str(exc)) if html else str(exc)
    fields = dict(exc.fields)
    if exc.code == "unknown_fields":
        fields["names"] = "、".join(fields.get("names", ()))
    if exc.code == "missing_columns":
        fields["names"] = "、".join(fields.get("names", ()))
    if exc.code == "bad_yaml":
        fields["line"] = f"第 {fields['line']} 行" if fields.get("line") else ""
    template = _ERRORS.get(exc.code, exc.code)
    try:
        text = template.format(**fields)
    except (KeyError, IndexError):
        text = template
    return escape(text) if html else text
