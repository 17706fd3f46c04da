"""The `autograder` command: one subcommand per instructor task."""

import argparse
import sys

from autograder.release import ASSIGNMENT


def _release(args):
    from autograder.release import release

    for notebook in release(args.course_dir, args.assignment):
        print(f"released {notebook}")
    return 0


def _check_release(args):
    from autograder.release import check_release

    problems = check_release(args.course_dir, args.assignment)
    if problems:
        print("release/ is not in sync with source_notebooks/:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        print("run `make release` (or `autograder release`) and commit the result", file=sys.stderr)
        return 1
    print(f"release/{args.assignment} is in sync with source_notebooks/{args.assignment}")
    return 0


def _grade(args):
    import time

    from autograder._pool import start_pool

    started = time.perf_counter()
    # Start the warm workers before the heavy imports below, so the two overlap.
    warm_pool = start_pool(args.workers)
    from autograder.grading import grade, print_summary

    summary = grade(
        args.course_dir,
        args.assignment,
        students=args.student,
        force=args.force,
        workers=args.workers,
        timeout=args.timeout,
        memory_mb=args.memory,
        progress=not args.quiet,
        warm_pool=warm_pool,
        started=started,
        seed=args.seed,
    )
    print_summary(summary)
    return 0


def _feedback(args):
    from autograder.feedback import write_feedback

    written = write_feedback(args.course_dir, args.assignment, students=args.student)
    folder = written[0].parents[2] if written else "feedback/"
    print(f"wrote {len(written)} feedback page(s) under {folder}")
    return 0


def _report(args):
    from autograder.report import write_report

    html_path, csv_path = write_report(args.course_dir, args.assignment)
    print(f"report: {html_path}\ntable:  {csv_path}")
    return 0


def _export(args):
    from autograder.export import export

    grades, checks = export(args.course_dir, args.assignment, args.out)
    print(f"grades: {grades}\nchecks: {checks}")
    return 0


def _demo(args):
    from autograder.demo import run_demo

    run_demo(args.course_dir, args.workdir, size=args.students)
    return 0


def parser():
    top = argparse.ArgumentParser(
        prog="autograder", description="Release and grade the Logits chapter (an nbgrader course)."
    )
    top.add_argument("--course-dir", default=".", help="the nbgrader course directory (default: .)")
    commands = top.add_subparsers(dest="command", required=True)

    sub = commands.add_parser("release", help="regenerate release/ from source_notebooks/")
    sub.add_argument("assignment", nargs="?", default=ASSIGNMENT)
    sub.set_defaults(run=_release)

    sub = commands.add_parser(
        "check-release", help="fail if release/ differs from what the source generates"
    )
    sub.add_argument("assignment", nargs="?", default=ASSIGNMENT)
    sub.set_defaults(run=_check_release)

    sub = commands.add_parser(
        "grade",
        help="autograde submissions like `nbgrader autograde`: parallel, warm, sandboxed",
    )
    sub.add_argument("assignment", nargs="?", default=ASSIGNMENT)
    sub.add_argument(
        "--student", action="append", metavar="ID", help="grade only this student (repeatable)"
    )
    sub.add_argument("--force", action="store_true", help="regrade already graded submissions")
    sub.add_argument(
        "--workers", type=int, default=None, help="parallel workers (default: the core count)"
    )
    sub.add_argument(
        "--timeout",
        type=float,
        default=120.0,
        metavar="SECONDS",
        help="wall-clock limit per submission (default: 120)",
    )
    sub.add_argument(
        "--memory", type=int, default=2048, metavar="MB", help="memory limit per submission"
    )
    sub.add_argument(
        "--seed",
        type=int,
        default=None,
        help="seed of the hidden checks' sizes (default: $AUTOGRADER_SEED, else random)",
    )
    sub.add_argument("--quiet", action="store_true", help="no progress bar")
    sub.set_defaults(run=_grade)

    sub = commands.add_parser(
        "feedback", help="one HTML feedback page per student, without the hidden tests"
    )
    sub.add_argument("assignment", nargs="?", default=ASSIGNMENT)
    sub.add_argument("--student", action="append", metavar="ID", help="only this student")
    sub.set_defaults(run=_feedback)

    sub = commands.add_parser(
        "report", help="class report (HTML with figures, and CSV): scores, checks, mistakes"
    )
    sub.add_argument("assignment", nargs="?", default=ASSIGNMENT)
    sub.set_defaults(run=_report)

    sub = commands.add_parser("export", help="grades.csv (nbgrader export's columns), checks.csv")
    sub.add_argument("assignment", nargs="?", default=ASSIGNMENT)
    sub.add_argument("--out", default=None, help="folder (default: reports/ASSIGNMENT)")
    sub.set_defaults(run=_export)

    sub = commands.add_parser(
        "demo", help="an instructor run on a sample class: release, grade, feedback, report, export"
    )
    sub.add_argument("--workdir", default="build/demo", help="scratch course (default: build/demo)")
    sub.add_argument("--students", type=int, default=200, help="class size (default: 200)")
    sub.set_defaults(run=_demo)
    return top


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except (FileNotFoundError, RuntimeError, ValueError) as error:
        print(f"autograder: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
