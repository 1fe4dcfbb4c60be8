"""Everything the compliance feature says in chat (docs/assessment.md): the staff register,
trainings, policies, incidents, /assess, /workreport, the reminders and the refusals."""

from __future__ import annotations

from datetime import tzinfo

from bot.callbackdata.codec import encode
from bot.callbackdata.kinds import PolicyPick, StaffField
from bot.services.compliance import vocab
from bot.services.compliance.errors import ComplianceError, RowProblem
from bot.services.compliance.gate import OnboardingRefused
from bot.services.compliance.incidents import IncidentView
from bot.services.compliance.notes import TrainingBehindNote, WorkReportDueNote
from bot.services.compliance.policies import PolicyStatus
from bot.services.compliance.register import RecordView
from bot.services.compliance.results import Assessment
from bot.services.compliance.trainings import TrainingView
from bot.services.outbox.store import Buttons
from bot.services.staff.contacts import ContactRefusal
from bot.services.staff.directory import Member
from bot.texts import contacts as contact_texts
from bot.texts.audience import Audience, Rendered, Renderer
from bot.texts.compliance_words import (
    KIND_ZH,
    RATIO_LABELS,
    RULE_TITLES,
    STATUS,
    STATUS_MARK,
    amounts,
    day,
    moment,
    period_label,
    ratio_threshold,
    ratio_value,
    rule_line,
    yuan,
)
from bot.texts.escape import escape

LABELS = vocab.FIELD_LABELS

# ---------------------------------------------------------------- errors
_ERRORS = {
    "unknown_person": "没有找到“{who}”，请写登记过的姓名或 TG号（/staff 可查）。",
    "ambiguous_person": "有 {count} 人叫“{who}”，请改用 TG号。",
    "not_team": "{name} 是领导，不属于项目团队，不登记人员台账。",
    "bad_field": "不认识“{text}”，可填：入职、离职、同意离职、学历、专业、医学、培训、考试。",
    "bad_value": "“{text}”不是有效的{label}，可选：{choices}。",
    "too_long": "{label}太长（最多 {limit} 个字）。",
    "bad_date": "“{text}”不是有效日期，请写成 2026-03-15。",
    "leave_before_hire": "离职日期 {leave} 早于入职日期 {hire}，请核对。",
    "no_changes": "{name} 的台账没有变化。",
    "missing_args": "参数不全。",
    "duplicate_row": "与第 {first} 行是同一人",
    "missing_column": "缺少“{column}”列",
    "name_mismatch": "TG号 {who} 登记的姓名是“{registered}”，表中写的是“{name}”",
    "bad_file": "无法读取文件（应为 .xlsx）",
    "bad_phone": contact_texts.REFUSALS[ContactRefusal.bad_phone],  # as /setcontact says it
    "bad_email": contact_texts.REFUSALS[ContactRefusal.bad_email],
    "training_missing": "缺少：{fields}。",
    "bad_kind": "类型“{text}”无效，可选：{choices}。",
    "unknown_attendees": "参加人员中没有找到：{names}（请写登记过的姓名或 TG号）。",
    "training_not_found": "没有编号为 {id} 的培训记录。",
    "future_date": "日期 {text} 还没到，只能登记已经发生的事。",
    "empty_text": "内容不能为空。",
    "unknown_policy": "不认识“{text}”，可选：{choices}。",
    "too_large": "文件太大（{size_mb} MB），上限 {limit_mb} MB。",
    "empty_file": "文件是空的，请重新发送。",
    "ticket_not_found": "没有找到工单 {text}，请核对编号。",
    "bad_stage": "环节“{text}”无效，可选：{choices}。",
    "bad_incident_kind": ("请写明类型：mistake（失误）、complaint（投诉属实）"
                          "或 other（其他违约）。"),
    "incident_not_found": "没有编号为 {id} 的考核事项。",
    "incident_removed": "考核事项 #{id} 已经撤销过了。",
    "needs_person": "请写明人员（姓名或 TG号）。",
    "bad_period": "“{text}”不是有效时段，可写 2026、2026-Q3、2026-11、service 或两个日期。",
    "period_future": "时段 {text} 还没开始。",
}
FIELD_NAMES = {"held_on": "日期", "kind": "类型", "topic": "主题"}


