"""Reference data: units (with contacts and leaders), categories, industries, request types
and urgencies — their file's shape (spec), consistency checks and problem records — and fuzzy
matching of what staff type against them (match)."""
