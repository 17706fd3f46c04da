"""Run a notebook's code cells in this process with IPython's semantics; record nbformat outputs.

This is what a sandboxed child runs instead of a Jupyter kernel: the same `InteractiveShell`
machinery (magics, `display`, `%matplotlib inline`, tracebacks, the last expression's value),
without a kernel process, ZeroMQ or a fresh `import tensorflow` per submission.
"""

import io
import sys

from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config

# Taken at import, before any student code runs: patching the class later changes nothing here.
_RUN_CELL = InteractiveShell.run_cell
TRUNCATED = "\n[autograder: output truncated here: the cell printed more than {limit} bytes]\n"


class _Recorder:
    """Collects one cell's outputs in nbformat form, merging stream writes, within a byte cap."""

    def __init__(self, cell_limit, total_limit):
        self.cell_limit, self.total_limit = cell_limit, total_limit
        self.total = 0
        self.outputs = []
        self.size = 0
        self.truncated = False

    def begin(self):
        self.outputs, self.size, self.truncated = [], 0, False

    def _room(self, n):
        room = min(self.cell_limit - self.size, self.total_limit - self.total)
        return max(0, min(n, room))

    def _count(self, n):
        self.size += n
        self.total += n

    def stream(self, name, text):
        if self.truncated or not text:
            return
        room = self._room(len(text))
        if room < len(text):
            text = text[:room] + TRUNCATED.format(limit=self.cell_limit)
            self.truncated = True
        self._count(room)
        last = self.outputs[-1] if self.outputs else None
        if last and last["output_type"] == "stream" and last["name"] == name:
            last["text"] += text
        else:
            self.outputs.append({"output_type": "stream", "name": name, "text": text})

    def add(self, output):
        size = sum(len(str(v)) for v in output.get("data", {}).values()) + len(
            str(output.get("evalue", ""))
        )
        if self.truncated:
            return
        if self._room(size) < size:
            self.stream("stdout", "")
            self.outputs.append(
                {
                    "output_type": "stream",
                    "name": "stdout",
                    "text": TRUNCATED.format(limit=self.cell_limit),
                }
            )
            self.truncated = True
            return
        self._count(size)
        self.outputs.append(output)


class _Stream(io.TextIOBase):
    def __init__(self, recorder, name):
        self.recorder, self.name = recorder, name

    def writable(self):
        return True

    def write(self, text):
        self.recorder.stream(self.name, str(text))
        return len(text)

    def isatty(self):
        return False


class _Publisher(DisplayPublisher):
    recorder = None

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kw):
        self.recorder.add(
            {"output_type": "display_data", "data": dict(data), "metadata": dict(metadata or {})}
        )

    def clear_output(self, wait=False):
        self.recorder.outputs = []


class _Hook(DisplayHook):
    recorder = None

    def write_output_prompt(self):
        pass

    def write_format_data(self, format_dict, md_dict=None):
        self.recorder.add(
            {
                "output_type": "execute_result",
                "data": dict(format_dict),
                "metadata": dict(md_dict or {}),
                "execution_count": self.shell.execution_count,
            }
        )

    def finish_displayhook(self):
        pass


class GradingShell(InteractiveShell):
    """An `InteractiveShell` whose outputs go to a recorder instead of a terminal or a kernel."""

    recorder = None

    def enable_gui(self, gui=None):
        # No event loop here: `%matplotlib inline` only needs this not to fail.
        pass

    def _showtraceback(self, etype, evalue, stb):
        self.recorder.add(
            {
                "output_type": "error",
                "ename": getattr(etype, "__name__", str(etype)),
                "evalue": str(evalue),
                "traceback": list(stb),
            }
        )


def _make_shell(recorder):
    config = Config()
    config.HistoryManager.enabled = False
    config.InteractiveShell.colors = "nocolor"
    config.InteractiveShell.autocall = 0
    _Publisher.recorder = recorder
    _Hook.recorder = recorder
    GradingShell.recorder = recorder
    shell = GradingShell.instance(
        config=config, display_pub_class=_Publisher, displayhook_class=_Hook
    )
    return shell


def _transformer_state(shell):
    manager = shell.input_transformer_manager
    return (
        list(shell.input_transformers_post),
        list(shell.ast_transformers),
        list(manager.cleanup_transforms),
        list(manager.line_transforms),
        list(manager.token_transformers),
    )


def _restore_transformers(shell, state):
    manager = shell.input_transformer_manager
    shell.input_transformers_post[:] = state[0]
    shell.ast_transformers[:] = state[1]
    manager.cleanup_transforms[:] = state[2]
    manager.line_transforms[:] = state[3]
    manager.token_transformers[:] = state[4]


def _ensure_error_shown(recorder, outcome):
    """Record a failed cell's error even if student code silenced IPython's traceback display.

    Like a kernel's execute reply, the cell's status comes from the execution itself, not from
    what was printed: hiding the traceback cannot turn a failing test into a passing one.
    """
    error = outcome.error_before_exec or outcome.error_in_exec
    if error is None or any(o["output_type"] == "error" for o in recorder.outputs):
        return
    name = type(error).__name__
    recorder.outputs.append(
        {
            "output_type": "error",
            "ename": name,
            "evalue": str(error),
            "traceback": [f"{name}: {error}"],
        }
    )


def execute_cells(cells, *, cell_output_limit=1 << 20, total_output_limit=2 << 20, after=None):
    """Run ``cells`` (nbformat cell dicts) in order; return ``{"cells": [...], "after": ...}``.

    Each entry of ``cells`` in the result is ``{"index", "execution_count", "outputs"}`` for a code
    cell. Errors do not stop the run (nbgrader's ``allow_errors``). Before every graded cell the
    shell's input and AST transformers are reset to their initial state, so code in one cell
    cannot rewrite the tests that follow. ``after(user_ns)``, if given, runs last and its value is
    returned as ``"after"``.
    """
    recorder = _Recorder(cell_output_limit, total_output_limit)
    shell = _make_shell(recorder)
    pristine = _transformer_state(shell)
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Stream(recorder, "stdout"), _Stream(recorder, "stderr")
    results = []
    try:
        for index, cell in enumerate(cells):
            if cell.get("cell_type") != "code":
                continue
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade"):
                _restore_transformers(shell, pristine)
            recorder.begin()
            outcome = _RUN_CELL(shell, cell.get("source", ""), store_history=True)
            for stream in (sys.stdout, sys.stderr):
                stream.flush()
            _ensure_error_shown(recorder, outcome)
            results.append(
                {
                    "index": index,
                    "execution_count": shell.execution_count - 1,
                    "outputs": recorder.outputs,
                }
            )
        extra = after(shell.user_ns) if after is not None else None
    finally:
        sys.stdout, sys.stderr = stdout, stderr
    return {"cells": results, "after": extra}