def error(exc: ComplianceError | RowProblem) -> str:
    """The refusal as one escaped Chinese sentence saying what to fix."""
    f = {k: escape(str(v)) for k, v in exc.fields.items()}
    raw = exc.fields
    if "choices" in raw:
        f["choices"] = escape("、".join(raw["choices"]))
    if "field" in raw:
        f["label"] = escape(LABELS.get(raw["field"], raw["field"]))
    if "fields" in raw:
        f["fields"] = escape("、".join(FIELD_NAMES.get(x, x) for x in raw["fields"]))
    if "names" in raw:
        f["names"] = escape("、".join(raw["names"]))
    if "size" in raw:
        f["size_mb"] = f"{raw['size'] / 1048576:.1f}"
        f["limit_mb"] = f"{raw['limit'] / 1048576:.0f}"
    return _ERRORS[exc.code].format(**f)


CLI_IMPORT_REFUSED = "导入被拒绝，整个文件未导入（{n} 处问题）："
CLI_IMPORT_CHECKED = "检查通过：{rows} 人（未写入，去掉 --dry-run 导入）。"
CLI_IMPORT_DONE = ("已导入人员台账 {rows} 行：新建 {created} 人，更新 {changed} 人，"
                   "联系方式更新 {contacts} 人，其余无变化。")
CLI_EXPORT_DONE = "已导出人员台账 {rows} 人：{file}"


def import_problems(problems: list[RowProblem]) -> list[str]:
    """One line per problem of a refused register file (printed by the command line)."""
    return [_where(p) + error(p) for p in problems]


def _where(p: RowProblem) -> str:
    if not p.row:
        return ""
    if p.column:
        return f"第 {p.row} 行 {p.column} 列（{escape(p.header)}）："
    return f"第 {p.row} 行："


# ---------------------------------------------------------------- staff register
STAFFINFO_USAGE = ("用法：/staffinfo &lt;TG号或姓名&gt; 查看并修改人员台账；\n"
                   "也可一次写多项：/staffinfo 2001 入职=2026-02-10 学历=本科 专业=临床医学 "
                   "医学=是 培训=2026-02-12 考试=通过\n"
                   "离职：/staffinfo 2001 离职=2026-05-31 同意离职=否\n"
                   "不带参数：列出台账未填全的人。")
ASK_VALUE = "请发送{label}（日期写成 2026-03-15；发“-”清空）；/cancel 取消。"
ASK_CHOICE = "请选择{label}："
SAVED = "已更新 {name} 的台账。"
BTN_CLEAR = "清空"
REGISTER_ALL_FILLED = "人员台账已填全（{n} 人）。"
REGISTER_HEAD = "<b>人员台账待补充</b>（{n} 人，发 /staffinfo &lt;TG号&gt; 补充）："
CHOICE_VALUES = {"education": list(vocab.EDUCATION), "medical": ["是", "否"],
                 "leave_approved": ["是", "否"], "exam_passed": ["通过", "未通过"]}


def _yes(v: bool | None, yes: str = "是", no: str = "否") -> str:
    return "未填" if v is None else (yes if v else no)


def record_card(v: RecordView, trainings: int) -> str:
    m = v.member
    lines = [f"<b>人员台账：{escape(m.name)}</b>（{m.telegram_id}）",
             f"入职日期：{day(v.hire_date) if v.hire_date else '未填'}",
             f"离职日期：{day(v.leave_date)}" + ("（甲方已同意）" if v.leave_approved else ""),
             f"学历：{escape(v.education or '未填')}　专业：{escape(v.major or '未填')}",
             f"医学专业：{_yes(v.medical)}",
             f"入职培训：{day(v.onboarding_date) if v.onboarding_date else '未填'}　"
             f"岗前考试：{_yes(v.exam_passed, '通过', '未通过')}",
             f"参加培训：{trainings} 次"]
    if v.missing:
        lines.append("⚠️ 待补充：" + "、".join(LABELS[f] for f in v.missing))
    return "\n".join(lines)


