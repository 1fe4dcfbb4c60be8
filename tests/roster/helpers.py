"""Ticket rows written straight to the database (fast, any state), for builders and bench;
and a check that a roster refusal reads as expected."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest

from bot.services.roster.errors import RosterError
from bot.texts import roster as texts
from models.db import session_scope
from models.ticket import Ticket


def add_ticket(engine, no: str, received: datetime, **fields) -> Ticket:
    values = dict(
        platform_no=no, received_at=received, citizen_name="张三丰", phone="13800138000",
        address="朝阳区工体南路8号", request_type="投诉", category_l1="医疗服务",
        unit="朝阳医院", urgency="一般", content="市民张三丰（13800138000）反映挂号难",
        status="待签收", created_at=received, updated_at=received,
        sign_by=received + timedelta(hours=2), complete_by=received + timedelta(days=5),
    )
    values.update(fields)
    with session_scope(engine) as s:
        t = Ticket(**values)
        s.add(t)
        s.flush()
        s.expunge(t)
    return t


@contextmanager
def refused(match: str) -> Iterator[None]:
    """Expect a RosterError whose Chinese text (as the bot would say it) matches ``match``."""
    with pytest.raises(RosterError) as info:
        yield
    assert re.search(match, texts.error(info.value)), texts.error(info.value)
