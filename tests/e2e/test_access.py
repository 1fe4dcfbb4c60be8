"""Access control end to end: strangers, roles, admin commands, groups, menus."""

from __future__ import annotations

from tests.e2e.harness import (
    ADMIN,
    DUTY_GROUP,
    LEADER,
    MANAGER,
    OTHER_GROUP,
    STAFF,
    STRANGER,
    Harness,
    buttons,
    text_of,
)


async def test_admin_start_is_answered(harness: Harness):
    replies = await harness.say(ADMIN, "/start")
    assert len(replies) == 1
    assert "管理员" in replies[0]["text"] and "/adduser" in replies[0]["text"]


async def test_stranger_gets_one_refusal_with_their_id_and_nothing_else(harness: Harness):
    mark = harness.emu.mark()
    replies = await harness.say(STRANGER, "你好，我想查工单")
    assert len(replies) == 1
    assert str(STRANGER) in replies[0]["text"] and "管理员" in replies[0]["text"]
    assert "/" not in replies[0]["text"]  # no commands, no help
    # the admins were told once, with buttons to approve or ignore
    await harness.emu.wait_for_message(ADMIN, after=mark, timeout=10)
    to_admin = harness.messages_since(mark, ADMIN)
    assert len(to_admin) == 1 and str(STRANGER) in to_admin[0]["text"]
    assert "忽略" in buttons(to_admin[0])
    await harness.say(STRANGER, "/start")
    assert len(harness.messages_since(mark, ADMIN)) == 1  # not told twice


async def test_adduser_then_help_lists_staff_commands(harness: Harness):
    replies = await harness.say(ADMIN, f"/adduser {STRANGER} staff 孙新人")
    assert "已登记" in text_of(replies)
    help_text = text_of(await harness.say(STRANGER, "/help"))
    assert "/new" in help_text and "/mine" in help_text
    assert "/adduser" not in help_text and "/staff" not in help_text
    # the new member's menu was registered for their chat
    menu = harness.emu.commands.get(f"chat:{STRANGER}")
    assert menu and {"new", "mine"} <= {c["command"] for c in menu}


async def test_staff_may_not_adduser(team: Harness):
    replies = await team.say(STAFF, f"/adduser {STRANGER} admin 坏人")
    assert "不能使用" in text_of(replies)
    assert team.svc.staff.get(STRANGER) is None


async def test_adduser_bad_input_changes_nothing(harness: Harness):
    for text, expect in [("/adduser", "用法"), ("/adduser abc staff 某", "不是有效"),
                         ("/adduser 555 boss 某", "角色"), ("/adduser 555 staff", "用法")]:
        assert expect in text_of(await harness.say(ADMIN, text)), text
    assert harness.svc.staff.get(555) is None


async def test_setrole_deluser_staff(team: Harness):
    assert "领导" in text_of(await team.say(ADMIN, f"/setrole {STAFF} leader"))
    assert "/new" not in text_of(await team.say(STAFF, "/help"))  # leaders do not log tickets
    assert team.svc.staff.get(STAFF).role.value == "leader"
    assert "已停用" in text_of(await team.say(ADMIN, f"/deluser {STAFF}"))
    assert str(STAFF) in text_of(await team.say(STAFF, "/help"))  # now refused like a stranger
    listing = text_of(await team.say(ADMIN, "/staff"))
    assert "张值班" in listing and "已停用" in listing
    assert "用法" in text_of(await team.say(ADMIN, "/setrole 1"))
    assert "没有找到" in text_of(await team.say(ADMIN, "/deluser 424242"))


async def test_manager_and_leader_may_not_manage_users(team: Harness):
    for who in (MANAGER, LEADER, STAFF):
        for cmd in ("/staff", f"/setrole {STAFF} admin", f"/deluser {STAFF}"):
            assert "不能使用" in text_of(await team.say(who, cmd)), (who, cmd)


async def test_access_request_approved_by_button(harness: Harness):
    mark = harness.emu.mark()
    await harness.say(STRANGER, "hello")
    request = await harness.emu.wait_for_message(ADMIN, after=mark, timeout=10)
    await harness.press(ADMIN, request, "登记为值班员")
    assert harness.svc.staff.get(STRANGER) is not None
    assert "已将" in harness.current(request)["text"]
    assert "/new" in text_of(await harness.say(STRANGER, "/help"))


async def test_access_request_ignored(harness: Harness):
    mark = harness.emu.mark()
    await harness.say(STRANGER, "hello")
    request = await harness.emu.wait_for_message(ADMIN, after=mark, timeout=10)
    await harness.press(ADMIN, request, "忽略")
    assert harness.svc.staff.get(STRANGER) is None
    assert "已忽略" in harness.current(request)["text"]


async def test_bot_leaves_unconfigured_group(team: Harness):
    await team.say(STAFF, "/help", chat_id=OTHER_GROUP, expect_reply=False)
    assert OTHER_GROUP in team.emu.left_chats
    assert not [m for m in team.emu.bot_messages(OTHER_GROUP) if m.get("text")]


async def test_added_to_a_foreign_group_the_bot_leaves_at_once(team: Harness):
    mark = team.emu.mark()
    team.emu.add_bot_to_group(chat_id=OTHER_GROUP - 1, by_user_id=STAFF, title="闲聊群")
    await team.settle()
    assert [c for c in team.emu.calls[mark:] if c.method == "leaveChat"]
    assert OTHER_GROUP - 1 in team.emu.left_chats
    team.emu.add_bot_to_group(chat_id=DUTY_GROUP, by_user_id=STAFF, title="值班群")
    await team.settle()
    assert DUTY_GROUP not in team.emu.left_chats


async def test_duty_group_help_and_stranger_silence(team: Harness):
    assert "/t" in text_of(await team.say(STAFF, "/help", chat_id=DUTY_GROUP))
    assert await team.say(STRANGER, "/help", chat_id=DUTY_GROUP, expect_reply=False) == []


async def test_private_only_command_in_group_is_refused(team: Harness):
    assert "私聊" in text_of(await team.say(STAFF, "/new", chat_id=DUTY_GROUP))


async def test_unknown_command_and_cancel(team: Harness):
    assert "没有这个命令" in text_of(await team.say(STAFF, "/nonsense"))
    assert "没有进行中" in text_of(await team.say(STAFF, "/cancel"))


async def test_menus_registered_per_scope(team: Harness):
    await team.app.post_init(team.app)  # the start-up sync, again, now with the team present
    cmds = team.emu.commands
    assert [c["command"] for c in cmds["default"]] == ["start"]
    admin_menu = {c["command"] for c in cmds[f"chat:{ADMIN}"]}
    staff_menu = {c["command"] for c in cmds[f"chat:{STAFF}"]}
    assert "adduser" in admin_menu and "adduser" not in staff_menu and "new" in staff_menu
    leader_menu = {c["command"] for c in cmds[f"chat:{LEADER}"]}
    assert "new" not in leader_menu
