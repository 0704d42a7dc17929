"""Standby processes (``mscflow.standby``), with real processes: a prepared job runs in its own
process and that process exits; without a session the call runs here; a failure comes back
as the step's exception; a standby never outlives its session or its parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mscflow import standby
from mscflow.eval.bench import _processes

PID = standby.Job("os:getpid")
SQRT = standby.Job("math:sqrt", preload=("json",))


def _children(parent: int) -> set[int]:
    """The spawned processes of ``parent`` (not multiprocessing's resource tracker, which the
    first spawn of a process starts and which lives on)."""
    out = set()
    for pid, (ppid, _) in _processes().items():
        try:
            if ppid == parent and b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                out.add(pid)
        except OSError:  # gone meanwhile
            continue
    return out


def _gone(pid: int, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state == "Z":  # exited, not reaped yet
            return True
        time.sleep(0.05)
    return False


def test_without_a_session_the_job_runs_in_this_process():
    standby.prepare(PID)  # no session: nothing started
    assert not standby.prepared(PID)
    assert standby.run(PID) == os.getpid()


def test_a_prepared_job_runs_in_its_standby_which_then_exits():
    with standby.session():
        standby.prepare(PID)
        assert standby.prepared(PID)
        pid = standby.run(PID)
        assert pid != os.getpid()
        assert not standby.prepared(PID)  # used once
        assert _gone(pid)
        assert standby.run(PID) == os.getpid()  # a second call runs here


def test_a_disabled_session_starts_nothing():
    with standby.session(enabled=False):
        standby.prepare(PID)
        assert not standby.prepared(PID)


def test_a_failure_in_the_standby_is_raised_by_the_step_with_its_traceback():
    with standby.session():
        standby.prepare(SQRT)
        assert standby.run(SQRT, 16) == 4.0 and not standby.prepared(SQRT)
        standby.prepare(SQRT)
        with pytest.raises(ValueError, match="math domain error") as raised:
            standby.run(SQRT, -1)
    assert any("raised in the standby process" in note for note in raised.value.__notes__)


def test_an_unused_standby_is_stopped_when_the_session_ends():
    before = _children(os.getpid())
    with standby.session():
        standby.prepare(PID)
        started = _children(os.getpid()) - before
    assert started and all(_gone(c) for c in started)


PARENT = """
import sys, time
from mscflow import standby
from mscflow.eval.bench import _processes
with standby.session():
    standby.prepare(standby.Job("os:getpid"))
    print("ready", flush=True)
    time.sleep(60)
"""


def test_a_standby_exits_when_its_parent_is_killed():
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout.readline().strip() == "ready"
        children = _children(parent.pid)
        assert children, "no standby was started"
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        assert all(_gone(c) for c in children)
    finally:
        parent.kill()


def write_after_answer(path: str, pause: float) -> standby.Then:
    """A job that answers at once and writes ``path`` after its answer (a standby's Then)."""

    def then() -> None:
        time.sleep(pause)
        Path(path).write_text(str(os.getpid()))

    return standby.Then(os.getpid(), then)


THEN = standby.Job(f"{__name__}:write_after_answer")


def test_work_after_the_answer_finishes_before_the_session_ends(tmp_path):
    target = tmp_path / "after"
    with standby.session():
        standby.prepare(THEN)
        pid = standby.run(THEN, str(target), 1.0)
        assert pid != os.getpid()
        answered = not target.exists()  # the step went on before the work after the answer was done
    assert answered and target.read_text() == str(pid)


def test_work_after_the_answer_runs_before_an_inline_call_returns(tmp_path):
    target = tmp_path / "after"
    assert standby.run(THEN, str(target), 0.0) == os.getpid()
    assert target.read_text() == str(os.getpid())
