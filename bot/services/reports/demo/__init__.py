"""Synthetic tickets that look like a real year of a district health commission's hotline
(`python -m bot demo-data`): `store.generate` is the entry point."""
