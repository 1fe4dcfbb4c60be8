"""The callback-data codec: any string parses to a value of a registered kind or None (never
raises); every value written reads back; numbers are bounded; the keyboards agree with it."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.callbackdata import kinds
from bot.callbackdata.codec import LAYOUTS, MAX_ROW_ID, encode, parse
from handlers.args import NumberOutOfRange, number
from handlers.keyboards import ACTION_CODES

KINDS = {layout.kind for layout in LAYOUTS}
PIECES = st.sampled_from(["", "0", "1", "42", "-1", "x", "ok", "no", "sg", "ack", "sr", "pk",
                          "20261126", "20261345", "²", "９", "9" * 25, "2147483648", "a b",
                          "😀", "del", "gc", "o", "cat", "f", "v", "m", "s", "take"])


@given(st.text(max_size=80))
def test_any_text_parses_to_a_kind_or_none(data: str):
    value = kinds.parse_any(data)
    assert value is None or type(value) in KINDS
    for kind in KINDS:
        got = parse(data, kind)
        assert got is None or isinstance(got, kind)


@given(st.sampled_from(sorted(kinds.prefixes())), st.lists(PIECES, max_size=5))
def test_data_under_every_prefix_never_raises_and_ids_stay_in_range(prefix: str,
                                                                   parts: list[str]):
    value = kinds.parse_any(":".join([prefix, *parts]))
    if value is not None:
        for field in value:
            if isinstance(field, int) and not isinstance(field, bool):
                assert -1 <= field <= 2**53


@given(st.integers(1, MAX_ROW_ID), st.integers(0, 999), st.dates(date(2000, 1, 1)))
def test_values_read_back(row_id: int, index: int, day: date):
    samples = [kinds.TicketPress("sg", row_id), kinds.TicketPress("cc", row_id),
               kinds.PagePress("find", 1 + index, "f"), kinds.ActionPick(index),
               kinds.ActionPick(word="ok"), kinds.AlertPress("ack", row_id),
               kinds.AlertPress("snz", row_id, True), kinds.AlertReason(row_id, index),
               kinds.ReminderDone(row_id), kinds.ReminderSnooze(row_id, "sign"),
               kinds.SwapPick(day, index % 100), kinds.SwapPress("take", row_id),
               kinds.KbOpen(row_id), kinds.KbOpen(row_id, "ab12cd34"), kinds.KbGap("ab12"),
               kinds.KbDelete(row_id), kinds.KbCancel(), kinds.KbCloseGap(row_id),
               kinds.KbDialogue("skip"), kinds.KbDialogue(index=index),
               kinds.KbDialogue(field="answer"), kinds.StaffField(row_id, "education"),
               kinds.StaffChoice(row_id, "medical", index), kinds.StaffChoice(row_id, "medical"),
               kinds.PolicyPick(index), kinds.MistakePress(row_id),
               kinds.MistakeStage(row_id, index), kinds.MistakeCancel(),
               kinds.RecordingSkip(), kinds.AccessRequest("leader", row_id),
               kinds.NewTicketPick(index)]
    assert {type(v) for v in samples} == KINDS  # every kind is covered here
    for value in samples:
        data = encode(value)
        assert len(data.encode()) <= 64 and parse(data, type(value)) == value


def test_the_reported_forgeries_are_none():
    for data in ("t1:zz:1", "t1:sg:abc", "sw1:pk:20261345:0", "pg1:open:" + "9" * 40 + ":",
                 "t1:sg:0", "t1:sg:-1", "t1:sg:²", f"t1:sg:{MAX_ROW_ID + 1}", "x" * 65):
        assert kinds.parse_any(data) is None, data


def test_keyboard_action_codes_are_the_codecs():
    assert set(ACTION_CODES.values()) == set(kinds.ACTION_CODES)


def test_typed_numbers():
    assert number("12") == 12 and number("#12") == 12
    assert number("²") is None and number("1a") is None and number("") is None
    assert number("2147483647") == 2**31 - 1 and number("000000000000012") == 12
    for typed in ("2147483648", "#" + "9" * 40, "9" * 5000):
        with pytest.raises(NumberOutOfRange) as caught:
            number(typed)
        assert caught.value.typed == typed
