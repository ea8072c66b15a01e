"""Maintainers' tools that are not part of the installed kit."""
