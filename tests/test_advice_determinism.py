"""Same intake, same bytes; versions recorded; data files from settings change the totals exactly."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from intake_factory import SCENARIOS, shipped_data, shipped_wording
from toolbox_docs.advice import CODE_VERSION, advice_to_json, advise, load_advice_data, render_text
from toolbox_docs.resources import templates_dir
from toolbox_docs.settings import Settings

CATALOGUE, RULES, CHECKLIST = shipped_data()


def json_for(name: str, settings: Settings | None = None) -> str:
    settings = settings or Settings()
    data = load_advice_data(settings)
    advice = advise(SCENARIOS[name](), settings=settings, catalogue=data[0], rules=data[1], checklist=data[2])
    return advice_to_json(advice)


def test_same_intake_gives_byte_identical_json() -> None:
    for name, build in SCENARIOS.items():
        first = advise(build(), settings=Settings(), catalogue=CATALOGUE, rules=RULES, checklist=CHECKLIST)
        again = advise(
            dataclasses.replace(build()),
            settings=Settings(),
            catalogue=CATALOGUE,
            rules=RULES,
            checklist=CHECKLIST,
        )
        assert advice_to_json(first).encode() == advice_to_json(again).encode(), name
    # and from freshly loaded data files
    assert json_for("groenplan-tegengestelde-partijen") == json_for("groenplan-tegengestelde-partijen")


def test_json_records_versions_and_keeps_decimals_exact() -> None:
    data = json.loads(json_for("speeltuin-een-straat"))
    assert data["versions"] == {
        "catalogue": "2026.1",
        "rules": "2026.1",
        "checklist": "2026.1",
        "code": CODE_VERSION,
    }
    assert data["level"] == "adviseren" and data["outcome"] == "adviseren"
    assert data["totals"]["euros"] == "4199.00"
    assert data["hourly_rate"] == "85.00"
    assert data["budget"]["fits"] is True
    assert [m["id"] for m in data["methods"]] == [
        "huis-aan-huisbrief",
        "meedenkgroep",
        "terugkoppelingsbrief",
    ]
    text = json_for("speeltuin-een-straat")
    assert list(json.loads(text)) == sorted(json.loads(text))


def test_render_text_is_readable_dutch() -> None:
    advice = advise(
        SCENARIOS["huisvestingsverordening-stad"](),
        settings=Settings(),
        catalogue=CATALOGUE,
        rules=RULES,
        checklist=CHECKLIST,
    )
    text = render_text(advice, shipped_wording().plain)
    assert "Advies: raadplegen" in text
    assert "- Er is weinig ruimte voor invloed, omdat veel al vastligt." in text
    assert not re.search(r"\b\d+ punten?\b", text)
    assert f"{advice.totals.euros:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".") in text
    assert "(klacht 1, 5; veld: Ruimte voor invloed)" in text
    assert "[-] Partijen die tegen zijn" in text or "[x] Partijen die tegen zijn" in text
    assert "Versies: werkvormen 2026.1" in text


def test_changed_hours_and_tariff_change_the_totals_exactly(tmp_path: Path) -> None:
    text = (templates_dir() / "werkvormen.toml").read_text(encoding="utf-8")
    block = text.index('id = "huis-aan-huisbrief"')
    head, tail = text[:block], text[block:]
    tail = re.sub(r"voorbereiding_uren = 6\n", "voorbereiding_uren = 10\n", tail, count=1)
    tail = tail.replace('versie = "2026.1"', 'versie = "2026.1-test"')
    head = head.replace('versie = "2026.1"', 'versie = "2026.1-test"')
    (tmp_path / "werkvormen.toml").write_text(head + tail, encoding="utf-8")

    base = json.loads(json_for("speeltuin-een-straat"))
    rate_only = json.loads(json_for("speeltuin-een-straat", Settings(hourly_rate=Decimal("100.00"))))
    both = json.loads(
        json_for(
            "speeltuin-een-straat",
            Settings(hourly_rate=Decimal("100.00"), catalogue_path=tmp_path / "werkvormen.toml"),
        )
    )
    # 42 h × € 85 + € 629 external; 42 h × € 100 + € 629; (42 + 4) h × € 100 + € 629.
    assert (base["totals"]["hours"], base["totals"]["euros"]) == ("42", "4199.00")
    assert (rate_only["totals"]["hours"], rate_only["totals"]["euros"]) == ("42", "4829.00")
    assert (both["totals"]["hours"], both["totals"]["euros"]) == ("46", "5229.00")
    letter = both["methods"][0]  # (10 + 2) h × € 100 + € 150 + 60 × € 0,90
    assert (letter["id"], letter["preparation_hours"], letter["euros"]) == (
        "huis-aan-huisbrief",
        "10",
        "1404.00",
    )
    assert both["versions"]["catalogue"] == "2026.1-test"
    assert both["totals"]["external_euros"] == base["totals"]["external_euros"] == "629.00"


# --- the same bytes in every process ----------------------------------------------------------------------

_EVERY_SCENARIO = """
import hashlib, json, sys
from intake_factory import SCENARIOS, shipped_data, shipped_wording
from toolbox_docs.advice import advice_to_json, advise, render_text
from toolbox_docs.documents.context import paragraph_context, plan_context
from toolbox_docs.settings import Settings

settings = Settings()
catalogue, rules, checklist = shipped_data()
wording = shipped_wording()
out = {}
for name, build in sorted(SCENARIOS.items()):
    intake = build()
    advice = advise(intake, settings=settings, catalogue=catalogue, rules=rules, checklist=checklist)
    paragraph = wording.render("participatieparagraaf.html.j2",
                               paragraph_context(intake, advice, organisation=settings.organisation, rules=rules))
    plan = wording.render("participatieplan.html.j2", plan_context(
        intake, advice, organisation=settings.organisation, rules=rules, form_warnings=()))
    out[name] = {"advice": advice_to_json(advice), "text": render_text(advice, wording.plain),
                 "paragraph": repr(paragraph), "plan": repr(plan)}
json.dump(out, sys.stdout, sort_keys=True, ensure_ascii=False)
"""


def _in_a_process(seed: str, cache: str) -> dict[str, dict[str, str]]:
    tests = Path(__file__).resolve().parent
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOOLBOX_")}
    env["PYTHONHASHSEED"] = seed
    env["TOOLBOX_CACHE_DIR"] = cache
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(tests), env.get("PYTHONPATH", "")) if p)
    result = subprocess.run([sys.executable, "-c", _EVERY_SCENARIO], capture_output=True, text=True, env=env,
                            cwd=tests, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def test_advice_and_texts_are_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    """Set and dict order must not leak into the advice or the texts: string hashing differs per process
    (``PYTHONHASHSEED``), so a run in one interpreter cannot show it. Three processes, three seeds: the
    first compiles every template itself (no cache), the second compiles them into an empty cache, the
    third runs on the code the second kept (``documents/compiled.py``)."""
    cache = tmp_path / "cache"
    runs = {"0": _in_a_process("0", "uit"), "1": _in_a_process("1", str(cache))}
    assert len(list(cache.iterdir())) >= 3, "the second process kept no compiled templates"
    runs["4242"] = _in_a_process("4242", str(cache))
    first = runs["0"]
    assert set(first) == set(SCENARIOS) and all(all(v.strip() for v in r.values()) for r in first.values())
    for seed, run in runs.items():
        for name in SCENARIOS:
            for part in ("advice", "text", "paragraph", "plan"):
                assert run[name][part] == first[name][part], f"{name} {part}: seed {seed} differs from seed 0"
