"""The Dutch feedback file a person finds next to a workbook that has problems. Pure text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from toolbox_docs.forms.validate import Problem


def feedback_text(file_name: str, problems: Sequence[Problem], *, now: dt.datetime, unreadable: bool) -> str:
    errors = [p for p in problems if p.is_error]
    warnings = [p for p in problems if not p.is_error]
    lines = [
        "Feedback van de participatietoolbox",
        f"Bestand: {file_name}",
        f"Gecontroleerd: {now:%d-%m-%Y om %H:%M}",
        "",
    ]
    if unreadable:
        lines += ["De toolbox kan dit bestand niet gebruiken:", ""]
    else:
        count = len(errors)
        lines += [f"Het werkboek is nog niet compleet: {'1 punt' if count == 1 else f'{count} punten'} om aan te "
                  "passen. Verbeter ze en sla het werkboek opnieuw op. Dit bestand verdwijnt dan vanzelf, en het "
                  "advies, het plan en het voorstel verschijnen naast het werkboek.", ""]
    for number, problem in enumerate(errors, start=1):
        place = _place(problem)
        lines.append(f"{number}. {place}{problem.message}")
    if warnings:
        lines += ["", "Let op (dit houdt de verwerking niet tegen):"]
        lines += [f"- {_place(p)}{p.message}" for p in warnings]
    lines += ["", "Vragen? Kijk op het blad 'Uitleg' in het werkboek of vraag de adviseur participatie."]
    return "\n".join(lines) + "\n"


def _place(problem: Problem) -> str:
    """The problem's place as the start of a line: "Blad 'Intake', cel B5: ", or nothing."""
    text = problem.place()
    return text[0].upper() + text[1:] + ": " if text else ""
