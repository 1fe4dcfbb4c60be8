"""The duty roster: shifts, imports, swaps, special periods, and the daily post and
shift handover built on it."""
