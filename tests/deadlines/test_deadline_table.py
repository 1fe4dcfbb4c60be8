"""DeadlinePolicy.compute against the default table and the 2026 calendar."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.services.calendar.work import DayOverride, WorkCalendar
from bot.services.tickets.deadlines import DeadlinePolicy, Deadlines

from .helpers import eod, sh

# Hypothetical 2027 data for tests only — NOT the official 2027 schedule.
FAKE_2027 = WorkCalendar(
    [DayOverride(datetime(2027, 1, 1).date(), "holiday", "元旦"),
     DayOverride(datetime(2027, 1, 2).date(), "workday", "测试调休")],
    complete_years=[2027],
)


def compute(policy: DeadlinePolicy, calendar: WorkCalendar, received_at: datetime,
            urgency: str = "一般", request_type: str = "投诉", **kw) -> Deadlines:
    return policy.compute(received_at=received_at, urgency=urgency, request_type=request_type,
                          calendar=calendar, **kw)


# --------------------------------------------------------------------------- classification


@pytest.mark.parametrize(
    ("urgency", "request_type", "flags", "expected"),
    [
        ("一般", "投诉", {}, "一般"),
        ("重点", "投诉", {}, "一般"),  # 重点 uses 一般 limits by default
        ("急", "求助", {}, "急"),
        ("紧急", "举报", {}, "紧急"),
        ("涉稳", "投诉", {}, "紧急"),
        ("一般", "投诉", {"complex_case": True}, "复杂疑难"),
        ("紧急", "投诉", {"complex_case": True}, "紧急"),  # urgency rules come first
        ("一般", "咨询", {"answered_on_spot": True}, "即时办结"),
        ("紧急", "咨询", {"answered_on_spot": True}, "即时办结"),
        ("一般", "咨询", {}, "一般"),
        ("一般", "投诉", {"answered_on_spot": True}, "一般"),  # only 咨询 closes on the spot
    ],
)
def test_classify(policy: DeadlinePolicy, urgency, request_type, flags, expected) -> None:
    assert policy.classify(urgency=urgency, request_type=request_type, **flags) == expected


def test_classify_rejects_unknown_values(policy: DeadlinePolicy) -> None:
    with pytest.raises(ValueError, match="urgency"):
        policy.classify(urgency="特急", request_type="投诉")
    with pytest.raises(ValueError, match="request type"):
        policy.classify(urgency="一般", request_type="表彰")


# --------------------------------------------------------------------------- the table


def test_general_ticket_before_national_day_2026(policy, calendar) -> None:
    # package: Oct 1–7 off, Sat Oct 10 is a make-up working day
    d = compute(policy, calendar, sh(2026, 9, 30, 16, 0))
    assert d.policy_class == "一般"
    assert d.sign_by == sh(2026, 9, 30, 18, 0)
    assert d.contact_by == eod(2026, 10, 8)
    assert d.first_feedback_by is None
    # Oct 8, 9, 10 (Sat, make-up), 12, 13, 14, 15
    assert d.complete_by == eod(2026, 10, 15)
    assert not d.provisional


def test_complex_ticket_before_national_day_2026(policy, calendar) -> None:
    d = compute(policy, calendar, sh(2026, 9, 30, 9, 0), complex_case=True)
    assert d.policy_class == "复杂疑难"
    assert d.contact_by == eod(2026, 10, 8)
    # Oct 8 9 10 12 13 14 15 16 19 20 21 22 23 26 27
    assert d.complete_by == eod(2026, 10, 27)


def test_ticket_received_during_the_holiday(policy, calendar) -> None:
    d = compute(policy, calendar, sh(2026, 10, 3, 11, 0))
    assert d.sign_by == sh(2026, 10, 3, 13, 0)  # signing runs 7×24
    assert d.contact_by == eod(2026, 10, 8)
    assert d.complete_by == eod(2026, 10, 15)


def test_ticket_on_a_make_up_saturday(policy, calendar) -> None:
    # Sat 2026-10-10 is a working day; the receipt day itself never counts
    d = compute(policy, calendar, sh(2026, 10, 10, 10, 0))
    assert d.contact_by == eod(2026, 10, 12)
    assert d.complete_by == eod(2026, 10, 20)  # Oct 12 13 14 15 16 19 20


def test_make_up_saturday_counts_as_a_working_day(policy, calendar) -> None:
    # Fri 2026-10-09 + 1 working day = the make-up Saturday; also Fri Feb 13 → Sat Feb 14
    assert compute(policy, calendar, sh(2026, 10, 9, 17, 0)).contact_by == eod(2026, 10, 10)
    assert compute(policy, calendar, sh(2026, 2, 13, 9, 0)).contact_by == eod(2026, 2, 14)
    # an ordinary Saturday is not: Fri Nov 27 → Mon Nov 30
    assert compute(policy, calendar, sh(2026, 11, 27, 9, 0)).contact_by == eod(2026, 11, 30)


def test_across_new_year_without_2027_data_is_provisional(policy, calendar) -> None:
    d = compute(policy, calendar, sh(2026, 12, 30, 10, 0))
    assert d.contact_by == eod(2026, 12, 31)  # package data only
    # Dec 31, [Jan 1 元旦 fallback, Jan 2–3 weekend], Jan 4 5 6 7 8, [9–10], Jan 11
    assert d.complete_by == eod(2027, 1, 11)
    assert d.provisional


def test_across_new_year_with_override_file(policy) -> None:
    d = compute(policy, FAKE_2027, sh(2026, 12, 30, 10, 0))
    # Dec 31, [Jan 1 元旦], Sat Jan 2 (test make-up day), Jan 4 5 6 7 8
    assert d.complete_by == eod(2027, 1, 8)
    assert not d.provisional


def test_contact_only_in_known_year_is_not_provisional(policy, calendar) -> None:
    # platform deadline replaces the (provisional) computed completion
    d = compute(policy, calendar, sh(2026, 12, 30, 10, 0),
                platform_deadline=sh(2027, 1, 8, 18, 0))
    assert d.complete_by == sh(2027, 1, 8, 18, 0)
    assert not d.provisional


def test_urgent_row_natural_time_ignores_holidays(policy, calendar) -> None:
    d = compute(policy, calendar, sh(2026, 9, 30, 23, 0), urgency="紧急")
    assert d.policy_class == "紧急"
    assert d.sign_by == sh(2026, 9, 30, 23, 30)
    assert d.contact_by == sh(2026, 10, 1, 0, 0)
    assert d.first_feedback_by == sh(2026, 10, 1, 1, 0)
    assert d.complete_by == sh(2026, 10, 1, 23, 0)
    assert not d.provisional


def test_stability_row_and_fast_row(policy, calendar) -> None:
    d = compute(policy, calendar, sh(2026, 10, 1, 8, 0), urgency="涉稳")
    assert d.policy_class == "紧急" and d.sign_by == sh(2026, 10, 1, 8, 30)
    d = compute(policy, calendar, sh(2026, 10, 1, 8, 0), urgency="急")
    assert (d.sign_by, d.contact_by, d.first_feedback_by, d.complete_by) == (
        sh(2026, 10, 1, 9, 0), sh(2026, 10, 1, 12, 0), None, sh(2026, 10, 2, 8, 0))


def test_natural_rows_across_new_year_are_not_provisional(policy, calendar) -> None:
    d = compute(policy, calendar, sh(2026, 12, 31, 22, 0), urgency="急")
    assert d.complete_by == sh(2027, 1, 1, 22, 0)
    assert not d.provisional


def test_answered_on_spot_has_no_deadlines(policy, calendar) -> None:
    d = compute(policy, calendar, sh(2026, 11, 25, 9, 0), request_type="咨询",
                answered_on_spot=True, platform_deadline=sh(2026, 11, 30, 9, 0))
    assert d == Deadlines(None, None, None, None, "即时办结", False)


def test_platform_deadline_wins(policy, calendar) -> None:
    platform = sh(2026, 11, 27, 17, 30)
    d = compute(policy, calendar, sh(2026, 11, 25, 9, 0), platform_deadline=platform)
    assert d.complete_by == platform
    assert d.contact_by == eod(2026, 11, 26)  # other stages are still computed
    d = compute(policy, calendar, sh(2026, 11, 25, 9, 0), urgency="紧急",
                platform_deadline=platform)
    assert d.complete_by == platform


def test_results_are_in_the_configured_zone(calendar) -> None:
    from datetime import UTC
    from zoneinfo import ZoneInfo

    received = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
    for zone, hours in (("Asia/Shanghai", 8), ("Asia/Urumqi", 6)):
        d = compute(DeadlinePolicy.load(tz=ZoneInfo(zone)), calendar, received)
        assert d.sign_by == sh(2026, 11, 25, 11, 0)
        assert d.sign_by.utcoffset() == timedelta(hours=hours)
    # Without a configured zone, the zone of the time received.
    assert DeadlinePolicy.load().compute(
        received_at=received, urgency="一般", request_type="投诉",
        calendar=calendar).sign_by.utcoffset() == timedelta(0)


def test_naive_times_are_rejected(policy, calendar) -> None:
    with pytest.raises(ValueError, match="received_at"):
        compute(policy, calendar, datetime(2026, 11, 25, 9, 0))
    with pytest.raises(ValueError, match="platform_deadline"):
        compute(policy, calendar, sh(2026, 11, 25, 9, 0),
                platform_deadline=datetime(2026, 11, 30, 9, 0))


# --------------------------------------------------------------------------- extensions


def test_extend(policy, calendar) -> None:
    d = compute(policy, calendar, sh(2026, 11, 25, 9, 0))
    later = eod(2026, 12, 15)
    e = policy.extend(d, later)
    assert e.complete_by == later
    assert (e.sign_by, e.contact_by, e.policy_class) == (d.sign_by, d.contact_by, "一般")
    # extending twice
    assert policy.extend(e, eod(2026, 12, 31)).complete_by == eod(2026, 12, 31)


def test_extend_keeps_provisional(policy, calendar) -> None:
    d = compute(policy, calendar, sh(2026, 12, 30, 10, 0))
    assert policy.extend(d, eod(2027, 1, 20)).provisional


def test_extend_rejects_earlier_or_missing(policy, calendar) -> None:
    d = compute(policy, calendar, sh(2026, 11, 25, 9, 0))
    with pytest.raises(ValueError, match="later"):
        policy.extend(d, d.complete_by - timedelta(hours=1))
    with pytest.raises(ValueError, match="aware"):
        policy.extend(d, datetime(2026, 12, 31, 9, 0))
    spot = compute(policy, calendar, sh(2026, 11, 25, 9, 0), request_type="咨询",
                   answered_on_spot=True)
    with pytest.raises(ValueError, match="no completion deadline"):
        policy.extend(spot, eod(2026, 12, 1))
