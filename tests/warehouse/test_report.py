"""The evidence report: one self-contained page, checked in real headless Chromium (driven over
the DevTools protocol): every chart drawn, not one network request, a screenshot kept."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from mscflow.report import write_report
from mscflow.settings import Settings
from mscflow.warehouse.build import build
from mscflow.warehouse.publish import publish

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1200,900"]
SECTIONS = ("by-disease", "doses", "over-time", "registry", "completeness", "quality")


@pytest.fixture
def report(wh_settings: Settings) -> Path:
    publish(build(wh_settings).path, wh_settings.warehouse_path)
    return write_report(wh_settings.warehouse_path, wh_settings.report_path).path


def test_the_page_is_self_contained(report: Path):
    page = report.read_text(encoding="utf-8")
    assert not re.search(r'(?:src|href)\s*=\s*"(?!#)', page), "the page refers to another file"
    assert "<script" not in page and "@import" not in page and not re.search(r"url\((?!#)", page)
    assert page.count("<svg") == 7
    for anchor in SECTIONS:
        assert f'<section id="{anchor}">' in page
    # every chart has its numbers beneath it, and links back to the studies table
    assert page.count("<table>") >= len(SECTIONS) and 'id="studies"' in page
    links = set(re.findall(r'href="#(study-\d+|disease-[\w]+)"', page))
    ids = set(re.findall(r'id="(study-\d+|disease-[\w]+)"', page))
    assert links and links <= ids
    assert report.with_suffix(".png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


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


DRAWN = """JSON.stringify({
  charts: Array.from(document.querySelectorAll('figure svg')).map(s => {
    const r = s.getBoundingClientRect();
    return {w: r.width, h: r.height, shapes: s.querySelectorAll('path, rect, use').length};
  }),
  resources: performance.getEntriesByType('resource').map(e => e.name),
  title: document.title
})"""


def test_the_report_opens_offline_in_headless_chromium(report: Path, tmp_path: Path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.skip("chromium is not installed (apt-get install -y chromium; .ci/run installs it)")
    profile = tmp_path / "profile"
    proc = subprocess.Popen([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0",
                             "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        tools = DevTools(_page_socket(profile, proc))
        tools.call("Network.enable")
        tools.call("Page.enable")
        tools.events.clear()
        tools.call("Page.navigate", url=report.as_uri())
        tools.wait_for("Page.loadEventFired")
        seen = json.loads(tools.call("Runtime.evaluate", expression=DRAWN, returnByValue=True)["result"]["value"])
        shot = tools.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        (tmp_path / "evidence_report.png").write_bytes(base64.b64decode(shot["data"]))
        tools.ws.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    requests = [e["params"]["request"]["url"] for e in tools.events if e.get("method") == "Network.requestWillBeSent"]
    failed = [e for e in tools.events if e.get("method") == "Network.loadingFailed"]
    assert requests == [report.as_uri()], f"network requests besides the page itself: {requests}"
    assert failed == [] and seen["resources"] == []
    assert seen["title"] == "MSC therapy evidence report"
    assert len(seen["charts"]) == 7
    for chart in seen["charts"]:  # every chart is laid out and has drawn marks
        assert chart["w"] > 300 and chart["h"] > 100 and chart["shapes"] > 5, chart
    assert (tmp_path / "evidence_report.png").stat().st_size > 20_000
