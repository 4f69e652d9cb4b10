"""Build the default Word templates in ``templates/``: collegevoorstel, raadsvoorstel and plan-basis.

Usage: ``python scripts/build_proposal_templates.py [--out DIR]`` (default: the repository's
``templates/``). The output is deterministic (fixed zip timestamps, no dates in the properties), so
rerunning it without changes gives the same bytes; a test checks that the committed files match.

The XML is written by hand, as a Dutch Word would: localised style ids ("Kop1", "Standaard",
"Tabelraster") with the built-in English style names ("heading 1", "Normal", "Table Grid") that the
writer looks styles up by. Document language nl-NL, real heading styles, a header with the
organisation's name, a footer with page numbers (PAGE and NUMPAGES fields), and under "Participatie"
a block-level content control tagged and titled ``participatie`` holding a placeholder. In the header lines,
plain-text content controls tagged ``onderwerp``, ``datum``, ``portefeuillehouder`` and ``steller`` that the
toolbox fills from the intake (``documents/docx_fields.py``). Every name in
the templates is a placeholder in square brackets: no real person is named.
"""

from __future__ import annotations

import argparse
import io
import zipfile
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

ORGANISATION = "Gemeente Heerlen"
PLACEHOLDER = "De participatieparagraaf wordt automatisch ingevuld door de participatietoolbox."
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

NS_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# --- paragraphs -----------------------------------------------------------------------------------


def run(text: str, *, bold: bool = False, style: str = "") -> str:
    props = (f'<w:rStyle w:val="{style}"/>' if style else "") + ("<w:b/><w:bCs/>" if bold else "")
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    parts = []
    for index, piece in enumerate(text.split("\t")):
        if index:
            parts.append("<w:tab/>")
        if piece:
            space = ' xml:space="preserve"' if piece != piece.strip() else ""
            parts.append(f"<w:t{space}>{escape(piece)}</w:t>")
    return f"<w:r>{rpr}{''.join(parts)}</w:r>"


