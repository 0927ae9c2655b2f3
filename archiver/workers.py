"""Worker processes that die with their parent.

A process pool's workers outlive a parent killed by ``kill -9`` or the out-of-memory killer:
they are re-parented to PID 1 and sleep on their task queue for ever. Every pool of archiver
(``extract --jobs``, ``render --jobs``, the Dask extra's local mode) is made here, with an
initializer that ends the worker when its parent is gone: at once on Linux
(``PR_SET_PDEATHSIG``), and within half a second anywhere (a thread watching the parent id).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

#: How often a worker checks that its parent is alive, in seconds.
POLL_SECONDS = 0.5
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def worker_pool(jobs: int, context: str | None = None) -> ProcessPoolExecutor:
    """A process pool of ``jobs`` workers that exit when this process dies.

    ``context`` is a multiprocessing start method (``"spawn"``…); None is the platform's.
    """
    return ProcessPoolExecutor(
        jobs,
        mp_context=get_context(context) if context else None,
        initializer=die_with_parent,
        initargs=(os.getpid(),),
    )


def die_with_parent(parent: int) -> None:
    """Worker initializer: exit as soon as process ``parent`` is no longer our parent."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # no prctl here: the watching thread below still ends us
    if os.getppid() != parent:  # the parent died before we could ask to be told
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), name="parent-watch", daemon=True).start()


def _watch(parent: int) -> None:
    """Poll the parent id: an orphan is re-parented, so a changed id means the parent died."""
    while os.getppid() == parent:
        time.sleep(POLL_SECONDS)
    os._exit(1)
