"""When each file gets its turn: the service's retry policy, with no I/O and an injected clock.

A file is wanted (found by a scan or an event) and is due at once. A run that did not finish the file
(deferred: a document open in Word; failed: a read-only folder, a crash) puts it back for later:
``retry_interval`` seconds, doubled for each further unfinished run of the same content in a row, at
most ``max_delay``, so that files that cannot be finished do not crowd out new work. New content starts
the doubling again; an event on the file, or an owner file (``~$…``) going away in its folder, brings
its turn forward. A crashed worker is tried ``crash_attempts`` times per content, then given up (the
service writes feedback); a run that hit a bound is given up at once.

The clock is a callable returning monotonic seconds (``time.monotonic`` in the service), so that tests
can step through hours of back-off in microseconds.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

MAX_RETRY_SECONDS = 600.0
CRASH_ATTEMPTS = 3
_MAX_DOUBLINGS = 20  # 2**20 × any sensible interval is far above MAX_RETRY_SECONDS; keeps the float small


class Schedule:
    def __init__(self, retry_interval: float, *, clock: Callable[[], float] = time.monotonic,
                 max_delay: float = MAX_RETRY_SECONDS, crash_attempts: int = CRASH_ATTEMPTS) -> None:
        self.retry_interval = retry_interval
        self.max_delay = max_delay
        self.crash_attempts = crash_attempts
        self.clock = clock
        self._due: dict[Path, float] = {}  # path -> when it is due (clock seconds)
        self._retries: dict[Path, tuple[str, int]] = {}  # path -> (content digest, unfinished runs in a row)
        self._attempts: Counter[tuple[Path, str]] = Counter()  # (path, digest) -> runs that crashed or hit a bound

    # --- what is waiting ---------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._due)

    def __contains__(self, path: object) -> bool:
        return path in self._due

    def __iter__(self) -> Iterator[Path]:
        return iter(self._due)

    def when(self, path: Path) -> float | None:
        """When ``path`` is due (clock seconds), or None when it is not waiting."""
        return self._due.get(path)

    def due(self) -> list[Path]:
        """The waiting files whose turn has come, sorted."""
        now = self.clock()
        return sorted(path for path, when in self._due.items() if when <= now)

    # --- changes -----------------------------------------------------------------------------------

    def want(self, path: Path) -> None:
        """``path`` should be looked at now (a scan found it, an event named it): due at once, which brings
        a retry waiting for a later turn forward."""
        self._due[path] = min(self._due.get(path, float("inf")), self.clock())

    def take(self, path: Path) -> None:
        """``path`` is being handled: no longer waiting (its back-off count stays)."""
        self._due.pop(path, None)

    def forget(self, path: Path) -> None:
        """``path`` is gone: no turn, no back-off."""
        self._due.pop(path, None)
        self._retries.pop(path, None)

    def finished(self, path: Path) -> None:
        """A run finished the file: the next unfinished run starts the back-off from the beginning."""
        self._retries.pop(path, None)

    def later(self, path: Path, digest: str) -> float:
        """A run did not finish ``path`` (content ``digest``): it is due again after the back-off, which
        doubles for each unfinished run of the same content in a row. Returns the delay in seconds."""
        previous, count = self._retries.get(path, ("", 0))
        count = count + 1 if previous == digest else 1
        self._retries[path] = (digest, count)
        delay = float(min(self.retry_interval * 2 ** min(count - 1, _MAX_DOUBLINGS), self.max_delay))
        self._due[path] = self.clock() + delay
        return delay

    def wait(self, path: Path, delay: float) -> None:
        """``path`` waits ``delay`` seconds for a reason that is not the file's (the state database was
        busy): no back-off counted."""
        self._due[path] = self.clock() + delay

    def owner_gone(self, folder: Path) -> None:
        """An owner file (``~$…``) in ``folder`` went away: the files waiting there are due at once."""
        now = self.clock()
        for path in self._due:
            if path.parent == folder:
                self._due[path] = now

    def failed(self, path: Path, digest: str, *, crashed: bool) -> int | None:
        """Count a run of this content that crashed the worker (``crashed``) or hit a bound. Returns the
        attempt number when the content gets another try, None when it is given up: a bound at once, a
        crash on the ``crash_attempts``-th time."""
        key = (path, digest)
        self._attempts[key] += 1
        attempt = self._attempts[key]
        return attempt if crashed and attempt < self.crash_attempts else None
