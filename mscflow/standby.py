"""Standby processes: a warehouse step whose library takes seconds to import (Great
Expectations, for the gate) gets a process that imports it while earlier steps run, then runs
that one step and exits. A job may answer before it is done (``Then``): the gate answers with
its verdict, and the publish goes on while the standby writes the Data Docs.

Why: on the seeds and on a refresh the document steps take a second or two, yet the gate spent
3-5 s importing Great Expectations and about a second more building its machinery on first use,
on one core while the second idled. A thread cannot overlap them (imports hold the GIL); a
process can. The step's work is the same call either way (``run`` falls back to this process
when no standby was prepared: the UI's runs, one worker, a standby that died), and each standby
exits after its one job, so the memory its step used goes back to the system.

Standbys exist only inside ``session`` (the CLI opens one around its Dagster run); ``prepare``
outside a session does nothing. A standby watches its parent and exits when the parent is gone,
so a killed build never leaves a process holding the build file open. (The report was tried as
a second job and dropped: its time is drawing the charts, not importing matplotlib.)"""

from __future__ import annotations

import contextlib
import importlib
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """A step that can run in a standby: its function (``module:name``) and what to do early
    (modules to import, or ``module:name`` functions to call)."""

    target: str
    preload: tuple[str, ...] = ()

    def function(self) -> Callable[..., Any]:
        return _resolve(self.target)

    def warm(self) -> None:
        for item in self.preload:
            _resolve(item)() if ":" in item else importlib.import_module(item)
        self.function()


def _resolve(target: str) -> Callable[..., Any]:
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


GATE = Job("mscflow.warehouse.gate:gate_then_docs", preload=("mscflow.warehouse.gate:warm_gx",))
WAREHOUSE_JOBS = (GATE,)


@dataclass(frozen=True)
class Then:
    """A job's answer (``value``) and what it does after answering (``then``): in a standby the
    step goes on as soon as the answer is back, while ``then`` finishes in the standby (the
    session waits for it before it ends); in this process ``then`` runs before ``run`` returns."""

    value: Any
    then: Callable[[], None]


@dataclass
class _Standby:
    process: Any  # multiprocessing's SpawnProcess
    conn: Connection


class _Session:
    def __init__(self) -> None:
        self.standbys: dict[Job, _Standby] = {}
        self.finishing: list[_Standby] = []  # answered, still doing their ``Then.then``

    def close(self) -> None:
        for standby in self.standbys.values():  # never used: nothing to finish
            _stop(standby, kill=True)
        self.standbys.clear()
        for standby in self.finishing:
            standby.process.join(FINISH_SECONDS)
            code = _stop(standby, kill=standby.process.is_alive())
            if code:
                log.warning("a standby's work after its answer failed (exit code %s)", code)
        self.finishing.clear()


FINISH_SECONDS = 600.0  # how long the session's end waits for a standby's work after its answer
_session: _Session | None = None
_lock = threading.Lock()


@contextlib.contextmanager
def session(enabled: bool = True) -> Iterator[None]:
    """Allow standbys until the block ends (then every standby not used yet is stopped)."""
    global _session
    if not enabled or _session is not None:
        yield
        return
    with _lock:
        _session = _Session()
    try:
        yield
    finally:
        with _lock:
            current, _session = _session, None
        current.close()


def prepare(*jobs: Job) -> None:
    """Start a standby for each job that has none yet (inside a session; else nothing)."""
    with _lock:
        if _session is None:
            return
        for job in jobs:
            if job not in _session.standbys:
                _session.standbys[job] = _start(job)


def prepared(job: Job) -> bool:
    with _lock:
        return _session is not None and job in _session.standbys


def run(job: Job, *args: Any, **kwargs: Any) -> Any:
    """``job``'s function called with these arguments: in its standby when one was prepared and
    is alive (which then exits), else in this process."""
    with _lock:
        standby = _session.standbys.pop(job, None) if _session is not None else None
    if standby is None:
        return _here(job, args, kwargs)
    try:
        standby.conn.send((args, kwargs))
    except (BrokenPipeError, EOFError, OSError):
        log.warning("the standby of %s had exited (code %s); running it here", job.target, standby.process.exitcode)
        _stop(standby)
        return _here(job, args, kwargs)
    try:
        outcome, value = standby.conn.recv()
    except EOFError:
        code = _stop(standby)
        raise RuntimeError(f"the standby process running {job.target} died (exit code {code})") from None
    # it exits on its own (after its ``Then.then``, if any): not waited for here, its teardown
    # alone takes a second or more; the session's end waits
    standby.conn.close()
    with _lock:
        if _session is not None:
            _session.finishing.append(standby)
    if outcome == "error":
        raise value
    return value


def _here(job: Job, args: tuple, kwargs: dict) -> Any:
    result = job.function()(*args, **kwargs)
    if isinstance(result, Then):
        result.then()
        return result.value
    return result


def _start(job: Job) -> _Standby:
    # spawn, not fork: the parent runs Dagster's threads; and not the pool's forkserver, whose
    # preload list belongs to the document stages
    context = multiprocessing.get_context("spawn")
    parent_end, child_end = context.Pipe()
    process = context.Process(target=_serve, args=(job, child_end, os.getpid()), daemon=True,
                              name=f"mscflow standby: {job.target}")
    process.start()
    child_end.close()
    return _Standby(process, parent_end)


def _stop(standby: _Standby, kill: bool = False) -> int | None:
    """Close the pipe (a standby that answered then exits) and reap the process."""
    standby.conn.close()
    if kill:
        standby.process.kill()
    standby.process.join(timeout=5)
    if standby.process.is_alive():
        standby.process.kill()
        standby.process.join()
    return standby.process.exitcode


def _serve(job: Job, conn: Connection, parent: int) -> None:
    """The standby: import, wait for the one call (or the pipe closing), answer, exit."""
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    try:
        job.warm()
    except Exception:  # noqa: BLE001 - the call below raises it again, and sends it to the step
        log.warning("warming %s failed", job.target, exc_info=True)
    try:
        args, kwargs = conn.recv()
    except EOFError:  # the session ended without this step
        return
    try:
        result = job.function()(*args, **kwargs)
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the step
        conn.send(("error", _picklable(exc)))
        return
    conn.send(("ok", result.value if isinstance(result, Then) else result))
    conn.close()
    if isinstance(result, Then):
        result.then()  # a failure here exits non-zero: the session's end says so


def _picklable(exc: BaseException) -> BaseException:
    """The exception with the standby's traceback as a note (or a RuntimeError naming it, when
    the exception itself cannot be pickled)."""
    import pickle
    import traceback

    exc.add_note("raised in the standby process:\n" + "".join(traceback.format_exception(exc)))
    try:
        pickle.dumps(exc)
        return exc
    except Exception:  # noqa: BLE001
        return RuntimeError(f"{type(exc).__name__}: {exc}")


def _exit_with_parent(parent: int, interval: float = 0.2) -> None:
    while os.getppid() == parent:
        time.sleep(interval)
    os._exit(1)
