"""A time budget per document: a pathological file costs its own budget, never the run.

The budget is a real-time interval timer (``SIGALRM``) around one document's cleaning or
extraction. It interrupts pure-Python rules and the ``re`` engine alike (both check for
signals), so a rule that goes quadratic on one input ends as that document's ``timeout``
quarantine while the others go on. Signals reach only the main thread: elsewhere the budget is
not enforced (Dagster runs a run's steps in its main thread, as do the CLI and pool workers)."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator


class DocumentTimeout(BaseException):  # noqa: N818 - a BaseException, so no rule's `except Exception` swallows it
    """One document used up its time budget."""

    def __init__(self, seconds: float, stage: str = ""):
        super().__init__(f"{stage + ' ' if stage else ''}took longer than {seconds:g} s (MSCFLOW_DOCUMENT_TIMEOUT)")
        self.seconds = seconds


def enforceable() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def time_budget(seconds: float | None, stage: str = "") -> Iterator[None]:
    """Raise ``DocumentTimeout`` inside the block once ``seconds`` have passed (0/None: no budget)."""
    if not seconds or seconds <= 0 or not enforceable():
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise DocumentTimeout(seconds, stage)

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
