"""Staff and roles: who may use the bot (the directory), and the audit log of changes."""
