"""Staff registry: registration, roles, deactivation, access requests (real database)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.services.staff.directory import StaffDirectory, StaffError, parse_role, parse_telegram_id
from bot.texts.admin import staff_error
from models.audit import AuditLog
from models.db import session_scope
from models.staff import Role


def test_admins_from_settings_are_active_admins(engine, clock):
    d = StaffDirectory(engine, clock)
    d.ensure_admins((111, 222))
    assert [m.telegram_id for m in d.active(Role.admin)] == [111, 222]
    d.ensure_admins((111,))  # idempotent
    assert len(d.all()) == 2


def test_add_setrole_deactivate_keep_history(engine, clock):
    d = StaffDirectory(engine, clock)
    d.ensure_admins((1,))
    m, created = d.add(actor_id=1, telegram_id=42, role=Role.staff, name="  张  三 ")
    assert created and m.name == "张 三" and d.get(42).role is Role.staff
    assert d.set_role(actor_id=1, telegram_id=42, role=Role.leader).role is Role.leader
    d.deactivate(actor_id=1, telegram_id=42)
    assert d.get(42) is None and d.get_any(42) is not None
    with pytest.raises(StaffError) as exc:
        d.deactivate(actor_id=1, telegram_id=42)
    assert "停用" in staff_error(exc.value)
    _, created = d.add(actor_id=1, telegram_id=42, role=Role.staff, name="张三")
    assert not created and d.get(42) is not None
    with session_scope(engine) as s:
        actions = [a.action for a in s.exec(select(AuditLog).order_by(AuditLog.id)).all()]
    assert actions == ["staff.add", "staff.set_role", "staff.deactivate", "staff.add"]


def test_refusals_are_chinese_and_change_nothing(engine, clock):
    d = StaffDirectory(engine, clock)
    d.ensure_admins((1,))
    with pytest.raises(StaffError) as exc:
        d.set_role(actor_id=1, telegram_id=999, role=Role.staff)
    assert "没有找到" in staff_error(exc.value)
    with pytest.raises(StaffError) as exc:
        d.deactivate(actor_id=1, telegram_id=1)
    assert "自己" in staff_error(exc.value)
    with pytest.raises(StaffError) as exc:
        d.set_role(actor_id=1, telegram_id=1, role=Role.staff)
    assert "管理员" in staff_error(exc.value)
    with pytest.raises(StaffError) as exc:
        d.add(actor_id=1, telegram_id=5, role=Role.staff, name="   ")
    assert "姓名" in staff_error(exc.value)
    assert [m.telegram_id for m in d.all()] == [1]


@pytest.mark.parametrize(("raw", "role"), [("staff", Role.staff), ("领导", Role.leader),
                                           ("MANAGER", Role.manager), ("管理员", Role.admin)])
def test_parse_role(raw, role):
    assert parse_role(raw) is role


@pytest.mark.parametrize("raw", ["boss", "", "值班"])
def test_parse_role_refuses(raw):
    with pytest.raises(StaffError) as exc:
        parse_role(raw)
    assert "角色" in staff_error(exc.value)


@pytest.mark.parametrize("raw", ["abc", "-5", "0", "12.5", ""])
def test_parse_telegram_id_refuses(raw):
    with pytest.raises(StaffError) as exc:
        parse_telegram_id(raw)
    assert "Telegram" in staff_error(exc.value)


def test_access_request_once(engine, clock):
    d = StaffDirectory(engine, clock)
    assert d.request_access(77, "路人") is True
    assert d.request_access(77, "路人") is False
    assert d.pending_request(77) is not None
    assert d.ignore_request(actor_id=1, telegram_id=77) is True
    assert d.pending_request(77) is None


def test_every_refusal_has_words():
    from bot.services.staff.directory import StaffRefusal
    from bot.texts.admin import STAFF_REFUSALS

    assert set(STAFF_REFUSALS) == set(StaffRefusal)
    err = StaffError(StaffRefusal.already_inactive, name="<张三>", telegram_id=42)
    assert staff_error(err) == "&lt;张三&gt;（42）已是停用状态。"
