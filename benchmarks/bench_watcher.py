"""(d) the watcher: latency from a completed save to the outputs, and the service's memory over many files.

The service runs as an admin runs it: ``python -m toolbox_docs watch ROOT`` as a subprocess, with the
root's ``toolbox.toml`` setting ``[dienst] stabiliteit_seconden`` (the stability delay: how long a file must
stand still before it is taken), ``herscan_seconden`` and ``statusbestand``.

Latency: an intake is written to a temp file in its project folder and renamed over ``intake.xlsx``
(``os.replace``, as Excel saves); the clock starts at the rename and stops when the outputs (proposal,
plan, evaluation workbook) are all present: they are published in that order by atomic renames, so the
evaluation workbook present means all are, complete. One file at a time; median over several files,
measured on a fresh share and again after the memory run (when the register holds all those projects).

Memory: RSS of the service process and of its worker child (psutil), after a warm-up, and again after
the given number of further intakes (dropped into their project folders at once) are all processed; each
time at rest, once the worker has written the register (which it does when idle), and, for reference,
also right after the last file's outputs appear.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import intakes
from common import ms, verdict

TARGET_GROWTH_MB = 30.0
TARGET_EXTRA_SECONDS = 1.0
# The pipeline publishes the proposal (college- or raadsvoorstel, or none when the intake says so), then the
# plan, then the evaluation workbook: the last one present means all are.
LAST = " - evaluatie.xlsx"  # the last output written; named after the project (outputs.output_stem)
MB = 1024 * 1024


class Service:
    def __init__(self, root: Path, log_path: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TOOLBOX_")}
        env["TOOLBOX_CACHE_DIR"] = str(log_path.parent / "templates")  # compiled templates: the benchmark's own
        self.log_path = log_path
        with log_path.open("wb") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "toolbox_docs", "watch", str(root)],
                                            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                            env=env, cwd=log_path.parent, start_new_session=True)

    def rss(self) -> dict[str, float]:
        """RSS in MB of the service and its worker (the child that runs the pipeline), and the worker's pid."""
        import psutil

        service = psutil.Process(self.process.pid)
        found = {"service": service.memory_info().rss / MB}
        for child in service.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                if "spawn_main" in " ".join(child.cmdline()):
                    found["worker"] = child.memory_info().rss / MB
                    found["worker_pid"] = child.pid
        return found

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)

    def log_tail(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
        except OSError:
            return ""


def _register_projects(root: Path) -> int:
    """Rows in both sheets of the root's projectenregister.xlsx (-1 while it is absent or being replaced)."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(root / "projectenregister.xlsx", read_only=True)
    except Exception:  # absent, or caught between the worker's temp file and its rename
        return -1
    try:
        return sum(sum(1 for _ in ws.iter_rows(min_row=2, max_col=1, values_only=True)) for ws in wb.worksheets)
    finally:
        wb.close()


def _wait(condition: Any, *, deadline: float, what: str, service: Service, interval: float = 0.01) -> None:
    end = time.monotonic() + deadline
    while not condition():
        if service.process.poll() is not None:
            raise RuntimeError(f"the service stopped while waiting for {what}:\n{service.log_tail()}")
        if time.monotonic() > end:
            raise RuntimeError(f"timed out after {deadline:.0f} s waiting for {what}:\n{service.log_tail()}")
        time.sleep(interval)


def _done(folder: Path) -> bool:
    return any(name.endswith(LAST) for name in os.listdir(folder))


def _latencies(root: Path, label: str, count: int, kinds: list[intakes.Kind], service: Service, stability: float
               ) -> list[float]:
    found = []
    for number in range(count):
        folder = root / "Projecten" / f"{label} {number:02d}"
        folder.mkdir(parents=True)
        time.sleep(0.2)  # let the folder's own event pass, as when a person makes a folder and saves later
        temp = folder / "5A3F9C21"  # Excel's extension-less temp name, which the service ignores
        temp.write_bytes(kinds[number % len(kinds)].data)
        os.replace(temp, folder / intakes.INTAKE_NAME)
        saved = time.monotonic()
        _wait(lambda: _done(folder), deadline=60 + 10 * stability, what=f"the outputs in {folder.name}",  # noqa: B023
              service=service)
        found.append(time.monotonic() - saved)
    return found


def run(work: Path, *, files: int, warm_up: int, latency_files: int, stability: float, log: Any) -> dict[str, Any]:
    import statistics

    root = work / "Participatie"
    (root / "Projecten").mkdir(parents=True)
    (root / "toolbox.toml").write_text(
        "# Written by benchmarks/bench_watcher.py\n[dienst]\n"
        f"stabiliteit_seconden = {stability}\nherscan_seconden = 60\n"
        'statusbestand = ".toolbox/state.sqlite"\n', encoding="utf-8")
    kinds = intakes.valid_kinds()
    bulk = [root / "Projecten" / f"Bulk {number:05d}" for number in range(warm_up + files)]
    for folder in bulk:
        folder.mkdir()
    service = Service(root, work / "watch.log")
    try:
        _wait(lambda: "worker" in service.rss(), deadline=120, what="the service and its worker", service=service,
              interval=0.1)
        log(f"(d) watcher latency: {latency_files} files one at a time (stability delay {stability:g} s) ...")
        fresh = _latencies(root, "Latentie", latency_files, kinds, service, stability)

        def drop(folders: list[Path]) -> None:
            for number, folder in enumerate(folders):
                (folder / intakes.INTAKE_NAME).write_bytes(kinds[number % len(kinds)].data)

        def all_done(folders: list[Path]) -> None:
            pending = list(folders)

            def check() -> bool:
                while pending and _done(pending[-1]):
                    pending.pop()
                return not pending

            _wait(check, deadline=120 + 5.0 * len(folders), what=f"{len(folders)} intakes processed",
                  service=service, interval=1.0)

        def idle(projects: int) -> None:
            """Until the worker has written the register with all ``projects``: it does so once it is idle,
            so memory is compared at rest, not in the middle of that export."""
            _wait(lambda: _register_projects(root) >= projects, deadline=120, what=f"{projects} projects in "
                  "the register", service=service, interval=0.5)

        log(f"(d) watcher memory: {warm_up} files to warm up ...")
        drop(bulk[:warm_up])
        all_done(bulk[:warm_up])
        idle(latency_files + warm_up)
        before = service.rss()
        log(f"(d) watcher memory: {files:,} files ...")
        started = time.monotonic()
        drop(bulk[warm_up:])
        all_done(bulk[warm_up:])
        took = time.monotonic() - started
        busy = service.rss()
        idle(latency_files + warm_up + files)
        after = service.rss()
        log(f"(d) watcher latency again, with {warm_up + files + latency_files:,} projects on the share ...")
        full = _latencies(root, "Latentie later", latency_files, kinds, service, stability)
    finally:
        service.stop()
    growth = sum(after.get(k, 0.0) - before.get(k, 0.0) for k in ("service", "worker"))
    median_fresh, median_full = statistics.median(fresh), statistics.median(full)
    result = {
        "what": "`python -m toolbox_docs watch ROOT` as a subprocess; latency from os.replace of a finished "
                "intake to its outputs present (proposal, plan, evaluation workbook); RSS of the service and "
                "its worker (psutil)",
        "stability_delay_s": stability,
        "latency": {"fresh_share": {"median_ms": round(median_fresh * 1000, 1), "files": len(fresh),
                                    "all_ms": [round(x * 1000) for x in fresh]},
                    "after_memory_run": {"median_ms": round(median_full * 1000, 1), "files": len(full),
                                         "all_ms": [round(x * 1000) for x in full]}},
        "memory": {"warm_up_files": warm_up, "files": files, "seconds": round(took, 1),
                   "files_per_second": round(files / took, 2) if took else None,
                   "before_mb": {k: round(before.get(k, 0.0), 1) for k in ("service", "worker")},
                   "after_mb": {k: round(after.get(k, 0.0), 1) for k in ("service", "worker")},
                   "growth_mb": round(growth, 1),
                   "right_after_last_file_mb": {k: round(busy.get(k, 0.0), 1) for k in ("service", "worker")},
                   "worker_replaced": before.get("worker_pid") != after.get("worker_pid")},
        "targets": {"latency_at_most_s": stability + TARGET_EXTRA_SECONDS,
                    "latency_met": max(median_fresh, median_full) <= stability + TARGET_EXTRA_SECONDS,
                    "growth_below_mb": TARGET_GROWTH_MB,
                    "growth_met": growth < TARGET_GROWTH_MB and before.get("worker_pid") == after.get("worker_pid")},
    }
    shutil.rmtree(root, ignore_errors=True)
    return result


def lines(result: dict[str, Any]) -> list[str]:
    latency, memory, targets = result["latency"], result["memory"], result["targets"]
    fresh, full = latency["fresh_share"], latency["after_memory_run"]
    before, after = memory["before_mb"], memory["after_mb"]
    return [
        f"(d) the watcher (stability delay {result['stability_delay_s']:g} s)",
        f"    latency save → outputs, fresh share     median {ms(fresh['median_ms'] / 1000):>10}  "
        f"({fresh['files']} files: {', '.join(str(x) for x in fresh['all_ms'])} ms)",
        f"    latency after the memory run          median {ms(full['median_ms'] / 1000):>10}  "
        f"({full['files']} files: {', '.join(str(x) for x in full['all_ms'])} ms)",
        f"    target ≤ stability delay + 1 s = {targets['latency_at_most_s']:g} s: {verdict(targets['latency_met'])}",
        f"    memory (RSS) after {memory['warm_up_files']} warm-up files → after {memory['files']:,} more "
        f"({memory['seconds']:.0f} s, {memory['files_per_second']} files/s):",
        f"      service {before.get('service', 0):.1f} → {after.get('service', 0):.1f} MB,  worker "
        f"{before.get('worker', 0):.1f} → {after.get('worker', 0):.1f} MB,  growth {memory['growth_mb']:+.1f} MB   "
        f"target < {targets['growth_below_mb']:.0f} MB: {verdict(targets['growth_met'])}"
        + ("   (WARNING: the worker was replaced in between)" if memory["worker_replaced"] else ""),
        f"      (both measured at rest, once the register is written; right after the last file's outputs: "
        f"service {memory['right_after_last_file_mb']['service']:.1f} MB, worker "
        f"{memory['right_after_last_file_mb']['worker']:.1f} MB)",
    ]
