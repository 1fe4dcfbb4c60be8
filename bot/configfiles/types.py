"""Value types shared by the configuration models."""

from __future__ import annotations

from datetime import time
from typing import Annotated, Any

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError


def _hhmm(value: Any) -> time:
    """``"08:30"`` → time(8, 30). YAML 1.1 reads an unquoted 08:30 as the sexagesimal number
    510, so an int is taken as minutes after midnight."""
    if isinstance(value, time):
        return value
    text = f"{value // 60}:{value % 60:02d}" if isinstance(value, int) \
        and not isinstance(value, bool) else str(value)
    hh, sep, mm = text.strip().partition(":")
    if sep and hh.isdigit() and mm.isdigit() and len(mm) == 2 and int(hh) < 24 \
            and int(mm) < 60:
        return time(int(hh), int(mm))
    raise PydanticCustomError("hhmm", "时间应为 HH:MM / time must be HH:MM, got {value}",
                              {"value": repr(value)})


#: A wall-clock time written "HH:MM" (00:00–23:59).
HHMM = Annotated[time, BeforeValidator(_hhmm)]
