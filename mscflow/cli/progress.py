"""Progress on stderr for the CLI's long work: a live bar on a terminal (rich), plain lines
otherwise (logs, CI, tests), so stdout stays the command's result (``--json`` parses)."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator


def _live() -> bool:
    return sys.stderr.isatty()


@contextlib.contextmanager
def stages(name: str) -> Iterator[Callable[[str], None]]:
    """For work told as a sequence of stage lines (build, refresh): each line becomes the
    current stage of a spinner with the elapsed time; off a terminal each line is printed."""
    if not _live():
        yield lambda line: print(line, file=sys.stderr, flush=True)
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    started = time.monotonic()
    with Progress(SpinnerColumn(), TextColumn("[bold]{task.description}"), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task(name, total=None)

        def step(line: str) -> None:
            console.print(f"[dim]{time.monotonic() - started:6.1f}s[/dim] {line}")
            bar.update(task, description=f"{name}: {line}")

        yield step


@contextlib.contextmanager
def counted(name: str, total: int) -> Iterator[Callable[[str], None]]:
    """For work of a known size (export): a bar that advances once per item."""
    if not _live():
        yield lambda item: print(f"{name}: {item}", file=sys.stderr, flush=True)
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True)) as bar:
        task = bar.add_task(name, total=total)
        yield lambda item: bar.update(task, advance=1, description=f"{name}: {item}")
