"""The real command line in a subprocess, as an admin runs it: ``python -m toolbox_docs ARGS``.

The environment is the test's without ``TOOLBOX_*`` variables (so that only the settings a test names
count) and with an empty locale, so that nothing Dutch comes from the machine's language settings.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path


def cli_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TOOLBOX_", "LC_", "LANG")) or k == "TOOLBOX_CACHE_DIR"}  # conftest.py
    env.update({"PYTHONDONTWRITEBYTECODE": "1", "LANG": "C.UTF-8"})
    env.update(extra or {})
    return env


def run_cli(*args: str | Path, cwd: Path | None = None, env: Mapping[str, str] | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``toolbox-docs ARGS``; stdout and stderr as text (UTF-8, undecodable bytes replaced)."""
    return subprocess.run([sys.executable, "-m", "toolbox_docs", *map(str, args)], capture_output=True,
                          text=True, encoding="utf-8", errors="replace", cwd=cwd, env=cli_environment(env),
                          timeout=timeout, check=False)


def run_cli_bytes(*args: str | Path, cwd: Path | None = None, env: Mapping[str, str] | None = None,
                  timeout: float = 300) -> subprocess.CompletedProcess[bytes]:
    """The same, with stdout and stderr as bytes (to check encodings and line ends)."""
    return subprocess.run([sys.executable, "-m", "toolbox_docs", *map(str, args)], capture_output=True, cwd=cwd,
                          env=cli_environment(env), timeout=timeout, check=False)
