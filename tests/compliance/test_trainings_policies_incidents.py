"""Trainings (the form, attendance, follow-up), policy files (versions, 0600 copies) and
incidents (command parsing, admin removal with history)."""

from __future__ import annotations

import stat
from datetime import date, datetime
from pathlib import Path

import pytest

from bot.config import DEFAULT_TZ as SHANGHAI
from bot.services.compliance.attachments import IncomingFile
from bot.services.compliance.errors import ComplianceError
from bot.services.compliance.incident_args import record_command
from bot.services.compliance.trainings import parse_form
from tests.compliance.conftest import ADMIN, LI, WANG, ZHANG, ZHAO, add_ticket

FORM = """日期：2026-03-15
类型：业务培训
主题：接诉即办流程与知识库
参加人员：张值班、李值班，2003
外部参加：各社区卫生服务中心约 40 人
效果跟踪：3 月底抽查答复口径"""


def test_parse_form_multi_line_and_one_line(staff):
    d = parse_form(FORM, people=staff, today=date(2026, 3, 20))
    assert (d.held_on, d.kind, d.topic) == (date(2026, 3, 15), "业务培训", "接诉即办流程与知识库")
    assert d.attendees == (ZHANG, LI, WANG) and "40" in d.external and d.follow_up
    one = parse_form("日期:2026-03-15 类型:宣传活动 主题:社区义诊宣传 参加:张值班",
                     people=staff, today=date(2026, 3, 20))
    assert one.kind == "宣传活动" and one.topic == "社区义诊宣传" and one.attendees == (ZHANG,)


@pytest.mark.parametrize(("text", "code"), [
    ("日期：2026-03-15\n主题：x", "training_missing"),
    ("日期：2026-03-15\n类型：讲座\n主题：x", "bad_kind"),
    ("日期：2026-04-15\n类型：业务培训\n主题：x", "future_date"),
    ("日期：2026-03-15\n类型：业务培训\n主题：x\n参加人员：张值班、路人甲、路人乙",
     "unknown_attendees"),
])
def test_parse_form_refusals(staff, text, code):
    with pytest.raises(ComplianceError) as exc:
        parse_form(text, people=staff, today=date(2026, 3, 20))
    assert exc.value.code == code
    if code == "unknown_attendees":
        assert exc.value.fields["names"] == ["路人甲", "路人乙"]


def test_training_log(desk, staff, clock):
    clock.set(datetime(2026, 3, 20, 9, tzinfo=SHANGHAI))
    t = desk.trainings.add(parse_form(FORM.replace("效果跟踪：3 月底抽查答复口径", ""),
                                      people=staff, today=clock.today()), actor_id=ZHAO)
    assert not t.follow_up and [m.name for m in t.attendees] == ["张值班", "李值班", "王值班"]
    t = desk.trainings.follow_up(t.id, "抽查合格率 95%", actor_id=ZHAO)
    assert t.follow_up == "抽查合格率 95%" and t.follow_up_at == clock.now()
    assert [x.id for x in desk.trainings.attended_by(LI)] == [t.id]
    assert desk.trainings.between(date(2026, 1, 1), date(2026, 12, 31), kinds=("宣传活动",)) == []
    desk.trainings.delete(t.id, actor_id=ZHAO)
    assert desk.trainings.attended_by(LI) == []
    with pytest.raises(ComplianceError) as exc:
        desk.trainings.get(t.id)
    assert exc.value.code == "training_not_found"


def _doc(name: str = "安全管理制度.docx") -> IncomingFile:
    return IncomingFile("document", "FILEID", "UNIQ", name, "application/msword", 10)


