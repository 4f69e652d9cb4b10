"""Write the worked example intake into watch_folders/ from toolbox_docs.cli.examples.

Run after a change to the schema or the example: python scripts/make_example.py
The output is committed; tests/test_example.py checks it still validates and matches the data.
"""

from __future__ import annotations

from pathlib import Path

from toolbox_docs.cli.examples import EXAMPLE_INTAKE_NAME, EXAMPLE_PROJECT_FOLDER, EXAMPLE_STAKEHOLDERS, EXAMPLE_VALUES
from toolbox_docs.forms.schema import INTAKE_SCHEMA
from toolbox_docs.forms.xlsx_fill import fill_workbook
from toolbox_docs.forms.xlsx_template import build_workbook
from toolbox_docs.settings import Settings
from toolbox_docs.share.fsio import atomic_write

ROOT = Path(__file__).resolve().parent.parent / "watch_folders"


def main() -> None:
    settings = Settings()
    blank = build_workbook(INTAKE_SCHEMA, settings.lists)
    target = ROOT / EXAMPLE_PROJECT_FOLDER / EXAMPLE_INTAKE_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, fill_workbook(blank, EXAMPLE_VALUES, EXAMPLE_STAKEHOLDERS))
    print(f"Geschreven: {target}")


if __name__ == "__main__":
    main()
