"""Hostile submissions for `autograder grade`, each named by what it tries, with its outcome.

``code`` replaces the answer cell (``{course}``, ``{port}``, ``{home}`` are filled in by the
test); ``notebook`` builds the whole submission from the released notebook instead. ``score`` is
the expected total out of 10 (None: any); ``reason`` a fragment of the recorded reason (empty:
the submission must be graded normally, without a failure; None: either).
"""

import json
from dataclasses import dataclass

import nbformat

CORRECT = (
    "def model_layers(inputs, output_size):\n"
    "    return tf.keras.layers.Dense(output_size, name='logits')(inputs)\n"
)
SIGMOID = (
    "def model_layers(inputs, output_size):\n"
    "    return tf.keras.layers.Dense(output_size, activation='sigmoid', name='logits')(inputs)\n"
)


@dataclass(frozen=True)
class Attack:
    slug: str
    code: str | None = None
    notebook: object = None
    score: float | None = 0
    reason: str | None = ""


def _drop_tests(nb):
    nb.cells = [c for c in nb.cells if not c.metadata.get("nbgrader", {}).get("grade")]
    return nb


def _tamper_tests(nb):
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            cell.source = "pass"
    return nb


def _answer_cell(nb):
    return next(
        c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "model_layers"
    )


def _drop_answer(nb):
    nb.cells.remove(_answer_cell(nb))
    return nb


def _answer_as_markdown(nb):
    nb = _answer(nb, CORRECT)
    cell = _answer_cell(nb)
    cell.cell_type = "markdown"
    cell.pop("outputs", None)
    cell.pop("execution_count", None)
    return nb


def _extra_graded_cell(nb):
    nb = _answer(nb, SIGMOID)
    extra = nbformat.v4.new_code_cell("print('bonus')")
    extra.metadata["nbgrader"] = {
        "grade": True,
        "grade_id": "bonus",
        "locked": True,
        "points": 100,
        "solution": False,
        "schema_version": 3,
    }
    nb.cells.append(extra)
    return nb


