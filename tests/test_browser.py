"""JupyterLab in Chromium: lessons run clean, widgets react, the self-check answers, grades show."""

import contextlib
import os
import re
import shutil

import _browser as lab
import pytest
from conftest import ROOT

pytestmark = pytest.mark.browser

RELEASE = ROOT / "release" / "logits"
EXERCISE = "05_time_to_code.ipynb"
LESSONS = sorted(p.name for p in RELEASE.glob("*.ipynb") if p.name != EXERCISE)
SCREENSHOTS = ROOT / "artifacts" / "screenshots"  # named in the summary by conftest
SOLUTION = (
    "def model_layers(inputs, output_size):\n"
    "    return tf.keras.layers.Dense(output_size, name='logits')(inputs)"
)
SIGMOID = (
    "def model_layers(inputs, output_size):\n"
    "    return tf.keras.layers.Dense(output_size, activation='sigmoid', name='logits')(inputs)"
)
# The graded class: full marks, two named mistakes, an untouched stub.
CLASS = ["solution", "sigmoid-activation", "no-name", "not-implemented"]


@pytest.fixture(scope="session")
def screenshots():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for stale in SCREENSHOTS.glob("FAILED-*.png"):
        stale.unlink()
    return SCREENSHOTS


@pytest.fixture(scope="module")
def chromium():
    executable = lab.find_chromium()
    if executable is None:
        missing = f"no Chromium at {lab.CHROMIUM}: apt-get install chromium chromium-driver"
        if os.environ.get("CI"):
            pytest.fail(missing + " (CI must run the browser tests: .ci/run installs it)")
        pytest.skip(missing)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=lab.UI)
    with sync_playwright() as playwright:
        browser = lab.launch_chromium(playwright, executable)
        yield browser
        browser.close()


@pytest.fixture
def page(request, chromium, screenshots):
    """A fresh browser tab; a screenshot of it is kept if the test fails."""
    failed = request.session.testsfailed
    context = chromium.new_context(viewport=lab.VIEWPORT)
    context.set_default_timeout(lab.UI)
    tab = context.new_page()
    yield tab
    if request.session.testsfailed > failed:
        name = re.sub(r"[^\w.-]+", "-", request.node.name)
        with contextlib.suppress(Exception):
            tab.screenshot(path=screenshots / f"FAILED-{name}.png")
    context.close()


@pytest.fixture(scope="module")
def student_lab(tmp_path_factory):
    """JupyterLab on a scratch copy of release/logits, as `make lab` runs it."""
    scratch = tmp_path_factory.mktemp("student-lab")
    shutil.copytree(RELEASE, scratch / "logits")
    server = lab.LabServer(scratch / "logits", scratch).start()
    yield server
    server.stop()


@pytest.fixture
def student(student_lab, page):
    student_lab.shutdown_kernels()  # each test starts with no kernel left by the one before
    return page, student_lab


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_runs_all_without_errors(student, screenshots, name):
    """Run → Run All Cells runs every code cell of the lesson, with no error or stderr output."""
    page, server = student
    lab.open_notebook(page, server, name)
    lab.run_all(page)
    page.screenshot(path=screenshots / f"run-all-{name.removesuffix('.ipynb')}.png")
    assert page.locator(lab.STDERR).all_text_contents() == []
    assert all(re.fullmatch(r"\[\d+\]:", prompt) for prompt in lab.prompts(page))


def test_exercise_run_all_fails_only_on_the_unanswered_stub(student, screenshots):
    """Run All on the untouched exercise raises the stub's NotImplementedError and nothing else."""
    page, server = student
    lab.open_notebook(page, server, EXERCISE)
    lab.run_all(page)
    errors = page.locator(lab.STDERR).all_text_contents()
    assert errors, "the stub's NotImplementedError should show"
    assert all("NotImplementedError" in error for error in errors), errors
    assert re.fullmatch(r"\[\d+\]:", lab.prompts(page)[0])  # the imports ran
    # Run All stops at the first error: the first cell to call model_layers.
    first_call = lab.code_cell(page, "model_layers(inputs, 3)")
    assert first_call.locator(lab.STDERR).count() == 1
    lab.scroll_to_top(first_call)
    page.screenshot(path=screenshots / "run-all-05_time_to_code-unanswered.png")


def test_logit_curve_and_slider(student, screenshots):
    """03 draws the logit curve as an image; the p slider's arrow key redraws logit(p) and mark."""
    from playwright.sync_api import expect

    page, server = student
    lab.open_notebook(page, server, "03_logits.ipynb")
    lab.run_all(page)
    curve = lab.code_cell(page, "plots.plot_logit_curve()")
    image = curve.locator(".jp-OutputArea-output img")
    expect(image).to_have_count(1)
    assert image.evaluate("img => img.complete && img.naturalWidth") > 100
    lab.scroll_to_top(curve)
    page.screenshot(path=screenshots / "logit-curve.png")

    cell = lab.code_cell(page, "widgets.logit_slider(")
    expect(cell.locator(".jupyter-widgets.widget-slider")).to_have_count(1)
    readout = cell.locator(".widget-html")
    marked = cell.locator(".widget-image")
    before, before_src = readout.text_content(), marked.get_attribute("src")
    assert "logit(0.80)" in before
    cell.locator(".noUi-handle").focus()
    page.keyboard.press("ArrowLeft")
    expect(readout).not_to_have_text(before)
    expect(marked).not_to_have_attribute("src", before_src)
    assert "logit(0.79)" in readout.text_content()
    lab.scroll_to_top(cell)
    page.screenshot(path=screenshots / "logit-slider-moved.png")