def para(*runs: str, style: str = "", keep_next: bool = False, page_break: bool = False, num: int = 0,
         tabs: Iterable[tuple[str, int]] = (), align: str = "") -> str:
    props = [f'<w:pStyle w:val="{style}"/>' if style else "", "<w:keepNext/>" if keep_next else "",
             "<w:pageBreakBefore/>" if page_break else "",
             f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="{num}"/></w:numPr>' if num else ""]
    stops = "".join(f'<w:tab w:val="{kind}" w:pos="{pos}"/>' for kind, pos in tabs)
    props.append(f"<w:tabs>{stops}</w:tabs>" if stops else "")
    props.append(f'<w:jc w:val="{align}"/>' if align else "")
    ppr = "".join(props)
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{''.join(runs)}</w:p>"


def text(value: str, *, style: str = "") -> str:
    return para(run(value), style=style)


def heading(value: str, level: int = 1, *, page_break: bool = False) -> str:
    return para(run(value), style=f"Kop{level}", page_break=page_break)


def label(name: str, value: str, tag: str = "") -> str:
    """A header line "Name:<tab>value"; with ``tag`` the value is a plain-text content control the toolbox
    fills from the intake (onderwerp, datum, portefeuillehouder, steller) while it shows its placeholder."""
    shown = text_control(tag, name, value) if tag else run(value)
    return para(run(f"{name}:", bold=True), run("\t"), shown, tabs=[("left", 2835)])


def text_control(tag: str, title: str, placeholder: str) -> str:
    """An inline plain-text content control tagged ``tag``, showing ``placeholder`` in the placeholder style."""
    ident = 1702936300 + sum(ord(c) for c in tag)
    return ("<w:sdt><w:sdtPr>"
            f'<w:alias w:val="{escape(title)}"/><w:tag w:val="{tag}"/><w:id w:val="{ident}"/>'
            "<w:showingPlcHdr/><w:text/>"
            "</w:sdtPr><w:sdtContent>"
            f"{run(placeholder, style='Tekstvantijdelijkeaanduiding')}"
            "</w:sdtContent></w:sdt>")


def field(instruction: str, shown: str) -> str:
    return (f'<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>'
            f'<w:r><w:fldChar w:fldCharType="separate"/></w:r>{run(shown)}'
            f'<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def participatie_control() -> str:
    """The block-level content control the toolbox fills (locked against deletion, not editing)."""
    return ("<w:sdt><w:sdtPr>"
            '<w:alias w:val="participatie"/><w:tag w:val="participatie"/><w:id w:val="1702936261"/>'
            '<w:lock w:val="sdtLocked"/><w:showingPlcHdr/>'
            "</w:sdtPr><w:sdtContent>"
            f"{para(run(PLACEHOLDER, style='Tekstvantijdelijkeaanduiding'))}"
            "</w:sdtContent></w:sdt>")


# --- the documents --------------------------------------------------------------------------------

SECTIONS = (
    ("Inleiding", "[Aanleiding en achtergrond van het voorstel.]"),
    ("Argumenten", "[Waarom dit voorstel? Geef per argument een korte alinea.]"),
    ("Kanttekeningen", "[Risico's en nadelen, en hoe daarmee wordt omgegaan.]"),
    ("Financiën", "[Kosten, dekking en gevolgen voor de begroting.]"),
)
AFTER_PARTICIPATION = (
    ("Communicatie", "[Hoe en wanneer worden betrokkenen en inwoners geïnformeerd over het besluit?]"),
    ("Vervolg", "[Vervolgstappen en planning na het besluit.]"),
)


def proposal_body(kind: str, decider: str, labels: Iterable[tuple[str, str, str]]) -> list[str]:
    body = [para(run(kind), style="Titel")]
    body += [label(name, value, tag) for name, value, tag in labels]
    body += [heading("Onderwerp"), text("[Korte omschrijving van het onderwerp in één of twee zinnen.]")]
    body += [heading("Beslispunten"), text(f"{decider} besluit:"),
             text("[Beslispunt 1]", style="Lijstnummering"), text("[Beslispunt 2]", style="Lijstnummering")]
    for title, hint in SECTIONS:
        body += [heading(title), text(hint)]
    body += [heading("Participatie"), participatie_control()]
    for title, hint in AFTER_PARTICIPATION:
        body += [heading(title), text(hint)]
    return body


def college_body() -> list[str]:
    return proposal_body("Collegevoorstel", "Het college", [
        ("Onderwerp", "[onderwerp]", "onderwerp"), ("Datum", "[datum]", "datum"),
        ("Zaaknummer", "[zaaknummer]", ""),
        ("Portefeuillehouder", "[naam portefeuillehouder]", "portefeuillehouder"),
        ("Steller", "[naam steller], [team of afdeling]", "steller"),
    ])


def council_body() -> list[str]:
    body = proposal_body("Raadsvoorstel", "De raad", [
        ("Onderwerp", "[onderwerp]", "onderwerp"), ("Raadsvergadering", "[datum]", "datum"),
        ("Commissie", "[naam en datum]", ""), ("Zaaknummer", "[zaaknummer]", ""),
        ("Portefeuillehouder", "[naam portefeuillehouder]", "portefeuillehouder"),
        ("Steller", "[naam steller], [team of afdeling]", "steller"),
    ])
    signatures = [("left", 4536)]
    body += [
        heading("Raadsbesluit", page_break=True),
        text(f"De raad van de {ORGANISATION[0].lower()}{ORGANISATION[1:]};"),
        text("gelezen het voorstel van burgemeester en wethouders van [datum], nummer [zaaknummer];"),
        text("gelet op [wettelijke grondslag];"),
        para(run("besluit:", bold=True)),
        para(run("[Besluitpunt 1]"), style="Lijstnummering", num=3),
        para(run("[Besluitpunt 2]"), style="Lijstnummering", num=3),
        text("Aldus besloten in de openbare vergadering van [datum]."),
        para(run("De griffier,\tDe voorzitter,"), tabs=signatures),
        para(run("[naam griffier]\t[naam voorzitter]"), tabs=signatures),
    ]
    return body


def document_xml(body: list[str]) -> str:
    section = ('<w:sectPr><w:headerReference w:type="default" r:id="rId4"/>'
               '<w:footerReference w:type="default" r:id="rId5"/>'
               '<w:pgSz w:w="11906" w:h="16838"/>'
               '<w:pgMar w:top="1418" w:right="1418" w:bottom="1418" w:left="1418" w:header="709" '
               'w:footer="709" w:gutter="0"/><w:cols w:space="708"/><w:docGrid w:linePitch="360"/>'
               "</w:sectPr>")
    return (f'{XML_DECL}<w:document xmlns:w="{NS_W}" xmlns:r="{NS_R}"><w:body>'
            f"{''.join(body)}{section}</w:body></w:document>")


def header_xml() -> str:
    return f'{XML_DECL}<w:hdr xmlns:w="{NS_W}">{para(run(ORGANISATION, bold=True), style="Koptekst")}</w:hdr>'


def footer_xml() -> str:
    page = para(run("Pagina "), field("PAGE", "1"), run(" van "), field("NUMPAGES", "1"), style="Voettekst",
                align="right")
    return f'{XML_DECL}<w:ftr xmlns:w="{NS_W}">{page}</w:ftr>'


# --- styles, numbering, settings, package -----------------------------------------------------------

FONT = '<w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:eastAsia="Arial" w:cs="Arial"/>'


def style(kind: str, style_id: str, name: str, body: str = "", *, based_on: str = "", default: bool = False,
          next_style: str = "", priority: int = 0, quick: bool = False, hidden: bool = False) -> str:
    attrs = f'w:type="{kind}"' + (' w:default="1"' if default else "") + f' w:styleId="{style_id}"'
    inner = [f'<w:name w:val="{name}"/>', f'<w:basedOn w:val="{based_on}"/>' if based_on else "",
             f'<w:next w:val="{next_style}"/>' if next_style else "",
             f'<w:uiPriority w:val="{priority}"/>' if priority else "",
             "<w:semiHidden/><w:unhideWhenUsed/>" if hidden else "", "<w:qFormat/>" if quick else "", body]
    return f"<w:style {attrs}>{''.join(inner)}</w:style>"


def heading_style(level: int) -> str:
    size = {1: 28, 2: 24, 3: 22, 4: 20}[level]
    spacing = '<w:spacing w:before="360" w:after="120"/>' if level == 1 else \
        '<w:spacing w:before="240" w:after="80"/>'
    body = (f"<w:pPr><w:keepNext/><w:keepLines/>{spacing}<w:outlineLvl w:val=\"{level - 1}\"/></w:pPr>"
            f'<w:rPr><w:b/><w:bCs/>{"<w:i/><w:iCs/>" if level == 4 else ""}<w:color w:val="1F3864"/>'
            f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>')
    return style("paragraph", f"Kop{level}", f"heading {level}", body, based_on="Standaard",
                 next_style="Standaard", priority=9, quick=True, hidden=level > 1)


def styles_xml() -> str:
    borders = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
                      for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    margins = ('<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
               '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar>')
    tabs = '<w:tabs><w:tab w:val="center" w:pos="4536"/><w:tab w:val="right" w:pos="9072"/></w:tabs>'
    defaults = (f'<w:docDefaults><w:rPrDefault><w:rPr>{FONT}<w:sz w:val="20"/><w:szCs w:val="20"/>'
                '<w:lang w:val="nl-NL" w:eastAsia="en-US" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
                '<w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="264" w:lineRule="auto"/></w:pPr>'
                "</w:pPrDefault></w:docDefaults>")
    styles = [
        style("paragraph", "Standaard", "Normal", default=True, quick=True),
        style("character", "Standaardalinea-lettertype", "Default Paragraph Font", default=True, priority=1,
              hidden=True),
        style("table", "Standaardtabel", "Normal Table", f"<w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/>"
              f"{margins}</w:tblPr>", default=True, priority=99, hidden=True),
        style("numbering", "Geenlijst", "No List", default=True, priority=99, hidden=True),
        *(heading_style(level) for level in (1, 2, 3, 4)),
        style("paragraph", "Titel", "Title", '<w:pPr><w:keepNext/><w:spacing w:after="240"/><w:outlineLvl w:val="0"/>'
              '</w:pPr><w:rPr><w:b/><w:bCs/>'
              '<w:color w:val="1F3864"/><w:sz w:val="40"/><w:szCs w:val="40"/></w:rPr>', based_on="Standaard",
              next_style="Standaard", priority=10, quick=True),
        style("paragraph", "Lijstalinea", "List Paragraph",
              '<w:pPr><w:ind w:left="720"/><w:contextualSpacing/></w:pPr>', based_on="Standaard", priority=34,
              quick=True),
        style("paragraph", "Lijstopsomteken", "List Bullet", '<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr>'
              "<w:contextualSpacing/></w:pPr>", based_on="Standaard", priority=99, hidden=True),
        style("paragraph", "Lijstnummering", "List Number", '<w:pPr><w:numPr><w:numId w:val="2"/></w:numPr>'
              "<w:contextualSpacing/></w:pPr>", based_on="Standaard", priority=99, hidden=True),
        style("paragraph", "Koptekst", "header", f'<w:pPr>{tabs}<w:spacing w:after="0"/></w:pPr>',
              based_on="Standaard", priority=99, hidden=True),
        style("paragraph", "Voettekst", "footer", f'<w:pPr>{tabs}<w:spacing w:after="0"/></w:pPr>'
              '<w:rPr><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr>', based_on="Standaard", priority=99,
              hidden=True),
        style("paragraph", "Bijschrift", "caption", '<w:pPr><w:keepNext/><w:spacing w:after="60"/></w:pPr>'
              '<w:rPr><w:i/><w:iCs/><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>', based_on="Standaard",
              next_style="Standaard", priority=35, quick=True, hidden=True),
        style("table", "Tabelraster", "Table Grid", '<w:pPr><w:spacing w:before="40" w:after="40" '
              f'w:line="240" w:lineRule="auto"/></w:pPr><w:tblPr><w:tblBorders>{borders}</w:tblBorders>'
              "</w:tblPr>", based_on="Standaardtabel", priority=39),
        style("character", "Tekstvantijdelijkeaanduiding", "Placeholder Text",
              '<w:rPr><w:color w:val="808080"/></w:rPr>', priority=99, hidden=True),
    ]
    return f'{XML_DECL}<w:styles xmlns:w="{NS_W}">{defaults}{"".join(styles)}</w:styles>'


def numbering_xml() -> str:
    def abstract(number: int, fmt: str, level_text: str) -> str:
        return (f'<w:abstractNum w:abstractNumId="{number}"><w:multiLevelType w:val="singleLevel"/>'
                f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                f'<w:lvlText w:val="{level_text}"/><w:lvlJc w:val="left"/>'
                '<w:pPr><w:ind w:left="360" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum>')

    nums = ('<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
            '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
            '<w:num w:numId="3"><w:abstractNumId w:val="1"/>'
            '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>')
    return (f'{XML_DECL}<w:numbering xmlns:w="{NS_W}">{abstract(0, "bullet", "•")}'
            f'{abstract(1, "decimal", "%1.")}{nums}</w:numbering>')


def settings_xml() -> str:
    return (f'{XML_DECL}<w:settings xmlns:w="{NS_W}"><w:zoom w:percent="100"/>'
            '<w:defaultTabStop w:val="709"/><w:characterSpacingControl w:val="doNotCompress"/>'
            '<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/'
            'word" w:val="15"/></w:compat><w:themeFontLang w:val="nl-NL"/>'
            '<w:decimalSymbol w:val=","/><w:listSeparator w:val=";"/></w:settings>')


def core_xml(title: str) -> str:
    return (f'{XML_DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<dc:title>{escape(title)}</dc:title><dc:creator>Participatietoolbox</dc:creator>"
            "<dc:language>nl-NL</dc:language></cp:coreProperties>")


def relationships(targets: Iterable[tuple[str, str, str]]) -> str:
    rels = "".join(f'<Relationship Id="{rid}" Type="{kind}" Target={quoteattr(target)}/>'
                   for rid, kind, target in targets)
    return f'{XML_DECL}<Relationships xmlns="{NS_PKG}">{rels}</Relationships>'


def content_types() -> str:
    parts = [("document", "document.main"), ("styles", "styles"), ("settings", "settings"),
             ("numbering", "numbering"), ("header1", "header"), ("footer1", "footer")]
    overrides = [(f"/word/{name}.xml", f"{CT_WML}.{kind}+xml") for name, kind in parts]
    overrides.append(("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"))
    entries = "".join(f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in overrides)
    return (f'{XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>{entries}</Types>')


def package(body: list[str], title: str) -> bytes:
    members = {
        "[Content_Types].xml": content_types(),
        "_rels/.rels": relationships([
            ("rId1", f"{REL}/officeDocument", "word/document.xml"),
            ("rId2", f"{NS_PKG}/metadata/core-properties", "docProps/core.xml"),
        ]),
        "word/document.xml": document_xml(body),
        "word/_rels/document.xml.rels": relationships([
            (f"rId{number}", f"{REL}/{kind}", f"{kind}{suffix}.xml") for number, (kind, suffix) in
            enumerate([("styles", ""), ("settings", ""), ("numbering", ""), ("header", "1"), ("footer", "1")],
                      start=1)
        ]),
        "word/styles.xml": styles_xml(),
        "word/settings.xml": settings_xml(),
        "word/numbering.xml": numbering_xml(),
        "word/header1.xml": header_xml(),
        "word/footer1.xml": footer_xml(),
        "docProps/core.xml": core_xml(title),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name, ZIP_TIME), data.encode("utf-8"), zipfile.ZIP_DEFLATED)
    return out.getvalue()


def build() -> dict[str, bytes]:
    """File name -> bytes of every default template."""
    return {
        "collegevoorstel.docx": package(college_body(), "Collegevoorstel"),
        "raadsvoorstel.docx": package(council_body(), "Raadsvoorstel"),
        "plan-basis.docx": package([para()], ""),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "templates")
    out = parser.parse_args(argv).out
    out.mkdir(parents=True, exist_ok=True)
    for name, data in build().items():
        (out / name).write_bytes(data)
        print(f"{out / name} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
