"""Every registered command, for every role: refused where the role may not use it."""

from __future__ import annotations

import pytest

from bot.commands import COMMANDS
from bot.permissions import allowed
from tests.e2e.harness import ADMIN, LEADER, MANAGER, STAFF, Harness, text_of

MEMBERS = {"staff": STAFF, "leader": LEADER, "manager": MANAGER, "admin": ADMIN}
CASES = [(c.name, role) for c in COMMANDS for role in MEMBERS if not allowed(role, c.perm)]


@pytest.mark.parametrize(("command", "role"), CASES, ids=[f"{c}-{r}" for c, r in CASES])
async def test_refused_for_roles_without_the_permission(team: Harness, command: str, role: str):
    replies = await team.say(MEMBERS[role], f"/{command}")
    assert "不能使用" in text_of(replies), replies
    assert len(replies) == 1


def test_every_command_has_a_chinese_description_and_is_lowercase_ascii():
    for c in COMMANDS:
        assert c.name.isascii() and c.name == c.name.lower() and 1 <= len(c.name) <= 32
        assert c.description and len(c.description) <= 256
