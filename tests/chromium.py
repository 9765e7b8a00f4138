"""A headless Chromium driven over the Chrome DevTools protocol, for the figure tests.

The protocol runs over a pipe (``--remote-debugging-pipe``: JSON messages ending
in a NUL byte, commands on the browser's fd 3, answers on its fd 4), so no
websocket library, no driver binary and no browser download are needed:
Debian's ``chromium`` package and the standard library are enough.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
WHY_SKIPPED = ("chromium not found: install Debian's chromium package (apt-get install -y chromium; .ci/run "
               "does) or set CNNCALC_CHROMIUM to a Chrome/Chromium binary to run the browser tests")


def find_chromium() -> str | None:
    """The browser to run: ``CNNCALC_CHROMIUM`` (a path, or a command on PATH) when set, else the first of
    NAMES on PATH; None when there is none (:func:`why_not_found` says why)."""
    given = os.environ.get("CNNCALC_CHROMIUM")
    if given:
        return shutil.which(given)  # an executable file at that path, or that command on PATH
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def why_not_found(given: str | None = None) -> str:
    """Why :func:`find_chromium` found no browser: the one ``CNNCALC_CHROMIUM`` names (``given``, read from
    the environment by default) is missing, or none is installed.

    >>> why_not_found("/nonexistent/chrome").split(";")[0]
    'CNNCALC_CHROMIUM names /nonexistent/chrome, which does not exist'
    >>> why_not_found("no-such-chrome").split(";")[0]
    'CNNCALC_CHROMIUM names the command no-such-chrome, which is not on PATH'
    """
    given = os.environ.get("CNNCALC_CHROMIUM") if given is None else given
    if not given:
        return WHY_SKIPPED
    if os.sep not in given:
        problem = f"the command {given}, which is not on PATH"
    elif not Path(given).exists():
        problem = f"{given}, which does not exist"
    else:
        problem = f"{given}, which is not an executable file"
    return (f"CNNCALC_CHROMIUM names {problem}; set it to a Chrome/Chromium binary, or unset it to use "
            f"chromium from PATH")


class BrowserUnavailable(RuntimeError):
    """The browser is installed but did not start or answer (a sandbox, a missing library)."""


class Browser:
    """One headless browser and one page in it."""

    def __init__(self, executable: str, width: int = 1100, height: int = 800, timeout: float = 30) -> None:
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="cnncalc-chromium-")
        commands_read, self.commands = os.pipe()
        self.answers, answers_write = os.pipe()
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--no-default-browser-check", "--hide-scrollbars", "--remote-debugging-pipe",
                 f"--user-data-dir={self.profile}", "about:blank"]
        # the shell moves the pipes to fds 3 (commands) and 4 (answers), as the protocol wants
        script = 'exec "$0" "$@" 3<&0 4>&1 0</dev/null 1>/dev/null'
        self.log = Path(self.profile) / "stderr.log"  # a file, not a pipe nobody reads: it never fills up
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(["sh", "-c", script, executable, *flags], stdin=commands_read,
                                            stdout=answers_write, stderr=log)
        os.close(commands_read)
        os.close(answers_write)
        self.next_id = 0
        self.buffer = b""
        self.events: list[dict] = []
        try:
            target = self.call("Target.createTarget", url="about:blank")["targetId"]
            self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        except (BrowserUnavailable, KeyError) as error:
            self.close()
            raise BrowserUnavailable(f"{executable} did not answer the DevTools protocol: {error}") from None
        self.call("Page.enable", session=True)
        self.call("Emulation.setDeviceMetricsOverride", session=True, width=width, height=height,
                  deviceScaleFactor=1, mobile=False)

    # protocol ---------------------------------------------------------------------------------

    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.answers], [], [], max(0.0, left))
            if not ready:
                raise BrowserUnavailable("no answer within the timeout")
            chunk = os.read(self.answers, 1 << 16)
            if not chunk:
                stderr = self.log.read_text(errors="replace")[-400:] if self.log.exists() else ""
                raise BrowserUnavailable(f"the browser closed its pipe; stderr: {stderr}")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, session: bool = False, **params) -> dict:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        os.write(self.commands, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            answer = self._read_message(deadline)
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self.events.append(answer)

    def wait_event(self, method: str) -> dict:
        deadline = time.monotonic() + self.timeout
        while True:
            for k, event in enumerate(self.events):
                if event.get("method") == method:
                    return self.events.pop(k)
            self.events.append(self._read_message(deadline))

    # what the tests do ---------------------------------------------------------------------------

    def open(self, path: Path) -> None:
        self.events.clear()
        self.call("Page.navigate", session=True, url=Path(path).resolve().as_uri())
        self.wait_event("Page.loadEventFired")

    def evaluate(self, expression: str) -> object:
        result = self.call("Runtime.evaluate", session=True, expression=expression, returnByValue=True,
                           awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"script error: {result['exceptionDetails']}")
        return result["result"].get("value")

    def click(self, selector: str) -> None:
        """A real mouse click (pressed and released) at the centre of the element."""
        x, y = self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)}); e.scrollIntoView(); "
            f"const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()")
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", session=True, type=kind, x=x, y=y, button="left", clickCount=1)

    def screenshot(self) -> bytes:
        return base64.b64decode(self.call("Page.captureScreenshot", session=True, format="png")["data"])

    def close(self) -> None:
        try:
            if self.process.poll() is None:
                try:
                    self.call("Browser.close")
                except Exception:  # noqa: BLE001 - closing anyway
                    pass
                try:
                    self.process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
        finally:
            for fd in (self.commands, self.answers):
                try:
                    os.close(fd)
                except OSError:
                    pass
            shutil.rmtree(self.profile, ignore_errors=True)
