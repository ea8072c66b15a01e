"""Feeds: tables of values per unit from outside systems (docs/architecture.md, section 4.1)."""
