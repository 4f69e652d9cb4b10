"""The benchmark of issues 7 and 15: five comparisons, side by side in one run, as medians and ratios.

    python benchmarks/run.py            # the full run (about half an hour: (d) processes 2,000 intakes)
    python benchmarks/run.py --quick    # a short run (about two minutes), smaller numbers
    python benchmarks/run.py --smoke    # the smallest run through all five, for the tests (numbers mean little)
    python benchmarks/run.py --json     # the same, as JSON on stdout (progress goes to stderr)

Needs the bench extra: ``pip install '.[bench]'`` (docxtpl, psutil, python-calamine). Generates its
intakes in a temporary folder (``--keep DIR`` to keep them). On a shared, noisy machine: the compared
runs take turns within each round and only medians are compared; ratios are reported, never asserted. Comparisons:

(a) ``process`` of one intake end to end (``process_file``, in-process, warm) vs the I/O floor (the same
    reads, writes, fsyncs and SQLite writes, nothing computed);
(b) ``toolbox-docs validate --jobs 2 --format junit`` over N intakes vs openpyxl (read_only) and
    python-calamine reading the same files, each a subprocess with two workers: wall time and CPU per file;
    and validate over 10,000 intakes;
(c) writing the paragraph into the proposal (``write_section``) vs docxtpl with the same content;
(d) the watcher: latency from a completed save to the outputs, next to the stability delay; and the
    memory (RSS) of the service and its worker before and after 2,000 intakes;
(e) cold start: ``toolbox-docs process FILE`` as a whole process vs a script that only opens and saves the
    same files with openpyxl and python-docx (CPU).

``benchmarks/README.md`` says what each compares and what was measured.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import bench_batch  # noqa: E402
import bench_coldstart  # noqa: E402
import bench_paragraph  # noqa: E402
import bench_process  # noqa: E402
import bench_watcher  # noqa: E402
import intakes  # noqa: E402

FULL = {"process_rounds": 15, "batch_files": 2000, "batch_rounds": 3, "large": True, "paragraph_rounds": 15,
        "stability": 2.0, "latency_files": 7, "watch_warm_up": 100, "watch_files": 2000, "coldstart_rounds": 9}
QUICK = {"process_rounds": 5, "batch_files": 200, "batch_rounds": 3, "large": False, "paragraph_rounds": 5,
         "stability": 0.5, "latency_files": 3, "watch_warm_up": 10, "watch_files": 40, "coldstart_rounds": 3}
# The smallest run that goes through every comparison (tests/test_benchmark_smoke.py checks the report's
# shape with it); its numbers mean little.
SMOKE = {"process_rounds": 2, "batch_files": 40, "batch_rounds": 1, "large": False, "paragraph_rounds": 2,
         "stability": 0.5, "latency_files": 1, "watch_warm_up": 5, "watch_files": 10, "coldstart_rounds": 1}
SECTIONS = ("process", "batch", "paragraph", "watcher", "coldstart")


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a short run with smaller numbers")
    parser.add_argument("--smoke", action="store_true",
                        help="the smallest run through every comparison (for the tests; the numbers mean little)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON (progress on stderr)")
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"comma-separated subset of {', '.join(SECTIONS)} (default: all)")
    parser.add_argument("--batch-files", type=int, help="N for (b) (default 2,000; --quick 200)")
    parser.add_argument("--watch-files", type=int, help="intakes for (d)'s memory run (default 2,000; --quick 40)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    return parser.parse_args(argv)


def machine() -> dict[str, Any]:
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "load_average_at_start": [round(x, 2) for x in load] if load else None,
            "started": dt.datetime.now().isoformat(timespec="seconds")}


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    settings = dict(SMOKE if args.smoke else QUICK if args.quick else FULL)
    if args.batch_files:
        settings["batch_files"] = args.batch_files
    if args.watch_files:
        settings["watch_files"] = args.watch_files
    wanted = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(wanted) - set(SECTIONS)
    if unknown:
        raise SystemExit(f"unknown section(s): {', '.join(sorted(unknown))}")
    stream = sys.stderr if args.json else sys.stdout

    def log(text: str) -> None:
        print(f"  … {text}", file=sys.stderr, flush=True)

    work = args.keep or Path(tempfile.mkdtemp(prefix="toolbox-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    results: dict[str, Any] = {"machine": machine(), "quick": args.quick or args.smoke, "smoke": args.smoke,
                               "settings": settings,
                               "comparisons": {}}
    try:
        example = intakes.valid_kinds()[0].data  # the worked example
        if "process" in wanted:
            results["comparisons"]["process"] = bench_process.run(
                work / "process", example, rounds=settings["process_rounds"], log=log)
        if "batch" in wanted:
            results["comparisons"]["batch"] = bench_batch.run(
                work / "batch", files=settings["batch_files"], rounds=settings["batch_rounds"],
                large=settings["large"], log=log)
        if "paragraph" in wanted:
            (work / "paragraph").mkdir(exist_ok=True)
            results["comparisons"]["paragraph"] = bench_paragraph.run(
                work / "paragraph", example, rounds=settings["paragraph_rounds"], log=log)
        if "watcher" in wanted:
            results["comparisons"]["watcher"] = bench_watcher.run(
                work / "watcher", files=settings["watch_files"], warm_up=settings["watch_warm_up"],
                latency_files=settings["latency_files"], stability=settings["stability"], log=log)
        if "coldstart" in wanted:
            results["comparisons"]["coldstart"] = bench_coldstart.run(
                work / "coldstart", example, rounds=settings["coldstart_rounds"], log=log,
                problems=intakes.broken_kinds()[0].data)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    results["seconds"] = round(time.monotonic() - started, 1)
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
    else:
        report(results, stream)
    return 0


def report(results: dict[str, Any], stream: Any) -> None:
    info = results["machine"]
    mode = " (--smoke)" if results.get("smoke") else " (--quick)" if results["quick"] else ""
    print(f"toolbox-docs benchmark{mode}: {info['cores']} cores, Python "
          f"{info['python']}, load average at start {info['load_average_at_start']}, {info['started']}",
          file=stream)
    modules = {"process": bench_process, "batch": bench_batch, "paragraph": bench_paragraph,
               "watcher": bench_watcher, "coldstart": bench_coldstart}
    for name, result in results["comparisons"].items():
        print("", file=stream)
        for line in modules[name].lines(result):
            print(line, file=stream)
    print(f"\n(took {results['seconds']:.0f} s)", file=stream)


if __name__ == "__main__":
    raise SystemExit(main())
