"""Configuration files: one error type naming file and line, and the YAML reader that
maps a position in the data back to a line."""
