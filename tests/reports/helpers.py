"""Insert hand-made tickets for the report tests."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine

from bot.config import DEFAULT_TZ as SHANGHAI
from models.db import session_scope
from models.ticket import Ticket

_seq = itertools.count(1)


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=SHANGHAI)


def add(engine: Engine, received: datetime, **kw: Any) -> Ticket:
    n = next(_seq)
    values: dict[str, Any] = dict(
        platform_no=f"T{n:08d}", received_at=received, citizen_name="张三",
        phone=f"1380000{n:04d}", address="朝阳区某路1号", request_type="投诉",
        category_l1="医疗服务", category_l2="服务态度", unit="朝阳医院", industry="医疗卫生",
        urgency="一般", content=f"测试工单内容{n}", status="已办结", created_at=received,
        updated_at=received, sign_by=received + timedelta(hours=2),
        contact_by=received + timedelta(hours=24), complete_by=received + timedelta(days=7),
    )
    values.update(kw)
    t = Ticket(**values)
    with session_scope(engine) as s:
        s.add(t)
    return t
