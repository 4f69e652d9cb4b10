"""Shared fixtures: settings in a temporary state folder, LibreOffice, the shared corpus, example workbooks.

Tools and the corpus may be absent on a developer's machine: then their tests skip with a reason. In CI
(``TOOLBOX_STRICT=1``, set by ``.ci/run``) an absent tool or corpus fails the test instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

import watcher_support
from toolbox_docs.forms.schema import EVALUATION_SCHEMA
from toolbox_docs.forms.xlsx_template import build_workbook
from toolbox_docs.settings import Settings
from watcher_support import Watcher, adopt_orphans, make_intake

REPO = Path(__file__).resolve().parent.parent
STRICT = os.environ.get("TOOLBOX_STRICT") == "1"


# What ``slow`` means (``pytest -m "not slow"`` is the quick set; CI runs everything): a test that starts the
# service (a watcher process), starts LibreOffice, or takes more than about 2 s on two busy cores. Tests that
# use the ``watchers`` or ``soffice`` fixture are marked here, by that rule; any other slow test carries
# ``@pytest.mark.slow`` (or a module-level ``pytestmark``) itself. Marks select, they never skip.
SLOW_FIXTURES = frozenset({"watchers", "soffice"})


def pytest_configure(config: pytest.Config) -> None:
    """Compiled templates (``documents/compiled.py``) go to a folder of this test session, not the
    account's own cache: each session starts cold, and tests that edit texts leave nothing behind."""
    adopt_orphans()  # a killed service's worker is reaped by the test, not by a slow init (watcher_support)
    if "TOOLBOX_CACHE_DIR" not in os.environ:
        folder = tempfile.mkdtemp(prefix="toolbox-cache-")
        os.environ["TOOLBOX_CACHE_DIR"] = folder
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
    # The order: the modules with the longest tests, then the other modules with slow tests, then the rest
    # (each module kept together, so that its fixtures are made once). With two workers (``-n 2``, as CI
    # runs) the long tests then start early and the quick ones fill the gaps at the end, instead of one
    # worker finishing a minute-long test alone while the other waits.
    slow_modules = {_module(item) for item in items if item.get_closest_marker("slow") is not None}
    items.sort(key=lambda item: (_module(item) not in LONGEST_FIRST, _module(item) not in slow_modules))


# Modules with a test of half a minute or more (a burst of hundreds of intakes through the service).
LONGEST_FIRST = frozenset({"test_watcher_memory", "test_watcher", "test_watcher_crash", "test_batch_scale",
                           "test_benchmark_smoke"})


def _module(item: pytest.Item) -> str:
    module = getattr(item, "module", None)
    return module.__name__.rpartition(".")[2] if module is not None else ""


def need(condition: bool, reason: str) -> None:
    """Skip (or, in strict CI, fail) when a tool or data set a test needs is absent."""
    if condition:
        return
    if STRICT:
        pytest.fail(f"{reason} (TOOLBOX_STRICT=1: absent tools fail instead of skipping)")
    pytest.skip(reason)


def corpus_root() -> Path | None:
    for candidate in (os.environ.get("TOOLBOX_CORPUS"), REPO.parent / "shared" / "corpus"):
        if candidate and Path(candidate, "MANIFEST.tsv").is_file():
            return Path(candidate)
    return None


@pytest.fixture(scope="session")
def corpus() -> Path:
    root = corpus_root()
    need(root is not None, "the shared corpus is absent (set TOOLBOX_CORPUS to its folder)")
    assert root is not None
    return root


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings().replace(state_db=tmp_path / "state" / "state.sqlite")


@pytest.fixture(scope="session")
def blank_intake() -> bytes:
    return watcher_support.blank_intake()  # the same bytes as the helpers' (made once)


@pytest.fixture(scope="session")
def blank_evaluation() -> bytes:
    return build_workbook(EVALUATION_SCHEMA, Settings().lists)


@pytest.fixture(scope="session")
def example_intake() -> bytes:
    """The worked example (a valid, realistic intake) filled into a fresh template."""
    return make_intake()


Converter = Callable[[Sequence[Path], str, Path], list[Path]]


@pytest.fixture(scope="session")
def soffice(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Converter]:
    """``convert(files, target, outdir)``: LibreOffice headless with a fresh profile for this session.

    ``target`` is a filter spec such as ``pdf`` or ``xlsx:Calc MS Excel 2007 XML``. Converts all files
    in one start of LibreOffice; returns the output paths, failing if one is missing.
    """
    program = shutil.which("soffice") or shutil.which("libreoffice")
    need(program is not None, "LibreOffice (soffice) is not installed")
    profile = tmp_path_factory.mktemp("lo-profile") / uuid.uuid4().hex

    def convert(files: Sequence[Path], target: str, outdir: Path) -> list[Path]:
        outdir.mkdir(parents=True, exist_ok=True)
        command = [str(program), "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
                   "--convert-to", target, "--outdir", str(outdir), *map(str, files)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
        extension = target.split(":", 1)[0]
        outputs = [outdir / f"{Path(f).stem}.{extension}" for f in files]
        missing = [p for p in outputs if not p.is_file() or p.stat().st_size == 0]
        assert not missing, f"LibreOffice did not write {missing}: {result.stdout}\n{result.stderr}"
        return outputs

    yield convert


@pytest.fixture
def watchers(tmp_path: Path) -> Iterator[Callable[..., Watcher]]:
    """Starts the real service as a subprocess on a root (``watchers(root, *args)``); every watcher made
    is stopped at the end of the test."""
    made: list[Watcher] = []

    def make(root: Path, *args: str) -> Watcher:
        watcher = Watcher(root, tmp_path / f"logs-{len(made) + 1}", args=args)
        made.append(watcher)
        return watcher

    yield make
    for watcher in made:
        watcher.close()
