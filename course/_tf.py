"""Import TensorFlow without its start-up log lines on stderr."""

import os
import sys


def import_tensorflow():
    """Return the ``tensorflow`` module, silencing the C++ lines it prints while loading.

    ``TF_CPP_MIN_LOG_LEVEL`` hides most of them, but the CUDA probe logs before TensorFlow's
    logger starts, straight to file descriptor 2; in a notebook that shows as red stderr.
    """
    if "tensorflow" not in sys.modules:
        _import_quietly()
    # The self-check's references are taken now, before the notebook's answer cell runs.
    from autograder.probe import trust

    trust()
    return sys.modules["tensorflow"]


def _import_quietly():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        import tensorflow
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
    return tensorflow
