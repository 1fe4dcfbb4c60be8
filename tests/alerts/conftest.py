"""Fixtures of the alert tests: the instrumented points of the urgent path (`faults`)."""

from tests.alerts.faults import points

__all__ = ["points"]
