"""How a run ended (``Outcome``): what the ledger, the log, the heartbeat and the exit codes count.

Its own module, without the pipeline behind it, so that the service (which only counts outcomes and hands
files to its worker) starts without importing the pipeline; the worker imports that.
"""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    DONE = "verwerkt"
    REJECTED = "afgekeurd"
    IGNORED = "genegeerd"
    DEFERRED = "uitgesteld"
    FAILED = "mislukt"

    @property
    def final(self) -> bool:
        """Whether the same content needs no further attempt (deferred and failed are retried)."""
        return self in (Outcome.DONE, Outcome.REJECTED, Outcome.IGNORED)
