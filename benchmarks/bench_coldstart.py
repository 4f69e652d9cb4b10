"""(e) Cold start: ``toolbox-docs process FILE`` as a whole process versus a script that only opens and saves.

Both are whole processes, started fresh each round (interpreter start-up and imports included), and both
handle the worked example:

- ``toolbox-docs process --out DIR intake.xlsx``: the command a civil servant or admin runs (the console
  script beside this interpreter; ``python -m toolbox_docs`` where there is none), with its own state
  database (``TOOLBOX_STATE_DB``), each round into a new output folder;
- the baseline: ``python -c`` with a script that imports openpyxl and python-docx, loads the intake with
  openpyxl, and opens and saves the three documents the first ``process`` run wrote (proposal and plan with
  python-docx, the evaluation workbook with openpyxl), each round into a new folder. Nothing is checked,
  advised, rendered or drawn.

Shown beside them, not compared with a target: ``process`` of a workbook with problems (it writes only the
feedback file: no advice, no documents, no chart), and ``process`` with the cache of compiled templates
turned off (``TOOLBOX_CACHE_DIR=uit``): what the first run after an installation or an edit of the texts
costs. The measured ``process`` runs on the templates its warm-up run compiled (``documents/compiled.py``),
in a cache folder of the benchmark's own, as every later run of an installed toolbox does.

Both run with compiled bytecode, as an installed toolbox does (see ``run``). CPU time (user + system, the
process and its children, from ``getrusage``) is what is compared: it does not
move with the load of other processes the way wall time does. Target: ``process`` at most twice the
baseline's CPU.

    python benchmarks/bench_coldstart.py [--rounds N]     # this comparison alone
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import verdict

TARGET_RATIO = 2.0

BASELINE = """
import sys
from pathlib import Path

import docx
import openpyxl

