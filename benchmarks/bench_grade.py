"""Benchmark: `nbgrader autograde` against `autograder grade` on the same sample class.

Prints both wall times, submissions per minute, the speed-up, whether every score agrees, and
the peak memory of each run (the whole process tree, sampled). Run with `make bench`.
"""

import argparse
import contextlib
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder._nbgrader import nbgrader_env, run_nbgrader  # noqa: E402
from autograder.demo import prepare_course  # noqa: E402
from autograder.results import read_results  # noqa: E402
from autograder.sample_class import build_class  # noqa: E402
from autograder.samples import ANSWERS  # noqa: E402


class PeakMemory:
    """Samples the summed PSS of a process and all its descendants.

    PSS splits each shared page among the processes sharing it, so forked workers that share
    TensorFlow's pages are not counted once per process, as a sum of RSS would. Reading one
    process's PSS walks its page tables: ~13 ms for a process with TensorFlow loaded (measured
    here). Sampled every 0.1 s, the sampler alone would take half a core from the grader it
    measures; every 0.5 s it takes about a tenth.
    """

    def __init__(self, pid, every=0.5):
        self.process, self.every, self.peak = psutil.Process(pid), every, 0
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while self.running:
            try:
                tree = [self.process, *self.process.children(recursive=True)]
                total = 0
                for proc in tree:
                    with contextlib.suppress(psutil.Error):
                        total += proc.memory_full_info().pss
                self.peak = max(self.peak, total)
            except psutil.Error:
                pass
            time.sleep(self.every)

    def stop(self):
        self.running = False
        self.thread.join()
        return self.peak


def timed(command, cwd):
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=nbgrader_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    sampler = PeakMemory(process.pid)
    output, _ = process.communicate()
    return time.perf_counter() - started, sampler.stop(), process.returncode, output


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--workdir", default=str(ROOT / "build" / "bench"))
    args = parser.parse_args(argv)

    workdir = Path(args.workdir)
    base = prepare_course(ROOT, workdir / "nbgrader")
    run_nbgrader(["generate_assignment", "logits", "--force"], base)
    answers = [ANSWERS[i % len(ANSWERS)] for i in range(args.students)]
    build_class(base, answers)
    ours = workdir / "autograder"
    if ours.exists():
        shutil.rmtree(ours)
    shutil.copytree(base, ours)
    n = args.students
    print(f"class: {n} submissions of the Logits exercise ({len(ANSWERS)} distinct answers)")

    print("grading with `nbgrader autograde` ...", flush=True)
    theirs_s, theirs_mem, _, _ = timed(
        [sys.executable, "-m", "nbgrader", "autograde", "logits"], base
    )
    print("grading with `autograder grade` ...", flush=True)
    ours_s, ours_mem, code, report = timed(
        [sys.executable, "-m", "autograder", "grade", "logits", "--quiet"], ours
    )

    theirs, mine = read_results(base), read_results(ours)
    disagree = [
        s
        for s in theirs
        if s not in mine or (mine[s].score, mine[s].checks) != (theirs[s].score, theirs[s].checks)
    ]
    rows = [
        ("nbgrader autograde", theirs_s, theirs_mem),
        ("autograder grade", ours_s, ours_mem),
    ]
    print()
    print(f"{'grader':<20}{'wall s':>9}{'s/submission':>14}{'per minute':>12}{'peak MiB':>10}")
    for name, seconds, memory in rows:
        print(
            f"{name:<20}{seconds:>9.1f}{seconds / n:>14.2f}{60 * n / seconds:>12.1f}"
            f"{memory / 2**20:>10.0f}"
        )
    speedup = theirs_s / ours_s
    print(f"speed-up: {speedup:.1f}x (submissions per minute, same class, same machine)")
    warm = re.search(r"workers ready after ([\d.]+) s .* then (\d+) submissions per minute", report)
    if warm:
        ready, rate = float(warm.group(1)), float(warm.group(2))
        print(
            f"autograder grade: {ready:.1f} s to start (TensorFlow imported once), then "
            f"{rate:.0f} per minute: {rate / (60 * n / theirs_s):.1f}x nbgrader's rate "
            f"once warm (what a larger class approaches)"
        )
    print(f"target: 30x; {'met' if speedup >= 30 else 'not met'} on this class ({speedup:.1f}x)")
    print(
        f"scores agree: {'yes' if not disagree else 'NO: ' + ', '.join(disagree)} "
        f"({len(theirs)} graded by nbgrader, {len(mine)} by autograder; exit {code})"
    )
    return 0 if not disagree else 1


if __name__ == "__main__":
    sys.exit(main())
