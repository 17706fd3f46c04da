"""A warm grading worker: heavy imports paid once, then one sandboxed child per submission.

The pool's forkserver imports this module once (TensorFlow, Keras, IPython, matplotlib, the
course package); every worker forks from it, and every submission runs in a child forked from a
worker, so no submission pays for `import tensorflow` again. No TensorFlow op runs before a fork.
"""

import os
import shutil
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# oneDNN's kernels are set up again in every forked child (~30 ms each, measured here) and only
# pay off on large tensors; a submission's tensors are tiny. Results agree within float rounding.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("MPLBACKEND", "Agg")


def _warm():
    from course._tf import import_tensorflow

    import_tensorflow()
    import IPython.core.interactiveshell  # noqa: F401
    import ipywidgets  # noqa: F401
    import keras  # noqa: F401
    import matplotlib.font_manager  # noqa: F401
    import matplotlib.pyplot  # noqa: F401
    import matplotlib_inline.backend_inline  # noqa: F401
    import numpy  # noqa: F401

    import autograder.checks  # noqa: F401
    import autograder.executor  # noqa: F401
    import autograder.probe
    import course  # noqa: F401
    import course.data  # noqa: F401
    import course.diagrams  # noqa: F401
    import course.plots  # noqa: F401
    import course.quiz  # noqa: F401
    import course.selfcheck  # noqa: F401
    import course.widgets  # noqa: F401

    autograder.probe.trust()
    _render_once()


def _render_once():
    """Draw and save one figure of each kind the notebooks draw, to PNG, in the warm process.

    The first render in a process loads fonts and fills glyph caches (40 ms of each
    submission's run, measured here); done here, every forked child starts with them.
    Agg rendering starts no threads, so forking after it stays safe.
    """
    import io

    import course.diagrams
    import course.plots

    for figure in (course.diagrams.draw_dense_layer(2, 1), course.plots.plot_logit_curve()):
        figure.savefig(io.BytesIO(), format="png", bbox_inches="tight")


_warm()

_slot = {}


def take_uid(uid):
    """This worker's sandbox uid, which also names its sandbox folder."""
    _slot["uid"] = uid


def _child(cells, plan, seed):
    """Runs inside the sandbox: execute the notebook, then probe `model_layers` if asked.

    The probe is bound here, before any cell runs, and runs afresh on the grader's plan: not
    through the cache the notebook's own test cells fill, which the student's code can reach.
    """
    from autograder.executor import execute_cells
    from autograder.probe import probe

    if seed is not None:
        os.environ["AUTOGRADER_SEED"] = str(seed)
    import tensorflow as tf

    # One submission, one core: the workers already run side by side.
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)

    def after(namespace):
        if plan is None:
            return None
        model_layers = namespace.get("model_layers")
        if not callable(model_layers):
            missing = {"type": "NameError", "message": "model_layers is not defined"}
            calls = [
                {"input_size": s["input_size"], "output_size": s["output_size"], "error": missing}
                for s in plan
            ]
            return {"calls": calls, "shared_layers": False, "captured_output": ""}
        return probe(model_layers, plan)

    return execute_cells(cells, after=after)


def _chown_tree(path, uid):
    for root, dirs, files in os.walk(path):
        os.chown(root, uid, uid)
        for name in dirs + files:
            os.chown(os.path.join(root, name), uid, uid, follow_symlinks=False)


def run_task(task):
    """Run one staged notebook in a fresh sandbox; return a plain record of what happened."""
    from autograder.sandbox import Limits, run_sandboxed

    uid = _slot["uid"]
    workdir = Path(task["sandbox_root"]) / f"uid-{uid}"
    if workdir.exists():
        shutil.rmtree(workdir)
    shutil.copytree(task["files"], workdir, symlinks=True)
    _chown_tree(workdir, uid)
    os.chmod(workdir, 0o700)
    limits = Limits(**task["limits"])
    try:
        outcome = run_sandboxed(
            _child,
            task["cells"],
            task["plan"],
            task["seed"],
            workdir=workdir,
            uid=uid,
            limits=limits,
            hide=[Path(p) for p in task["hide"]],
            readonly=[Path(p) for p in task["readonly"]],
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    record = {
        "student": task["student"],
        "notebook": task["notebook"],
        "status": outcome.status,
        "reason": outcome.reason,
        "seconds": outcome.seconds,
        "peak_memory": outcome.peak_memory_bytes,
        "plan": task["plan"],
    }
    if outcome.status == "ok":
        digests = task["digests"]
        record["cells"] = [
            dict(c, digest=digests.get(str(c["index"]))) for c in outcome.result["cells"]
        ]
        record["facts"] = outcome.result["after"]
    return record
