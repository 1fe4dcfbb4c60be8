"""TicketService and its collaborators on a real database: history stored as data and worded
by bot.texts, refusals with fields that change nothing, the urgent listeners, the indexes."""

from __future__ import annotations

from datetime import datetime
from itertools import count

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.clock import MovableClock
from bot.services.calendar.work import WorkCalendar
from bot.services.tickets.actions import ActionInput, TicketActions
from bot.services.tickets.deadlines import DeadlinePolicy
from bot.services.tickets.errors import Refusal, TicketError
from bot.services.tickets.fields import ParsedTicket
from bot.services.tickets.history import Dispatched, load_detail
from bot.services.tickets.indexes import TicketIndexes
from bot.services.tickets.listeners import UrgentListeners
from bot.services.tickets.queries import TicketQueries
from bot.services.tickets.service import TicketService
from bot.services.tickets.workflow import Action, Status
from bot.texts import tickets as texts
from models.ticket import Ticket

STAFF = 2001
_numbers = count(1)


def parsed(**kw: object) -> ParsedTicket:
    values: dict[str, object] = dict(
        platform_no=f"S{next(_numbers):08d}", citizen_name="张三丰", phone="13800138000",
        request_type="投诉", category_l1="医疗服务", category_l2="服务态度", unit="朝阳医院",
        urgency="一般", content="门诊医生态度生硬")
    values.update(kw)
    return ParsedTicket(**values)  # type: ignore[arg-type]


@pytest.fixture
def told() -> list[tuple[str, int, str]]:
    return []


@pytest.fixture
def tickets(engine: Engine, clock: MovableClock, told: list) -> TicketService:
    def listener(s: Session, t: Ticket, actor: int, note: str) -> None:
        assert s.get(Ticket, t.id) is t  # told inside the ticket's own transaction
        told.append((t.platform_no, actor, note))

    return TicketService(engine, clock, DeadlinePolicy.load(tz=clock.tz), WorkCalendar(),
                         on_urgent=(listener,))


def words(tickets: TicketService, t: Ticket, clock: MovableClock) -> list[tuple[str, str]]:
    assert t.id is not None
    return [(e.action, texts.event_words(e, clock.tz)) for e in tickets.events(t.id, limit=50)]


def test_history_is_stored_as_data_and_worded_as_before(tickets: TicketService,
                                                        clock: MovableClock) -> None:
    t = tickets.create(data=parsed(), actor_id=STAFF).ticket
    assert t.id is not None
    old_deadline = t.complete_by
    assert old_deadline is not None
    run = [
        (Action.sign, ActionInput()),
        (Action.contact, ActionInput()),
        (Action.extend, ActionInput(new_deadline=datetime(2026, 12, 20, 18, 0, tzinfo=clock.tz),
                                    note="需协调")),
        (Action.dispatch, ActionInput(units=["朝阳医院", "医政医管科"],
                                      copied_to=["朝阳医院分管副院长"], note="尽快")),
        (Action.feedback, ActionInput(note="背景：a 过程：b 结果：c 后续：d")),
        (Action.callback, ActionInput(solved=True, satisfaction="基本满意", recording="R1",
                                      note="电话回访")),
        (Action.close, ActionInput()),
    ]
    for action, data in run:
        tickets.apply(ticket_id=t.id, action=action, actor_id=STAFF, data=data)
    old = old_deadline.astimezone(clock.tz).strftime("%m-%d %H:%M")
    assert words(tickets, t, clock) == [
        ("登记", ""),
        ("签收", ""),
        ("联系", "已联系来电人"),
        ("延期", f"时限 {old} → 12-20 18:00；原因：需协调"),
        ("派发", "朝阳医院、医政医管科；抄送：朝阳医院分管副院长；尽快"),
        ("反馈", "背景：a 过程：b 结果：c 后续：d"),
        ("回访", "已解决；基本满意；录音：R1；电话回访"),
        ("办结", ""),
    ]
    events = tickets.events(t.id, limit=50)
    assert events[4].note == "尽快"  # the person's words only; the units are data
    assert load_detail(events[4].detail) == Dispatched(units=["朝阳医院", "医政医管科"],
                                                       copied_to=["朝阳医院分管副院长"])


