"""Ticket attachments (stage from the ticket's status, kept 0600) and the callback ledger:
one row per callback, each callback owning the 回访 files of its own round, the period
words of /ledger, and the XLSX."""

from __future__ import annotations

import io
import os
import stat
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook

from bot.config import DEFAULT_TZ as SHANGHAI
from bot.services.calendar.work import WorkCalendar
from bot.services.compliance.attachments import IncomingFile
from bot.services.compliance.errors import ComplianceError
from bot.services.compliance.ledger import ledger_period
from bot.services.compliance.ticket_files import STAGE_OF_STATUS, stage_of
from bot.services.reports.periods import PeriodError, PeriodProblem
from bot.services.tickets.actions import ActionInput
from bot.services.tickets.deadlines import DeadlinePolicy
from bot.services.tickets.service import TicketService
from bot.services.tickets.workflow import Action, Status
from bot.texts.compliance_files.ledger_xlsx import file_name, ledger_xlsx
from bot.texts.compliance_tickets import attachments_line, kinds
from tests.compliance.conftest import LI, ZHANG, ZHAO, add_ticket

FEEDBACK = "背景：市民来电。过程：医院核实。结果：已道歉。后续：加强培训。"
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI)


def voice(n: int = 1) -> IncomingFile:
    return IncomingFile("voice", f"VOICE{n}", f"U{n}", "voice.ogg", "audio/ogg", 3)


def photo() -> IncomingFile:
    return IncomingFile("photo", "PHOTO", "UP", "photo.jpg", "image/jpeg", 3)


@pytest.fixture
def tickets(engine, clock) -> TicketService:
    return TicketService(engine, clock, DeadlinePolicy.load(), WorkCalendar())


def test_every_status_has_a_stage():
    assert set(STAGE_OF_STATUS) == set(Status)
    assert stage_of(Status.feedback) == stage_of(Status.called_back) == "回访"
    assert stage_of(Status.new) == "签收" and stage_of(Status.supervised) == "督办"


def test_attach_at_the_current_stage_and_count(desk, engine, tmp_path):
    t = add_ticket(engine, "2026112400001", handler_id=ZHANG, received=NOW)
    files = desk.ticket_files
    _, stored = files.attach(ticket_id=t.id, incoming=voice(), content=b"OggS", actor_id=ZHANG)
    assert (stored.stage, stored.media, stored.ticket_id) == ("反馈", "voice", t.id)
    assert stat.S_IMODE((tmp_path / "att" / "ticket").stat().st_mode) == 0o700
    assert stat.S_IMODE(os.stat(stored.local_path).st_mode) == 0o600
    files.attach(ticket_id=t.id, incoming=photo(), content=b"JPEG", actor_id=ZHANG, stage="回访")
    summary = files.summary(t.id)
    assert summary.count == 2 and summary.recordings == 1
    assert attachments_line(summary, masked=False) == "📎 附件 2 件：语音 1、照片 1"
    assert attachments_line(summary, masked=True) == "📎 附件 2 件"
    assert attachments_line(files.summary(t.id + 99), masked=False) == ""


def test_attach_refusals_change_nothing(small_desk, engine):
    t = add_ticket(engine, "2026112400002", handler_id=ZHANG, received=NOW)
    files = small_desk.ticket_files
    with pytest.raises(ComplianceError) as e:
        files.attach(ticket_id=99999, incoming=voice(), content=b"x", actor_id=ZHANG)
    assert e.value.code == "ticket_not_found"
    with pytest.raises(ComplianceError) as e:
        files.attach(ticket_id=t.id, incoming=voice(), content=b"", actor_id=ZHANG)
    assert e.value.code == "empty_file"
    with pytest.raises(ComplianceError) as e:
        files.check_size(1024 * 1024 + 1)
    assert e.value.code == "too_large"
    assert files.summary(t.id).count == 0


@pytest.fixture
def small_desk(engine, clock, staff, outbox, tmp_path):
    from tests.compliance.conftest import build

    return build(engine, clock, staff, outbox, tmp_path, attachment_max_mb=1)


def _round(tickets: TicketService, clock, ticket_id: int, *, reached: bool = True,
           solved: bool = True, satisfaction: str = "满意", note: str = "") -> None:
    tickets.apply(ticket_id=ticket_id, action=Action.feedback, actor_id=ZHANG,
                  data=ActionInput(note=FEEDBACK))
    clock.advance(timedelta(minutes=30))
    tickets.apply(ticket_id=ticket_id, action=Action.callback, actor_id=LI,
                  data=ActionInput(solved=solved, satisfaction=satisfaction, reached=reached,
                                   note=note))


