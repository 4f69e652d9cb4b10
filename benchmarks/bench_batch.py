"""(b) batch validation of N intakes versus a plain loop of ``openpyxl.load_workbook`` over the same files.

Batch validation is the command an admin runs, as a subprocess: ``toolbox-docs validate --jobs 2 --format
junit --output FILE SHARE`` (interpreter start-up, folder scan, worker start-up and the report included).
The plain loop runs in this (already warm) process and only loads each workbook: nothing is checked or
written. Every tenth file is broken on purpose (see ``intakes.py``); openpyxl's errors on those are caught.
Each validate run's JUnit report is parsed and its counts checked. The peak memory (RSS) of the validate
run, main process and workers together, is sampled to show it stays flat from N to 10,000 files.
"""

from __future__ import annotations

import contextlib
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
import warnings
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import intakes
from common import Samples, interleaved, ms, timed, verdict

from toolbox_docs.forms.check import VALID

TARGET_RATIO = 10.0
TARGET_LARGE_SECONDS = 30.0
LARGE = 10_000
MB = 1024 * 1024


def validate_command(share: Path, report: Path) -> list[str]:
    return [sys.executable, "-m", "toolbox_docs", "validate", "--jobs", "2", "--format", "junit",
            "--output", str(report), str(share)]


class _PeakMemory:
    """The highest total RSS of a process and its children, sampled every 20 ms while it runs."""

    def __init__(self, pid: int) -> None:
        import psutil

        self.process = psutil.Process(pid)
        self.peak = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        import psutil

        while not self.stop.is_set():
            try:
                total = self.process.memory_info().rss
                for child in self.process.children(recursive=True):
                    with contextlib.suppress(psutil.Error):
                        total += child.memory_info().rss
            except psutil.Error:
                return
            self.peak = max(self.peak, total)
            self.stop.wait(0.02)

    def close(self) -> int:
        self.stop.set()
        self.thread.join()
        return self.peak


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_validate(share: Path, report: Path, expected: Counter[str], cpu: list[float] | None = None) -> int:
    """One validate run; checks its exit code and the JUnit counts; returns the peak RSS in bytes and adds
    the CPU seconds of the run (main process and workers) to ``cpu``."""
    before = _children_cpu()
    process = subprocess.Popen(validate_command(share, report), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = _PeakMemory(process.pid)
    _, err = process.communicate()
    highest = peak.close()
    if cpu is not None:
        cpu.append(_children_cpu() - before)
    if process.returncode != 1:  # the share has broken files on purpose: "problems found"
        raise RuntimeError(f"validate exited {process.returncode}: {err.decode(errors='replace')[-2000:]}")
    suite = ET.parse(report).getroot()
    files = sum(expected.values())
    if int(suite.get("tests", "-1")) != files or int(suite.get("failures", "-1")) != files - expected[VALID]:
        raise RuntimeError(f"validate counted {suite.attrib}, expected {dict(expected)}")
    return highest


def run(work: Path, *, files: int, rounds: int, large: bool, log: Any) -> dict[str, Any]:
    import openpyxl

    valid, broken = intakes.valid_kinds(), intakes.broken_kinds()
    share = work / "share"
    expected = intakes.write_share(share, files, valid=valid, broken=broken)
    paths = intakes.intake_paths(share, files)
    report = work / "validate.xml"
    peaks: list[int] = []
    cpu: dict[str, list[float]] = {"validate": [], "openpyxl_loop": []}

    def validate() -> None:
        peaks.append(run_validate(share, report, expected, cpu["validate"]))

    def plain_loop() -> None:
        started = time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for path in paths:
                with contextlib.suppress(Exception):  # the broken files: a plain loop must get past them
                    openpyxl.load_workbook(path)
        cpu["openpyxl_loop"].append(time.process_time() - started)

    log(f"(b) validate vs openpyxl loop over {files:,} files: {rounds} rounds ...")
    checked, loop = interleaved([("validate --jobs 2", validate), ("openpyxl.load_workbook loop", plain_loop)],
                                rounds=rounds)
    ratio = loop.median / checked.median
    result: dict[str, Any] = {
        "what": "`python -m toolbox_docs validate --jobs 2 --format junit --output FILE SHARE` as a subprocess "
                "(start-up included) versus an in-process loop of openpyxl.load_workbook over the same files",
        "files": files,
        "expected": dict(expected),
        "validate": checked.as_dict(),
        "openpyxl_loop": loop.as_dict(),
        "ratio": round(ratio, 2),
        "per_file_ms": {"validate": round(checked.median / files * 1000, 3),
                        "openpyxl_loop": round(loop.median / files * 1000, 3)},
        "peak_rss_mb": round(max(peaks) / MB, 1),
        # CPU seconds (all processes of the run): what the wall-clock times would approach on an idle machine
        # (validate: about half, on two cores); shown because other work on a shared machine moves wall time.
        "cpu_seconds": {name: round(statistics.median(values), 2) for name, values in cpu.items()},
        "large": None,
        "targets": {"ratio_at_least": TARGET_RATIO, "ratio_met": ratio >= TARGET_RATIO,
                    "large_files": LARGE, "large_seconds_below": TARGET_LARGE_SECONDS, "large_met": None},
    }
    shutil.rmtree(share)
    if large:
        result["large"] = _large(work, valid, broken, rounds=rounds, log=log)
        result["targets"]["large_met"] = result["large"]["validate"]["median_ms"] / 1000 < TARGET_LARGE_SECONDS
    return result


def _large(work: Path, valid: list[intakes.Kind], broken: list[intakes.Kind], *, rounds: int, log: Any
           ) -> dict[str, Any]:
    share = work / "share-large"
    expected = intakes.write_share(share, LARGE, valid=valid, broken=broken)
    report = work / "validate-large.xml"
    log(f"(b) validate over {LARGE:,} files: {rounds} rounds ...")
    samples = Samples("validate --jobs 2")
    peaks = []
    for _ in range(rounds):
        peak: list[int] = []
        samples.seconds.append(timed(lambda: peak.append(run_validate(share, report, expected))))  # noqa: B023
        peaks.append(peak[0])
    shutil.rmtree(share)
    return {"files": LARGE, "expected": dict(expected), "validate": samples.as_dict(),
            "per_file_ms": round(samples.median / LARGE * 1000, 3), "peak_rss_mb": round(max(peaks) / MB, 1)}


def lines(result: dict[str, Any]) -> list[str]:
    checked, loop, targets = result["validate"], result["openpyxl_loop"], result["targets"]
    out = [
        f"(b) batch validation of {result['files']:,} intakes vs a plain openpyxl.load_workbook loop "
        f"(every 10th broken: {result['expected']})",
        f"    validate --jobs 2 (subprocess)  median {ms(checked['median_ms'] / 1000):>12}  "
        f"({result['per_file_ms']['validate']:.2f} ms/file, {checked['rounds']} rounds; peak RSS "
        f"{result['peak_rss_mb']:.0f} MB)",
        f"    openpyxl.load_workbook loop     median {ms(loop['median_ms'] / 1000):>12}  "
        f"({result['per_file_ms']['openpyxl_loop']:.2f} ms/file)",
        f"    ratio {result['ratio']:.1f}× faster   target ≥ {targets['ratio_at_least']:.0f}×: "
        f"{verdict(targets['ratio_met'])}",
        f"    (CPU time, all processes, medians: validate {result['cpu_seconds']['validate']:.1f} s, openpyxl loop "
        f"{result['cpu_seconds']['openpyxl_loop']:.1f} s: validate needs "
        f"{result['cpu_seconds']['openpyxl_loop'] / max(result['cpu_seconds']['validate'], 1e-9):.1f}× less CPU)",
    ]
    large = result["large"]
    if large is None:
        out.append(f"    {LARGE:,} files: skipped (--quick)")
    else:
        out.append(f"    {large['files']:,} files: validate median {large['validate']['median_ms'] / 1000:.1f} s "
                   f"({large['per_file_ms']:.2f} ms/file, {large['validate']['rounds']} rounds; peak RSS "
                   f"{large['peak_rss_mb']:.0f} MB)   target < {targets['large_seconds_below']:.0f} s: "
                   f"{verdict(targets['large_met'])}")
    return out
