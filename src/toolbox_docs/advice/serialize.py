"""The advice as JSON: deterministic (sorted keys, Decimals as strings), so the same intake gives the
same bytes. Enums appear as their Dutch values, tuples as lists."""

from __future__ import annotations

import dataclasses
import json
from enum import Enum
from typing import Any

from toolbox_docs.advice.model import Advice, BudgetComparison
from toolbox_docs.forms.values import plain


def to_data(value: Any) -> Any:
    """Plain JSON data for a record of the advice."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if isinstance(value, BudgetComparison):
            data["fits"] = value.fits
        if isinstance(value, Advice):
            data["outcome"] = value.outcome
        return data
    if isinstance(value, tuple | list):
        return [to_data(item) for item in value]
    if isinstance(value, dict):
        return {str(k.value if isinstance(k, Enum) else k): to_data(v) for k, v in value.items()}
    return plain(value)


def advice_to_json(advice: Advice) -> str:
    return json.dumps(to_data(advice), sort_keys=True, ensure_ascii=False, indent=2) + "\n"
