"""A progress bar on a terminal (rich), and none when output is piped or captured."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def progress_for(total: int, *, wanted: bool = True, label: str = "Controleren") -> Iterator[Callable[[], None]]:
    """Yields ``advance()``; draws on stderr only when ``wanted`` and stderr is a terminal."""
    if not wanted or total < 2 or not sys.stderr.isatty():
        yield lambda: None
        return
    # rich is imported only when a bar is drawn: it costs a noticeable part of a short run's start-up.
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(label, total=total)
        yield lambda: progress.advance(task)
