"""Timing helpers for the benchmark: interleaved rounds, medians and ratios, on a noisy shared machine.

Compared runs take turns within each round (A B, then B A in the next round, so neither always goes
first), and only medians are compared: a burst of load from another process moves one sample, not the
result.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Samples:
    """Seconds of each round of one measured thing."""

    name: str
    seconds: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "median_ms": round(self.median * 1000, 2), "rounds": len(self.seconds),
                "min_ms": round(min(self.seconds) * 1000, 2), "max_ms": round(max(self.seconds) * 1000, 2)}


def timed(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def interleaved(actions: Sequence[tuple[str, Callable[[], Any]]], *, rounds: int, warm_up: int = 0
                ) -> list[Samples]:
    """Each action once per round, the order reversed every other round; ``warm_up`` untimed rounds first."""
    for _ in range(warm_up):
        for _, action in actions:
            action()
    samples = [Samples(name) for name, _ in actions]
    for number in range(rounds):
        order = list(range(len(actions)))
        if number % 2:
            order.reverse()
        for index in order:
            samples[index].seconds.append(timed(actions[index][1]))
    return samples


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def verdict(met: bool | None) -> str:
    return "n/a" if met is None else ("met" if met else "NOT met")