def test_urgency_complex_and_closing_at_logging_are_worded(tickets: TicketService,
                                                           clock: MovableClock,
                                                           told: list) -> None:
    t = tickets.create(data=parsed(), actor_id=STAFF).ticket
    assert t.id is not None
    before = t.complete_by
    tickets.set_complex(ticket_id=t.id, actor_id=STAFF)
    tickets.set_urgency(ticket_id=t.id, urgency="紧急", actor_id=STAFF, note="家属激动")
    after = tickets.get_by_id(t.id)
    assert after is not None and after.complete_by is not None and before is not None
    fmt = "%m-%d %H:%M"
    assert words(tickets, t, clock)[1:] == [
        ("复杂疑难", f"时限类别 复杂疑难；办结时限 {before.strftime(fmt)} → "
                     f"{after.complete_by.astimezone(clock.tz).strftime(fmt)}"),
        ("改紧急程度", "一般 → 紧急"),
    ]
    assert told == [(t.platform_no, STAFF, "家属激动")]
    spot = tickets.create(data=parsed(request_type="咨询", answered_on_spot=True),
                          actor_id=STAFF).ticket
    assert spot.status == Status.closed
    assert words(tickets, spot, clock) == [("登记", "当场答复，登记即办结")]
    unreached = tickets.create(data=parsed(), actor_id=STAFF).ticket
    assert unreached.id is not None
    for action, data in ((Action.sign, None), (Action.dispatch, ActionInput(units=["朝阳医院"])),
                         (Action.feedback, ActionInput(note="背景：a 过程：b 结果：c 后续：d")),
                         (Action.callback, ActionInput(reached=False))):
        tickets.apply(ticket_id=unreached.id, action=action, actor_id=STAFF, data=data)
    assert words(tickets, unreached, clock)[-1] == ("回访", "未接通")


@pytest.mark.parametrize(("setup", "call", "code", "said"), [
    ("new", lambda s, t: s.apply(ticket_id=t.id, action=Action.close, actor_id=STAFF),
     Refusal.not_allowed, "当前状态为“待签收”，回访完成后才能办结。"),
    ("signed", lambda s, t: s.apply(ticket_id=t.id, action=Action.dispatch, actor_id=STAFF),
     Refusal.no_units, "请至少选择一个承办单位。"),
    ("signed", lambda s, t: s.apply(ticket_id=t.id, action=Action.give_back, actor_id=STAFF,
                                    data=ActionInput(note="  ")),
     Refusal.reason_required, "请填写原因。"),
    ("new", lambda s, t: s.set_urgency(ticket_id=t.id, urgency="一般", actor_id=STAFF),
     Refusal.same_urgency, "工单已是“一般”。"),
    ("new", lambda s, t: s.set_complex(ticket_id=t.id, actor_id=STAFF, complex_case=False),
     Refusal.not_complex, "工单未标记为“复杂疑难”。"),
    ("new", lambda s, t: s.create(data=parsed(platform_no=t.platform_no), actor_id=STAFF),
     Refusal.duplicate, "工单编号 {no} 已登记（待签收），发送 /t {no} 查看。"),
    ("new", lambda s, t: s.create(data=parsed(answered_on_spot=True), actor_id=STAFF),
     Refusal.consult_only, "只有“咨询”类工单可以即时办结，请改为“即时办结：否”或核对诉求类型。"),
    ("signed", lambda s, t: s.apply(ticket_id=t.id, action=Action.feedback, actor_id=STAFF),
     Refusal.not_allowed, "当前状态为“已签收”，工单派发后才能录入承办单位反馈。"),
])
def test_refusals_carry_fields_and_change_nothing(tickets: TicketService, setup: str, call,
                                                  code: Refusal, said: str) -> None:
    t = tickets.create(data=parsed(), actor_id=STAFF).ticket
    assert t.id is not None
    if setup == "signed":
        tickets.apply(ticket_id=t.id, action=Action.sign, actor_id=STAFF)
    before = (tickets.get_by_id(t.id), len(tickets.events(t.id, limit=50)))
    with pytest.raises(TicketError) as exc:
        call(tickets, t)
    assert exc.value.code is code
    assert texts.refusal(exc.value) == said.format(no=t.platform_no)
    assert (tickets.get_by_id(t.id), len(tickets.events(t.id, limit=50))) == before


