"""(b) batch validation of N intakes versus plain readers of the same files, with equal parallelism.

Batch validation is the command an admin runs, as a subprocess: ``toolbox-docs validate --jobs 2 --format
junit --output FILE SHARE`` (interpreter start-up, folder scan, worker start-up and the report included).
The baselines run the same way: a subprocess with two forked workers (``read_loop.py``) that only read each
workbook, every cell of every sheet, nothing checked or written: openpyxl in its fastest mode
(``load_workbook(read_only=True)``) and python-calamine (a reader in Rust, the fastest there is: the limit).
Every tenth file is broken on purpose (see ``intakes.py``); the readers skip those.

Compared: wall time, and CPU time of all processes of a run (main process and workers), per file. CPU per
file is given with the start-up (the run's CPU / N) and without it (CPU of the run minus CPU of the same
command over an empty share, / N): the work per file. The target is on the work per file: validate at most
twice calamine's read of the same file. Each validate run's JUnit report is parsed and its counts checked.
The peak memory (RSS) of the validate run is sampled to show it stays flat from N to 10,000 files.

Where validate's time goes, in one process over the distinct valid workbooks (CPU, best of a few tries
each): calamine reading every sheet; lxml parsing exactly the XML parts the reader parses (recorded from
one read), and nothing else: the floor of a reader built on lxml's tree; ``read_form``; the whole check.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import intakes
from common import Samples, interleaved, ms, timed, verdict
from read_loop import read_calamine

from toolbox_docs.forms.check import WorkbookStatus

TARGET_CPU_VS_CALAMINE = 2.0
READ_LOOP = Path(__file__).resolve().parent / "read_loop.py"
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
    failures = files - expected[WorkbookStatus.VALID]
    if int(suite.get("tests", "-1")) != files or int(suite.get("failures", "-1")) != failures:
        raise RuntimeError(f"validate counted {suite.attrib}, expected {dict(expected)}")
    return highest


def calamine_available() -> bool:
    return importlib.util.find_spec("python_calamine") is not None


def run_reader(reader: str, listing: Path, cpu: list[float] | None = None) -> None:
    """One baseline run (a subprocess, two workers); adds its CPU seconds to ``cpu``."""
    before = _children_cpu()
    result = subprocess.run([sys.executable, str(READ_LOOP), "--reader", reader, "--jobs", "2", str(listing)],
                            capture_output=True, text=True, check=False)
    if cpu is not None:
        cpu.append(_children_cpu() - before)
    if result.returncode != 0:
        raise RuntimeError(f"read_loop {reader} exited {result.returncode}: {result.stderr[-2000:]}")


def _startup_cpu(work: Path, readers: list[str], rounds: int) -> dict[str, float]:
    """CPU seconds of each command over nothing: an empty share, an empty list (medians)."""
    empty = work / "empty-share"
    empty.mkdir(exist_ok=True)
    listing = work / "empty-list.txt"
    listing.write_text("", encoding="utf-8")
    cpu: dict[str, list[float]] = {"validate": [], **{r: [] for r in readers}}
    for _ in range(rounds):
        before = _children_cpu()
        subprocess.run(validate_command(empty, work / "empty.xml"), capture_output=True, check=False)
        cpu["validate"].append(_children_cpu() - before)
        for reader in readers:
            run_reader(reader, listing, cpu[reader])
    return {name: statistics.median(values) for name, values in cpu.items()}


def _parts_parsed(data: bytes, limits: Any) -> list[bytes]:
    """The XML parts ``read_form`` hands to lxml for one workbook, recorded by wrapping lxml's entry points."""
    from lxml import etree

    import toolbox_docs.share.ooxml as ooxml
    from toolbox_docs.forms.xlsx_read import read_form

    parsed: list[bytes] = []

    class Recording:
        def __getattr__(self, name: str) -> Any:
            return getattr(etree, name)

        def fromstring(self, text: bytes, parser: Any = None) -> Any:
            parsed.append(text)
            return etree.fromstring(text, parser)

        def iterparse(self, source: Any, **options: Any) -> Any:
            parsed.append(source.getvalue())
            return etree.iterparse(source, **options)

    ooxml.etree = Recording()  # type: ignore[assignment]
    try:
        read_form(data, limits=limits)
    finally:
        ooxml.etree = etree
    return parsed


def _best_cpu_ms(action: Any, tries: int) -> float:
    """The least CPU one call of ``action`` took, in ms (ten calls per try, against the clock's grain)."""
    best = float("inf")
    for _ in range(tries):
        start = time.process_time()
        for _ in range(10):
            action()
        best = min(best, (time.process_time() - start) / 10)
    return best * 1000


