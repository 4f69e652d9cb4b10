"""The proposal's header fields (onderwerp, datum, portefeuillehouder, steller), filled from the intake.

A field is a content control (``w:sdt``) whose tag is the field's name, as Dutch template systems mark
fields; the default proposal templates have one per header line. A field is filled only when that cannot
undo a person's work:

- it still shows its placeholder (``w:showingPlcHdr``), or
- it holds exactly what the toolbox wrote there last time. The toolbox records that in the control's own
  ``w:id``: the CRC-32 of the text it wrote. A person who types in the field changes the text, the id no
  longer matches, and the field is theirs from then on.

A field the intake does not know (an empty value) keeps its placeholder. Works on the lxml tree of
``word/document.xml``, like ``docx_anchor.py``; the writer calls ``fill_fields`` before it saves.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from copy import deepcopy

from lxml import etree

from toolbox_docs.documents.docx_anchor import Element, w
from toolbox_docs.documents.docx_render import clean_text

PLACEHOLDER_STYLES = {"Tekstvantijdelijkeaanduiding", "PlaceholderText"}


def control_id(text: str) -> str:
    """The id the toolbox gives a field it filled: the CRC-32 of the text, as a signed 32-bit number."""
    value = zlib.crc32(text.encode("utf-8"))
    return str(value - 2**32 if value >= 2**31 else value)


def _text(content: Element) -> str:
    return "".join(t.text or "" for t in content.iter(w("t")))


def _tag(sdt: Element) -> str:
    found = sdt.find(f"{w('sdtPr')}/{w('tag')}")
    return found.get(w("val"), "") if found is not None else ""


def _run_properties(content: Element) -> Element | None:
    """The formatting of the field's first run, without the grey placeholder style."""
    first = next(content.iter(w("r")), None)
    props = first.find(w("rPr")) if first is not None else None
    if props is None:
        return None
    props = deepcopy(props)
    style = props.find(w("rStyle"))
    if style is not None and style.get(w("val"), "") in PLACEHOLDER_STYLES:
        props.remove(style)
    return props if len(props) else None


def _replace_runs(content: Element, value: str) -> None:
    props = _run_properties(content)
    run = etree.Element(w("r"))
    if props is not None:
        run.append(props)
    text = etree.SubElement(run, w("t"))
    text.text = value
    if value != value.strip():
        text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    paragraph = content.find(w("p"))
    host = paragraph if paragraph is not None else content
    for child in list(host):
        if child.tag != w("pPr"):
            host.remove(child)
    host.append(run)
    if paragraph is not None:
        for extra in content.findall(w("p"))[1:]:
            content.remove(extra)


def fill_fields(body: Element, values: Mapping[str, str]) -> tuple[str, ...]:
    """Fill the fields of ``values`` (tag → text) in ``body``; returns the tags that were filled."""
    filled: list[str] = []
    for sdt in body.iter(w("sdt")):
        tag = _tag(sdt)
        value = clean_text(values.get(tag) or "").strip()
        props, content = sdt.find(w("sdtPr")), sdt.find(w("sdtContent"))
        if not value or props is None or content is None:
            continue
        placeholder = props.find(w("showingPlcHdr"))
        ident = props.find(w("id"))
        ours = ident is not None and ident.get(w("val")) == control_id(_text(content))
        if placeholder is None and not ours:
            continue  # a person typed here: theirs
        if _text(content) != value or placeholder is not None:
            _replace_runs(content, value)
        if placeholder is not None:
            props.remove(placeholder)
        if ident is None:
            ident = etree.Element(w("id"))
            before = [props.find(w(name)) for name in ("tag", "alias", "rPr")]
            anchor = next((e for e in before if e is not None), None)
            if anchor is not None:
                anchor.addnext(ident)
            else:
                props.insert(0, ident)
        ident.set(w("val"), control_id(value))
        filled.append(tag)
    return tuple(filled)
