"""`autograder grade` against hostile submissions: each gets its grade and reason; none escapes."""

import hashlib
import os
import socket
import threading

import nbformat
import pytest
from attacks import ATTACKS, CORRECT, build
from conftest import ROOT

from autograder._nbgrader import run_nbgrader
from autograder.demo import prepare_course
from autograder.grading import grade
from autograder.results import read_results
from autograder.sample_class import EXERCISE, with_answer

pytestmark = pytest.mark.slow
TIMEOUT = 15


def _snapshot(course, skip=("gradebook.db", "autograded", "reports")):
    digests = {}
    for path in sorted(course.rglob("*")):
        rel = path.relative_to(course)
        if rel.parts[0] in skip or not path.is_file() or path.is_symlink():
            continue
        digests[str(rel)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


def _sandbox_processes(uids):
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                uid = os.stat(f"/proc/{entry}").st_uid
            except OSError:
                continue
            if uid in uids:
                found.append((int(entry), uid))
    return found


class _Listener:
    """A loopback server that records whether any sandboxed submission reached it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self.running = False
        self.thread.join()
        self.sock.close()


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("adversarial")
    course = prepare_course(ROOT, tmp / "course")
    run_nbgrader(["generate_assignment", "logits", "--force"], course)
    home = tmp / "home"
    home.mkdir()
    (home / "canary.txt").write_text("canary")
    listener = _Listener()
    released = nbformat.read(course / "release" / "logits" / EXERCISE, as_version=4)

    bystander = course / "submitted" / "bystander" / "logits"
    bystander.mkdir(parents=True)
    nbformat.write(with_answer(released, CORRECT), bystander / EXERCISE)
    before = grade(course, students=["bystander"], progress=False, timeout=TIMEOUT)
    for attack in ATTACKS:
        folder = course / "submitted" / attack.slug / "logits"
        folder.mkdir(parents=True)
        target = folder / EXERCISE
        if attack.notebook == "symlink":
            target.symlink_to(course / "source_notebooks" / "logits" / EXERCISE)
            continue
        built = build(attack, released, course, listener.port, home)
        if isinstance(built, bytes):
            target.write_bytes(built)
        else:
            nbformat.write(built, target)
    snapshot = _snapshot(course)
    old_home = os.environ.get("HOME")
    os.environ["HOME"] = str(home)
    try:
        summary = grade(course, progress=False, timeout=TIMEOUT, workers=2)
    finally:
        os.environ["HOME"] = old_home or ""
        listener.close()
    return {
        "course": course,
        "home": home,
        "summary": summary,
        "bystander_before": before.graded["bystander"],
        "snapshot": snapshot,
        "listener": listener,
        "results": read_results(course),
    }


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.slug)
def test_attack_gets_its_grade_and_reason(attack, attacked):
    """The expected score is recorded, with the failure reason where the run was stopped."""
    summary, results = attacked["summary"], attacked["results"]
    assert attack.slug in results, summary.failed.get(attack.slug)
    if attack.score is not None:
        assert results[attack.slug].score == attack.score, summary.failed.get(attack.slug)
    if attack.reason:
        assert attack.reason in summary.failed.get(attack.slug, ""), summary.failed
    elif attack.reason is not None:
        assert attack.slug not in summary.failed, summary.failed[attack.slug]
    graded = attacked["course"] / "autograded" / attack.slug / "logits" / EXERCISE
    assert graded.exists()
    outputs = [
        str(output)
        for cell in nbformat.read(graded, as_version=4).cells
        for output in cell.get("outputs", [])
    ]
    assert not any("LEAK" in text for text in outputs)


def test_the_batch_finished(attacked):
    """Every submission was graded in the one run, none skipped."""
    summary = attacked["summary"]
    assert set(summary.graded) == {a.slug for a in ATTACKS}
    assert summary.skipped == ["bystander"]


def test_nothing_outside_the_sandboxes_changed(attacked):
    """Course files, submissions, the instructor's home: as before; no connection got out."""
    assert _snapshot(attacked["course"]) == attacked["snapshot"]
    assert (attacked["home"] / "canary.txt").read_text() == "canary"
    assert attacked["listener"].connections == 0


def test_other_students_grades_are_untouched(attacked):
    """The student graded before the attacks keeps the same score."""
    assert attacked["results"]["bystander"].score == attacked["bystander_before"] == 10


def test_no_process_is_left_behind(attacked):
    """Daemons, swarms and sleepers were all killed when their submission ended."""
    uids = set(attacked["summary"].sandbox_uids)
    assert len(uids) == 2
    assert _sandbox_processes(uids) == []


def test_rejected_notebook_reason_reaches_the_gradebook(attacked):
    """A rejected submission's reason is an nbgrader comment and appears in the graded notebook."""
    from nbgrader.api import Gradebook

    course = attacked["course"]
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission("logits", "not-json")
        comments = [c.auto_comment for nb in submission.notebooks for c in nb.comments]
    assert any("not valid JSON" in (c or "") for c in comments)
    graded = course / "autograded" / "not-json" / "logits" / EXERCISE
    assert "not valid JSON" in graded.read_text()


def test_rerun_is_idempotent_and_force_regrades(attacked):
    """A second run skips graded work; --force regrades the named student, with a given seed."""
    course = attacked["course"]
    again = grade(course, progress=False, timeout=TIMEOUT)
    assert again.graded == {} and len(again.skipped) == len(ATTACKS) + 1
    forced = grade(
        course, students=["output-flood"], force=True, progress=False, timeout=TIMEOUT, seed=777
    )
    assert forced.graded == {"output-flood": 10} and forced.seed == 777
    graded = course / "autograded" / "output-flood" / "logits" / EXERCISE
    assert "hidden checks: seed 777," in graded.read_text()
    assert read_results(course)["bystander"].score == 10
