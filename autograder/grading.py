"""`autograder grade`: nbgrader's autograde with warm parallel workers and a sandbox per submission.

Phases: (1) stage each submission (no symlinks followed, malformed notebooks rejected) and
sanitise it with nbgrader's own preprocessors; (2) run every notebook in a sandboxed child of a
warm worker, in parallel; (3) for each student, run nbgrader's Autograde converter with
`ReplayExecute` in place of a kernel, which scores, writes the gradebook and autograded/.
"""

import contextlib
import os
import random
import re
import shutil
import sys
import tempfile
import time
import warnings
from concurrent.futures import as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

# jsonschema's optional IRI-format checker compiles a grammar when imported (1.2 s of the
# grader's start-up, measured here); no notebook or gradebook schema uses that format.
sys.modules.setdefault("rfc3987_syntax", None)

import nbformat  # noqa: E402
from traitlets.config import Config  # noqa: E402

from autograder._nbgrader import load_config, sqlite_path, step_folder  # noqa: E402
from autograder._pool import new_pool, run_task, start_pool  # noqa: E402
from autograder.probe import hidden_plan  # noqa: E402
from autograder.replay import ReplayExecute, source_digest  # noqa: E402
from autograder.staging import stage_submission  # noqa: E402

ANSWER_CELL = "model_layers"


@dataclass
class Summary:
    """What a grading run did."""

    graded: dict = field(default_factory=dict)  # student -> score
    failed: dict = field(default_factory=dict)  # student -> reason (scored 0)
    skipped: list = field(default_factory=list)
    notes: dict = field(default_factory=dict)  # student -> [notes]
    max_score: float = 0.0
    seconds: float = 0.0
    seed: int | None = None
    warmup_seconds: float = 0.0
    sandbox_uids: list = field(default_factory=list)
    peak_memory: int = 0
    warnings: list = field(default_factory=list)

    @property
    def per_minute(self):
        done = len(self.graded)
        return 60.0 * done / self.seconds if self.seconds else 0.0

    @property
    def warm_per_minute(self):
        """Throughput once the workers are up: what a larger class approaches."""
        done, busy = len(self.graded), self.seconds - self.warmup_seconds
        return 60.0 * done / busy if busy > 0 else 0.0


@contextlib.contextmanager
def _shared_engine():
    """Make nbgrader's per-notebook bookkeeping cheap while grading, without changing it.

    nbgrader opens a new `Gradebook` (a new engine, a cold SQL compile cache, a schema check)
    several times per notebook, and validates each cell's metadata with `jsonschema.validate`,
    which re-checks the schema itself on every call. Here one engine per database URL is shared,
    the tables are created at most once per engine, and the validator is built once per schema:
    the same checks, several times faster.
    """
    import jsonschema
    import nbgrader.api as api
    from sqlalchemy import event

    original_engine, original_create_all = api.create_engine, api.Base.metadata.create_all
    original_validate = jsonschema.validate
    engines, created, validators = {}, set(), {}

    def create_engine(url, **kwargs):
        key = (str(url), repr(sorted(kwargs.items())))
        if key not in engines:
            engines[key] = original_engine(url, **kwargs)
            if engines[key].dialect.name == "sqlite":
                event.listen(engines[key], "connect", _write_ahead)
        return engines[key]

    def create_all(bind=None, **kwargs):
        if id(bind) not in created:
            original_create_all(bind=bind, **kwargs)
            created.add(id(bind))

    def validate(instance, schema, cls=None, *args, **kwargs):
        if cls is not None or args or kwargs:
            return original_validate(instance, schema, cls, *args, **kwargs)
        key = id(schema)
        if key not in validators:
            validator_class = jsonschema.validators.validator_for(schema)
            validator_class.check_schema(schema)
            validators[key] = (schema, validator_class(schema))
        error = jsonschema.exceptions.best_match(validators[key][1].iter_errors(instance))
        if error is not None:
            raise error

    api.create_engine, api.Base.metadata.create_all = create_engine, create_all
    jsonschema.validate = validate
    try:
        yield
    finally:
        api.create_engine, api.Base.metadata.create_all = original_engine, original_create_all
        jsonschema.validate = original_validate
        for engine in engines.values():
            engine.dispose()


def _write_ahead(connection, _record):
    # The gradebook is in write-ahead-log mode while grading (`_write_ahead_log`), where SQLite
    # stays consistent without a sync per commit: nbgrader commits ~25 times per submission,
    # and each sync cost ~3.5 ms here. nbgrader reconnects often, so this is one statement.
    connection.execute("PRAGMA synchronous=NORMAL")


