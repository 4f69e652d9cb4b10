"""How the command line starts lean (the console script ``toolbox-docs`` and ``python -m toolbox_docs``).

A ``process`` run imports about 500 modules before it does any work. Meanwhile Python's cyclic garbage
collector walks the growing heap some 130 times and frees nothing (modules, classes and functions live as
long as the process): about 50 ms of a cold run's 0.8 s of CPU. So the collector is paused while the
command line and a command's modules are imported (``imports``), and what was imported is then exempted
from later collections (``gc.freeze``); after that it runs as usual, also in the long-running service.

Only the real entry does this. Imported as a library (the tests call the command line in their own
process), ``imports`` changes nothing, so a caller's objects are never frozen.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

_ENTRY = False


@contextlib.contextmanager
def imports() -> Iterator[None]:
    """Around a command's imports: the collector paused, and what they made exempt from later collections."""
    if not _ENTRY:
        yield
        return
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if running:
            gc.enable()


def start() -> None:
    """Called once by the real entry (``toolbox_docs.__main__.run``), before anything else is imported."""
    global _ENTRY
    _ENTRY = True
