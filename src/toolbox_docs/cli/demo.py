"""``toolbox-docs demo``: the worked example end to end, in a temporary root, as the service would do it."""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from toolbox_docs.errors import ExitCode
from toolbox_docs.resources import example_root
from toolbox_docs.service.service import Service
from toolbox_docs.settings import load_settings


def run_demo(keep: Path | None, *, echo: Callable[[str], None]) -> ExitCode:
    target = keep if keep is not None else Path(tempfile.mkdtemp(prefix="toolbox-demo-"))
    shutil.copytree(example_root(), target, dirs_exist_ok=True)
    settings = load_settings(root=target).replace(stability_delay=0.0)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    echo(f"Voorbeeld gekopieerd naar {target}; de dienst verwerkt het één keer ...")
    service = Service((target,), settings, once=True)
    code = service.run()
    for result in service.results:
        for line in result.lines:
            echo(line)
    echo("")
    echo("Uitvoer:")
    for path in sorted(target.rglob("*")):
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(target).parts):
            echo(f"  {path}")
    echo("")
    echo("Open het voorstel en het participatieplan in Word of LibreOffice. Vul daarna het evaluatiewerkboek in "
         "en draai: toolbox-docs watch --once " + str(target))
    return code
