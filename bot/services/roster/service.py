"""The duty roster: who is on which shift, and everything that changes it.

For other features: :meth:`RosterService.on_duty` (members on duty at a moment, with their
role, e.g. 带班), :meth:`shift_lead`, :meth:`current_shift`, :meth:`next_shift`. Alerts and
reminders call ``svc.roster.on_duty(now)`` to find "the duty officer now".

Changes: file import (CSV/XLSX, all-or-nothing), a manager's quick ``set_slot``, swaps
(offer → take → approve), special periods. Nothing here knows Telegram.

The service is assembled from one module per concern — ``queries``
(reads), ``imports`` (file import, ``set_slot``), ``swaps``, ``specials`` (special periods,
handover notes) — with the value types in ``model`` and the spreadsheet reader in ``files``.
"""

from __future__ import annotations

from bot.services.roster.imports import RosterImport
from bot.services.roster.specials import RosterSpecials
from bot.services.roster.swaps import RosterSwaps


class RosterService(RosterImport, RosterSwaps, RosterSpecials):
    """The roster as the rest of the bot sees it: reads, imports, swaps and special periods
    on one object (``svc.roster``), built from the per-concern mixins."""
