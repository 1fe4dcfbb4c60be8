"""The command registry: one list drives /help, the per-role Telegram menus and role checks."""

from __future__ import annotations

from dataclasses import dataclass

from bot.permissions import Perm, allowed
from models.staff import Role


@dataclass(frozen=True)
class CommandSpec:
    name: str
    usage: str  # shown in /help, e.g. "/adduser <id> <角色> <姓名>"
    description: str  # short Chinese description (menu text, ≤ 256 chars)
    perm: Perm
    in_group: bool = False  # usable in the duty/leader group as well as in private


COMMANDS: list[CommandSpec] = [
    CommandSpec("start", "/start", "开始使用", Perm.basic, in_group=True),
    CommandSpec("help", "/help", "查看我能用的功能", Perm.basic, in_group=True),
    CommandSpec("cancel", "/cancel", "取消当前操作", Perm.basic),
    CommandSpec("new", "/new [粘贴工单]", "登记工单（可直接粘贴平台工单）", Perm.tickets),
    CommandSpec("t", "/t <工单编号>", "查看工单及办理按钮", Perm.ticket_view, in_group=True),
    CommandSpec("mine", "/mine", "我的在办工单", Perm.tickets),
    CommandSpec("open", "/open", "全部在办工单", Perm.ticket_view, in_group=True),
    CommandSpec("overdue", "/overdue", "已超时工单", Perm.ticket_view, in_group=True),
    CommandSpec("find", "/find <关键词>", "搜索工单", Perm.ticket_view),
    CommandSpec("complex", "/complex <工单编号> [取消]", "标记复杂疑难（延长办结时限）",
                Perm.manage_roster, in_group=True),
    CommandSpec("adduser", "/adduser <TG号> <角色> <姓名>", "登记人员", Perm.manage_users),
    CommandSpec("setrole", "/setrole <TG号> <角色>", "修改人员角色", Perm.manage_users),
    CommandSpec("deluser", "/deluser <TG号>", "停用人员（保留记录）", Perm.manage_users),
    CommandSpec("staff", "/staff", "人员名单", Perm.manage_users),
    CommandSpec("setcontact", "/setcontact <TG号> phone|email <值>",
                "登记手机和邮箱（紧急提醒的短信、电话、邮件）", Perm.manage_users),
    CommandSpec("urgent", "/urgent <工单编号> [说明]", "标为紧急并立即提醒领导", Perm.alerts,
                in_group=True),
    CommandSpec("alerts", "/alerts [mine]", "未结束的紧急提醒；mine：我确认过的", Perm.ticket_view,
                in_group=True),
    CommandSpec("setsection", "/setsection <TG号> <科室>",
                "设置领导分管的科室（紧急提醒先发给他）", Perm.manage_users),
    # roster, daily post, handover (docs/roster.md)
    CommandSpec("duty", "/duty", "当前值班和下一班（含带班）", Perm.duty, in_group=True),
    CommandSpec("roster", "/roster [next]", "本周排班；next：下周", Perm.duty, in_group=True),
    CommandSpec("swap", "/swap", "换班：选出自己的班次请同事接班", Perm.tickets),
    CommandSpec("handover", "/handover <交接事项>", "给下一班留交接事项", Perm.tickets,
                in_group=True),
    CommandSpec("daily", "/daily [日期]", "值班日报（今天或指定日期）", Perm.duty, in_group=True),
    CommandSpec("roster_set", "/roster_set <日期> <班次> <姓名…>", "调整某班次的值班人员",
                Perm.manage_roster),
    CommandSpec("special", "/special <起> <止> <名称>", "设重大任务/重要时段（节假日专班）",
                Perm.manage_roster),
    CommandSpec("holidays", "/holidays [天数]", "近期节假日与调休安排（时限按此计算）", Perm.basic,
                in_group=True),
    # reports (docs/reports.md)
    CommandSpec("weekly", "/weekly [日期]", "周报：上周（或该日所在周）汇总、图表和明细",
                Perm.reports, in_group=True),
    CommandSpec("monthly", "/monthly [2026-11]", "月报及分析报告初稿", Perm.reports,
                in_group=True),
    CommandSpec("quarterly", "/quarterly [2026-Q3]", "季报及分析报告初稿", Perm.reports,
                in_group=True),
    CommandSpec("halfyear", "/halfyear [2026-H1]", "半年报及分析报告初稿", Perm.reports,
                in_group=True),
    CommandSpec("annual", "/annual [2026]", "年报及分析报告初稿", Perm.reports, in_group=True),
    CommandSpec("report", "/report <起> <止>", "任意时段的报表和分析报告初稿", Perm.reports,
                in_group=True),
    # contract compliance (docs/assessment.md)
    CommandSpec("staffinfo", "/staffinfo <TG号或姓名> [项=值…]",
                "人员台账：入职离职、学历专业、岗前培训考试", Perm.compliance),
    CommandSpec("training", "/training add|list|follow|person …",
                "培训与活动：登记、出勤、效果跟踪", Perm.compliance),
    CommandSpec("policies", "/policies [名称]", "四项制度文件：查看、上传新版本", Perm.compliance),
    CommandSpec("incident", "/incident mistake|complaint|other|list …",
                "考核事项：办理失误、投诉属实、其他违约", Perm.compliance),
    CommandSpec("assess", "/assess [2026|2026-Q3|service|起 止]",
                "考核细则自查：预计扣款与人员配置", Perm.assess),
    CommandSpec("workreport", "/workreport [2026-11]", "月度工作汇报初稿（Word）",
                Perm.compliance),
    CommandSpec("ledger", "/ledger [2026-11|2026-Q3|起 止]", "回访台账（Excel，缺录音标红）",
                Perm.assess),
    # knowledge base (docs/knowledge_base.md)
    CommandSpec("kb", "/kb <关键词或问题>", "检索知识库（答复口径）；私聊直接发问题也可", Perm.kb,
                in_group=True),
    CommandSpec("kb_history", "/kb_history <编号> [版本]", "知识条目的修改记录", Perm.kb),
    CommandSpec("kb_add", "/kb_add", "新增知识条目", Perm.manage_kb),
    CommandSpec("kb_edit", "/kb_edit <编号>", "修改知识条目", Perm.manage_kb),
    CommandSpec("kb_del", "/kb_del <编号>", "删除知识条目（保留修改记录）", Perm.manage_kb),
    CommandSpec("kb_gaps", "/kb_gaps", "待补充的知识库缺口", Perm.manage_kb),
    CommandSpec("kb_syn", "/kb_syn [add|del …]", "检索用的同义词表", Perm.manage_kb),
    CommandSpec("kb_stats", "/kb_stats", "知识库状态：检索方式、索引、学习情况", Perm.manage_kb),
]

_BY_NAME = {c.name: c for c in COMMANDS}


def register(*specs: CommandSpec) -> None:
    """Feature modules add their commands here (import time), keeping one registry."""
    for spec in specs:
        if spec.name in _BY_NAME:
            raise ValueError(f"command /{spec.name} registered twice")
        COMMANDS.append(spec)
        _BY_NAME[spec.name] = spec


def spec(name: str) -> CommandSpec:
    return _BY_NAME[name]


def commands_for(role: Role | str | None, *, group: bool = False) -> list[CommandSpec]:
    return [c for c in COMMANDS if allowed(role, c.perm) and (c.in_group or not group)]
