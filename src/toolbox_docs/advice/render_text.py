"""The advice as readable Dutch text, for ``toolbox-docs advise FILE``.

Pure: the sentences come from ``say``, which turns a phrase of the advice into Dutch (the wording's
``Wording.plain``), so the command line reads the same sentences as the documents.
"""

from __future__ import annotations

from collections.abc import Callable

from toolbox_docs.advice.model import Advice, Route
from toolbox_docs.advice.phrases import Phrase
from toolbox_docs.formatting import euro, hours, number

_ROUTE_TITLE = {
    Route.LADDER: "Niveau op de participatieladder",
    Route.ROB: "Rol van de gemeente (overheidsparticipatietrap)",
    Route.CHALLENGE: "Uitdaagrecht: rol van de gemeente",
}


def _section(title: str) -> list[str]:
    return ["", title, "-" * len(title)]


def render_text(advice: Advice, say: Callable[[Phrase], str]) -> str:
    lines = [f"Participatieadvies: {advice.project_name}", "=" * (21 + len(advice.project_name))]
    lines += _section(_ROUTE_TITLE[advice.route])
    lines.append(f"Advies: {advice.outcome}")
    if advice.cap is not None:
        lines.append(f"Hoogst mogelijke niveau: {advice.cap.value}")
    lines += ["", "Waarom:"] + [f"- {say(reason)}" for reason in advice.reasons]

    if advice.warnings:
        lines += _section("Aandachtspunten")
        for w in advice.warnings:
            complaints = ", ".join(str(c) for c in w.complaints)
            lines.append(f"- {say(w.phrase)} (klacht {complaints}; veld: {w.field_label})")

    if advice.stakeholders:
        lines += _section("Belanghebbenden")
        for s in advice.stakeholders:
            lines.append(f"- {s.name} ({s.category}; invloed {s.influence}, belang {s.interest}, "
                         f"{s.position.value}): {s.role or s.quadrant.value}. {say(s.approach)}")
            lines += [f"  ! {say(flag.phrase)}" for flag in s.flags]

    lines += _section("Werkvormen")
    lines.append(say(advice.tier_reason))
    for m in advice.methods:
        purposes = "; ".join(say(p) for p in m.purposes)
        lines.append(f"- {m.name} (voor: {purposes}): {hours(m.hours)} uur, {euro(m.euros)} "
                     f"(uren {euro(m.labour_euros)}, extern {euro(m.external_euros)}; "
                     f"ongeveer {number(m.participants)} deelnemers)")
        lines += [f"    {say(reason)}" for reason in m.reasons]
    lines += [f"  {say(note)}" for note in advice.method_notes]
    totals = advice.totals
    lines += ["", f"Totaal: {hours(totals.hours)} uur en {euro(totals.euros)} "
              f"(uren × {euro(advice.hourly_rate)} = {euro(totals.labour_euros)}, "
              f"externe kosten {euro(totals.external_euros)}).", say(advice.budget.summary)]

    lines += _section("Checklist")
    for point in advice.checklist:
        mark = {"ja": "[x]", "nee": "[ ]", "n.v.t.": "[-]"}[point.status.value]
        note = f" ({say(point.reason)})" if point.reason else ""
        fix = "" if point.met else f" Oplossen via: {point.field_label}."
        lines.append(f"{mark} {point.text}{note}{fix}")

    v = advice.versions
    versions = f"werkvormen {v.catalogue}, regels {v.rules}, checklist {v.checklist}, code {v.code}"
    lines += ["", f"Versies: {versions}.",
              "De uren en bedragen zijn indicatief; de gemeente stelt ze zelf vast."]
    return "\n".join(lines).replace("\u00a0", " ") + "\n"