ATTACKS = [
    Attack("os-exit", CORRECT + "import os\nos._exit(3)\n", score=0, reason="status 3"),
    Attack("sys-exit-after-answer", CORRECT + "import sys\nsys.exit(1)\n", score=10),
    Attack("infinite-loop", "while True:\n    pass\n", score=0, reason="limit"),
    Attack(
        "sleep-ignoring-signals",
        "import signal, time\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        "time.sleep(10**6)\n",
        score=0,
        reason="limit",
    ),
    Attack("memory-bomb", "blob = bytearray(6 << 30)\n" + CORRECT, score=0, reason="memory"),
    Attack(
        "process-swarm",
        "import os, time\n"
        "for _ in range(300):\n"
        "    try:\n"
        "        if os.fork() == 0:\n"
        "            time.sleep(10**6)\n"
        "    except OSError:\n"
        "        break\n" + CORRECT,
        score=None,
        reason=None,
    ),
    Attack(
        "daemon-left-behind",
        CORRECT + "import subprocess\n"
        "subprocess.Popen(['sleep', '1000'], start_new_session=True)\n",
        score=10,
    ),
    Attack(
        "output-flood",
        CORRECT + "for _ in range(2000):\n    print('x' * 100_000)\n",
        score=10,
    ),
    Attack(
        "disk-filler",
        CORRECT + "try:\n"
        "    with open('filler.bin', 'wb') as f:\n"
        "        for _ in range(1024):\n"
        "            f.write(b'0' * (1 << 20))\n"
        "except OSError as error:\n"
        "    print('stopped:', error)\n",
        score=10,
    ),
    Attack(
        "read-hidden-tests-from-gradebook",
        SIGMOID + "try:\n"
        "    print('LEAK' if b'HIDDEN' in open('{course}/gradebook.db', 'rb').read() else '')\n"
        "except OSError as error:\n"
        "    print('blocked:', error)\n",
        score=6,
    ),
    Attack(
        "read-source-notebooks",
        SIGMOID + "import glob\n"
        "for path in glob.glob('{course}/source_notebooks/*/*.ipynb'):\n"
        "    print('LEAK', open(path).read()[:50])\n",
        score=6,
    ),
    Attack(
        "write-gradebook",
        SIGMOID + "import sqlite3\n"
        "try:\n"
        "    db = sqlite3.connect('{course}/gradebook.db')\n"
        "    db.execute('UPDATE grade SET manual_score = 10')\n"
        "    db.commit()\n"
        "except Exception as error:\n"
        "    print('blocked:', error)\n",
        score=6,
    ),
    Attack(
        "delete-course-files",
        CORRECT + "import shutil, os\n"
        "shutil.rmtree('{course}/source_notebooks', ignore_errors=True)\n"
        "shutil.rmtree('{course}/submitted', ignore_errors=True)\n"
        "for name in ('{course}/nbgrader_config.py', '{home}/canary.txt'):\n"
        "    try:\n"
        "        os.remove(name)\n"
        "    except OSError as error:\n"
        "        print('blocked:', error)\n",
        score=10,
    ),
    Attack(
        "network-connection",
        CORRECT + "import socket\n"
        "try:\n"
        "    socket.create_connection(('127.0.0.1', {port}), timeout=2).sendall(b'LEAK')\n"
        "except OSError as error:\n"
        "    print('blocked:', error)\n",
        score=10,
    ),
    Attack(
        "kill-the-grader",
        CORRECT + "import os, signal\n"
        "for target in (os.getppid(), 1):\n"
        "    try:\n"
        "        os.kill(target, signal.SIGKILL)\n"
        "    except OSError as error:\n"
        "        print('blocked:', error)\n",
        score=10,
    ),
    Attack(
        "kill-process-group",
        CORRECT + "import os, signal\nos.killpg(0, signal.SIGKILL)\n",
        score=0,
        reason="SIGKILL",
    ),
    Attack(
        "monkeypatch-numpy-unittest-ipython",
        SIGMOID + "import numpy as np, unittest\n"
        "np.allclose = lambda *a, **k: True\n"
        "np.testing.assert_allclose = lambda *a, **k: None\n"
        "unittest.TestCase.assertEqual = lambda *a, **k: None\n"
        "get_ipython().showtraceback = lambda *a, **k: None\n",
        score=6,
    ),
    Attack(
        "monkeypatch-the-checks",
        SIGMOID + "import autograder, autograder.checks, course.selfcheck\n"
        "class _Pass:\n    passed = True\n    message = ''\n"
        "autograder.hidden_check = autograder.checks.hidden_check = lambda *a: _Pass()\n"
        "course.selfcheck.public_check = lambda *a: None\n",
        score=6,
    ),
    Attack(
        "forged-numpy-conversion-and-activation-name",
        SIGMOID + "import keras, numpy as np\n"
        "_real = np.asarray\n"
        "def _as_logits(a, *args, **kwargs):\n"
        "    v = _real(a, *args, **kwargs)\n"
        "    return np.log(v) - np.log1p(-v) if type(a).__name__ == 'EagerTensor' else v\n"
        "np.asarray = _as_logits\n"
        "keras.activations.sigmoid.__name__ = 'linear'\n",
        score=6,
    ),
    Attack(
        "swapped-probe",
        SIGMOID + "import autograder.checks, autograder.probe\n"
        "_real = autograder.probe.probe\n"
        "def _right(inputs, output_size):\n"
        "    return tf.keras.layers.Dense(output_size, name='logits')(inputs)\n"
        "autograder.checks.probe = autograder.probe.probe = lambda f, plan: _real(_right, plan)\n",
        score=6,
    ),
    Attack(
        "input-transformer-rewrites-tests",
        SIGMOID + "get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])\n",
        score=6,
    ),
    Attack(
        "always-equal-fake-object",
        "class Fake:\n"
        "    shape = (None, 3)\n    name = 'logits'\n"
        "    def __eq__(self, other):\n        return True\n"
        "    def __getattr__(self, name):\n        return self\n"
        "    def __call__(self, *a, **k):\n        return self\n"
        "def model_layers(inputs, output_size):\n    return Fake()\n",
        score=0,
    ),
    Attack("tampered-test-cells", notebook=lambda nb: _tamper_tests(_answer(nb, SIGMOID)), score=6),
    Attack("deleted-test-cells", notebook=lambda nb: _drop_tests(_answer(nb, SIGMOID)), score=6),
    Attack(
        "deleted-test-cells-correct",
        notebook=lambda nb: _drop_tests(_answer(nb, CORRECT)),
        score=10,
    ),
    Attack(
        "forged-result-on-the-grader-channel",
        SIGMOID + "import json, os\n"
        "fake = {'status': 'ok', 'result': {'cells': [], 'after': {'calls': []}}}\n"
        "for fd in range(3, 10):\n"
        "    try:\n"
        "        os.write(fd, json.dumps(fake).encode())\n"
        "    except OSError:\n"
        "        pass\n"
        "os._exit(0)\n",
        score=0,
        reason="malformed results",
    ),
    Attack(
        "read-other-students-work",
        SIGMOID + "import glob\n"
        "for pattern in ('{course}/submitted/*/*/*.ipynb', '{course}/autograded/*/*/*.ipynb'):\n"
        "    for path in glob.glob(pattern):\n"
        "        print('LEAK', path)\n",
        score=6,
    ),
    Attack(
        "answer-cell-deleted", notebook=_drop_answer, score=0, reason="'model_layers' is missing"
    ),
    Attack(
        "answer-cell-made-markdown",
        notebook=_answer_as_markdown,
        score=0,
        reason="is now a markdown cell",
    ),
    Attack(
        "extra-graded-cell",
        notebook=_extra_graded_cell,
        score=0,
        reason="'bonus', which this assignment does not have",
    ),
    Attack("not-json", notebook=lambda nb: b"{ this is not json", score=0, reason="not valid JSON"),
    Attack(
        "nbformat-3",
        notebook=lambda nb: json.dumps(
            {"nbformat": 3, "nbformat_minor": 0, "worksheets": [], "metadata": {}}
        ).encode(),
        score=0,
        reason="nbformat 3",
    ),
    Attack("symlink-to-solution", notebook="symlink", score=0, reason="symbolic link"),
]


def _answer(nb, code):
    from autograder.sample_class import with_answer

    return with_answer(nb, code)


def build(attack, released, course, port, home):
    """The submission notebook (a node, or raw bytes) for ``attack``."""
    if attack.code is not None:
        code = attack.code.replace("{course}", str(course)).replace("{port}", str(port))
        return _answer(released, code.replace("{home}", str(home)))
    return attack.notebook(nbformat.from_dict(released))