def test_weight_slider_recomputes_the_output(student, screenshots):
    """02's weight sliders render; an arrow key on one changes its value and the kernel's y1."""
    from playwright.sync_api import expect

    page, server = student
    lab.open_notebook(page, server, "02_weighted_connections.ipynb")
    lab.run_all(page)
    cell = lab.code_cell(page, "widgets.weight_slider_demo(")
    sliders = cell.locator(".jupyter-widgets.widget-slider")
    expect(sliders).to_have_count(8)  # 3 inputs x 2 outputs, and 2 biases
    slider = sliders.first
    readout = slider.locator(".widget-readout")
    result = cell.locator(".widget-html").last
    before, before_result = readout.text_content(), result.text_content()
    lab.scroll_to_top(cell)
    page.screenshot(path=screenshots / "weight-sliders-before.png")
    slider.locator(".noUi-handle").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    moved = f"{float(before) + 2 * 0.05:.2f}"  # two steps of the slider's 0.05
    expect(readout).to_have_text(moved)
    # The new weight appears in y1's worked-out sum: the kernel recomputed it.
    expect(result).to_contain_text(f"y1 = {moved}·")
    assert result.text_content() != before_result
    page.screenshot(path=screenshots / "weight-sliders-after.png")


@pytest.mark.parametrize(
    ("case", "answer", "verdict"),
    [
        ("correct", SOLUTION, "All public checks passed"),
        ("sigmoid", SIGMOID, "[nonlinear-activation]"),
    ],
    ids=["correct", "sigmoid"],
)
def test_self_check_in_the_exercise(student, screenshots, case, answer, verdict):
    """Typing an answer, then running imports, answer and self-check shows the check's verdict."""
    page, server = student
    lab.open_notebook(page, server, EXERCISE)
    cell = lab.code_cell(page, "def model_layers(")
    assert lab.replace_source(page, cell, answer) == answer
    check = lab.code_cell(page, "course.check_model_layers(model_layers)")
    for step in (lab.code_cell(page, "import course"), cell, check):
        lab.run_cell(page, step)
    text = lab.output_text(check)
    lab.scroll_to_top(cell)
    page.screenshot(path=screenshots / f"self-check-{case}.png")
    assert verdict in text
    assert page.locator(lab.STDERR).count() == 0
    if case != "correct":
        assert "All public checks passed" not in text
        assert "How to fix it" in text


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """JupyterLab on a scratch course whose four-student class `autograder grade` has graded."""
    from autograder._nbgrader import run_nbgrader
    from autograder.demo import prepare_course
    from autograder.grading import grade
    from autograder.sample_class import build_class, register_names
    from autograder.samples import ANSWERS

    scratch = tmp_path_factory.mktemp("instructor-lab")
    course = prepare_course(ROOT, scratch / "course")
    run_nbgrader(["generate_assignment", "logits", "--force"], course)
    by_slug = {answer.slug: answer for answer in ANSWERS}
    roster = build_class(course, [by_slug[slug] for slug in CLASS], timestamps=True)
    register_names(course, roster)  # as `make demo` does: names in the formgrader's tables
    summary = grade(course, "logits", progress=False)
    assert set(summary.graded) == set(roster), summary.failed
    server = lab.LabServer(course, scratch).start()
    yield server, summary
    server.stop()


def test_formgrader_lists_the_graded_class(page, graded, screenshots):
    """Nbgrader → Formgrader in the lab lists assignment logits, then each student and score."""
    from playwright.sync_api import expect

    server, summary = graded
    lab.open_lab(page, server)
    lab.menu(page, "Nbgrader", "Formgrader")
    frame = page.frame_locator("iframe[src*='formgrader']")
    row = frame.locator("tr", has=frame.get_by_role("link", name="logits", exact=True))
    expect(row).to_be_visible()
    submissions = row.get_by_role("link", name=str(len(summary.graded)), exact=True)
    expect(submissions).to_be_visible()  # the "# Submissions" column
    page.screenshot(path=screenshots / "formgrader-assignments.png")
    submissions.click()
    expect(frame.get_by_role("heading", name="Manage Submissions")).to_be_visible()
    for student, score in summary.graded.items():
        line = frame.locator("tr", has_text=student)
        expect(line).to_contain_text("graded")
        expect(line).to_contain_text(f"{score:g} / {summary.max_score:g}")
    page.screenshot(path=screenshots / "formgrader-submissions.png")