def test_ledger_rows_and_recordings_per_round(desk, engine, clock, tickets):
    one = add_ticket(engine, "2026112500001", handler_id=ZHANG, received=NOW)
    two = add_ticket(engine, "2026112500002", handler_id=ZHANG, received=NOW)
    files = desk.ticket_files
    # ticket one, round 1: the recording is sent while the callback is awaited (已反馈)
    tickets.apply(ticket_id=one.id, action=Action.feedback, actor_id=ZHANG,
                  data=ActionInput(note=FEEDBACK))
    clock.advance(timedelta(minutes=10))
    files.attach(ticket_id=one.id, incoming=voice(1), content=b"r1", actor_id=LI)
    clock.advance(timedelta(minutes=10))
    tickets.apply(ticket_id=one.id, action=Action.callback, actor_id=LI,
                  data=ActionInput(solved=False, satisfaction="不满意", note="市民仍有意见"))
    clock.advance(timedelta(minutes=10))
    tickets.apply(ticket_id=one.id, action=Action.supervise, actor_id=ZHAO,
                  data=ActionInput(note="二次处置"))
    tickets.apply(ticket_id=one.id, action=Action.dispatch, actor_id=ZHANG,
                  data=ActionInput(units=["朝阳医院"]))
    clock.advance(timedelta(hours=1))
    # round 2: no recording; a photo at 回访 is not a recording
    _round(tickets, clock, one.id, satisfaction="基本满意")
    files.attach(ticket_id=one.id, incoming=photo(), content=b"p", actor_id=LI)
    # ticket two: not reached (nothing missing), then its own recording afterwards
    _round(tickets, clock, two.id, reached=False)
    clock.advance(timedelta(minutes=5))
    files.attach(ticket_id=two.id, incoming=voice(2), content=b"r2", actor_id=LI)

    book = desk.ledger.build(ledger_period([], clock.now()))
    got = [(r.platform_no, r.reached, r.solved, r.satisfaction, r.recordings, r.missing,
            dict(r.files)) for r in book.rows]
    assert got == [
        ("2026112500001", True, False, "不满意", 1, False, {"voice": 1}),
        ("2026112500001", True, True, "基本满意", 0, True, {"photo": 1}),
        ("2026112500002", False, None, None, 1, False, {"voice": 1}),
    ]
    assert book.rows[0].note == "市民仍有意见" and book.rows[0].staff.name == "李值班"
    assert book.missing == 1

    wb = load_workbook(io.BytesIO(ledger_xlsx(book, SHANGHAI)))
    ws = wb["回访台账"]
    assert [c.value for c in ws[1]][:4] == ["序号", "工单编号", "回访时间", "回访人"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:J4"
    first = [c.value for c in ws[2]]
    assert first[1] == "2026112500001" and first[5:9] == ["未解决", "不满意", "市民仍有意见", "有"]
    assert isinstance(first[2], datetime) and ws.cell(2, 3).number_format == "yyyy-mm-dd hh:mm"
    assert first[2] == book.rows[0].at.astimezone(SHANGHAI).replace(tzinfo=None)
    assert ws.cell(3, 9).value == "缺录音" and ws.cell(3, 9).fill.fgColor.rgb.endswith("FFC7CE")
    assert ws.cell(2, 9).fill.fgColor.rgb != ws.cell(3, 9).fill.fgColor.rgb
    assert [c.value for c in ws[4]][5:10] == ["未接通", "—", None, "有", "语音 1"]
    summary = {r[0]: r[1] for r in wb["汇总"].iter_rows(values_only=True)}
    assert summary["回访次数"] == 3 and summary["缺录音（接通但未附录音）"] == 1
    assert file_name(book) == "回访台账_2026-11.xlsx"
    assert kinds(book.rows[1].files) == "照片 1"


def test_ledger_counts_only_the_period(desk, engine, clock, tickets):
    t = add_ticket(engine, "2026112500003", handler_id=ZHANG, received=NOW)
    _round(tickets, clock, t.id)
    assert len(desk.ledger.build(ledger_period(["2026-11"], clock.now())).rows) == 1
    assert desk.ledger.build(ledger_period(["2026-10"], clock.now())).rows == []


@pytest.mark.parametrize(("args", "kind", "key"), [
    ([], "month", "2026-11"),
    (["2026-10"], "month", "2026-10"),
    (["2026-Q3"], "quarter", "2026-Q3"),
    (["2026-H1"], "halfyear", "2026-H1"),
    (["2026"], "year", "2026"),
    (["2026-11-18"], "week", "2026-W47"),
    (["2026-11-01", "2026-11-20"], "custom", "2026-11-01~2026-11-20"),
])
def test_ledger_period_words(args, kind, key):
    p = ledger_period(args, NOW)
    assert (p.kind, p.key) == (kind, key)


def test_ledger_period_follows_the_assessment_month():
    p = ledger_period([], NOW, start_day=20)  # 25 November is in assessment month 12
    assert p.key == "2026-12" and p.first_day.day == 20


@pytest.mark.parametrize(("args", "problem"), [
    (["2026-Q5"], PeriodProblem.bad_quarter),
    (["2026-H3"], PeriodProblem.bad_halfyear),
    (["上个月"], PeriodProblem.bad_month),
    (["2026-13"], PeriodProblem.bad_month),
    (["2027-01"], PeriodProblem.not_started),
    (["2026-11-20", "2026-11-01"], PeriodProblem.end_before_start),
    (["a", "b", "c"], PeriodProblem.too_many_args),
])
def test_ledger_period_refusals(args, problem):
    with pytest.raises(PeriodError) as e:
        ledger_period(args, NOW)
    assert e.value.problem is problem
