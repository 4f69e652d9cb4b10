"""The entry point: a validated intake in, an ``Advice`` out. Pure: the data files come in as records.

``load_advice_data`` is the one place that reads the three data files named in the settings; the CLI
and the pipeline call it once and pass the records down.
"""

from __future__ import annotations

from toolbox_docs.advice.budget import compare, cost_method, totals
from toolbox_docs.advice.catalogue import Catalogue, load_catalogue
from toolbox_docs.advice.checklist import CheckContext, Checklist, evaluate, load_checklist
from toolbox_docs.advice.level import advise_level
from toolbox_docs.advice.model import Advice, Route, Versions
from toolbox_docs.advice.ombudsman import WarningInput, warnings_for
from toolbox_docs.advice.programme import NeedKind, compose
from toolbox_docs.advice.rules import Rules, load_rules
from toolbox_docs.advice.rung import advise_rung
from toolbox_docs.advice.stakeholders import analyse_all, key_categories, key_parties
from toolbox_docs.forms.records import Intake
from toolbox_docs.settings import Settings
from toolbox_docs.vocab import ParticipationKind


def load_advice_data(settings: Settings) -> tuple[Catalogue, Rules, Checklist]:
    """Read and check ``werkvormen.toml``, ``advies.toml`` and ``checklist.toml`` from the settings' paths."""
    catalogue = load_catalogue(settings.catalogue_path, categories=settings.categories)
    rules = load_rules(settings.rules_path)
    checklist = load_checklist(settings.checklist_path)
    return catalogue, rules, checklist


def advise(
    intake: Intake, *, settings: Settings, catalogue: Catalogue, rules: Rules, checklist: Checklist
) -> Advice:
    """The advice for a validated intake; pure and deterministic (the same input gives the same record)."""
    if intake.participation_kind is ParticipationKind.BURGER:
        ladder = advise_level(intake, rules)
        route, level, rung = Route.LADDER, ladder.level, None
        cap, needed, points, total = ladder.cap, ladder.needed, ladder.points, ladder.total
        reasons = ladder.reasons
    else:
        trap = advise_rung(intake, rules)
        route, level, rung = trap.route, None, trap.rung
        cap, needed, points, total, reasons = None, None, (), 0, trap.reasons

    rate = settings.hourly_rate
    parties = key_parties(intake, rules)
    programme = compose(catalogue, intake, level=level, rung=rung, challenge=route is Route.CHALLENGE,
                        reach=rules.reach[intake.scale], rate=rate, rules=rules.programme,
                        categories=key_categories(intake, rules), parties=parties)
    chosen = tuple(method for method, _, _ in programme.methods)
    priced = tuple(cost_method(m, rate=rate, participants=n, why=why) for m, n, why in programme.methods)
    talked_to = frozenset(parties) if any(NeedKind.PARTIES.value in m.needs for m in priced) else frozenset()
    total_costs = totals(priced)
    budget = compare(total_costs, budget_euros=intake.budget_euros, budget_hours=intake.budget_hours,
                     ample=programme.ample)
    stakeholders = analyse_all(intake, rules=rules, methods=chosen, talked_to=talked_to)
    warnings = warnings_for(WarningInput(
        intake=intake, rules=rules, route=route, level=level, rung=rung, needed=needed, cap=cap, methods=chosen,
        uncovered=programme.uncovered, stakeholders=stakeholders, budget=budget,
    ))
    context = CheckContext(
        intake=intake, route=route, level=level, rung=rung, methods=chosen,
        warning_codes=frozenset(w.code for w in warnings), stakeholders=stakeholders, budget=budget,
        high_from=rules.high_from, talked_to=talked_to,
        uncovered_groups=any(n.kind is NeedKind.TARGET_GROUP for n in programme.uncovered),
    )
    return Advice(
        project_name=intake.project_name,
        kind=intake.participation_kind,
        route=route,
        level=level,
        rung=rung,
        cap=cap,
        needed=needed,
        points=points,
        total_points=total,
        reasons=reasons,
        warnings=warnings,
        stakeholders=stakeholders,
        tier=programme.tier,
        tier_reason=programme.tier_reason,
        methods=priced,
        method_notes=programme.notes,
        uncovered=tuple(n.label for n in programme.uncovered),
        totals=total_costs,
        budget=budget,
        checklist=evaluate(checklist, context),
        hourly_rate=rate,
        versions=Versions(catalogue=catalogue.version, rules=rules.version, checklist=checklist.version),
    )
