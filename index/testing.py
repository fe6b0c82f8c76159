"""A deterministic crash hook for the crash-safety tests (inert unless the env var is set).

``NEWSDESK_TEST_PAUSE_AT=<point>`` makes a writer print ``paused at <point>`` to stderr
and sleep at that named point, so a test can SIGKILL it exactly there.  Points:
``locked``, ``indexing`` (after 50 articles), ``before-commit``, ``after-commit``,
``before-publish``, ``after-publish``.
"""

from __future__ import annotations

import os
import sys
import time

PAUSE_ENV = "NEWSDESK_TEST_PAUSE_AT"


def checkpoint(name: str) -> None:
    if os.environ.get(PAUSE_ENV) != name:
        return
    print(f"paused at {name} (PID {os.getpid()})", file=sys.stderr, flush=True)
    while True:
        time.sleep(3600)
