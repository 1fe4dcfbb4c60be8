"""The working-day calendar: chinese_calendar, the holiday override file and its import."""
