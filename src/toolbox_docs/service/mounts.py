"""Mounts: which file system a folder is on, whether that is a network share, and mounts that go away.

A share mounted on the watched root (``//server/participatie`` on ``/srv/participatie``) can disappear:
unmounted by hand, an automount that expired, a network that dropped long enough. What is left at that
path is the empty folder the share was mounted on. Looking at it, the service would see a root without
projects; writing into it, it would put files on the server's local disk, hidden once the share is back.
``MountWatch`` notices a mount at or below a root that went away and came back, so the service can wait
(and say so) instead.

Linux reads ``/proc/self/mountinfo``; elsewhere nothing is known about mounts (on Windows a share is a
UNC path, which is simply unreachable while it is gone) and ``read_mounts`` returns nothing.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

MOUNTINFO = Path("/proc/self/mountinfo")
# File systems whose changes made elsewhere arrive without a notification (inotify sees only what this
# machine itself does there): polling is the way to notice other people's saves.
NETWORK_TYPES = frozenset({
    "cifs", "smb3", "smbfs", "nfs", "nfs4", "ncpfs", "afs", "ceph", "glusterfs", "lustre", "gpfs", "9p",
    "virtiofs", "davfs", "fuse.sshfs", "fuse.davfs2", "fuse.glusterfs", "fuse.rclone", "fuse.s3fs",
    "fuse.cephfs", "fuse.gvfsd-fuse",
})
_ESCAPE = re.compile(r"\\([0-7]{3})")


@dataclass(frozen=True)
class Mount:
    point: Path
    fstype: str
    source: str

    @property
    def network(self) -> bool:
        return self.fstype in NETWORK_TYPES


def _unescape(field: str) -> str:
    """mountinfo writes a space as ``\\040``, a tab as ``\\011``, a backslash as ``\\134``."""
    return _ESCAPE.sub(lambda match: chr(int(match.group(1), 8)), field)


def parse_mountinfo(text: str) -> list[Mount]:
    mounts = []
    for line in text.splitlines():
        fields = line.split(" ")
        if "-" not in fields or len(fields) < 5:
            continue
        tail = fields[fields.index("-") + 1:]
        if len(tail) < 2:
            continue
        mounts.append(Mount(Path(_unescape(fields[4])), _unescape(tail[0]), _unescape(tail[1])))
    return mounts


def read_mounts() -> list[Mount]:
    """The mounts this process sees (later ones cover earlier ones at the same point); none off Linux."""
    try:
        return parse_mountinfo(MOUNTINFO.read_text(encoding="utf-8", errors="surrogateescape"))
    except OSError:
        return []


def mount_of(path: Path, mounts: list[Mount] | None = None) -> Mount | None:
    """The mount that holds ``path``: the one with the longest mount point above it (the last one there)."""
    target = Path(os.path.realpath(path))
    best: Mount | None = None
    for mount in read_mounts() if mounts is None else mounts:
        if target.is_relative_to(mount.point) and \
                (best is None or len(mount.point.parts) >= len(best.point.parts)):
            best = mount
    return best


def is_unc(path: Path) -> bool:
    """A Windows network path (``\\\\server\\share\\…``)."""
    return str(path).startswith(("\\\\", "//")) and os.name == "nt"


class MountWatch:
    """The mount points at or below the watched roots, and which of them went away.

    ``check()`` compares the mounts now with those seen before (a mount seen once is expected from then
    on) and returns the ones that just went away and the ones that just came back.
    """

    def __init__(self, roots: tuple[Path, ...]) -> None:
        self.roots = roots
        self.expected: dict[Path, Mount] = {}
        self.gone: set[Path] = set()
        self.check()

    def _under_roots(self) -> dict[Path, Mount]:
        return {m.point: m for m in read_mounts() if any(m.point.is_relative_to(root) for root in self.roots)}

    def check(self) -> tuple[list[Mount], list[Mount]]:
        present = self._under_roots()
        went = [mount for point, mount in sorted(self.expected.items())
                if point not in present and point not in self.gone]
        back = [present[point] for point in sorted(self.gone) if point in present]
        self.gone = (self.gone | {m.point for m in went}) - {m.point for m in back}
        self.expected.update(present)
        return went, back

    def absent_now(self, point: Path) -> bool:
        """Whether a share seen mounted on ``point`` is not mounted this very moment (read afresh, not at the
        last ``check()``): what is there is the empty folder it was mounted on, and nothing may be written."""
        return point in self.expected and all(m.point != point for m in read_mounts())

    def is_gone(self, root: Path) -> bool:
        """Whether the share mounted on ``root`` itself is gone (what is there now is the empty folder)."""
        return root in self.gone
