"""Browser-test helpers: a JupyterLab server, headless Chromium, what a person does in the lab."""

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil

CHROMIUM = "/usr/bin/chromium"
# Without background networking off, Chromium keeps calling home through the closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 900}
KERNEL = 120_000  # ms: a kernel start or a cell that imports TensorFlow on a busy 2-core machine
RUN_ALL = 300_000  # ms: a whole lesson, a small Keras fit included
UI = 30_000  # ms: anything the page itself draws
STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'

# The test server's user settings: no news prompt over the page, and every cell attached to the
# DOM (JupyterLab's default windowing skips rendering the cells out of view).
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}

# The notebook panel on show, its kernel idle and no cell left queued ([*]). The toolbar's
# indicator reads idle before any kernel is attached, so the status bar must name the kernel
# too ("Python 3 (ipykernel) | Idle", not "No Kernel | Initializing").
_IDLE = """() => {
    const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
    if (!panel) return false;
    const status = panel.querySelector('.jp-Notebook-ExecutionIndicator');
    const prompts = Array.from(panel.querySelectorAll('.jp-InputPrompt'));
    const kernel = Array.from(document.querySelectorAll('.jp-StatusBar-TextItem'))
        .map(item => item.textContent.trim())
        .some(text => text.endsWith('| Idle') && !text.startsWith('No Kernel'));
    return kernel && status !== null && status.dataset.status === 'idle'
        && !prompts.some(p => p.textContent.includes('*'));
}"""
_QUEUED = """() => Array.from(
    document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputPrompt')
).some(p => p.textContent.includes('*'))"""


def find_chromium():
    """Debian's Chromium (`.ci/run` installs it with apt-get), or None."""
    return CHROMIUM if Path(CHROMIUM).exists() else None


def launch_chromium(playwright, executable):
    return playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)


def free_port():
    """A TCP port on localhost that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LabServer:
    """`jupyter lab` on ``root``, which is also its working directory (nbgrader's config)."""

    def __init__(self, root, scratch):
        self.root = Path(root).resolve()
        self.scratch = Path(scratch)
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.scratch / "jupyter-lab.log"
        self.process = None

    def start(self, timeout=120):
        settings = self.scratch / "lab-settings"
        for name, values in LAB_SETTINGS.items():
            path = settings / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        bin_dir = Path(sys.executable).parent
        env = {
            **os.environ,
            "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "JUPYTER_RUNTIME_DIR": str(self.scratch / "runtime"),
        }
        env.pop("MPLBACKEND", None)  # conftest sets Agg; the notebooks' `%matplotlib inline` rules
        command = [
            str(bin_dir / "jupyter"),
            "lab",
            "--no-browser",
            "--allow-root",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            f"--LabApp.user_settings_dir={settings}",
            f"--LabApp.workspaces_dir={self.scratch / 'workspaces'}",
        ]
        self._log = open(self.log_path, "w")  # noqa: SIM115 (closed by stop())
        self.process = subprocess.Popen(
            command, cwd=self.root, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"jupyter lab exited early; see {self.log_path}")
            with contextlib.suppress(OSError):
                self.api("status")
                return self
            time.sleep(0.5)
        self.stop()
        raise TimeoutError(f"jupyter lab did not answer within {timeout} s; see {self.log_path}")

    def api(self, path, method="GET"):
        headers = {"Authorization": f"token {self.token}"}
        request = urllib.request.Request(f"{self.url}/api/{path}", method=method, headers=headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def page_url(self, path, query=""):
        return f"{self.url}/{path.lstrip('/')}?{f'{query}&' if query else ''}token={self.token}"

    def shutdown_kernels(self):
        """End every session and kernel, as Kernel → Shut Down All Kernels does."""
        for session in self.api("sessions"):
            self.api(f"sessions/{session['id']}", method="DELETE")
        for kernel in self.api("kernels"):
            self.api(f"kernels/{kernel['id']}", method="DELETE")

    def stop(self):
        """Shut down the kernels, stop the server, then kill any process of its left behind."""
        if self.process is None:
            return
        # Kernels run in sessions of their own: find them through the process tree.
        children = []
        with contextlib.suppress(psutil.Error):
            children = psutil.Process(self.process.pid).children(recursive=True)
        with contextlib.suppress(OSError, ValueError):
            self.shutdown_kernels()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        for child in children:
            with contextlib.suppress(psutil.Error):
                child.kill()
        self._log.close()
        self.process = None


def open_lab(page, server, path="lab"):
    """Open JupyterLab at ``path`` with a fresh layout (``reset``: no tabs restored)."""
    page.goto(server.page_url(path, query="reset"))
    page.locator("#jp-main-dock-panel").wait_for(timeout=UI * 2)


def open_notebook(page, server, name):
    """Open notebook ``name`` alone in JupyterLab; wait until its kernel has started, idle."""
    open_lab(page, server, f"lab/tree/{name}")
    page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(timeout=UI * 2)
    wait_idle(page)


def wait_idle(page, timeout=KERNEL):
    page.wait_for_function(_IDLE, timeout=timeout)


def menu(page, *labels):
    """Click through the menu bar, e.g. ``menu(page, "Run", "Run All Cells")``."""
    for label in labels:
        item = page.get_by_role("menuitem", name=label, exact=True)
        # Lumino acts on a click only over the item its hover has made active.
        item.hover()
        page.wait_for_function("item => item.matches('.lm-mod-active')", arg=item.element_handle())
        item.click()


def run_all(page, timeout=RUN_ALL):
    """Run → Run All Cells, then wait until every queued cell has run or was cancelled."""
    menu(page, "Run", "Run All Cells")
    # JupyterLab marks every queued cell [*] at once; idle with none left means all have run.
    page.wait_for_function(_QUEUED, timeout=UI)
    wait_idle(page, timeout=timeout)


def code_cells(page):
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell")


def code_cell(page, contains):
    """The one code cell whose source contains ``contains``."""
    cells = code_cells(page).filter(has=page.locator(".cm-content", has_text=contains))
    cells.first.wait_for(timeout=UI)
    assert cells.count() == 1, f"{cells.count()} code cells contain {contains!r}"
    return cells


def prompts(page):
    texts = code_cells(page).locator(".jp-InputPrompt").all_text_contents()
    return [text.strip() for text in texts]


def run_cell(page, cell, timeout=KERNEL):
    """Select ``cell``, run it in place with Ctrl+Enter, wait for its new execution count."""
    prompt = cell.locator(".jp-InputPrompt")
    before = prompt.text_content()
    prompt.click()
    page.keyboard.press("Control+Enter")
    page.wait_for_function(
        "([p, before]) => /\\[\\d+\\]/.test(p.textContent) && p.textContent !== before",
        arg=[prompt.element_handle(), before],
        timeout=timeout,
    )
    wait_idle(page, timeout=timeout)


def replace_source(page, cell, code):
    """Select all of ``cell``'s source and type ``code`` over it, as a person would.

    Only the first line of each block is typed with its indentation: the editor indents the
    line after a ``:`` itself.
    """
    editor = cell.locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+A")
    for number, line in enumerate(code.splitlines()):
        if number:
            page.keyboard.press("Enter")
        page.keyboard.type(line.lstrip() if number else line)
    page.keyboard.press("Escape")
    return editor.inner_text()


def output_text(cell):
    return "\n".join(cell.locator(".jp-OutputArea-output").all_text_contents())


def scroll_to_top(locator):
    """Scroll so that ``locator`` sits at the top of its scrolling panel."""
    locator.evaluate("element => element.scrollIntoView({block: 'start'})")
