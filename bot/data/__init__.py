"""Data files shipped with the bot (YAML), loaded relative to this package."""
