"""Render the advisor scenarios through the real pipeline, for a person to read them as a council member would.

Usage: ``python scripts/render_scenarios.py OUT [NAME ...]`` (default: every scenario of
``tests/advisor_scenarios.py``). For each scenario it fills a blank intake workbook, runs ``process_file`` as
the service does, converts the proposal and the plan to PDF with LibreOffice (a fresh profile) and the PDF to
PNG pages (``pdftoppm -r 70``). It prints where everything is. Nothing is asserted: the tests do that; this is
for looking.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from advisor_scenarios import BY_NAME, SCENARIOS  # noqa: E402
from toolbox_docs.forms.schema import INTAKE_SCHEMA  # noqa: E402
from toolbox_docs.forms.xlsx_fill import fill_workbook, record_values  # noqa: E402
from toolbox_docs.forms.xlsx_template import build_workbook  # noqa: E402
from toolbox_docs.pipeline.process import Runtime, process_file  # noqa: E402
from toolbox_docs.settings import Settings  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("names", nargs="*")
    args = parser.parse_args()
    names = args.names or [s.name for s in SCENARIOS]
    out: Path = args.out
    settings = Settings().replace(state_db=out / ".state" / "state.sqlite")
    blank = build_workbook(INTAKE_SCHEMA, settings.lists)
    runtime = Runtime.open(settings)
    documents: list[Path] = []
    try:
        for name in names:
            values, rows = record_values(BY_NAME[name].intake(), INTAKE_SCHEMA)
            folder = out / name
            folder.mkdir(parents=True, exist_ok=True)
            intake = folder / "intake.xlsx"
            intake.write_bytes(fill_workbook(blank, values, rows))
            result = process_file(intake, runtime, now=dt.datetime(2026, 12, 4, 9, 0))
            print(f"{name}: {result.outcome.value} — {result.message}")
            for path in sorted(folder.glob("*.docx")):
                copy = out / "docx" / f"{name} - {path.name}"
                copy.parent.mkdir(exist_ok=True)
                shutil.copyfile(path, copy)
                documents.append(copy)
    finally:
        runtime.close()
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(out / "pdf"), *map(str, documents)], check=True, capture_output=True)
    for pdf in sorted((out / "pdf").glob("*.pdf")):
        (out / "png").mkdir(exist_ok=True)
        subprocess.run(["pdftoppm", "-r", "70", "-png", str(pdf), str(out / "png" / pdf.stem)], check=True)
    print(f"PDF: {out / 'pdf'}\nPNG: {out / 'png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
