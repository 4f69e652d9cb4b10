"""The Dutch of the generated documents: spelling (hunspell, nl_NL) and a readability floor (Flesch-Douma).

Spelling: every word of the paragraph and the plan of every advisor scenario is known to the Dutch dictionary
(Debian's ``hunspell-nl``) or listed in ``tests/data/woordenlijst.txt`` (domain words such as "uitdaagrecht").
Proper names are the person's own (projects, places, parties, people): the words of the intake's name fields
are not checked.

Readability: the Flesch-Douma score (Douma 1960, the Dutch Flesch formula: 206.84 - 0.93 × words per sentence
- 77 × syllables per word, computed by ``textstat`` with ``set_lang("nl")``) of the running text (paragraphs
and list items; tables hold names and amounts, not sentences). The bounds and why:

- the paragraph at least 60: Douma's scale calls 60-70 "redelijk makkelijk", the level of texts for a broad
  public (B1); a raadsvoorstel is published and read by residents. Our paragraphs score 62-78;
- the plan at least 55: it is read by civil servants and holds the catalogue's descriptions and the points
  for the trekker (50-60 is "redelijk moeilijk"); our plans score 58-70;
- on average at most 15 words per sentence, and no sentence longer than 30 words, in both: the guidance of
  plain-language writing for government (B1) that long sentences are what makes a text hard.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from advisor_scenarios import SCENARIOS, Scenario
from conftest import need
from intake_factory import shipped_data, shipped_wording
from toolbox_docs.advice import Advice, advise
from toolbox_docs.documents.blocks import Block, BulletList, Paragraph, plain_text
from toolbox_docs.documents.context import paragraph_context, plan_context
from toolbox_docs.forms.records import Intake
from toolbox_docs.settings import Settings

CATALOGUE, RULES, CHECKLIST = shipped_data()
WORDING = shipped_wording()
WORD_LIST = Path(__file__).parent / "data" / "woordenlijst.txt"
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)
IDS = [s.name for s in SCENARIOS]

PARAGRAPH_FLOOR = 60.0
PLAN_FLOOR = 55.0
MEAN_WORDS = 15.0
LONGEST = 30


def documents(scenario: Scenario) -> tuple[Intake, Advice, tuple[Block, ...], tuple[Block, ...]]:
    intake = scenario.intake()
    advice = advise(intake, settings=Settings(), catalogue=CATALOGUE, rules=RULES, checklist=CHECKLIST)
    paragraph = WORDING.render("participatieparagraaf.html.j2", paragraph_context(
        intake, advice, organisation="Gemeente Heerlen", rules=RULES))
    plan = WORDING.render("participatieplan.html.j2", plan_context(
        intake, advice, organisation="Gemeente Heerlen", rules=RULES, form_warnings=()))
    return intake, advice, paragraph, plan


def names(intake: Intake) -> set[str]:
    """The words of the person's proper names: project, places, team, people and parties, and the e-mail
    address."""
    found = [intake.project_name, intake.trekker_name, intake.trekker_email, intake.team, intake.area,
             intake.location or "", intake.initiator or "", *(s.name for s in intake.stakeholders)]
    return {w.casefold() for text in found for w in WORD.findall(text)}


def listed() -> set[str]:
    return {line.strip().casefold() for line in WORD_LIST.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")}


def unknown_words(text: str) -> list[str]:
    words = sorted({w for w in WORD.findall(text)})
    done = subprocess.run(["hunspell", "-d", "nl_NL", "-l"], input="\n".join(words), capture_output=True,
                          text=True, timeout=60, check=True)
    return [w for w in done.stdout.split() if w.strip()]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_every_word_is_dutch_or_listed(scenario: Scenario) -> None:
    need(shutil.which("hunspell") is not None, "hunspell is not installed (Debian: hunspell hunspell-nl)")
    intake, _, paragraph, plan = documents(scenario)
    text = plain_text(paragraph) + "\n" + plain_text(plan)
    allowed = listed() | names(intake)
    wrong = [w for w in unknown_words(text) if w.casefold() not in allowed
             and not all(part.casefold() in allowed for part in re.split(r"[-']", w))]
    assert wrong == [], f"{scenario.name}: unknown words {wrong}"


def test_the_spelling_check_finds_a_misspelling() -> None:
    need(shutil.which("hunspell") is not None, "hunspell is not installed (Debian: hunspell hunspell-nl)")
    assert unknown_words("De gemeente informeert de bewonres over het plan.") == ["bewonres"]


def prose(blocks: tuple[Block, ...]) -> str:
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            parts.append(block.text)
        elif isinstance(block, BulletList):
            parts += [t if t.rstrip().endswith((".", "!", "?", ":")) else t + "." for t in block.texts]
    return "\n".join(parts)


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?:])\s+|\n", text) if WORD.search(s)]


def douma(text: str) -> float:
    import textstat

    textstat.set_lang("nl")
    return float(textstat.flesch_reading_ease(text))


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_the_paragraph_and_the_plan_read_at_b1(scenario: Scenario) -> None:
    _, _, paragraph, plan = documents(scenario)
    for name, blocks, floor in (("paragraaf", paragraph, PARAGRAPH_FLOOR), ("plan", plan, PLAN_FLOOR)):
        text = prose(blocks)
        score = douma(text)
        lengths = [len(WORD.findall(s)) for s in sentences(text)]
        longest = max(sentences(text), key=lambda s: len(WORD.findall(s)))
        assert score >= floor, f"{scenario.name} {name}: Flesch-Douma {score:.1f} < {floor}"
        assert sum(lengths) / len(lengths) <= MEAN_WORDS, f"{scenario.name} {name}: long sentences on average"
        assert max(lengths) <= LONGEST, f"{scenario.name} {name}: {longest!r}"


def test_the_readability_measure_tells_hard_from_plain_dutch() -> None:
    plain = "De gemeente maakt een plan. Bewoners mogen meedenken. We kijken samen wat nodig is."
    hard = ("Ter effectuering van de gemeentelijke doelstellingen aangaande de herstructurering van de "
            "openbare-ruimte-infrastructuur wordt een participatietraject geïnitieerd, waarbij "
            "belanghebbenden geconsulteerd worden omtrent hun preferenties inzake inrichtingsalternatieven.")
    assert douma(plain) >= PARAGRAPH_FLOOR > douma(hard)
