"""Headless Chromium driven over the DevTools protocol (stdlib + websockets): open a local
page, record every network request, evaluate JavaScript in it, take a screenshot."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1200,900"]


class DevTools:
    """A minimal Chrome DevTools protocol client over the page's websocket."""

    def __init__(self, url: str):
        from websockets.sync.client import connect

        self.ws = connect(url, max_size=64 * 1024 * 1024)
        self.next_id = 0
        self.events: list[dict] = []

    def call(self, method: str, **params) -> dict:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv(timeout=60))
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait_for(self, method: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == method for e in self.events):
            self.events.append(json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic()))))


def _page_socket(profile: Path, proc: subprocess.Popen) -> str:
    from urllib.request import urlopen

    port_file = profile / "DevToolsActivePort"
    deadline = time.monotonic() + 60
    while not port_file.exists() or not port_file.read_text().strip():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"chromium did not start: {proc.stderr.read() if proc.stderr else ''}")
        time.sleep(0.2)
    port = port_file.read_text().split()[0]
    targets = json.loads(urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10).read())
    return next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")


@dataclass
class Visit:
    requests: list[str]
    failed: list[dict]
    value: object
    screenshot: Path
    events: list[dict] = field(default_factory=list)


def visit(page: Path, expression: str, shot: Path) -> Visit:
    """Open ``page`` in a fresh headless Chromium profile, wait for its load event, evaluate
    ``expression`` (it returns JSON text) and save a full-page screenshot to ``shot``."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.skip("chromium is not installed (apt-get install -y chromium; .ci/run installs it)")
    profile = shot.parent / f"profile-{shot.stem}"
    proc = subprocess.Popen([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0",
                             "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        tools = DevTools(_page_socket(profile, proc))
        tools.call("Network.enable")
        tools.call("Page.enable")
        tools.events.clear()
        tools.call("Page.navigate", url=page.as_uri())
        tools.wait_for("Page.loadEventFired")
        time.sleep(0.3)  # let inline scripts that run on load finish
        value = json.loads(tools.call("Runtime.evaluate", expression=expression, returnByValue=True)["result"]["value"])
        data = tools.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
        shot.write_bytes(base64.b64decode(data))
        tools.ws.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    requests = [e["params"]["request"]["url"] for e in tools.events if e.get("method") == "Network.requestWillBeSent"]
    failed = [e for e in tools.events if e.get("method") == "Network.loadingFailed"]
    return Visit(requests, failed, value, shot, tools.events)
