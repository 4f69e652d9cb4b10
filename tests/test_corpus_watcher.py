"""The real service over a root holding the whole shared corpus of foreign Office files.

Every spreadsheet of ``../shared/corpus/xlsx`` (Excel, LibreOffice, Google Sheets, fuzzers, attackers:
entity bombs, a sheet claiming a million rows, encrypted packages) is put on the share: most in one folder,
some in project folders beside Word files of ``../shared/corpus/docx``, and one project folder holds a
valid intake among all the Word files, so that the proposal writer meets every one of them as a possible
proposal. The service must stay up, keep its heartbeat, give every spreadsheet its outcome in the ledger
(``genegeerd`` for a workbook that is not ours, ``afgekeurd`` with a Dutch feedback file for one it cannot
read, exactly as ``check_workbook`` judges it), process the intake, and leave every input byte-identical.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from pathlib import Path

import pytest

from dutch import is_dutch
from toolbox_docs.forms.check import WorkbookStatus, check_workbook
from toolbox_docs.settings import Settings
from watcher_support import INTAKE, PROPOSAL, Watcher, ledger, make_intake, make_root, save_like_excel

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _expected(path: Path) -> str:
    check = check_workbook(path.read_bytes(), lists=Settings().lists, limits=Settings().limits)
    assert check.status != WorkbookStatus.VALID, f"{path.name} is a valid toolbox workbook? the corpus should hold none"
    return "genegeerd" if check.status == WorkbookStatus.NOT_OURS else "afgekeurd"


def test_the_service_gives_every_corpus_file_its_outcome_and_changes_none(corpus: Path, tmp_path: Path) -> None:
    spreadsheets = sorted(p for p in (corpus / "xlsx").iterdir() if p.is_file())
    documents = sorted(p for p in (corpus / "docx").iterdir() if p.is_file())
    assert len(spreadsheets) >= 50 and len(documents) >= 20
    root = make_root(tmp_path)
    placed: dict[Path, Path] = {}  # copy on the share -> corpus original
    for number, source in enumerate(spreadsheets):
        folder = root / "Projecten" / f"Project {number % 10:02d}" if number % 3 == 0 else root / "Vreemde bestanden"
        folder.mkdir(parents=True, exist_ok=True)
        placed[folder / source.name] = source
    for number, source in enumerate(documents):
        placed[root / "Projecten" / f"Project {number % 10:02d}" / source.name] = source
        placed[root / "Projecten" / "Met intake" / source.name] = source
    for target, source in placed.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)  # with its old time stamp: ready at once, also when it is no zip
    before = {path: _digest(path) for path in placed}
    expected = {path: _expected(path) for path in placed if path.suffix.lower() in (".xlsx", ".xlsm", ".xltx")}
    assert "afgekeurd" in expected.values() and "genegeerd" in expected.values()

    watcher = Watcher(root, tmp_path / "logs")
    try:
        watcher.start()
        intake = root / "Projecten" / "Met intake" / INTAKE
        save_like_excel(intake, make_intake())
        ages: list[float] = []

        def all_done() -> bool:
            ages.append(time.time() - float((watcher.status() or {}).get("beat", 0)))
            seen = ledger(root)
            return all(str(path) in seen for path in [*expected, intake])

        watcher.wait_for(all_done, deadline=300, what="an outcome for every corpus spreadsheet", interval=0.5)
        seen = ledger(root)
        outcomes = {path.name: seen[str(path)].outcome for path in expected}
        wrong = {path.parent.name + "/" + path.name: (outcomes[path.name], want) for path, want in expected.items()
                 if seen[str(path)].outcome != want}
        assert wrong == {}, wrong
        for path, want in expected.items():
            feedback = path.parent / f"{path.stem} - feedback.txt"
            assert feedback.exists() == (want == "afgekeurd"), path.name
            if want == "afgekeurd":
                text = feedback.read_text(encoding="utf-8-sig")
                assert f"Bestand: {path.name}" in text and "Traceback" not in text, path.name
                # Dutch, apart from the file's own name on the 'Bestand:' line (a corpus file may be named in English)
                assert is_dutch("\n".join(line for line in text.splitlines() if not line.startswith("Bestand: "))), text
                assert "onverwachte fout" not in text, f"{path.name}: {text}"
        assert seen[str(intake)].outcome == "verwerkt", seen[str(intake)]
        # No corpus file carries the anchor; the ones Word cannot open (a password, Strict Open XML, damaged) may
        # be the person's proposal, so they are reported and no second proposal is made beside them.
        made = (intake.parent / PROPOSAL).is_file()
        refused = "is niet bijgewerkt" in watcher.log_text()
        assert made or refused, "neither the default proposal nor a note why not"

        changed = [str(path.relative_to(root)) for path, digest in before.items() if _digest(path) != digest]
        assert changed == [], f"inputs changed: {changed}"
        assert max(ages) < 10, f"the heartbeat stopped for {max(ages):.0f} s"
        log = watcher.log_text()
        assert "Traceback" not in log and "verwerking mislukt" not in log, watcher.log_tail()
        assert watcher.running
        assert watcher.terminate() == 0
    finally:
        watcher.close()
