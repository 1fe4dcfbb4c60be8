"""Tickets: the paste parser, logging, the workflow, deadlines, lists, search and
the similar-case warnings."""
