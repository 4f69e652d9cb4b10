"""`python benchmarks/run.py --smoke --json` (the smallest run through every comparison) runs from the
repository and reports all five comparisons.

Only the shape of the report is checked: medians, ratios and the targets they are compared with. Speed is
never asserted in a test (the machine may be shared and loaded); the benchmark reports it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from typing import Any

import pytest

from conftest import REPO, need

pytestmark = pytest.mark.slow


def positive(value: Any) -> bool:
    return isinstance(value, int | float) and value > 0


def test_smoke_benchmark_reports_all_five_comparisons() -> None:
    need(importlib.util.find_spec("docxtpl") is not None,
         "docxtpl is absent: the benchmark compares with it (pip install '.[bench]')")
    need(importlib.util.find_spec("python_calamine") is not None,
         "python-calamine is absent: the benchmark compares with it (pip install '.[bench]')")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("TOOLBOX_") or k == "TOOLBOX_CACHE_DIR"}  # conftest.py
    result = subprocess.run([sys.executable, str(REPO / "benchmarks" / "run.py"), "--smoke", "--json"],
                            capture_output=True, text=True, env=env, cwd=REPO, timeout=1200, check=False)
    assert result.returncode == 0, result.stderr[-4000:]
    report = json.loads(result.stdout)
    comparisons = report["comparisons"]
    assert set(comparisons) == {"process", "batch", "paragraph", "watcher", "coldstart"}

    process = comparisons["process"]
    assert positive(process["end_to_end"]["median_ms"]) and positive(process["io_floor"]["median_ms"])
    assert positive(process["ratio"]) and {"ratio_met", "median_met"} <= set(process["targets"])
    assert "stakeholder chart" in process["steps"]
    assert "read_form" in process["what"] and "fsync" in process["what"]

    batch = comparisons["batch"]
    assert positive(batch["validate"]["median_ms"]) and positive(batch["openpyxl_read_only"]["median_ms"])
    assert positive(batch["calamine"]["median_ms"]) and batch["calamine_absent"] is None
    assert all(positive(batch["cpu_per_file"][name]["with_startup_ms"])
               for name in ("validate", "openpyxl", "calamine"))
    assert positive(batch["ratio"]) and batch["files"] == sum(batch["expected"].values())
    assert batch["ratio"] == batch["cpu_ratios"]["vs_calamine"]
    assert "ratio_met" in batch["targets"] and batch["large"] is None, "--smoke skips the 10,000 files"

    paragraph = comparisons["paragraph"]
    assert positive(paragraph["write_section"]["median_ms"]) and positive(paragraph["docxtpl"]["median_ms"])
    assert positive(paragraph["ratio"]) and paragraph["same_text"] is True

    watcher = comparisons["watcher"]
    assert positive(watcher["stability_delay_s"])
    assert positive(watcher["latency"]["fresh_share"]["median_ms"])
    assert positive(watcher["latency"]["after_memory_run"]["median_ms"])
    memory = watcher["memory"]
    assert positive(memory["before_mb"]["service"]) and positive(memory["after_mb"]["worker"])
    assert isinstance(memory["growth_mb"], float) and memory["worker_replaced"] is False
    assert {"latency_met", "growth_met"} <= set(watcher["targets"])

    coldstart = comparisons["coldstart"]
    assert positive(coldstart["process"]["median_cpu_ms"]) and positive(coldstart["baseline"]["median_cpu_ms"])
    assert positive(coldstart["ratio"]) and "ratio_met" in coldstart["targets"]
    assert positive(coldstart["problems"]["median_cpu_ms"]) and positive(coldstart["problems"]["ratio"])
