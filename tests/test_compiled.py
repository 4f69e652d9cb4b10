"""Compiled templates kept between runs (``documents/compiled.py``): a later run loads the code an earlier run
compiled and parses nothing; any edit of a text is compiled again; and code that someone else could have
written (another owner, a folder or file others can write, a link) is never run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jinja2 import Environment, meta

from conftest import need
from intake_factory import green_plan_opposed_parties, shipped_data
from toolbox_docs.advice import advise
from toolbox_docs.documents.compiled import MAX_ENTRIES, CodeCache, default_folder, template_key
from toolbox_docs.documents.context import paragraph_context, plan_context
from toolbox_docs.documents.wording import Wording
from toolbox_docs.errors import SettingsError
from toolbox_docs.resources import templates_dir
from toolbox_docs.settings import Settings

PARAGRAPH = "participatieparagraaf.html.j2"
PLAN = "participatieplan.html.j2"
SHIPPED = templates_dir() / "teksten"


def documents(wording: Wording) -> tuple[str, str]:
    """The paragraph and the plan of the worked example's kind of project, as text to compare."""
    settings = Settings()
    catalogue, rules, checklist = shipped_data()
    intake = green_plan_opposed_parties()
    advice = advise(intake, settings=settings, catalogue=catalogue, rules=rules, checklist=checklist)
    paragraph = wording.render(PARAGRAPH, paragraph_context(intake, advice, organisation=settings.organisation,
                                                            rules=rules))
    plan = wording.render(PLAN, plan_context(intake, advice, organisation=settings.organisation, rules=rules,
                                             form_warnings=()))
    return repr(paragraph), repr(plan)


@pytest.fixture
def cache(tmp_path: Path) -> CodeCache:
    return CodeCache(tmp_path / "cache")


@pytest.fixture
def texts(tmp_path: Path) -> Path:
    """A copy of the shipped wording, for an advisor to edit."""
    folder = tmp_path / "teksten"
    shutil.copytree(SHIPPED, folder)
    return folder


def no_jinja_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, parsing, checking or compiling a template fails the test."""
    def refuse(*_: Any, **__: Any) -> Any:
        raise AssertionError("a template was parsed or compiled although the cache holds it")

    monkeypatch.setattr(Environment, "parse", refuse)
    monkeypatch.setattr(Environment, "compile", refuse)
    monkeypatch.setattr(meta, "find_undeclared_variables", refuse)


def entries(cache: CodeCache) -> list[Path]:
    assert cache.folder is not None
    return sorted(p for p in cache.folder.iterdir() if not p.name.startswith(".")) if cache.folder.exists() else []


def test_a_later_run_loads_the_code_and_says_the_same(cache: CodeCache, monkeypatch: pytest.MonkeyPatch) -> None:
    without = documents(Wording(SHIPPED, cache=CodeCache(None)))
    assert documents(Wording(SHIPPED, cache=cache)) == without
    # The paragraph, the plan, the template both import, and the phrase book's sentences.
    assert len(entries(cache)) == 4
    assert all(oct(p.stat().st_mode & 0o777) == "0o600" for p in entries(cache))
    assert oct(cache.folder.stat().st_mode & 0o777) == "0o700"  # type: ignore[union-attr]

    no_jinja_work(monkeypatch)
    later = Wording(SHIPPED, cache=cache)
    assert documents(later) == without
    assert later.phrases.parsed == {}, "the sentences were parsed again"


def test_code_is_kept_across_processes(tmp_path: Path) -> None:
    """Two real processes: the first compiles, the second compiles nothing and writes the same documents."""
    script = (
        "import sys, jinja2\n"
        "compiled = []\n"
        "original = jinja2.Environment.compile\n"
        "def counting(self, *a, **k):\n"
        "    compiled.append(1)\n"
        "    return original(self, *a, **k)\n"
        "jinja2.Environment.compile = counting\n"
        "from test_compiled import SHIPPED, documents\n"
        "from toolbox_docs.documents.wording import Wording\n"
        "text = documents(Wording(SHIPPED))\n"
        "print(len(compiled), hash(text))\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOOLBOX_")}
    env["TOOLBOX_CACHE_DIR"] = str(tmp_path / "cache")
    env["PYTHONHASHSEED"] = "0"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(Path(__file__).parent), env.get("PYTHONPATH", "")) if p)

    def run() -> tuple[int, str]:
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120,
                                check=False)
        assert result.returncode == 0, result.stderr[-3000:]
        count, digest = result.stdout.split()
        return int(count), digest

    first, second = run(), run()
    assert first[0] > 100, "the first process should compile every sentence and template"
    assert second == (0, first[1])


def test_an_edited_sentence_is_checked_and_compiled_again(texts: Path, cache: CodeCache) -> None:
    from toolbox_docs.advice.phrases import Phrase

    phrase = Phrase.of("niveau.geen_argumenten")
    assert Wording(texts, cache=cache).plain(phrase).startswith("Het besluit heeft weinig gevolgen")
    sentences = texts / "zinnen.toml"
    source = sentences.read_text(encoding="utf-8")
    old = "Het besluit heeft weinig gevolgen"
    assert old in source
    sentences.write_text(source.replace(old, "Dit besluit raakt inwoners nauwelijks", 1), encoding="utf-8")
    assert Wording(texts, cache=cache).plain(phrase).startswith("Dit besluit raakt inwoners nauwelijks")
    # A broken sentence is refused at load, whatever the cache holds for the earlier texts.
    sentences.write_text(source.replace("{{ woorden.schaal[schaal] }}", "{{ gemeente }}", 1), encoding="utf-8")
    with pytest.raises(SettingsError, match=r"de zin 'niveau\.schaal' gebruikt 'gemeente'"):
        Wording(texts, cache=cache).phrases  # noqa: B018 - loading is what is tested


def test_an_edited_template_and_an_edited_import_are_compiled_again(texts: Path, cache: CodeCache) -> None:
    before = documents(Wording(texts, cache=cache))
    paragraph = texts / PARAGRAPH
    paragraph.write_text(paragraph.read_text(encoding="utf-8") + "<p>Bewerkt door een adviseur.</p>",
                         encoding="utf-8")
    assert "Bewerkt door een adviseur." in documents(Wording(texts, cache=cache))[0]
    levels = texts / "_niveaus.html.j2"  # imported by the paragraph and the plan: loaded by Jinja itself
    source = levels.read_text(encoding="utf-8")
    assert source.count('": "') >= 10  # every level's and role's explanation gets a new first sentence
    levels.write_text(source.replace('": "', '": "Opnieuw uitgelegd. '), encoding="utf-8")
    after = documents(Wording(texts, cache=cache))
    assert "Opnieuw uitgelegd." in after[0] and "Opnieuw uitgelegd." in after[1]
    assert "Opnieuw uitgelegd." not in before[0] + before[1]


def _poison(cache: CodeCache) -> Path:
    """Put code that writes "GEHACKT" under the name of the paragraph's real entry; return that entry."""
    wording = Wording(SHIPPED, cache=cache)
    env = wording.env
    assert env.loader is not None
    source, filename, _ = env.loader.get_source(env, PARAGRAPH)
    key = template_key(cache, env, PARAGRAPH, filename, source)
    code = env.compile(env.parse("<p>GEHACKT</p>", PARAGRAPH, filename), PARAGRAPH, filename)
    cache.store(key, ((), code))
    assert cache.folder is not None
    return cache.folder / key


