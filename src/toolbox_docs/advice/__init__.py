"""The advice: a validated intake in, a level or role, methods, hours, euros and a checklist out.

Pure core: ``advise`` reads no files and no clock. ``load_advice_data`` reads the three data files
(methods catalogue, rules, checklist) named in the settings, once, for the caller to pass down.
"""

from toolbox_docs.advice.advise import advise, load_advice_data
from toolbox_docs.advice.catalogue import Catalogue, Method, load_catalogue, parse_catalogue
from toolbox_docs.advice.checklist import Checklist, load_checklist, parse_checklist
from toolbox_docs.advice.model import (
    CODE_VERSION,
    Advice,
    AdviceWarning,
    BudgetComparison,
    CheckResult,
    ChosenMethod,
    PointItem,
    Quadrant,
    Route,
    StakeholderAnalysis,
    StakeholderFlag,
    Totals,
    Versions,
)
from toolbox_docs.advice.render_text import render_text
from toolbox_docs.advice.rules import Rules, load_rules, parse_rules
from toolbox_docs.advice.serialize import advice_to_json

__all__ = [
    "CODE_VERSION",
    "Advice",
    "AdviceWarning",
    "BudgetComparison",
    "Catalogue",
    "CheckResult",
    "Checklist",
    "ChosenMethod",
    "Method",
    "PointItem",
    "Quadrant",
    "Route",
    "Rules",
    "StakeholderAnalysis",
    "StakeholderFlag",
    "Totals",
    "Versions",
    "advice_to_json",
    "advise",
    "load_advice_data",
    "load_catalogue",
    "load_checklist",
    "load_rules",
    "parse_catalogue",
    "parse_checklist",
    "parse_rules",
    "render_text",
]
