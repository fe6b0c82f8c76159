"""The build's memory budget (a module of its own so the CLI can show it without
importing Whoosh)."""

#: Memory for the writers' postings pools, in MB, shared by the worker processes
#: (``--limitmb``): each worker writes out a segment when its share is full.  The
#: processes need about this much again on top (Python, Whoosh's per-document buffers,
#: sorting a segment's postings when it is written); see README "Building".
DEFAULT_LIMIT_MB = 1024
