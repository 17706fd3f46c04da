"""nbgrader settings for the Logits course; the repository root is the course directory."""

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "logits"
c.CourseDirectory.source_directory = "source_notebooks"
c.CourseDirectory.release_directory = "release"

# Only the notebooks: nothing else in source_notebooks/logits/ is released.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "*.png", "*.svg"]

# A student who deletes a test cell gets it back instead of "needs manual grading".
c.OverwriteCells.add_missing_cells = True

# TensorFlow's import alone takes seconds; give a slow machine room.
c.Execute.timeout = 120

# nbgrader scores any stderr in a test cell as 0. Our checks capture what the student's own
# code prints, but a library may still log or warn on stderr while a test cell runs: drop
# TensorFlow/absl log lines and Python warnings so they cannot cost a correct answer its points.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = (
    r"(?m)^(WARNING: All log messages before absl|[IWE]\d{4} \d\d:\d\d:\d\d|"
    r".*(Warning|DeprecationWarning|UserWarning): )"
)

# The solution stub students see in the answer cell.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