intake, proposal, plan, evaluation, out = map(Path, sys.argv[1:])
out.mkdir()
openpyxl.load_workbook(intake)
docx.Document(str(proposal)).save(str(out / proposal.name))
docx.Document(str(plan)).save(str(out / plan.name))
openpyxl.load_workbook(evaluation).save(out / evaluation.name)
"""


def _command() -> list[str]:
    script = Path(sys.executable).with_name("toolbox-docs")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "toolbox_docs"]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _measured(command: list[str], env: dict[str, str], ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """CPU seconds and wall seconds of one whole process (which must exit with a code in ``ok``)."""
    before, started = _children_cpu(), time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    wall, cpu = time.perf_counter() - started, _children_cpu() - before
    if result.returncode not in ok:
        raise RuntimeError(f"{command[:3]} exited {result.returncode}: {result.stderr[-2000:]}")
    return cpu, wall


def run(work: Path, intake: bytes, *, rounds: int, log: Any, problems: bytes | None = None) -> dict[str, Any]:
    work.mkdir(parents=True, exist_ok=True)
    source = work / "intake.xlsx"
    source.write_bytes(intake)
    broken = work / "problems" / "intake.xlsx"
    if problems is not None:
        broken.parent.mkdir()
        broken.write_bytes(problems)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOOLBOX_") and k != "PYTHONDONTWRITEBYTECODE"}
    env["TOOLBOX_STATE_DB"] = str(work / "state.sqlite")
    # Compiled bytecode, as an installed toolbox has it (pip compiles at install), for both sides: in a folder
    # of its own, written by the warm-up runs. Without it (PYTHONDONTWRITEBYTECODE, or an editable install in
    # a read-only checkout) every run compiles the toolbox's hundred modules from source first.
    env["PYTHONPYCACHEPREFIX"] = str(work / "bytecode")
    # Likewise the templates that the warm-up run compiled (``documents/compiled.py``): in a folder of its own.
    env["TOOLBOX_CACHE_DIR"] = str(work / "templates")
    process = _command()

    def process_into(out: Path, workbook: Path = source) -> list[str]:
        return [*process, "process", "--out", str(out), str(workbook)]

    first = work / "first"
    _measured(process_into(first), env)  # warm-up; gives the baseline its documents
    written = {p.name: p for p in first.iterdir()}
    proposal = next(p for n, p in written.items() if n.endswith("voorstel.docx"))
    plan = next(p for n, p in written.items() if n.endswith(" - participatieplan.docx"))
    evaluation = next(p for n, p in written.items() if n.endswith(" - evaluatie.xlsx"))

    def baseline_into(out: Path) -> list[str]:
        return [sys.executable, "-c", BASELINE, str(source), str(proposal), str(plan), str(evaluation), str(out)]

    _measured(baseline_into(work / "baseline-warm-up"), env)
    log(f"(e) cold start: toolbox-docs process vs an open-and-save script, {rounds} rounds ...")
    samples: dict[str, dict[str, list[float]]] = {"process": {"cpu": [], "wall": []},
                                                  "baseline": {"cpu": [], "wall": []}}
    order = [("process", process_into), ("baseline", baseline_into), ("uncached", process_into)]
    samples["uncached"] = {"cpu": [], "wall": []}
    # Beside it, without a target: ``process`` that compiles its templates itself, as the first run after
    # an installation or an edit of the texts does (the cache turned off).
    environments = {"uncached": {**env, "TOOLBOX_CACHE_DIR": "uit"}}
    if problems is not None:
        samples["problems"] = {"cpu": [], "wall": []}
        order.append(("problems", lambda out: process_into(out, broken)))
    for number in range(rounds):
        for name, command in (order if number % 2 == 0 else order[::-1]):
            cpu, wall = _measured(command(work / f"{name}-{number}"), environments.get(name, env),
                                  ok=(0, 1) if name == "problems" else (0,))
            samples[name]["cpu"].append(cpu)
            samples[name]["wall"].append(wall)
    shutil.rmtree(work, ignore_errors=True)
    medians = {name: {kind: round(statistics.median(values) * 1000, 1) for kind, values in parts.items()}
               for name, parts in samples.items()}
    ratio = medians["process"]["cpu"] / medians["baseline"]["cpu"]
    return {
        "what": "`toolbox-docs process --out DIR intake.xlsx` as a whole process versus a whole-process script "
                "that imports openpyxl and python-docx, loads the intake with openpyxl and opens and saves the "
                "three documents process wrote; CPU (user + system) from getrusage, medians",
        "rounds": rounds,
        "process": {"median_cpu_ms": medians["process"]["cpu"], "median_wall_ms": medians["process"]["wall"]},
        "baseline": {"median_cpu_ms": medians["baseline"]["cpu"], "median_wall_ms": medians["baseline"]["wall"]},
        "ratio": round(ratio, 2),
        "targets": {"ratio_at_most": TARGET_RATIO, "ratio_met": ratio <= TARGET_RATIO},
        "uncached": {"median_cpu_ms": medians["uncached"]["cpu"], "median_wall_ms": medians["uncached"]["wall"],
                     "ratio": round(medians["uncached"]["cpu"] / medians["baseline"]["cpu"], 2)},
        "problems": None if problems is None else {
            "median_cpu_ms": medians["problems"]["cpu"], "median_wall_ms": medians["problems"]["wall"],
            "ratio": round(medians["problems"]["cpu"] / medians["baseline"]["cpu"], 2)},
    }


def lines(result: dict[str, Any]) -> list[str]:
    process, baseline, targets = result["process"], result["baseline"], result["targets"]
    out = [
        "(e) cold start: toolbox-docs process FILE (whole process) vs a script that only opens and saves the "
        "same files",
        f"    toolbox-docs process     CPU median {process['median_cpu_ms']:8.0f} ms   (wall "
        f"{process['median_wall_ms']:.0f} ms; {result['rounds']} rounds)",
        f"    open-and-save script     CPU median {baseline['median_cpu_ms']:8.0f} ms   (wall "
        f"{baseline['median_wall_ms']:.0f} ms)",
        f"    ratio (CPU) {result['ratio']:.2f}×   target ≤ {targets['ratio_at_most']:.0f}×: "
        f"{verdict(targets['ratio_met'])}",
    ]
    uncached = result.get("uncached")
    if uncached is not None:
        out.append(f"    (process compiling its templates itself, as the first run after an installation or an edit "
                   f"of the texts: CPU median {uncached['median_cpu_ms']:.0f} ms, {uncached['ratio']:.2f}× the script)")
    problems = result.get("problems")
    if problems is not None:
        out.append(f"    (process of a workbook with problems, no chart: CPU median "
                   f"{problems['median_cpu_ms']:.0f} ms, {problems['ratio']:.2f}× the script)")
    return out


if __name__ == "__main__":
    import argparse
    import tempfile

    import intakes

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    arguments = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="toolbox-coldstart-"))
    try:
        outcome = run(folder / "coldstart", intakes.valid_kinds()[0].data, rounds=arguments.rounds,
                      log=lambda text: print(f"  … {text}", file=sys.stderr, flush=True),
                      problems=intakes.broken_kinds()[0].data)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print("\n".join(lines(outcome)))
