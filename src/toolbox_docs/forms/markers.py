"""Recognising our workbooks by the marker sheet: product, kind and template version.

Every released template version of a form is read (``schema.versions``); the version says which fields
the workbook has and which rules it was filled in under. A workbook older than the oldest version still
read, or newer than this software, is refused with a Dutch message that says what to do.
"""

from __future__ import annotations

from collections.abc import Mapping

from toolbox_docs.errors import WorkbookError
from toolbox_docs.forms.schema import FIRST_VERSIONS, KINDS, MARKER_PRODUCT, TEMPLATE_VERSIONS

NOT_OURS = "not-ours"


def check_marker(marker: Mapping[str, str]) -> tuple[str, int]:
    """(kind, version) of a workbook whose marker sheet reads ``marker``; raises WorkbookError otherwise."""
    if marker.get("product") != MARKER_PRODUCT or marker.get("soort") not in KINDS:
        raise WorkbookError(NOT_OURS, "Dit werkboek is geen intake- of evaluatiewerkboek van de "
                            "participatietoolbox. Gebruik het sjabloon uit de map Sjablonen.")
    kind = marker["soort"]
    try:
        number = float(marker.get("sjabloonversie", ""))
        version = int(number)
    except (ValueError, OverflowError):
        raise WorkbookError("damaged", "De sjabloonversie in het werkboek is onleesbaar. Gebruik een nieuw "
                            "sjabloon uit de map Sjablonen.") from None
    if number != version:
        raise WorkbookError("damaged", f"De sjabloonversie in het werkboek ({marker.get('sjabloonversie')}) is "
                            "geen geldige versie. Gebruik een nieuw sjabloon uit de map Sjablonen.")
    first, current = FIRST_VERSIONS[kind], TEMPLATE_VERSIONS[kind]
    if version < first:
        raise WorkbookError("old-template", f"Dit werkboek is gemaakt met een te oude versie van het sjabloon "
                            f"(versie {version}); deze toolbox leest versie {first} tot en met {current}. Neem je "
                            "gegevens over in het nieuwe sjabloon uit de map Sjablonen.")
    if version > current:
        raise WorkbookError("newer-template", f"Dit werkboek is gemaakt met sjabloonversie {version}, maar deze "
                            f"toolbox kent alleen versies tot en met {current}. Er is niets mis met je werkboek: "
                            "vraag de beheerder de toolbox bij te werken, en sla het werkboek daarna opnieuw op.")
    return kind, version
