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
    CommandSpec("adduser", "/adduser <TG号> <角色> <姓名>", "登记人员", Perm.manage_users),
    CommandSpec("setrole", "/setrole <TG号> <角色>", "修改人员角色", Perm.manage_users),
    CommandSpec("deluser", "/deluser <TG号>", "停用人员（保留记录）", Perm.manage_users),
    CommandSpec("staff", "/staff", "人员名单", Perm.manage_users),
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
