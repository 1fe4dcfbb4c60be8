"""`python -m bot` — run the bot, or one of its subcommands (see `--help`)."""

import sys

try:
    from bot.cli import main

    sys.exit(main())
except KeyboardInterrupt:  # Ctrl-C while still importing: end quietly, as a shell command does
    sys.exit(130)