def _steps_of(data: bytes, settings: Any, parser: Any, tries: int) -> dict[str, float]:
    """The best CPU (ms) of each step for one workbook."""
    from lxml import etree

    from toolbox_docs.forms.check import check_with_settings
    from toolbox_docs.forms.xlsx_read import read_form

    parts = _parts_parsed(data, settings.limits)
    steps = {
        "lxml_parse": _best_cpu_ms(lambda: [etree.fromstring(part, parser) for part in parts], tries),
        "read_form": _best_cpu_ms(lambda: read_form(data, limits=settings.limits), tries),
        "check": _best_cpu_ms(lambda: check_with_settings(data, settings), tries),
    }
    if calamine_available():
        steps["calamine"] = _best_cpu_ms(lambda: read_calamine(io.BytesIO(data)), tries)
    return steps


def one_process(valid: list[intakes.Kind], *, tries: int) -> dict[str, Any]:
    """Mean over the distinct valid workbooks of the best CPU of: calamine reading every sheet, lxml parsing
    the parts the reader parses (nothing else), ``read_form``, and the whole check."""
    from lxml import etree

    from toolbox_docs.settings import load_settings
    from toolbox_docs.share.ooxml import _HARDENED

    settings = load_settings()
    parser = etree.XMLParser(**_HARDENED)
    measured = [_steps_of(kind.data, settings, parser, tries) for kind in valid]
    means = {name: round(statistics.fmean(m[name] for m in measured), 3) for name in measured[0]}
    return {"workbooks": len(valid), "tries": tries, "mean_ms": means,
            "lxml_parse_vs_calamine": round(means["lxml_parse"] / means["calamine"], 2)
            if "calamine" in means else None}


