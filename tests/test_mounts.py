"""Reading the mount table and the advice that follows from it (the behaviour of the service when a
share goes away is in test_mount_share.py)."""

from __future__ import annotations

from pathlib import Path

from toolbox_docs.cli.doctor import FIX, NOTE, OK, _mount_advice
from toolbox_docs.service.mounts import Mount, mount_of, parse_mountinfo, read_mounts

MOUNTINFO = """\
22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
35 22 0:31 / /srv/participatie rw,relatime shared:20 - cifs //fs01.example.org/Participatie rw,vers=3.1.1
36 22 0:32 / /mnt/met\\040spatie rw,relatime - nfs4 nas:/export/a\\040b rw
37 35 0:33 / /srv/participatie/Archief rw - tmpfs tmpfs rw
"""


def test_mountinfo_is_read_with_its_escapes() -> None:
    mounts = parse_mountinfo(MOUNTINFO)
    assert [(str(m.point), m.fstype, m.source) for m in mounts] == [
        ("/", "ext4", "/dev/sda1"),
        ("/srv/participatie", "cifs", "//fs01.example.org/Participatie"),
        ("/mnt/met spatie", "nfs4", "nas:/export/a b"),
        ("/srv/participatie/Archief", "tmpfs", "tmpfs"),
    ]
    assert [m.network for m in mounts] == [False, True, True, False]


def test_the_mount_holding_a_path_is_the_deepest_one() -> None:
    mounts = parse_mountinfo(MOUNTINFO)
    share = mount_of(Path("/srv/participatie/Projecten/Groenplan"), mounts)
    assert share is not None and share.fstype == "cifs"
    archive = mount_of(Path("/srv/participatie/Archief/2024"), mounts)
    assert archive is not None and archive.fstype == "tmpfs"
    root = mount_of(Path("/var/lib/toolbox-docs"), mounts)
    assert root is not None and root.point == Path("/")


def test_this_machine_has_a_root_mount() -> None:
    mounts = read_mounts()
    assert any(m.point == Path("/") for m in mounts), "Linux: /proc/self/mountinfo is read"


def test_advice_on_polling() -> None:
    cifs = [Mount(Path("/srv/participatie"), "cifs", "//fs01.example.org/Participatie")]
    assert _mount_advice(Path("/srv/participatie"), cifs, polling=False).level == FIX
    assert _mount_advice(Path("/srv/participatie"), cifs, polling=True).level == OK
    unknown = _mount_advice(Path("/srv/participatie"), cifs, polling=None)
    assert unknown.level == NOTE and "Gebruik --polling" in unknown.text and "cifs" in unknown.text
    assert _mount_advice(Path("/tmp"), [], polling=False).level == OK
