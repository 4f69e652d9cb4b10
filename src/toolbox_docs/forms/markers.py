"""Recognising our workbooks by the marker sheet: product, kind and template version."""

from __future__ import annotations

from collections.abc import Mapping

from toolbox_docs.errors import WorkbookError
from toolbox_docs.forms.schema import KINDS, MARKER_PRODUCT, TEMPLATE_VERSIONS

NOT_OURS = "not-ours"


def check_marker(marker: Mapping[str, str]) -> tuple[str, int]:
    """(kind, version) of a workbook whose marker sheet reads ``marker``; raises WorkbookError otherwise."""
    if marker.get("product") != MARKER_PRODUCT or marker.get("soort") not in KINDS:
        raise WorkbookError(NOT_OURS, "Dit werkboek is geen intake- of evaluatiewerkboek van de "
                            "participatietoolbox. Gebruik het sjabloon uit de map Sjablonen.")
    kind = marker["soort"]
    try:
        version = int(float(marker.get("sjabloonversie", "")))
    except (ValueError, OverflowError):
        raise WorkbookError("damaged", "De sjabloonversie in het werkboek is onleesbaar. Gebruik een nieuw "
                            "sjabloon uit de map Sjablonen.") from None
    current = TEMPLATE_VERSIONS[kind]
    if version < current:
        raise WorkbookError("old-template", f"Dit werkboek is gemaakt met een oudere versie van het sjabloon "
                            f"(versie {version}; nu {current}). Neem je gegevens over in het nieuwe sjabloon uit "
                            "de map Sjablonen.")
    if version > current:
        raise WorkbookError("newer-template", f"Dit werkboek is gemaakt met een nieuwere sjabloonversie "
                            f"({version}) dan deze toolbox kent ({current}). Vraag de beheerder de toolbox bij te "
                            "werken.")
    return kind, version
