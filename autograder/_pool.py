"""The pool of warm grading workers; a light module, so the pool can start before heavy imports."""

import contextlib
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor


def init_worker(slots):
    """Pool initializer, in the worker: take a slot, which fixes the sandbox uid and folder."""
    from autograder._worker import take_slot

    take_slot(slots.get())


def ping():
    return os.getpid()


def run_task(task):
    """Run one staged notebook in a sandbox (in a worker); see `autograder._worker.run_task`."""
    from autograder._worker import run_task as run

    return run(task)


def new_pool(workers):
    """A process pool whose forkserver has imported TensorFlow and the notebooks' modules once."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["autograder._worker"])
    slots = context.Queue()
    for n in range(workers):
        slots.put(n)
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=init_worker, initargs=(slots,)
    )


def _warm_up(pool, workers):
    for future in [pool.submit(ping) for _ in range(workers)]:
        with contextlib.suppress(Exception):
            future.result()


def start_pool(workers=None):
    """Start ``workers`` warm workers in the background; return ``(pool, started_thread)``.

    Starting the forkserver blocks until it has imported TensorFlow (seconds), so it happens on
    a thread while the caller goes on; join the thread before relying on the workers.
    """
    workers = max(1, workers or os.cpu_count() or 1)
    pool = new_pool(workers)
    thread = threading.Thread(target=_warm_up, args=(pool, workers), daemon=True)
    thread.start()
    return pool, thread
