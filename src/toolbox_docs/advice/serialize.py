"""The advice as JSON: deterministic (sorted keys, Decimals as strings), so the same intake gives the
same bytes. Enums appear as their Dutch values, tuples as lists. A phrase appears as its key and values,
and, when ``say`` is given, also as the Dutch sentence ("tekst")."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from enum import Enum
from typing import Any

from toolbox_docs.advice.model import Advice, BudgetComparison, CheckResult
from toolbox_docs.advice.phrases import Phrase
from toolbox_docs.forms.values import plain


def to_data(value: Any, say: Callable[[Phrase], str] | None = None) -> Any:
    """Plain JSON data for a record of the advice."""
    if isinstance(value, Phrase):
        said: dict[str, Any] = {"key": value.key, "values": {k: to_data(v, say) for k, v in value.values}}
        if say is not None:
            said["tekst"] = say(value)
        return said
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data: dict[str, Any] = {f.name: to_data(getattr(value, f.name), say) for f in dataclasses.fields(value)}
        if isinstance(value, CheckResult):
            data["met"] = value.met
        if isinstance(value, BudgetComparison):
            data["fits"] = value.fits
        if isinstance(value, Advice):
            data["outcome"] = value.outcome
        return data
    if isinstance(value, tuple | list):
        return [to_data(item, say) for item in value]
    if isinstance(value, dict):
        return {str(k.value if isinstance(k, Enum) else k): to_data(v, say) for k, v in value.items()}
    return plain(value)


def advice_to_json(advice: Advice, say: Callable[[Phrase], str] | None = None) -> str:
    return json.dumps(to_data(advice, say), sort_keys=True, ensure_ascii=False, indent=2) + "\n"
