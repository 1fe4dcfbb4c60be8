"""Reference data: units (with contacts and leaders), categories, industries,
request types and urgencies, and fuzzy matching of what staff type against them."""