def test_feedback_refusal_names_the_missing_parts(tickets: TicketService) -> None:
    t = tickets.create(data=parsed(), actor_id=STAFF).ticket
    assert t.id is not None
    tickets.apply(ticket_id=t.id, action=Action.sign, actor_id=STAFF)
    tickets.apply(ticket_id=t.id, action=Action.dispatch, actor_id=STAFF,
                  data=ActionInput(units=["朝阳医院"]))
    with pytest.raises(TicketError) as exc:
        tickets.apply(ticket_id=t.id, action=Action.feedback, actor_id=STAFF,
                      data=ActionInput(note="背景：x 结果：y"))
    assert exc.value.fields == {"missing": ["过程", "后续"]}
    assert texts.refusal(exc.value) == \
        "反馈内容缺少：过程、后续。请按“背景、过程、结果、后续”四部分补全。"


def test_every_refusal_and_action_has_words() -> None:
    assert set(texts.REFUSALS) == set(Refusal)
    assert set(texts.WHY_NOT) == set(Action) == set(texts.ACTION_BUTTONS)


def test_a_failing_listener_means_the_urgent_ticket_is_not_logged(
        engine: Engine, clock: MovableClock) -> None:
    """The alert and the urgent ticket go together: when the listener fails, the ticket is
    not stored (or not re-marked) and the refusal says so in words."""
    def broken(s: Session, t: Ticket, actor: int, note: str) -> None:
        raise RuntimeError("alerts down")

    tickets = TicketService(engine, clock, DeadlinePolicy.load(tz=clock.tz), WorkCalendar(),
                            on_urgent=(broken,))
    data = parsed(urgency="紧急")
    with pytest.raises(TicketError) as refused:
        tickets.create(data=data, actor_id=STAFF)
    assert refused.value.code is Refusal.urgent_not_saved
    assert tickets.get(data.platform_no or "") is None
    assert texts.refusal(refused.value).startswith(f"⚠️ 工单 {data.platform_no} 未登记：")
    plain = tickets.create(data=parsed(), actor_id=STAFF).ticket  # not urgent: no listener
    assert plain.id is not None
    with pytest.raises(TicketError) as refused:
        tickets.set_urgency(ticket_id=plain.id, urgency="涉稳", actor_id=STAFF)
    assert "未改为“涉稳”" in texts.refusal(refused.value)
    after = tickets.get_by_id(plain.id)
    assert after is not None and after.urgency == "一般"
    assert [e.action for e in tickets.events(plain.id)] == ["登记"]


def test_collaborators_work_alone(engine: Engine, clock: MovableClock) -> None:
    """The actions and the queries share only the indexes; a dispatch is found by /find."""
    policy, calendar = DeadlinePolicy.load(tz=clock.tz), WorkCalendar()
    service = TicketService(engine, clock, policy, calendar)
    t = service.create(data=parsed(content="口腔科收费不透明"), actor_id=STAFF).ticket
    assert t.id is not None
    indexes = TicketIndexes(engine, clock)
    assert indexes.load_recent() == 1
    actions = TicketActions(engine, clock, policy, calendar, indexes=indexes,
                            urgent=UrgentListeners(()))
    queries = TicketQueries(engine, clock, indexes.search)
    assert queries.find("望京医院") == (0, [])
    actions.apply(ticket_id=t.id, action=Action.sign, actor_id=STAFF)
    actions.apply(ticket_id=t.id, action=Action.dispatch, actor_id=STAFF,
                  data=ActionInput(units=["望京医院"]))
    total, rows = queries.find("望京医院")
    assert total == 1 and rows[0].id == t.id and rows[0].status == Status.dispatched
    assert queries.open_counts() == {"已派发": 1}


def test_repeat_caller_and_similar_problem_warnings(tickets: TicketService) -> None:
    first = tickets.create(data=parsed(content="社区医院输液室空调坏了很冷"), actor_id=STAFF)
    second = tickets.create(data=parsed(content="社区医院输液室空调坏了太冷",
                                        phone="13900139000"), actor_id=STAFF)
    again = tickets.create(data=parsed(content="别的问题：挂号难"), actor_id=STAFF)
    assert second.warnings.repeat_refs == []
    assert [s.platform_no for s in second.warnings.similar] == [first.ticket.platform_no]
    assert again.warnings.repeat_refs == [first.ticket.platform_no]
    assert texts.warning_lines(again.warnings.repeat_refs, [])[0].startswith(
        "⚠️ 一人多反映：该来电人近 90 天另有 1 件")
    card = texts.render_card(again.ticket, [], now=again.ticket.created_at, masked=False)
    assert f"⚠️ 一人多反映：该来电人近 90 天另有 1 件：{first.ticket.platform_no}" in card