def test_the_check_itself_is_what_refuses_a_poisoned_entry(cache: CodeCache) -> None:
    """The entry below is trusted as the account's own: it is run. The tests after this one show that the
    same entry is not run once someone else could have written it."""
    _poison(cache)
    assert "GEHACKT" in documents(Wording(SHIPPED, cache=cache))[0]


@pytest.mark.parametrize("how", ["file writable by the group", "file writable by all", "folder writable by the group",
                                 "entry is a link"])
def test_code_others_could_have_written_is_not_run(cache: CodeCache, tmp_path: Path, how: str) -> None:
    entry = _poison(cache)
    if how == "file writable by the group":
        entry.chmod(0o660)
    elif how == "file writable by all":
        entry.chmod(0o606)
    elif how == "folder writable by the group":
        entry.parent.chmod(0o770)
    else:
        elsewhere = tmp_path / "elsewhere"
        entry.rename(elsewhere)
        entry.symlink_to(elsewhere)
    text = documents(Wording(SHIPPED, cache=cache))[0]
    assert "GEHACKT" not in text
    assert "Wat willen we bereiken?" in text


def test_an_entry_owned_by_another_account_is_not_run(cache: CodeCache) -> None:
    need(os.geteuid() == 0, "changing a file's owner needs root")
    entry = _poison(cache)
    os.chown(entry, 65534, 65534)
    assert "GEHACKT" not in documents(Wording(SHIPPED, cache=cache))[0]
    os.chown(entry, 0, 0)
    os.chown(entry.parent, 65534, 65534)
    assert "GEHACKT" not in documents(Wording(SHIPPED, cache=cache))[0]


@pytest.mark.parametrize("damage", [b"", b"toolbox-docs compiled templates 1\n\xff\x00garbage", b"not ours"])
def test_a_damaged_entry_is_compiled_again_and_replaced(cache: CodeCache, damage: bytes) -> None:
    expected = documents(Wording(SHIPPED, cache=CodeCache(None)))
    documents(Wording(SHIPPED, cache=cache))
    for entry in entries(cache):
        entry.write_bytes(damage)
    assert documents(Wording(SHIPPED, cache=cache)) == expected
    assert all(entry.stat().st_size > 100 for entry in entries(cache)), "the damaged entries were not replaced"


def test_where_the_cache_lives_and_how_to_turn_it_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("TOOLBOX_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_folder() == tmp_path / "xdg" / "toolbox-docs" / "sjablonen"
    monkeypatch.setenv("TOOLBOX_CACHE_DIR", str(tmp_path / "eigen"))
    assert default_folder() == tmp_path / "eigen"
    for off in ("uit", "", "off"):
        monkeypatch.setenv("TOOLBOX_CACHE_DIR", off)
        assert default_folder() is None
    off_cache = CodeCache.default()
    assert documents(Wording(SHIPPED, cache=off_cache)) and not off_cache.usable()
    assert not (tmp_path / "xdg").exists()


def test_the_cache_keeps_only_the_newest_entries(cache: CodeCache) -> None:
    for number in range(MAX_ENTRIES + 5):
        key = cache.key("entry", str(number))
        cache.store(key, number)
        assert cache.folder is not None
        os.utime(cache.folder / key, ns=(number * 10**9, number * 10**9))
    kept = {cache.load(cache.key("entry", str(number))) for number in range(MAX_ENTRIES + 5)}
    assert len(entries(cache)) == MAX_ENTRIES
    assert kept - {None} == set(range(5, MAX_ENTRIES + 5))
