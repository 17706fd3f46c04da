"""What `autograder grade` hides from the sandbox follows nbgrader_config.py, wherever it points."""

from nbgrader.coursedir import CourseDirectory

from autograder.grading import _course_paths, _sandbox_paths, load_config


def test_course_data_outside_the_root_is_hidden_too(tmp_path):
    """A gradebook, exchange and submitted folder configured outside the course root are hidden."""
    root, elsewhere = tmp_path / "course", tmp_path / "elsewhere"
    for folder in (root, elsewhere / "exchange", elsewhere / "inbox"):
        folder.mkdir(parents=True)
    (elsewhere / "grades.db").write_bytes(b"")
    (root / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.db_url = 'sqlite:///{elsewhere / 'grades.db'}'\n"
        f"c.CourseDirectory.submitted_directory = '{elsewhere / 'inbox'}'\n"
        f"c.Exchange.root = '{elsewhere / 'exchange'}'\n"
    )
    config = load_config(root)
    places = _course_paths(CourseDirectory(config=config), config)
    hide, _ = _sandbox_paths(root, tmp_path / "scratch", places)
    for secret in ("grades.db", "inbox", "exchange"):
        assert str((elsewhere / secret).resolve()) in hide, secret
    assert str(root.resolve()) in hide
