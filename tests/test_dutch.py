"""The test helper ``is_dutch`` tells Dutch messages from English ones (it guards every 'the message is
Dutch' assertion, so it must be able to fail)."""

from __future__ import annotations

import pytest

from dutch import is_dutch
from toolbox_docs.forms.check import check_with_settings
from toolbox_docs.settings import Settings

ENGLISH = [
    "The file is not valid",
    "Please fill in the form",
    "We could not read the workbook",
    "Cell B3 is empty",
    "Over 10 rows are missing in this sheet",
    "Het bestand is kapot: ValueError: invalid literal for int()",
    "Traceback (most recent call last):",
    "is in of we over",
]
DUTCH = [
    "Het bestand is geen werkboek van de toolbox.",
    "Vul bij 'Naam project' een naam in.",
    "Cel B3 is leeg: vul een datum in.",
    "Het werkboek is beveiligd met een wachtwoord; sla het op zonder wachtwoord en zet het opnieuw in de map.",
    "Dit werkboek hoort bij een nieuwere versie van de toolbox.",
    "De waarde in 'Budget' is geen getal.",
    "Het bestand 'The final report.xlsx' is geen werkboek van de toolbox.",
]


@pytest.mark.parametrize("message", ENGLISH)
def test_english_is_not_dutch(message: str) -> None:
    assert not is_dutch(message)


@pytest.mark.parametrize("message", DUTCH)
def test_typical_dutch_messages_are_dutch(message: str) -> None:
    assert is_dutch(message)


def test_messages_the_product_writes_are_dutch(blank_intake: bytes) -> None:
    """Real messages: the problems of a blank intake (every required field empty) and the refusals of a
    file that is no zip and of a workbook that is not ours."""
    import io

    import openpyxl

    foreign = io.BytesIO()
    openpyxl.Workbook().save(foreign)
    settings = Settings()
    messages = [problem.message for data in (blank_intake, b"not a workbook at all", foreign.getvalue())
                for problem in check_with_settings(data, settings).problems]
    assert len(messages) >= 5 and all(is_dutch(m) for m in messages), messages