def record_buttons(telegram_id: int) -> Buttons:
    keys = list(LABELS)
    row = [(LABELS[k], encode(StaffField(telegram_id, k))) for k in keys]
    return [row[i:i + 3] for i in range(0, len(row), 3)]


def register_overview(records: list[RecordView]) -> str:
    todo = [v for v in records if v.member.active and v.missing and v.leave_date is None]
    if not todo:
        return REGISTER_ALL_FILLED.format(n=len(records))
    lines = [REGISTER_HEAD.format(n=len(todo))]
    lines += [f"• {escape(v.member.name)}（{v.member.telegram_id}）缺："
              + "、".join(LABELS[f] for f in v.missing) for v in todo]
    return "\n".join(lines)


# ---------------------------------------------------------------- trainings
TRAINING_USAGE = (
    "用法：\n/training add 后换行填写：\n日期：2026-03-15\n"
    "类型：业务培训（或 全系统培训、宣传活动、入职培训）\n主题：接诉即办流程与知识库\n"
    "参加人员：张值班、李值班\n外部参加：（可选）\n效果跟踪：（可选，之后也可补）\n\n"
    "/training list [2026] 列表\n/training &lt;编号&gt; 详情\n"
    "/training follow &lt;编号&gt; &lt;效果跟踪&gt;\n"
    "/training person &lt;姓名或TG号&gt; 个人参加记录\n/training del &lt;编号&gt; 删除误录")
FOLLOW_SAVED = "已记录培训 #{id} 的效果跟踪。"
TRAINING_DELETED = "已删除培训 #{id}（{held_on} {kind}《{topic}》）。"


def training_line(t: TrainingView) -> str:
    mark = "" if t.follow_up else "（未记效果跟踪）"
    return (f"#{t.id} {t.held_on} {escape(t.kind)}《{escape(t.topic)}》"
            f"{len(t.attendees)} 人{mark}")


def training_detail(t: TrainingView, tz: tzinfo, *, added: bool = False) -> str:
    head = "已登记培训" if added else "培训"
    names = "、".join(escape(m.name) for m in t.attendees) or "—"
    lines = [f"<b>{head} #{t.id}</b>", f"日期：{t.held_on}　类型：{escape(t.kind)}",
             f"主题：{escape(t.topic)}", f"参加人员（{len(t.attendees)}）：{names}"]
    if t.external:
        lines.append(f"外部参加：{escape(t.external)}")
    lines.append("效果跟踪：" + (f"{escape(t.follow_up)}（{moment(t.follow_up_at, tz)}）"
                               if t.follow_up else "未记录，请用 /training follow 补充"))
    return "\n".join(lines)


def training_list(views: list[TrainingView], label: str) -> str:
    if not views:
        return f"{escape(label)}没有培训或活动记录。"
    counts = "，".join(f"{k} {sum(1 for t in views if t.kind == k)}" for k in vocab.TRAINING_KINDS)
    return "\n".join([f"<b>{escape(label)}培训与活动</b>（{counts}）",
                      *[training_line(t) for t in views]])


def person_trainings(member: Member, views: list[TrainingView]) -> str:
    if not views:
        return f"{escape(member.name)} 还没有参加培训的记录。"
    return "\n".join([f"<b>{escape(member.name)} 参加的培训</b>（{len(views)} 次）",
                      *[training_line(t) for t in views]])


# ---------------------------------------------------------------- policies
POLICY_PROMPT = ("请回复本消息，发送《{policy}》文件（Word 或 PDF，不超过 {limit} MB）。"
                 "如需注明修订日期，在文件说明里写日期，如 2026-03-01。/cancel 取消。")