@contextlib.contextmanager
def _write_ahead_log(db_url):
    """Keep a SQLite gradebook in write-ahead-log mode while grading, then restore its mode.

    nbgrader's other commands read and write the gradebook either way; switching back needs
    no other connection open, so if the formgrader holds one the gradebook simply stays in WAL
    mode, which SQLite and nbgrader handle as well.
    """
    import sqlite3

    path = sqlite_path(db_url)
    if path is None or not path.exists():
        yield
        return
    with contextlib.closing(sqlite3.connect(path, timeout=30)) as connection:
        previous = connection.execute("PRAGMA journal_mode").fetchone()[0]
        connection.execute("PRAGMA journal_mode=WAL")
    try:
        yield
    finally:
        if previous.lower() != "wal":
            with (
                contextlib.suppress(sqlite3.Error),
                contextlib.closing(sqlite3.connect(path, timeout=5)) as connection,
            ):
                connection.execute(f"PRAGMA journal_mode={previous}")


def _sanitise(nb, config, db_url, assignment, notebook, student):
    from nbgrader.preprocessors import (
        CheckCellMetadata,
        ClearOutput,
        DeduplicateIds,
        OverwriteCells,
        OverwriteKernelspec,
    )

    resources = {
        "unique_key": notebook,
        "nbgrader": {
            "student": student,
            "assignment": assignment,
            "notebook": notebook,
            "db_url": db_url,
        },
    }
    for step in (
        ClearOutput,
        DeduplicateIds,
        OverwriteKernelspec,
        OverwriteCells,
        CheckCellMetadata,
    ):
        preprocessor = step(config=config)
        if preprocessor.enabled:
            nb, resources = preprocessor(nb, resources)
    return nb


def _assignment_info(db_url, assignment):
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(db_url) as gradebook:
        try:
            found = gradebook.find_assignment(assignment)
        except MissingEntry:
            raise ValueError(
                f"assignment '{assignment}' is not in the gradebook: run "
                f"`autograder release` (nbgrader generate_assignment) first"
            ) from None
        notebooks = {}
        for notebook in found.notebooks:
            answer_ids = {cell.name for cell in notebook.solution_cells}
            notebooks[notebook.name] = ANSWER_CELL in answer_ids
        return notebooks, found.max_score


def _course_paths(coursedir, config):
    """Where nbgrader_config.py puts the course's data: each hidden even if outside the root."""
    places = [
        step_folder(coursedir, step, ".", ".")
        for step in ("source", "release", "submitted", "autograded", "feedback")
    ]
    database = sqlite_path(coursedir.db_url)
    if database is not None:
        # SQLite keeps recent writes in files beside the database (-wal, -shm, -journal) that
        # come and go while grading: hide the folder that holds them all.
        folder = database.resolve().parent
        siblings = [f"{database}{suffix}" for suffix in ("", "-wal", "-shm", "-journal")]
        places += siblings if folder == Path(folder.anchor) else [folder]
    exchange = config.get("Exchange", {}).get("root", "/srv/nbgrader/exchange")
    places.append(exchange)
    return [Path(p).resolve() for p in places if Path(p).exists()]


def _sandbox_paths(course_dir, scratch, extra=()):
    hide = [Path(course_dir), Path(scratch), *extra]
    home = Path.home()
    if home != Path("/"):
        hide.append(home)
    readonly = []
    import importlib.util

    for module in ("course", "autograder"):
        package = Path(importlib.util.find_spec(module).origin).resolve().parent
        readonly.append(package)
    readonly.append(Path(sys.prefix).resolve())
    # Only re-expose what a hidden folder would otherwise take away.
    readonly = [
        p for p in readonly if any(p == h or h in p.parents for h in (h.resolve() for h in hide))
    ]
    return [str(p) for p in hide], [str(p) for p in readonly]


def _record_failure_comments(db_url, assignment, student, reason):
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gradebook:
        submission = gradebook.find_submission(assignment, student)
        for notebook in submission.notebooks:
            for comment in notebook.comments:
                comment.auto_comment = f"autograder: scored 0 because {reason}"
        gradebook.db.commit()


def _valid_outputs(cells):
    """True if every replayed cell is a code cell nbformat accepts, with outputs nbgrader reads."""
    from nbformat import ValidationError, from_dict, validate
    from nbformat.v4 import new_notebook

    nb = new_notebook()
    for cell in cells:
        count = cell.get("execution_count")
        if count is not None and (type(count) is not int or count < 0):
            return False
        for output in cell["outputs"]:
            if output.get("output_type") == "execute_result" and not isinstance(
                output.get("data", {}).get("text/plain", ""), (str, list)
            ):
                return False
        nb.cells.append(
            from_dict(
                {
                    "cell_type": "code",
                    "id": f"c{len(nb.cells)}",
                    "metadata": {},
                    "source": "",
                    "execution_count": count,
                    "outputs": cell["outputs"],
                }
            )
        )
    try:
        validate(nb)
    except ValidationError:
        return False
    return True


