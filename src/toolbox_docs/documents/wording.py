"""The wording of the documents and the mail: Jinja2 templates in ``templates/teksten/``, editable by an
advisor. The one Jinja environment of the toolbox: every text is rendered here.

Templates are rendered in a sandbox with ``StrictUndefined`` and HTML autoescaping, so a value from an
intake can never become markup; a plain-text template (``*.txt.j2``, the reminder mail: ``Wording.text``)
is not escaped. The HTML templates produce a small, well-formed HTML subset that is parsed into
blocks (``blocks.py``) for the Word writer:

    <h1>…<h3>        heading, one to three levels below the section it is written into
    <p>              paragraph; inside it <b>/<strong>, <i>/<em>, <br/>
    <ul>/<ol> <li>   bullet or numbered list
    <table>          rows <tr> of <th> (the header row) or <td>; <td class="num"> right-aligns a
                     column; <tr class="totaal"> marks a total row; <caption> names the table
    <img src="naam" alt="…" breedte="16"/>   a picture the document supplies (the stakeholder chart)

Filters: ``euro``, ``uren``, ``getal``, ``datum`` (1 maart 2026), ``datum_kort`` (01-03-2026), ``weken``,
``alineas`` (a person's text as they typed it: lines as paragraphs, dashes and bullets as a list;
``alineas("Wat ligt vast?")`` runs a bold lead-in into it), ``opsomming`` / ``of_opsomming`` (a Dutch list:
"a, b en c", "a, b of c"), ``hoofdletter``, ``telwoord`` (5 → "vijf"), ``aantal("partij", "partijen")``,
``woord`` (a key's word in a word list: ``vragen | map("woord", woorden.vraag)``),
``zin`` / ``zinnen`` (the advice's phrases, from ``zinnen.toml``: ``phrasebook.py``). The global ``rang``
gives the rank of a level or role, to compare them in a sentence. Characters that XML cannot hold are
removed from every value; ``None`` prints as nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from jinja2 import FileSystemLoader, StrictUndefined, Template, TemplateError, TemplateNotFound, UndefinedError, meta
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from markupsafe import Markup

from toolbox_docs import formatting
from toolbox_docs.advice.phrases import Phrase
from toolbox_docs.documents.blocks import Block, BulletList, Heading, Image, Paragraph, Run, Table
from toolbox_docs.documents.compiled import CodeCache, LoaderCache, load_template, store_template, template_key
from toolbox_docs.documents.phrasebook import Phrasebook
from toolbox_docs.errors import SettingsError, ToolboxError
from toolbox_docs.vocab import Level, RobRung

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_WHITESPACE = re.compile(r"[ \t\r\n]+")


def clean(text: str) -> str:
    """Remove characters that cannot appear in XML 1.0 (control characters, lone surrogates)."""
    return _XML_INVALID.sub("", text)


def _finalize(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    if isinstance(value, Enum):
        return clean(str(value.value))
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, Decimal):
        return formatting.hours(value)
    if isinstance(value, dt.date):
        return formatting.date_long(value)
    if isinstance(value, str):
        return clean(value)
    return value


_BULLET = re.compile(r"^\s*(?:[-*•–·▪]|\d{1,2}[.)])\s+")


def _paragraphs(text: str | None, kop: str = "") -> Markup:
    """A person's text as they typed it: each line a paragraph, lines that start with a dash, bullet or
    number a list. ``kop`` is a bold lead-in ("Wat ligt vast?") run into the first paragraph, or standing
    alone above a list."""
    lines = [line.strip() for line in clean(str(text or "")).replace("\r\n", "\n").split("\n")]
    parts: list[Markup] = []
    items: list[str] = []
    lead = Markup("<b>{}</b> ").format(kop) if kop else Markup("")

    def close_list() -> None:
        if items:
            parts.append(Markup("<ul>") + Markup("").join(Markup("<li>{}</li>").format(i) for i in items)
                         + Markup("</ul>"))
            items.clear()

    for line in lines:
        if not line:
            continue
        bullet = _BULLET.match(line)
        if bullet:
            if lead and not parts:
                parts.append(Markup("<p>{}</p>").format(lead.rstrip()))
                lead = Markup("")
            items.append(line[bullet.end():])
            continue
        close_list()
        parts.append(Markup("<p>{}{}</p>").format(lead, line))
        lead = Markup("")
    close_list()
    if lead:
        parts.append(Markup("<p>{}</p>").format(lead.rstrip()))
    return Markup("").join(parts)


def _dutch_list(items: Iterable[Any], word: str = "en") -> str:
    texts = [str(_finalize(item)) for item in items if item not in (None, "")]
    joined = formatting.dutch_list(texts, word)
    if all(isinstance(item, Markup) for item in items if item not in (None, "")):
        return Markup(joined)
    return joined


def _capital(text: Any) -> Any:
    """The first letter a capital (for a sentence that starts with a value)."""
    value = _finalize(text)
    if not isinstance(value, str) or not value:
        return value
    if value.startswith("één"):  # Dutch: "Eén" at the start of a sentence, not "Één"
        result = "Eén" + value[3:]
    elif value.startswith("ij"):  # and "IJ" for the digraph
        result = "IJ" + value[2:]
    else:
        result = value[0].upper() + value[1:]
    return Markup(result) if isinstance(value, Markup) else result


_NUMBER_WORDS = ("nul", "één", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "elf",
                 "twaalf")


def _number_word(value: Any) -> str:
    """Small whole numbers as words (B1: "vijf van de negen"), larger ones as digits."""
    number = int(value)
    return _NUMBER_WORDS[number] if 0 <= number < len(_NUMBER_WORDS) else formatting.number(Decimal(number))


def _count(value: Any, one: str, more: str) -> str:
    """``3 | aantal("partij", "partijen")`` → "3 partijen"; 1 → "1 partij"."""
    number = int(value)
    return f"{formatting.number(Decimal(number))} {one if number == 1 else more}"


# The rungs of both ladders, for comparing levels in a sentence: {% if rang[nodig] > rang[hoogste] %}.
RANKS: dict[str, int] = {**{level.value: level.rank for level in Level}, **{rung.value: rung.rank for rung in RobRung}}


def _escaped(name: str | None) -> bool:
    """HTML templates and the phrases (``from_string``) are escaped; plain-text templates are not."""
    return name is None or not name.endswith(TEXT_SUFFIX)


def _environment(folders: Sequence[Path]) -> SandboxedEnvironment:
    env = SandboxedEnvironment(loader=FileSystemLoader([str(f) for f in folders]), autoescape=_escaped,
                               undefined=StrictUndefined, finalize=_finalize, trim_blocks=True, lstrip_blocks=True)
    env.filters.update({
        "euro": lambda v: formatting.euro(Decimal(v)),
        "uren": lambda v: formatting.hours(Decimal(v)),
        "getal": lambda v, decimals=0: formatting.number(Decimal(v), decimals=decimals),
        "datum": formatting.date_long,
        "datum_kort": formatting.date_short,
        "weken": formatting.weeks,
        "alineas": _paragraphs,
        "opsomming": _dutch_list,
        "of_opsomming": lambda items: _dutch_list(items, "of"),
        "hoofdletter": _capital,
        "telwoord": _number_word,
        "aantal": _count,
        "woord": lambda key, words: env.getitem(words, key),
    })
    env.globals["rang"] = RANKS
    return env


TEXT_SUFFIX = ".txt.j2"


class Wording:
    """The wording templates of one folder; ``render`` gives blocks, ``text`` plain text, or either raises
    ``SettingsError``. A template missing from the folder is taken from ``fallback`` when one is given."""

    def __init__(self, folder: Path, *, fallback: Path | None = None, cache: CodeCache | None = None) -> None:
        if not folder.is_dir():
            raise SettingsError("de map met teksten bestaat niet.", path=folder)
        self.folder = folder
        self.folders = (folder,) if fallback is None else (folder, fallback)
        self.env = _environment(self.folders)
        self._phrasebook: Phrasebook | None = None
        self.env.filters["zin"] = self.say
        self.env.filters["zinnen"] = lambda phrases: Markup(" ").join(self.say(p) for p in phrases)
        # Each template's source, the variables it uses and the template compiled from it (``_template``).
        self._compiled: dict[str, tuple[str, frozenset[str], Template]] = {}
        # Code compiled by earlier runs from the same texts (``compiled.py``); the default is the account's own.
        self.cache = CodeCache.default() if cache is None else cache
        self.env.bytecode_cache = LoaderCache(self.cache)  # for the templates a template imports

    @property
    def phrases(self) -> Phrasebook:
        """The sentences of the advice (``zinnen.toml`` in the same folder), loaded and checked once."""
        if self._phrasebook is None:
            self._phrasebook = Phrasebook(self.folder / "zinnen.toml", self.env, cache=self.cache)
        return self._phrasebook

    def say(self, phrase: Phrase) -> Markup:
        """A phrase of the advice as Dutch, for the templates (``{{ reden | zin }}``)."""
        return self.phrases.say(phrase)

    def plain(self, phrase: Phrase) -> str:
        """A phrase of the advice as plain Dutch text (command line, logs)."""
        return self.phrases.plain(phrase)

    def _path(self, name: str) -> Path:
        """The file a template is read from (for messages)."""
        return next((f / name for f in self.folders if (f / name).is_file()), self.folder / name)

    def _template(self, name: str) -> tuple[Template, frozenset[str]]:
        """The compiled template and the variables it uses, from one parse of its source; parsed again only
        when an advisor changed the text (parsing costs more than rendering)."""
        assert self.env.loader is not None
        source, filename, _ = self.env.loader.get_source(self.env, name)
        known = self._compiled.get(name)
        if known is None or known[0] != source:
            key = template_key(self.cache, self.env, name, filename, source)
            stored = load_template(self.cache, key)
            if stored is not None:
                used, code = stored
            else:
                parsed = self.env.parse(source, name, filename)
                used = frozenset(meta.find_undeclared_variables(parsed))
                code = self.env.compile(parsed, name, filename)
                store_template(self.cache, key, used, code)
            template = self.env.template_class.from_code(self.env, code, self.env.make_globals(None), None)
            known = (source, used, template)
            self._compiled[name] = known
        return known[2], known[1]

    def _render(self, name: str, context: Mapping[str, Any]) -> str:
        try:
            template, used = self._template(name)
            unknown = sorted(used - set(context) - set(self.env.globals))
            if unknown:
                raise SettingsError(f"de tekst gebruikt onbekende gegevens: {', '.join(unknown)}. Beschikbaar: "
                                    f"{', '.join(sorted(context))}.", path=self._path(name))
            return template.render(**context)
        except TemplateNotFound:
            raise SettingsError("deze tekst ontbreekt.", path=self.folder / name) from None
        except SecurityError as error:
            raise SettingsError(f"de tekst probeert iets wat niet mag ({error}).", path=self._path(name)) \
                from None
        except UndefinedError as error:
            raise SettingsError(f"de tekst gebruikt iets wat niet bestaat ({error.message}).",
                                path=self._path(name)) from None
        except TemplateError as error:
            line = getattr(error, "lineno", None)
            where = f" (regel {line})" if line else ""
            raise SettingsError(f"fout in de tekst{where}: {error.message}.", path=self._path(name)) from None
        except ToolboxError:
            raise
        except (ValueError, TypeError, ArithmeticError) as error:
            raise SettingsError(f"de tekst kon niet worden gemaakt ({error}).", path=self._path(name)) from None

    def render(self, name: str, context: Mapping[str, Any]) -> tuple[Block, ...]:
        """An HTML template as blocks for a document."""
        html = self._render(name, context)
        try:
            return parse_blocks(html)
        except ValueError as error:
            raise SettingsError(f"de tekst geeft geen geldige opmaak: {error}.", path=self._path(name)) \
                from None

    def text(self, name: str, context: Mapping[str, Any]) -> str:
        """A plain-text template (``*.txt.j2``) as text, unescaped."""
        if not name.endswith(TEXT_SUFFIX):
            raise ValueError(f"{name} is not a plain-text template")
        return self._render(name, context)


# --- the HTML subset -> blocks ------------------------------------------------------------------


def parse_blocks(html: str) -> tuple[Block, ...]:
    """Blocks from the HTML subset the wording templates produce; raises ValueError on anything else."""
    try:
        root = SafeET.fromstring(f"<doc>{html}</doc>".encode(), forbid_dtd=True)
    except (ParseError, DefusedXmlException) as error:
        raise ValueError(f"geen geldige opmaak ({error}); gebruik &amp;#160; in plaats van &amp;nbsp;") \
            from None
    blocks: list[Block] = []
    if root.text and root.text.strip():
        blocks.append(Paragraph.of(_collapse(root.text).strip()))
    for element in root:
        blocks.extend(_block(element))
        if element.tail and element.tail.strip():
            blocks.append(Paragraph.of(_collapse(element.tail).strip()))
    return tuple(b for b in blocks if not (isinstance(b, Paragraph) and not b.text.strip()))


def _collapse(text: str) -> str:
    return _WHITESPACE.sub(" ", text)


def _block(element: Element) -> list[Block]:
    tag = element.tag.lower()
    if tag in ("h1", "h2", "h3"):
        return [Heading(_collapse("".join(element.itertext())).strip(), int(tag[1]))]
    if tag == "p":
        return [Paragraph(_runs(element))]
    if tag in ("ul", "ol"):
        items = tuple(_runs(li) for li in element if li.tag.lower() == "li")
        return [BulletList(tuple(i for i in items if "".join(r.text for r in i).strip()), ordered=tag == "ol")]
    if tag == "table":
        return [_table(element)]
    if tag == "img":
        src, alt = element.get("src"), element.get("alt")
        if not src or not alt:
            raise ValueError("<img> heeft src en alt nodig (alt is de beschrijving voor schermlezers)")
        return [Image(src, alt, float(element.get("breedte", "16")))]
    raise ValueError(f"onbekend element <{element.tag}>")


def _runs(element: Element, bold: bool = False, italic: bool = False) -> tuple[Run, ...]:
    runs: list[Run] = []

    def add(text: str | None, b: bool, i: bool) -> None:
        if text:
            runs.append(Run(_collapse(text), b, i))

    add(element.text, bold, italic)
    for child in element:
        tag = child.tag.lower()
        if tag in ("b", "strong"):
            runs.extend(_runs(child, True, italic))
        elif tag in ("i", "em"):
            runs.extend(_runs(child, bold, True))
        elif tag == "br":
            runs.append(Run("\n", bold, italic))
        else:
            raise ValueError(f"<{child.tag}> mag niet binnen een alinea of lijstpunt staan")
        add(child.tail, bold, italic)
    return _trim(runs)


def _trim(runs: list[Run]) -> tuple[Run, ...]:
    merged: list[Run] = []
    for run in runs:
        if merged and (merged[-1].bold, merged[-1].italic) == (run.bold, run.italic):
            merged[-1] = Run(merged[-1].text + run.text, run.bold, run.italic)
        else:
            merged.append(run)
    if merged:
        merged[0] = Run(merged[0].text.lstrip(" "), merged[0].bold, merged[0].italic)
        merged[-1] = Run(merged[-1].text.rstrip(" "), merged[-1].bold, merged[-1].italic)
    merged = [Run(r.text.replace(" \n", "\n").replace("\n ", "\n"), r.bold, r.italic) for r in merged]
    return tuple(r for r in merged if r.text)


def _table(element: Element) -> Table:
    header: tuple[str, ...] = ()
    rows: list[tuple[str, ...]] = []
    numeric: list[bool] = []
    total = False
    caption = ""
    for row in element.iter():
        tag = row.tag.lower()
        if tag == "caption":
            caption = _collapse("".join(row.itertext())).strip()
        if tag != "tr":
            continue
        cells = [c for c in row if c.tag.lower() in ("th", "td")]
        texts = tuple(_collapse("".join(c.itertext())).strip() for c in cells)
        if not header and all(c.tag.lower() == "th" for c in cells):
            header = texts
            continue
        for index, cell in enumerate(cells):
            while len(numeric) <= index:
                numeric.append(False)
            if "num" in (cell.get("class") or "").split():
                numeric[index] = True
        rows.append(texts)
        total = "totaal" in (row.get("class") or "").split()
    if not header:
        raise ValueError("een <table> heeft een kopregel met <th>-cellen nodig")
    width = len(header)
    if any(len(r) != width for r in rows):
        raise ValueError("alle regels van een tabel moeten evenveel cellen hebben als de kopregel")
    return Table(header, tuple(rows), tuple(numeric[:width] + [False] * (width - len(numeric))), total, caption)


