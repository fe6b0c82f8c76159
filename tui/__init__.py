"""The terminal UI and the ``newsdesk`` command (the only layer that imports textual)."""