def _number(value):
    return type(value) in (int, float)


def _valid_facts(facts, plan):
    """True if ``facts`` answer the grader's ``plan``: one call per step, the sizes it asked for,
    outputs with a row per input row, and nothing the judge cannot read."""
    from autograder.judge import diagnose

    calls = facts.get("calls") if isinstance(facts, dict) else None
    if not isinstance(calls, list) or len(calls) != len(plan):
        return False
    for call, step in zip(calls, plan, strict=True):
        if not isinstance(call, dict) or "error" not in call:
            return False
        if (call.get("input_size"), call.get("output_size")) != (
            step["input_size"],
            step["output_size"],
        ):
            return False
        if call["error"] is None and call.get("kind") == "keras_tensor" and call.get("connected"):
            outputs = call.get("outputs")
            if not isinstance(outputs, list) or len(outputs) != len(step["x"]):
                return False
            if not all(isinstance(r, list) and all(map(_number, r)) for r in outputs):
                return False
    try:
        diagnose(facts, plan)
    except Exception:
        return False
    return True


def _valid_record(record, plan=None):
    cells = record.get("cells")
    if not isinstance(cells, list):
        return False
    for cell in cells:
        if not isinstance(cell, dict) or not isinstance(cell.get("index"), int):
            return False
        if not isinstance(cell.get("outputs"), list):
            return False
        if not all(isinstance(o, dict) and "output_type" in o for o in cell["outputs"]):
            return False
    if not _valid_outputs(cells):
        return False
    if plan is not None:
        return _valid_facts(record.get("facts"), plan)
    return record.get("facts") is None or isinstance(record["facts"], dict)


def grade(
    course_dir=".",
    assignment="logits",
    students=None,
    force=False,
    workers=None,
    timeout=120.0,
    memory_mb=2048,
    progress=True,
    log=print,
    warm_pool=None,
    started=None,
    seed=None,
):
    """Grade every (or each named) student's submission of ``assignment``; return a `Summary`.

    ``seed`` fixes the hidden checks' sizes (default: ``AUTOGRADER_SEED`` if set, else random),
    so a run can be reproduced.
    """
    started = started or time.perf_counter()
    # The warm workers start first: they import TensorFlow while this process reads the
    # gradebook and stages the submissions. The CLI starts them before its own imports.
    warm = warm_pool or start_pool(workers)
    try:
        from nbgrader.coursedir import CourseDirectory

        config = load_config(course_dir)
        coursedir = CourseDirectory(config=config)
        warnings.filterwarnings("ignore", module="nbgrader")
        warnings.filterwarnings("ignore", category=UserWarning, module="nbformat")
        options = dict(
            course_dir=course_dir,
            assignment=assignment,
            students=students,
            force=force,
            timeout=timeout,
            memory_mb=memory_mb,
            progress=progress,
            log=log,
            seed=seed,
            config=config,
            coursedir=coursedir,
        )
        with _write_ahead_log(coursedir.db_url):
            return _grade(warm, started, **options)
    finally:
        warm.pool.shutdown(wait=True, cancel_futures=True)


