"""Value types shared by the configuration files' pydantic models."""

from __future__ import annotations

from datetime import time
from typing import Annotated

from pydantic import BeforeValidator


def _hhmm(value: object) -> object:
    """Read "HH:MM" (YAML may also hand over minutes since midnight for 08:30-like scalars)."""
    if isinstance(value, time):
        return value
    if isinstance(value, int) and not isinstance(value, bool):  # YAML 1.1 sexagesimal 08:30
        hh, mm = divmod(value, 60)
        value = f"{hh}:{mm:02d}"
    if not isinstance(value, str):
        raise ValueError("must be HH:MM")
    hh, sep, mm = value.strip().partition(":")
    if not (sep and hh.isdigit() and mm.isdigit() and len(mm) == 2
            and 0 <= int(hh) < 24 and 0 <= int(mm) < 60):
        raise ValueError("must be HH:MM")
    return time(int(hh), int(mm))


HHMM = Annotated[time, BeforeValidator(_hhmm)]
