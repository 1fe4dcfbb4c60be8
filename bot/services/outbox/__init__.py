"""The outbox: every message the bot sends on its own initiative is written here first."""
