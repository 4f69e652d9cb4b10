"""The lean start (``cli/entry.py``): the real entry pauses the garbage collector while the command line
imports, freezes what was imported and leaves collection on; a library caller is never affected."""

from __future__ import annotations

import gc
import subprocess
import sys

from cli_support import cli_environment
from toolbox_docs.cli import entry


def test_a_library_caller_keeps_its_collector_as_it_was() -> None:
    assert not entry._ENTRY, "the tests import the command line as a library"
    frozen = gc.get_freeze_count()
    with entry.imports():
        assert gc.isenabled()
    assert gc.isenabled() and gc.get_freeze_count() == frozen


def test_the_real_entry_freezes_the_imports_and_collects_afterwards() -> None:
    script = (
        "import gc, sys\n"
        "from toolbox_docs.__main__ import run\n"
        "sys.argv = ['toolbox-docs', 'templates', 'fields']\n"
        "try:\n"
        "    run()\n"
        "except SystemExit as stop:\n"
        "    code = stop.code\n"
        "print('RESULT', code, gc.isenabled(), gc.get_freeze_count(), file=sys.stderr)\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                            env=cli_environment(), check=False)
    line = next(line for line in result.stderr.splitlines() if line.startswith("RESULT"))
    _, code, enabled, frozen = line.split()
    assert code in ("0", "None"), result.stderr[-2000:]
    assert enabled == "True", "collection must be on again once the imports are done"
    assert int(frozen) > 10_000, "the command line's modules should be frozen"
    assert "project_name" in result.stdout, result.stdout[:500]