def _grade(warm, started, *, course_dir, assignment, students, force, timeout, memory_mb, **how):
    progress, log = how["progress"], how["log"]
    config, coursedir = how["config"], how["coursedir"]
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from tqdm import tqdm

    course_dir = Path(course_dir).resolve()
    db_url = coursedir.db_url
    database = sqlite_path(db_url)
    if database is not None and not database.exists():
        raise FileNotFoundError(
            f"no gradebook at {database}: run `autograder release` (nbgrader "
            "generate_assignment) before grading"
        )
    notebooks, max_score = _assignment_info(db_url, assignment)
    submitted = step_folder(coursedir, "submitted", ".", ".").resolve()
    autograded = step_folder(coursedir, "autograded", ".", ".").resolve()
    release_dir = step_folder(coursedir, "release", ".", assignment)
    summary = Summary(max_score=max_score, sandbox_uids=list(warm.uids))
    seed = how.get("seed")
    if seed is None and os.environ.get("AUTOGRADER_SEED"):
        seed = int(os.environ["AUTOGRADER_SEED"])
    summary.seed = random.SystemRandom().randrange(2**31) if seed is None else int(seed)
    plan = hidden_plan(summary.seed)

    available = sorted(p.name for p in submitted.iterdir()) if submitted.is_dir() else []
    wanted = list(students) if students else available
    for student in wanted:
        if student not in available:
            summary.failed[student] = f"no folder submitted/{student}"
    wanted = [s for s in wanted if s in available and (submitted / s / assignment).exists()]
    todo = []
    for student in wanted:
        if (autograded / student / assignment).exists() and not force:
            summary.skipped.append(student)
        else:
            todo.append(student)

    from autograder.sandbox import capabilities

    caps = capabilities()
    for name, ok in caps.items():
        if ok is False:
            summary.warnings.append(f"sandbox: {name} is not available on this machine")
    for warning in summary.warnings:
        log(f"WARNING: {warning}")

    scratch = Path(tempfile.mkdtemp(prefix="autograder-"))
    os.chmod(scratch, 0o711)
    staging, sandboxes = scratch / "staging", scratch / "sandboxes"
    staging.mkdir()
    sandboxes.mkdir(mode=0o711)
    os.chmod(sandboxes, 0o711)
    hide, readonly = _sandbox_paths(course_dir, scratch, _course_paths(coursedir, config))
    limits = {
        "wall_seconds": float(timeout),
        "cpu_seconds": int(timeout) + 1,
        "memory_bytes": int(memory_mb) << 20,
        # The notebook keeps at most 2 MiB of outputs; as JSON, escapes can make that up to
        # 12 times larger. The cap stops a flood, never a notebook the executor kept.
        "output_bytes": 32 << 20,
    }
    try:
        with _shared_engine():
            tasks = _stage_all(
                todo,
                submitted=submitted,
                assignment=assignment,
                staging=staging,
                release_dir=release_dir,
                notebooks=notebooks,
                config=config,
                db_url=db_url,
                plan=plan,
                summary=summary,
                common={
                    "sandbox_root": str(sandboxes),
                    "hide": hide,
                    "readonly": readonly,
                    "limits": limits,
                },
            )
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    warm.thread.join()
    summary.warmup_seconds = time.perf_counter() - started
    # nbgrader reads the staged copies, never submitted/ itself.
    replay_config = _replay_config(config, staging)
    api = NbGraderAPI(coursedir=CourseDirectory(config=replay_config), config=replay_config)
    pending = {student: set() for student in todo}
    for task in tasks:
        pending[task["student"]].add(task["notebook"])

    def finish(student):
        result = api.autograde(assignment, student, force=True, create=True)
        if not result["success"]:
            # Record a 0 with the cause rather than no grade: replay the run as stopped.
            cause = "nbgrader could not record the grade: " + _cause(result)
            for key in [k for k in ReplayExecute.records if k[0] == student]:
                ReplayExecute.records[key] = {"status": "crashed", "reason": cause}
            result = api.autograde(assignment, student, force=True, create=True)
            if not result["success"]:
                summary.failed[student] = cause
                return
        reasons = [
            record["reason"]
            for (owner, _), record in ReplayExecute.records.items()
            if owner == student and record["status"] != "ok"
        ]
        if reasons:
            _record_failure_comments(db_url, assignment, student, "; ".join(reasons))
            summary.failed[student] = "; ".join(reasons)
        summary.graded[student] = _score(db_url, assignment, student)

    bar = tqdm(
        total=len(todo),
        unit="submission",
        disable=not progress,
        file=sys.stderr,
        # In a log (CI, cron) each update is a new line: fewer of them.
        mininterval=1.0 if sys.stderr.isatty() else 10.0,
    )

    def on_record(task, record):
        memory = record.get("peak_memory") or 0
        summary.peak_memory = max(summary.peak_memory, memory)
        ReplayExecute.records[(task["student"], task["notebook"])] = record
        names = pending[task["student"]]
        names.discard(task["notebook"])
        if not names:
            finish(task["student"])
            bar.update()

    try:
        with _shared_engine():
            for student in [s for s, names in pending.items() if not names]:
                finish(student)
                bar.update()
            _run_all(warm, tasks, on_record)
    finally:
        bar.close()
        shutil.rmtree(scratch, ignore_errors=True)
        for key in [k for k in ReplayExecute.records if k[0] in pending]:
            ReplayExecute.records.pop(key, None)
    summary.seconds = time.perf_counter() - started
    if todo:
        from autograder.report import record_run

        record_run(course_dir, assignment, summary, warm.workers)
    return summary


