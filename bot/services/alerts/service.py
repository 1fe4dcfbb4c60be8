"""The alert service assembled from its parts, and how it is built from the settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.services.alerts.acks import AckMixin
from bot.services.alerts.queries import QueriesMixin
from bot.services.alerts.raising import RaisingMixin

if TYPE_CHECKING:
    pass


class AlertService(RaisingMixin, AckMixin, QueriesMixin):
    """Urgent alerts end to end; see the mixin modules for each part."""
