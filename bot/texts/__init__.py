"""User-visible Chinese text, one module per feature."""