def test_policy_versions_and_private_copies(desk, clock, tmp_path: Path):
    clock.set(datetime(2026, 3, 1, 9, tzinfo=SHANGHAI))
    s1 = desk.policies.store(policy="安全管理制度", incoming=_doc(), content=b"v1", actor_id=ZHAO)
    clock.set(datetime(2026, 5, 1, 9, tzinfo=SHANGHAI))
    s2 = desk.policies.store(policy=desk.policies.named("安全"), incoming=_doc("../../x.docx"),
                             content=b"v2", actor_id=ZHAO, revised_on=date(2026, 4, 28))
    assert (s1.version, s2.version, s2.revised_on) == (1, 2, date(2026, 4, 28))
    now = {p.policy: p for p in desk.policies.status()}
    assert now["安全管理制度"].version == 2 and not now["培训制度"].present
    before = {p.policy: p for p in desk.policies.status(date(2026, 4, 1))}
    assert before["安全管理制度"].version == 1
    files = sorted((tmp_path / "att" / "policy").rglob("*.docx"))
    assert len(files) == 2 and {f.read_bytes() for f in files} == {b"v1", b"v2"}
    for f in files:
        assert stat.S_IMODE(f.stat().st_mode) == 0o600
        assert f.resolve().is_relative_to((tmp_path / "att").resolve())  # no ../ escape
    assert stat.S_IMODE((tmp_path / "att").stat().st_mode) == 0o700


def test_policy_refusals(desk):
    for call, code in [
        (lambda: desk.policies.named("财务制度"), "unknown_policy"),
        (lambda: desk.policies.named("制度"), "unknown_policy"),  # matches all four
        (lambda: desk.attachments.check_size(21 * 1024 * 1024), "too_large"),
        (lambda: desk.policies.store(policy="培训制度", incoming=_doc(), content=b"",
                                     actor_id=ZHAO), "empty_file"),
    ]:
        with pytest.raises(ComplianceError) as exc:
            call()
        assert exc.value.code == code
    assert desk.policies.named("2") == "工作流程制度"
    assert not any(p.present for p in desk.policies.status())


def test_incident_commands(desk, engine, clock):
    t = add_ticket(engine, "2026112500001", handler_id=LI, received=clock.now())
    find = desk.find_ticket
    m = record_command(desk.incidents, ["mistake", "2026112500001", "派发", "派错单位"],
                       find_ticket=find, actor_id=ZHAO)
    assert (m.kind, m.stage, m.person.telegram_id, m.ticket_id) == ("mistake", "分派", LI, t.id)
    m2 = record_command(desk.incidents, ["失误", "2026-11-20", "2026112500001", "督办", "张值班",
                                         "漏督办"], find_ticket=find, actor_id=ZHAO)
    assert m2.person.telegram_id == ZHANG and m2.occurred_on == date(2026, 11, 20)
    c = record_command(desk.incidents, ["complaint", "王值班", "2026112500001", "态度", "生硬"],
                       find_ticket=find, actor_id=ZHAO)
    assert c.person.telegram_id == WANG and c.platform_no == "2026112500001"
    assert c.note == "态度 生硬"
    o = record_command(desk.incidents, ["other", "未按时报送值班表"], find_ticket=find,
                       actor_id=ZHAO)
    assert o.kind == "other" and o.person is None


@pytest.mark.parametrize(("args", "code"), [
    (["mistake", "NOPE", "签收", "x"], "ticket_not_found"),
    (["mistake", "2026112500001", "回访", "x"], "bad_stage"),
    (["mistake", "2026112500001"], "missing_args"),
    (["complaint", "路人甲", "说明"], "unknown_person"),
    (["oops", "x"], "bad_incident_kind"),
    (["other", "2099-01-01", "x"], "future_date"),
])
def test_incident_refusals(desk, engine, clock, args, code):
    add_ticket(engine, "2026112500001", handler_id=LI, received=clock.now())
    with pytest.raises(ComplianceError) as exc:
        record_command(desk.incidents, args, find_ticket=desk.find_ticket, actor_id=ZHAO)
    assert exc.value.code == code
    assert desk.incidents.between(date(2000, 1, 1), date(2100, 1, 1)) == []


def test_incident_removal_keeps_history(desk, clock):
    item = desk.incidents.record_other(note="违规带离资料", actor_id=ZHAO)
    removed = desk.incidents.remove(incident_id=item.id, actor_id=ADMIN, reason="误录")
    assert removed.removed and removed.removed_by.telegram_id == ADMIN
    assert desk.incidents.between(clock.today(), clock.today()) == []
    history = desk.incidents.between(clock.today(), clock.today(), include_removed=True)
    assert [i.removed_reason for i in history] == ["误录"]
    with pytest.raises(ComplianceError) as exc:
        desk.incidents.remove(incident_id=item.id, actor_id=ADMIN, reason="again")
    assert exc.value.code == "incident_removed"
