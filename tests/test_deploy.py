"""The deployment files: the systemd unit (systemd-analyze verify), the WinSW configuration and the
Windows command lines (what WinSW 2.x documents; arguments through toolbox-docs' own command line), log
rotation of a running service by logrotate, and an installation from a wheel built from the repository."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import click
import pytest

from cli_support import cli_environment, run_cli
from conftest import REPO, need
from toolbox_docs.cli.main import main
from toolbox_docs.limits import Limits
from toolbox_docs.settings import _ENV
from watcher_support import INTAKE, Watcher, make_intake, make_root, project, save_like_excel, sha256_bytes

DEPLOY = REPO / "deploy"
UNIT = DEPLOY / "toolbox-docs.service"
WINSW = DEPLOY / "winsw" / "toolbox-docs.xml"
WINDOWS_MD = DEPLOY / "windows.md"
LOGROTATE = DEPLOY / "toolbox-docs.logrotate"


def watch_context(args: list[str]) -> click.Context:
    """``toolbox-docs watch ARGS`` parsed and converted by the real command line, without running it."""
    assert args[0] == "watch", args
    parent = click.Context(main, info_name="toolbox-docs", obj={"config": None, "debug": False})
    command = main.get_command(parent, "watch")
    assert command is not None
    return command.make_context("watch", list(args[1:]), parent=parent)


# --- the systemd unit --------------------------------------------------------------------------------


def unit_entries() -> dict[str, list[str]]:
    entries: dict[str, list[str]] = {}
    for line in UNIT.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            entries.setdefault(key.strip(), []).append(value.strip())
    return entries


def test_unit_file_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    need(shutil.which("systemd-analyze") is not None, "systemd-analyze is absent (Debian package systemd)")
    # verify checks that ExecStart's program exists: point it at this environment's toolbox-docs.
    program = Path(sys.executable).parent / "toolbox-docs"
    assert program.is_file(), "the console script of the installed package"
    unit = tmp_path / "toolbox-docs.service"
    unit.write_text(UNIT.read_text(encoding="utf-8").replace("/opt/toolbox-docs/venv/bin/toolbox-docs",
                                                             str(program)), encoding="utf-8")
    result = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    # verify only warns (exit 0) about unknown keys or values it cannot parse: any output is a finding.
    assert result.stderr.strip() == "" and result.stdout.strip() == "", result.stderr + result.stdout


def test_unit_polls_the_mounted_share_and_keeps_state_local() -> None:
    entries = unit_entries()
    (exec_start,) = entries["ExecStart"]
    args = shlex.split(exec_start)
    assert args[0] == "/opt/toolbox-docs/venv/bin/toolbox-docs"
    ctx = watch_context(args[1:])
    (root,) = ctx.params["roots"]
    assert ctx.params["polling"] is True, "the share is a CIFS mount: --polling"
    assert entries["RequiresMountsFor"] == [str(root)], "started only with the share mounted"
    assert str(root) in entries["ReadWritePaths"][0].split()
    environment = dict(e.split("=", 1) for e in entries["Environment"])
    state = environment["TOOLBOX_STATE_DB"]
    assert state.startswith("/var/lib/toolbox-docs/") and entries["StateDirectory"] == ["toolbox-docs"]
    # Compiled templates: a folder systemd makes for the account alone (compiled.py runs nothing else).
    assert environment["TOOLBOX_CACHE_DIR"] == "/var/cache/toolbox-docs"
    assert entries["CacheDirectory"] == ["toolbox-docs"] and entries["CacheDirectoryMode"] == ["0700"]
    stop = int(entries["TimeoutStopSec"][0])
    assert stop > Limits().seconds_per_file, "stopping waits for the file in hand"
    assert entries["KillMode"] == ["mixed"], "SIGTERM to the service only; it stops its worker itself"


# --- Windows -------------------------------------------------------------------------------------------

# What WinSW 2.x documents (doc/xmlConfigFile.md, doc/loggingAndErrorReporting.md of winsw/winsw v2).
WINSW_ELEMENTS = {
    "id", "name", "description", "executable", "argument", "arguments", "startargument", "stopargument",
    "stopexecutable", "stoptimeout", "startmode", "delayedAutoStart", "depend", "logpath", "logmode", "log",
    "env", "interactive", "beeponshutdown", "download", "onfailure", "resetfailure", "securtityDescriptor",
    "serviceaccount", "workingdirectory", "priority", "stopparentprocessfirst", "waithint", "sleeptime",
    "extensions",
}
WINSW_ACCOUNT = {"domain", "user", "password", "allowservicelogon"}
WINSW_LOG_MODES = {"append", "reset", "none", "roll", "roll-by-size", "roll-by-time", "roll-by-size-time"}
DURATION = re.compile(r"(\d+) ?(sec|secs|min|mins|hour|hours|day|days)")
SECONDS = {"sec": 1, "secs": 1, "min": 60, "mins": 60, "hour": 3600, "hours": 3600, "day": 86400, "days": 86400}


def seconds(text: str) -> int:
    match = DURATION.fullmatch(text.strip())
    assert match, f"not a WinSW duration: {text!r}"
    return int(match.group(1)) * SECONDS[match.group(2)]


def test_winsw_configuration_is_what_winsw_2_reads() -> None:
    service = ET.parse(WINSW).getroot()
    assert service.tag == "service"
    unknown = {child.tag for child in service} - WINSW_ELEMENTS
    assert not unknown, f"elements WinSW 2.x does not know: {unknown}"
    text = {child.tag: (child.text or "").strip() for child in service}
    assert text["id"] == "toolbox-docs" and text["startmode"] == "Automatic"
    assert text["executable"].endswith(r"\venv\Scripts\toolbox-docs.exe")

    arguments = [(a.text or "").strip() for a in service.findall("argument")]
    assert "arguments" not in text, "one <argument> per argument (WinSW quotes them), not both forms"
    ctx = watch_context(arguments)
    (root,) = ctx.params["roots"]
    assert str(root).startswith("\\\\"), "a UNC path: a service sees no mapped drive letters"
    assert ctx.params["polling"] is True, "an SMB share: --polling"

    names = {env.get("name") for env in service.findall("env")}
    assert "TOOLBOX_STATE_DB" in names and names <= set(_ENV) | {"PYTHONUNBUFFERED"}, names
    assert all(env.get("value") for env in service.findall("env"))

    (log,) = service.findall("log")
    assert log.get("mode") in WINSW_LOG_MODES and log.get("mode") == "roll-by-size"
    assert {child.tag for child in log} == {"sizeThreshold", "keepFiles"}
    assert int(log.findtext("sizeThreshold", "")) * 1024 >= 1024 * 1024, "kB, at least a megabyte"

    assert seconds(text["stoptimeout"]) > Limits().seconds_per_file, "stopping waits for the file in hand"
    assert text["stopparentprocessfirst"] == "true", "Ctrl+C to the service first: it stops its worker itself"
    for failure in service.findall("onfailure"):
        assert failure.get("action") in {"restart", "reboot", "none"}
        seconds(failure.get("delay", "0 sec"))
    seconds(text["resetfailure"])

    (account,) = service.findall("serviceaccount")
    assert {child.tag for child in account} <= WINSW_ACCOUNT, "WinSW 2.x: domain and user, not username"
    assert account.findtext("domain") and account.findtext("user")
    assert account.findtext("user") != "LocalSystem"


def _windows_command_lines() -> list[list[str]]:
    """The toolbox-docs command lines in windows.md, split as cmd would (no quoted spaces in them)."""
    text = WINDOWS_MD.read_text(encoding="utf-8")
    found = []
    nssm = re.search(r'^nssm install toolbox-docs "%EXE%" (.+)$', text, re.MULTILINE)
    assert nssm, "the NSSM install line"
    found.append(nssm.group(1).split())
    scheduler = re.search(r'^\$arguments = "(.+)"$', text, re.MULTILINE)
    assert scheduler, "the Task Scheduler arguments"
    found.append(scheduler.group(1).split())
    runas = re.search(r'toolbox-docs\.exe\\" (watch [^"]+)"$', text, re.MULTILINE)
    assert runas, "the runas trial"
    found.append(runas.group(1).split())
    return found


def test_windows_command_lines_are_accepted_by_the_command_line() -> None:
    for args in _windows_command_lines():
        ctx = watch_context(args)
        assert ctx.params["polling"] is True, args


def test_windows_set_lines_leave_no_trailing_space() -> None:
    """`set NAME=value && …` keeps the space before && in the value; `set "NAME=value"` does not."""
    text = WINDOWS_MD.read_text(encoding="utf-8")
    unquoted = re.findall(r'(?im)(?:^|[\s"(&])set (?!"|\\")([A-Z_]+)=', text)
    assert not unquoted, f"set without quotes around NAME=value: {unquoted}"
    quoted = re.findall(r'set (?:\\"|")([A-Z_]+)=', text)
    assert {"TOOLBOX_STATE_DB", "EXE"} <= set(quoted), quoted


# --- log rotation --------------------------------------------------------------------------------------


@pytest.mark.slow
def test_logrotate_rotates_the_log_of_a_running_service(tmp_path: Path) -> None:
    need(shutil.which("logrotate") is not None, "logrotate is absent (Debian package logrotate)")
    logs = tmp_path / "log"
    logs.mkdir()
    log_file = logs / "watch.log"
    me = subprocess.run(["id", "-un"], capture_output=True, text=True, check=True).stdout.strip()
    group = subprocess.run(["id", "-gn"], capture_output=True, text=True, check=True).stdout.strip()
    config = tmp_path / "toolbox-docs.logrotate"
    config.write_text(LOGROTATE.read_text(encoding="utf-8")
                      .replace("/var/log/toolbox-docs/", f"{logs}/")
                      .replace("toolbox-docs toolbox-docs", f"{me} {group}"), encoding="utf-8")
    check = subprocess.run(["logrotate", "--debug", "--state", str(tmp_path / "state"), str(config)],
                           capture_output=True, text=True, timeout=60, check=False)
    assert check.returncode == 0 and "error" not in check.stderr.lower(), check.stderr

    root = make_root(tmp_path)
    watcher = Watcher(root, tmp_path / "watcher", args=("--log-file", str(log_file)))
    try:
        watcher.start()
        assert "Dienst gestart" in log_file.read_text(encoding="utf-8")
        rotated = subprocess.run(["logrotate", "--force", "--state", str(tmp_path / "state"), str(config)],
                                 capture_output=True, text=True, timeout=60, check=False)
        assert rotated.returncode == 0, rotated.stderr
        old = logs / "watch.log.1"
        assert old.is_file() and "Dienst gestart" in old.read_text(encoding="utf-8")

        intake = project(root, "Na het roteren") / INTAKE
        data = make_intake()
        save_like_excel(intake, data)
        watcher.wait_outcome(intake, "verwerkt", sha256=sha256_bytes(data))
        watcher.wait_for(lambda: log_file.is_file() and str(intake) in log_file.read_text(encoding="utf-8"),
                         deadline=30, what="the service to write into the new log file")
        assert str(intake) not in old.read_text(encoding="utf-8"), "the moved file gets no new lines"
        assert watcher.terminate() == 0
    finally:
        watcher.close()


# --- installing from a wheel -------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_wheel_built_from_the_repository_installs_and_runs(tmp_path: Path) -> None:
    """As deploy/linux.md says: `pip wheel --no-deps`, then install the wheel. Installed here without
    its dependencies into a folder of its own (they come from this environment), and run from there: the
    package and its data (templates, the worked example) come from the wheel, not from the checkout."""
    dist = tmp_path / "dist"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", str(dist), str(REPO)],
                           capture_output=True, text=True, timeout=600, check=False, env=cli_environment())
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = dist.glob("toolbox_docs-*-py3-none-any.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        assert "toolbox-docs = toolbox_docs.__main__:run" in archive.read(entry_points).decode()
    data = "toolbox_docs/_data/templates/"
    for needed in (f"{data}collegevoorstel.docx", f"{data}toolbox.voorbeeld.toml",
                   f"{data}teksten/participatieparagraaf.html.j2", "toolbox_docs/cli/dutch.py"):
        assert needed in names, needed

    site = tmp_path / "site"
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(site), str(wheel)],
                               capture_output=True, text=True, timeout=600, check=False, env=cli_environment())
    assert installed.returncode == 0, installed.stderr[-3000:]
    env = {"PYTHONPATH": str(site), "XDG_STATE_HOME": str(tmp_path / "state")}
    where = subprocess.run([sys.executable, "-c", "import toolbox_docs; print(toolbox_docs.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, env=cli_environment(env), check=True)
    assert Path(where.stdout.strip()).is_relative_to(site), where.stdout

    root = tmp_path / "Participatie"
    init = run_cli("init", root, cwd=tmp_path, env=env)
    assert init.returncode == 0, init.stderr
    assert (root / "Sjablonen" / "collegevoorstel.docx").read_bytes() == \
        (REPO / "templates" / "collegevoorstel.docx").read_bytes()
    example = next((site / "toolbox_docs" / "_data" / "watch_folders").rglob("intake.xlsx"))
    assert run_cli("validate", example, cwd=tmp_path, env=env).returncode == 0
    assert run_cli("--version", cwd=tmp_path, env=env).stdout.startswith("toolbox-docs, versie 0.")
    # The console script the wheel installs (the lean entry, cli/entry.py) runs the same command line.
    script = site / "bin" / "toolbox-docs"
    assert script.is_file(), sorted(p.name for p in site.iterdir())
    version = subprocess.run([str(script), "--version"], capture_output=True, text=True, cwd=tmp_path,
                             env=cli_environment(env), timeout=120, check=False)
    assert version.returncode == 0 and version.stdout.startswith("toolbox-docs, versie 0."), version.stderr