def _stage_all(
    todo,
    *,
    submitted,
    assignment,
    staging,
    release_dir,
    notebooks,
    config,
    db_url,
    plan,
    summary,
    common,
):
    """Stage and sanitise each student's notebooks; return one task per notebook to run.

    Rejected notebooks get their record now; they are never run.
    """
    tasks = []
    for student in todo:
        staged = stage_submission(submitted, student, assignment, staging, release_dir)
        if staged.notes:
            summary.notes[student] = staged.notes
        for name, has_answer in notebooks.items():
            path = staged.folder / f"{name}.ipynb"
            if not path.exists():
                continue
            if name in staged.rejected:
                ReplayExecute.records[(student, name)] = {
                    "status": "rejected",
                    "reason": f"the submission was rejected: {staged.rejected[name]}",
                }
                continue
            nb = _sanitise(
                nbformat.read(path, as_version=4), config, db_url, assignment, name, student
            )
            cells = [dict(c) for c in nb.cells]
            tasks.append(
                {
                    "student": student,
                    "notebook": name,
                    "cells": cells,
                    "digests": {
                        str(i): source_digest(c.source)
                        for i, c in enumerate(nb.cells)
                        if c.cell_type == "code"
                    },
                    "plan": plan if has_answer else None,
                    "seed": summary.seed,
                    "files": str(staged.folder),
                    **common,
                }
            )
    return tasks


def _run_all(warm, tasks, on_record):
    """Run every task on the pool; a task whose worker died is retried once in a fresh pool."""
    remaining, first = tasks, warm.pool
    pool = first
    while remaining:
        retry = []
        futures = {pool.submit(run_task, task): task for task in remaining}
        for future in as_completed(futures):
            task = futures[future]
            try:
                record = future.result()
            except BrokenProcessPool:
                if task.get("attempt", 0) == 0:
                    retry.append(dict(task, attempt=1))
                    continue
                record = {"status": "crashed", "reason": "the grading worker died twice"}
            except Exception as error:  # the submission scores 0 with the reason
                record = {"status": "crashed", "reason": f"the grading worker failed: {error!r}"}
            on_record(task, _checked(record, task.get("plan")))
        remaining = retry
        if retry:
            if pool is not first:
                pool.shutdown(wait=True, cancel_futures=True)
            pool = new_pool(warm.uids[: len(retry)])
    if pool is not first:
        pool.shutdown(wait=True)


def _cause(result):
    """The most specific error line in a failed nbgrader run's log."""
    lines = (result.get("log") or "").splitlines() + (result.get("error") or "").splitlines()
    causes = [
        line.strip()
        for line in lines
        if re.match(r"\s*[\w.]+(Error|Exception): ", line) and "Please see the" not in line
    ]
    return causes[-1] if causes else "unknown error (see nbgrader's log)"


def _checked(record, plan=None):
    if record.get("status") == "ok" and not _valid_record(record, plan):
        return {
            "status": "crashed",
            "reason": "the notebook's run returned malformed results (its cells' outputs or "
            "the report on its layer were missing, broken or not what the grader asked for)",
        }
    return record


def _replay_config(config, staging):
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.preprocessors import (
        AssignLatePenalties,
        CheckCellMetadata,
        IgnorePattern,
        LimitOutput,
        SaveAutoGrades,
    )

    replay = Config(config)
    replay.CourseDirectory.submitted_directory = str(staging)
    replay.Autograde.autograde_preprocessors = [
        ReplayExecute,
        IgnorePattern,
        ClearMetadataPreprocessor,
        LimitOutput,
        SaveAutoGrades,
        AssignLatePenalties,
        CheckCellMetadata,
    ]
    return replay


def _score(db_url, assignment, student):
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gradebook:
        return gradebook.find_submission(assignment, student).score


def print_summary(summary, out=print):
    """Print what a grading run did: counts, failures with reasons, time and throughput."""
    graded = len(summary.graded)
    out(
        f"graded {graded} submission(s) in {summary.seconds:.1f} s "
        f"({summary.per_minute:.0f} per minute); hidden-check seed {summary.seed}"
    )
    if graded:
        out(
            f"workers ready after {summary.warmup_seconds:.1f} s (TensorFlow imported once), "
            f"then {summary.warm_per_minute:.0f} submissions per minute"
        )
    if summary.skipped:
        out(f"skipped {len(summary.skipped)} already graded (use --force to regrade)")
    if summary.peak_memory:
        out(f"peak memory of one submission: {summary.peak_memory / 2**20:.0f} MiB")
    if summary.failed:
        out(f"{len(summary.failed)} submission(s) scored 0 or could not be graded:")
        for student, reason in sorted(summary.failed.items()):
            out(f"  {student}: {reason}")
    for student, notes in sorted(summary.notes.items()):
        for note in notes:
            out(f"  note: {student}: {note}")
