"""接诉即办值班助手 — the bot package."""

import os

# Make python-telegram-bot hand out time spans as timedelta (its future default) and stop its
# deprecation warnings about them; our code accepts both forms.
os.environ.setdefault("PTB_TIMEDELTA", "1")
