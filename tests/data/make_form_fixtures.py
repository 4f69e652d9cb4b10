"""Write the filled workbook of the CURRENT template version of each form into tests/data/, once.

Run from the repository root after bumping a template version (see ``forms/schema.py``):

    python tests/data/make_form_fixtures.py

For each form whose current version has no fixture yet, it fills today's blank template with
``ANSWERS["<kind>-v<N>"]`` from ``tests/form_fixtures.py`` (add that entry first), writes
``tests/data/<kind>-v<N>.xlsx`` and records its SHA-256 in ``tests/data/form-fixtures.json``. It never
overwrites a fixture: a released version's workbook is history, and the tests check its digest.
Commit the new .xlsx, the manifest and the answers together.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from form_fixtures import ANSWERS, MANIFEST, digest, fixture_name, fixture_path, manifest
from toolbox_docs.advice.catalogue import load_catalogue
from toolbox_docs.forms.schema import KINDS, schema_for
from toolbox_docs.forms.xlsx_fill import fill_workbook
from toolbox_docs.forms.xlsx_template import build_workbook
from toolbox_docs.settings import Settings


def main() -> int:
    settings = Settings()
    catalogue = load_catalogue(settings.catalogue_path, categories=settings.categories)
    lists = {**settings.lists, "methods": tuple(m.name for m in catalogue.methods)}  # as `templates build`
    recorded = manifest()
    for kind in KINDS:
        schema = schema_for(kind)
        target = fixture_path(kind, schema.version)
        if target.exists():
            print(f"bestaat al, niet overschreven: {target}")
            continue
        answers = ANSWERS.get(fixture_name(kind, schema.version))
        if answers is None:
            print(f"eerst ANSWERS[{fixture_name(kind, schema.version)!r}] toevoegen in tests/form_fixtures.py")
            return 1
        blank = build_workbook(schema, lists)
        target.write_bytes(fill_workbook(blank, answers.values, answers.rows))
        recorded[target.name] = digest(target)
        print(f"geschreven: {target}")
    MANIFEST.write_text(json.dumps(dict(sorted(recorded.items())), indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