POLICY_NOT_A_FILE = "请以文件形式发送《{policy}》（不是文字或图片）；/cancel 取消。"
POLICY_SAVED = "已保存《{policy}》第 {version} 版（修订日期 {revised_on}，文件 {file}）。"
POLICY_DOWNLOAD_FAILED = "文件下载失败，请稍后重新发送。"
POLICY_TIMEOUT = "等待文件超时，已取消。需要时再发 /policies。"
POLICIES_USAGE = "用法：/policies 查看制度；/policies &lt;名称或序号&gt; 上传或更新。"


def policies_status(items: list[PolicyStatus], tz: tzinfo, *, amount: int) -> str:
    lines = [f"<b>制度文件</b>（考核细则第 2 项，缺一项扣 {yuan(amount)}）"]
    for i, p in enumerate(items, start=1):
        if p.present:
            lines.append(f"{i}. ✅ 《{escape(p.policy)}》第 {p.version} 版，修订 {p.revised_on}，"
                         f"上传 {moment(p.uploaded_at, tz)}")
        else:
            lines.append(f"{i}. ❌ 《{escape(p.policy)}》缺失")
    lines.append("点按钮上传或更新（发来的文件会保存版本和日期）。")
    return "\n".join(lines)


def policy_buttons(items: list[PolicyStatus]) -> Buttons:
    return [[(("更新：" if p.present else "上传：") + p.policy, encode(PolicyPick(i)))]
            for i, p in enumerate(items)]


# ---------------------------------------------------------------- incidents
INCIDENT_USAGE = (
    "用法：\n/incident mistake [日期] &lt;工单编号&gt; &lt;签收|分派|督办&gt; "
    "[人员] &lt;说明&gt;\n"
    "/incident complaint [日期] &lt;人员&gt; [工单编号] &lt;说明&gt;\n"
    "/incident other [日期] &lt;说明&gt;\n/incident list [时段]\n/incident &lt;编号&gt; 详情\n"
    "/incident del &lt;编号&gt; &lt;理由&gt;（仅管理员）")
ONLY_ADMIN_REMOVES = "只有管理员可以撤销考核事项。"


def incident_line(i: IncidentView) -> str:
    who = escape(i.person.name) if i.person else "—"
    ticket = f" 工单 {escape(i.platform_no)}" if i.platform_no else ""
    stage = f"（{escape(i.stage)}）" if i.stage else ""
    gone = "（已撤销）" if i.removed else ""
    return (f"#{i.id} {i.occurred_on} {KIND_ZH[i.kind]}{stage} {who}{ticket}："
            f"{escape(i.note)}{gone}")


def incident_recorded(i: IncidentView, amount: int) -> str:
    return (f"已记录考核事项：\n{incident_line(i)}\n按考核细则预计扣 {yuan(amount)}。"
            "如记录有误，请管理员用 /incident del 撤销。")


def incident_detail(i: IncidentView, tz: tzinfo) -> str:
    by = escape(i.recorded_by.name) if i.recorded_by else "—"
    lines = [incident_line(i), f"记录：{by}，{moment(i.recorded_at, tz)}"]
    if i.removed:
        rb = escape(i.removed_by.name) if i.removed_by else "—"
        lines.append(f"撤销：{rb}，{moment(i.removed_at, tz)}，理由：{escape(i.removed_reason)}")
    return "\n".join(lines)


def incident_list(items: list[IncidentView], label: str) -> str:
    if not items:
        return f"{escape(label)}没有考核事项。"
    return "\n".join([f"<b>{escape(label)}考核事项</b>（{len(items)}）",
                      *[incident_line(i) for i in items]])


def incident_removed(i: IncidentView) -> str:
    return f"已撤销考核事项 #{i.id}，不再计入考核（记录保留）。"


