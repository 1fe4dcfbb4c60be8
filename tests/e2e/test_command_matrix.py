"""Every registered command, for every role: refused where the role may not use it.

The whole role × command matrix is checked without Telegram: each command's registered
callback (from `bot.routes`, dialogue entry points included) is called with a member of each
role, and the guard's decision must match the permission table (`bot.commands` +
`bot.permissions`). A few refusals, one per role kind, still go through the emulator.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from telegram.ext import BaseHandler, CommandHandler, ConversationHandler
from telegram.warnings import PTBUserWarning

from bot.commands import COMMANDS, CommandSpec
from bot.permissions import allowed
from bot.routes import routes
from bot.services.staff.directory import Member
from bot.texts import common as texts
from models.staff import ROLE_NAMES_ZH, Role
from tests.e2e.harness import ADMIN, LEADER, MANAGER, STAFF, Harness, text_of

MEMBERS = {"staff": STAFF, "leader": LEADER, "manager": MANAGER, "admin": ADMIN}
CASES = [(c.name, role) for c in COMMANDS for role in MEMBERS if not allowed(role, c.perm)]
Callback = Callable[[Any, Any], Awaitable[Any]]


# ------------------------------------------------------------------ the table, without Telegram
class Passed(Exception):
    """The guard let the call through: the feature code touched something beyond it."""


class _Tripwire:
    """Any attribute not set explicitly belongs to the feature code: touching it means the
    guard let the call through."""

    def __getattr__(self, name: str) -> Any:
        raise Passed(name)


class _Staff(_Tripwire):
    def __init__(self, member: Member) -> None:
        self.member = member

    def get(self, telegram_id: int) -> Member | None:
        return self.member if telegram_id == self.member.telegram_id else None


class _Svc(_Tripwire):
    def __init__(self, member: Member) -> None:
        self.staff = _Staff(member)


class _Context(_Tripwire):
    def __init__(self, member: Member) -> None:
        self.svc = _Svc(member)
        self.args: list[str] = []


class _Message(_Tripwire):
    def __init__(self) -> None:
        self.replies: list[str] = []

    async def reply_text(self, text: str, *args: Any, **kwargs: Any) -> None:
        self.replies.append(text)


class _User(_Tripwire):
    def __init__(self, user_id: int) -> None:
        self.id = user_id
        self.is_bot = False


class _Chat(_Tripwire):
    def __init__(self, chat_id: int, chat_type: str) -> None:
        self.id, self.type = chat_id, chat_type


class _Update(_Tripwire):
    """A command message from `user_id`; only what the guard reads is real."""

    def __init__(self, user_id: int, chat_type: str) -> None:
        self.effective_user = _User(user_id)
        self.effective_chat = _Chat(user_id if chat_type == "private" else -100, chat_type)
        self.effective_message = _Message()
        self.callback_query = None
        self.inline_query = None


def _walk(handler: BaseHandler[Any, Any, Any], out: dict[str, Callback]) -> None:
    """The first callback that takes each command outside a dialogue, in dispatch order."""
    if isinstance(handler, ConversationHandler):
        for entry in handler.entry_points:
            _walk(entry, out)
    elif isinstance(handler, CommandHandler):
        for command in handler.commands:
            out.setdefault(command, handler.callback)


@functools.cache
def command_callbacks() -> dict[str, Callback]:
    out: dict[str, Callback] = {}
    with warnings.catch_warnings():  # the dialogues' per_message=False, as in build_application
        warnings.filterwarnings("ignore", message=r"If 'per_message=False'",
                                category=PTBUserWarning)
        handlers = routes(dialogue_timeout_minutes=15)
    for handler, _group in handlers:
        _walk(handler, out)
    return out


async def refusal(callback: Callback, name: str, role: Role,
                  chat_type: str = "private") -> str | None:
    """The guard's refusal to a member of `role`, or None when the call went through."""
    member = Member(telegram_id=STAFF, name="某人", role=role, active=True)
    update = _Update(STAFF, chat_type)
    try:
        await callback(update, _Context(member))
    except Passed:
        return None
    replies = update.effective_message.replies
    refusals = (texts.NOT_ALLOWED.format(role=ROLE_NAMES_ZH[role]),
                texts.GROUP_ONLY_PRIVATE.format(command=name))
    return replies[0] if len(replies) == 1 and replies[0] in refusals else None


def test_every_command_is_registered():
    callbacks = command_callbacks()
    assert [c.name for c in COMMANDS if c.name not in callbacks] == []


@pytest.mark.parametrize("spec", COMMANDS, ids=[c.name for c in COMMANDS])
async def test_guard_follows_the_permission_table(spec: CommandSpec):
    callback = command_callbacks()[spec.name]
    for role in Role:
        refused = await refusal(callback, spec.name, role)
        if allowed(role, spec.perm):
            assert refused is None, (spec.name, role)
        else:
            assert refused == texts.NOT_ALLOWED.format(role=ROLE_NAMES_ZH[role]), (spec.name, role)


@pytest.mark.parametrize("spec", COMMANDS, ids=[c.name for c in COMMANDS])
async def test_private_only_commands_are_refused_in_groups(spec: CommandSpec):
    callback = command_callbacks()[spec.name]
    # an admin may use every command: only the chat decides
    refused = await refusal(callback, spec.name, Role.admin, chat_type="supergroup")
    if spec.in_group:
        assert refused is None, spec.name
    else:
        assert refused == texts.GROUP_ONLY_PRIVATE.format(command=spec.name), spec.name


def test_every_command_has_a_chinese_description_and_is_lowercase_ascii():
    for c in COMMANDS:
        assert c.name.isascii() and c.name == c.name.lower() and 1 <= len(c.name) <= 32
        assert c.description and len(c.description) <= 256


# ------------------------------------------------------------------- through the emulator
# one refusal per role kind that has any (an admin may use every command)
E2E_CASES = {role: next(c for c, r in CASES if r == role) for role in ("staff", "leader",
                                                                      "manager")}


@pytest.mark.parametrize(("role", "command"), list(E2E_CASES.items()),
                         ids=[f"{c}-{r}" for r, c in E2E_CASES.items()])
async def test_refused_for_roles_without_the_permission(team: Harness, role: str, command: str):
    replies = await team.say(MEMBERS[role], f"/{command}")
    assert "不能使用" in text_of(replies), replies
    assert len(replies) == 1