def run(work: Path, *, files: int, rounds: int, large: bool, log: Any) -> dict[str, Any]:
    valid, broken = intakes.valid_kinds(), intakes.broken_kinds()
    share = work / "share"
    expected = intakes.write_share(share, files, valid=valid, broken=broken)
    paths = intakes.intake_paths(share, files)
    listing = work / "files.txt"
    listing.write_text("".join(f"{p}\n" for p in paths), encoding="utf-8")
    report = work / "validate.xml"
    peaks: list[int] = []
    readers = ["openpyxl", "calamine"] if calamine_available() else ["openpyxl"]
    cpu: dict[str, list[float]] = {"validate": [], **{r: [] for r in readers}}

    def validate() -> None:
        peaks.append(run_validate(share, report, expected, cpu["validate"]))

    actions: list[tuple[str, Any]] = [("validate --jobs 2", validate)]
    for reader in readers:
        actions.append((f"{reader} --jobs 2", lambda reader=reader: run_reader(reader, listing, cpu[reader])))
    log(f"(b) validate vs {' and '.join(readers)} (each as a subprocess with 2 workers) over {files:,} files: "
        f"{rounds} rounds ...")
    samples = dict(zip(["validate", *readers], interleaved(actions, rounds=rounds), strict=True))
    startup = _startup_cpu(work, readers, rounds)
    medians = {name: statistics.median(values) for name, values in cpu.items()}
    per_file = {name: {"with_startup_ms": round(medians[name] / files * 1000, 3),
                       "without_startup_ms": round(max(medians[name] - startup[name], 0.0) / files * 1000, 3)}
                for name in medians}

    def ratio(name: str, key: str) -> float | None:
        if name not in per_file or per_file[name][key] <= 0:
            return None
        return round(per_file["validate"][key] / per_file[name][key], 2)

    versus_calamine = ratio("calamine", "without_startup_ms")
    result: dict[str, Any] = {
        "what": "`python -m toolbox_docs validate --jobs 2 --format junit --output FILE SHARE` versus "
                "`read_loop.py --jobs 2` with openpyxl (load_workbook(read_only=True), every cell) and with "
                "python-calamine (every cell), each a subprocess with two forked workers over the same files",
        "files": files,
        "expected": dict(expected),
        "validate": samples["validate"].as_dict(),
        "openpyxl_read_only": samples["openpyxl"].as_dict(),
        "calamine": samples["calamine"].as_dict() if "calamine" in samples else None,
        "calamine_absent": None if "calamine" in samples else
        "python-calamine is not installed (pip install '.[bench]'): no comparison with the limit",
        "wall_ratio_vs_openpyxl": round(samples["validate"].median / samples["openpyxl"].median, 2),
        "cpu_seconds": {name: round(value, 2) for name, value in medians.items()},
        "startup_cpu_seconds": {name: round(value, 2) for name, value in startup.items()},
        "cpu_per_file": per_file,
        "cpu_ratios": {
            "vs_openpyxl_read_only": ratio("openpyxl", "without_startup_ms"),
            "vs_calamine": versus_calamine,
            "vs_openpyxl_read_only_with_startup": ratio("openpyxl", "with_startup_ms"),
            "vs_calamine_with_startup": ratio("calamine", "with_startup_ms"),
        },
        # The headline: validate's CPU per file (start-up left out) over calamine's; None without calamine.
        "ratio": versus_calamine,
        "peak_rss_mb": round(max(peaks) / MB, 1),
        "one_process": one_process(valid, tries=max(3, rounds)),
        "large": None,
        "targets": {"cpu_vs_calamine_at_most": TARGET_CPU_VS_CALAMINE,
                    "ratio_met": None if versus_calamine is None else versus_calamine <= TARGET_CPU_VS_CALAMINE,
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
    targets, per_file, ratios = result["targets"], result["cpu_per_file"], result["cpu_ratios"]
    out = [
        f"(b) batch validation of {result['files']:,} intakes vs plain readers, each a subprocess with 2 workers "
        f"(every 10th broken: {result['expected']})",
        "    wall time, medians:",
    ]
    walls = [("validate --jobs 2", result["validate"]), ("openpyxl read_only", result["openpyxl_read_only"]),
             ("calamine", result["calamine"])]
    for name, samples in walls:
        if samples is not None:
            out.append(f"      {name:22s} {ms(samples['median_ms'] / 1000):>12}  ({samples['rounds']} rounds)")
    out.append(f"      validate / openpyxl read_only: {result['wall_ratio_vs_openpyxl']:.2f}×   (peak RSS of "
               f"validate {result['peak_rss_mb']:.0f} MB)")
    out.append("    CPU per file, all processes, medians (with start-up | without: minus the run over nothing):")
    for name, label in (("validate", "validate --jobs 2"), ("openpyxl", "openpyxl read_only"),
                        ("calamine", "calamine")):
        if name in per_file:
            out.append(f"      {label:22s} {per_file[name]['with_startup_ms']:8.2f} ms | "
                       f"{per_file[name]['without_startup_ms']:8.2f} ms   (start-up "
                       f"{result['startup_cpu_seconds'][name]:.2f} s CPU)")

    def times(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.2f}×"

    out.append(f"      validate / openpyxl read_only: {times(ratios['vs_openpyxl_read_only'])} "
               f"(with start-up {times(ratios['vs_openpyxl_read_only_with_startup'])});   validate / calamine: "
               f"{times(ratios['vs_calamine'])} (with start-up {times(ratios['vs_calamine_with_startup'])})")
    if result["calamine_absent"]:
        out.append(f"      {result['calamine_absent']}")
    out.append(f"    target: CPU per file ≤ {targets['cpu_vs_calamine_at_most']:.0f}× calamine's: "
               f"{verdict(targets['ratio_met'])}")
    alone = result["one_process"]
    steps = alone["mean_ms"]
    out.append(f"    in one process, CPU per workbook (mean over the {alone['workbooks']} distinct valid ones, best of "
               f"{alone['tries']} tries each):")
    if "calamine" in steps:
        out.append(f"      calamine, every sheet                 {steps['calamine']:8.3f} ms")
    out.append(f"      lxml parsing the parts validate reads {steps['lxml_parse']:8.3f} ms"
               + (f"   ({alone['lxml_parse_vs_calamine']:.2f}× calamine: the floor of a reader on lxml's tree)"
                  if alone["lxml_parse_vs_calamine"] is not None else ""))
    out.append(f"      read_form (zip, DTD scan, parse, cells) {steps['read_form']:6.3f} ms")
    out.append(f"      the whole check (read and validate)    {steps['check']:7.3f} ms")
    large = result["large"]
    if large is None:
        out.append(f"    {LARGE:,} files: skipped (--quick, --smoke)")
    else:
        out.append(f"    {large['files']:,} files: validate median {large['validate']['median_ms'] / 1000:.1f} s "
                   f"({large['per_file_ms']:.2f} ms/file, {large['validate']['rounds']} rounds; peak RSS "
                   f"{large['peak_rss_mb']:.0f} MB)   target < {targets['large_seconds_below']:.0f} s: "
                   f"{verdict(targets['large_met'])}")
    return out
