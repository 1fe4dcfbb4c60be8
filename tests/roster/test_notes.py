"""Every roster note has a renderer, survives the outbox (JSON) and renders its buttons."""

from __future__ import annotations

import inspect
from datetime import date, datetime

from bot.config import DEFAULT_TZ as SHANGHAI
from bot.services.outbox.notes import Note, load_note
from bot.services.roster import notes
from bot.texts.audience import Audience
from bot.texts.render import RENDERERS, render
from tests.roster.conftest import LI, ZHANG, ZHAO

D = date(2026, 11, 26)


def test_every_roster_note_has_a_renderer():
    kinds = [c for _, c in inspect.getmembers(notes, inspect.isclass)
             if issubclass(c, Note) and c is not Note]
    assert len(kinds) == 10
    assert all(c in RENDERERS and c.kind.startswith("roster.") for c in kinds)


def test_swap_notes_carry_their_buttons_after_a_restart(roster):
    roster.set_slot(d=D, shift_name="夜班", people=["张值班"], actor_id=ZHAO)
    now = datetime(2026, 11, 25, 10, tzinfo=SHANGHAI)
    v = roster.swaps.offer(staff_id=ZHANG, d=D, shift_name="夜班", now=now)
    v = roster.swaps.take(offer_id=v.id, taker_id=LI, now=now)
    offered = notes.SwapOffered(swap=v, now=now)
    again = load_note(offered.kind, offered.dump())
    assert again == offered
    shown = render(again, Audience.GROUP)
    assert shown.text.startswith("🔄 <b>换班</b>：张值班 的 11月26日（周四） 夜班 20:00–次日08:00")
    assert shown.buttons == [[("接班", f"sw1:take:{v.id}")]]
    ask = render(notes.SwapAsk(swap=v, now=now), Audience.STAFF)
    assert ask.text == "🔄 换班待批准：11月26日（周四） 夜班 20:00–次日08:00\n张值班 → 李值班"
    assert ask.buttons == [[("批准", f"sw1:ok:{v.id}"), ("驳回", f"sw1:no:{v.id}")]]
    # decided and expired copies edit the group's message and drop its keyboard
    assert render(notes.SwapDecided(swap=v, now=now, approved=False), Audience.GROUP).buttons \
        is None
    expired = render(notes.SwapExpired(swap=v, to_offerer=True), Audience.STAFF)
    assert expired.text == ("⌛ 你的换班申请已过期：2026年11月26日（周四） 夜班 20:00–次日08:00 "
                            "仍由你值班。")