# ---------------------------------------------------------------- /assess, /workreport
ASSESS_USAGE = "用法：/assess [2026 | 2026-Q3 | 2026-11 | service | 起 止]，不写为服务期至今。"
ASSESS_CAPTION = "考核自查明细（每项一页，含依据）"
WORKREPORT_USAGE = "用法：/workreport [2026-11]，不写为上月（月末最后几天为本月）。"
WORKREPORT_WORKING = "正在生成 {label} 工作汇报初稿……"
WORKREPORT_CAPTION = "{label} 工作汇报初稿（黄色标记处请项目经理补充、判断）"
WORKREPORT_FAILED = "生成工作汇报失败，请稍后再试或联系管理员。"


def assessment_summary(a: Assessment) -> str:
    lines = [f"<b>考核自查：{escape(period_label(a.period))}</b>（统计至 {a.as_of}）"]
    for r in a.rules:
        lines.append(f"{STATUS_MARK[r.status]} {RULE_TITLES[r.rule]}：{STATUS[r.status]}，"
                     f"{escape(rule_line(r))}；{amounts(r)}")
    lines.append(f"\n<b>预计扣款合计：{yuan(a.total)}</b>")
    if a.potential:
        lines.append(f"另有风险金额 {yuan(a.potential)}（尚可补救或需甲方认定，未计入合计）")
    lines.append("\n<b>人员配置</b>")
    for ratio in a.staffing.ratios:
        unknown = f"，{ratio.unknown} 人未填" if ratio.unknown else ""
        need = f"要求 {escape(ratio_threshold(ratio))}" if ratio.threshold is not None \
            else "不设要求"
        lines.append(f"{STATUS_MARK[ratio.status]} {RATIO_LABELS[ratio.key]}："
                     f"{escape(ratio_value(ratio))}（{need}{unknown}）")
    if a.staffing.untrained:
        lines.append("未通过岗前考核：" + "、".join(escape(v.member.name)
                                                 for v in a.staffing.untrained))
    if a.staffing.unregistered:
        lines.append("台账未填入职日期：" + "、".join(escape(m.name)
                                                 for m in a.staffing.unregistered))
    if "no_service" in a.notes:
        lines.append("（未配置服务期，培训按自然年统计）")
    return "\n".join(lines)


# ---------------------------------------------------------------- the roster gate
def gate_warning(members: list[Member], *, html: bool = True) -> str:
    """Who the roster change puts on duty without a passed on-boarding exam (`html=False`:
    the command line, names as they are)."""
    esc = escape if html else str
    names = "、".join(f"{esc(m.name)}（{m.telegram_id}）" for m in members)
    return f"⚠️ 以下人员尚未通过岗前考核，按合同不得上岗：{names}。请在 /staffinfo 登记考试结果。"


def gate_refused(exc: OnboardingRefused, *, html: bool = True) -> str:
    return gate_warning(exc.members, html=html).replace("⚠️", "⛔", 1) + "\n本次排班未保存。"


# ---------------------------------------------------------------- reminders (notes)
def _training_behind(note: TrainingBehindNote, audience: Audience) -> Rendered:
    text = (f"⏰ <b>培训进度提醒</b>\n培训年度 {note.year_first}~{note.year_last} 要求至少 "
            f"{note.per_year} 次业务培训；截至 {note.by} 应已办 {note.expected} 次，目前只有 "
            f"{note.held} 次。每少一次扣 {yuan(note.amount)}。\n"
            "请安排培训，办完用 /training add 登记。")
    return Rendered(text)


def _workreport_due(note: WorkReportDueNote, audience: Audience) -> Rendered:
    y, m = note.month.split("-")
    text = (f"📝 <b>月度工作汇报提醒</b>\n{y}年{int(m)}月的工作汇报尚未生成（合同要求每月至少"
            f"向甲方汇报一次）。请在 {note.last_day} 前发送 /workreport {note.month} 生成初稿。")
    return Rendered(text)


RENDERERS: dict[type, Renderer] = {
    TrainingBehindNote: _training_behind,
    WorkReportDueNote: _workreport_due,
}
