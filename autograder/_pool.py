"""The pool of warm grading workers; a light module, so the pool can start before heavy imports."""

import contextlib
import multiprocessing
import os
import random
import threading
from concurrent.futures import ProcessPoolExecutor

# Sandbox uids are drawn per grading run from a range no account uses, so two graders on one
# machine (or two test modules) never share one; `run_sandboxed` also refuses a uid in use.
_UID_LOW, _UID_HIGH = 100_000, 2_000_000_000


def init_worker(uids):
    """Pool initializer, in the worker: take a uid of its own for the sandboxes it runs."""
    from autograder._worker import take_uid

    take_uid(uids.get())


def ping():
    return os.getpid()


def run_task(task):
    """Run one staged notebook in a sandbox (in a worker); see `autograder._worker.run_task`."""
    from autograder._worker import run_task as run

    return run(task)


def sandbox_uids(count):
    """``count`` consecutive unprivileged uids, at a random place in a range no account uses."""
    base = random.SystemRandom().randrange(_UID_LOW, _UID_HIGH - count)
    return list(range(base, base + count))


def new_pool(uids):
    """A process pool, one worker per uid, whose forkserver has imported TensorFlow once."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["autograder._worker"])
    queue = context.Queue()
    for uid in uids:
        queue.put(uid)
    return ProcessPoolExecutor(
        max_workers=len(uids), mp_context=context, initializer=init_worker, initargs=(queue,)
    )


def _warm_up(pool, workers):
    for future in [pool.submit(ping) for _ in range(workers)]:
        with contextlib.suppress(Exception):
            future.result()


class WarmPool:
    """Warm workers starting in the background: ``pool``, its ``uids``, the starting ``thread``.

    Starting the forkserver blocks until it has imported TensorFlow (seconds), so it happens on
    a thread while the caller goes on; join the thread before relying on the workers.
    """

    def __init__(self, workers=None):
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.uids = sandbox_uids(self.workers)
        self.pool = new_pool(self.uids)
        self.thread = threading.Thread(target=_warm_up, args=(self.pool, self.workers), daemon=True)
        self.thread.start()


def start_pool(workers=None):
    """Start ``workers`` warm workers in the background; return the `WarmPool`."""
    return WarmPool(workers)
