"""The bounds for untrusted files on the share (the settings' ``[grenzen]``), on their own so that the
readers (``forms``, ``ooxml``, the Word writer) need not import the settings, which import the forms."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Bounds for untrusted files on the share."""

    max_file_bytes: int = 20 * 1024 * 1024
    max_members: int = 2000
    max_member_bytes: int = 64 * 1024 * 1024
    max_total_bytes: int = 256 * 1024 * 1024
    max_ratio: int = 200
    seconds_per_file: float = 120.0
    memory_mb_per_file: int = 1024
