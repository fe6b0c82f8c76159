"""A deterministic crash hook for the crash-safety tests (inert unless the env var is set).

``NEWSDESK_TEST_PAUSE_AT=<point>`` makes a writer print ``paused at <point>`` to stderr
and sleep at that named point, so a test can SIGKILL it exactly there.  Points:
``locked``, ``indexing`` (after 50 articles), ``before-commit``, ``after-commit``,
``before-publish``, ``after-publish``; and in the worker processes of a multi-process build
``worker-indexing`` (after 50 articles), where a worker waits but still exits as soon as
its parent is gone.
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


def worker_checkpoint(name: str, parent_pid: int) -> None:
    """The worker-process variant: pause at ``name`` but exit once the parent is dead."""
    if os.environ.get(PAUSE_ENV) != name:
        return
    print(f"paused at {name} (PID {os.getpid()})", file=sys.stderr, flush=True)
    while os.getppid() == parent_pid:
        time.sleep(0.2)
    os._exit(1)
