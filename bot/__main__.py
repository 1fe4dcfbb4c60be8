"""`python -m bot` — run the bot, or one of its subcommands (see `--help`)."""

import sys

from bot.cli import main

sys.exit(main())
