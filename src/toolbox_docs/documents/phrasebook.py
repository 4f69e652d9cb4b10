"""The sentences of the advice (``teksten/zinnen.toml``): one small Jinja2 template per phrase key.

The advice holds ``Phrase`` records (a key and its values, ``advice/phrases.py``); this module turns them
into Dutch. The file is checked when it is loaded, so a broken sentence is found at start, not halfway
through a document: every key of ``KEYS`` must have a sentence, no sentence may stand under an unknown key,
and a sentence may only use the values its key gives, the filters of the wording and the word lists under
``[woorden]`` (for example ``woorden.vraag["geld"]``), and only filters and tests the wording has. Nested
phrases are said first, so a sentence can be built from parts.

At load each sentence is parsed and checked; it is compiled to Python from that parse the first time it is
said. One document says about a third of the sentences, and compiling all of them cost a ``process`` run
about 0.13 s of CPU at start. Where the account has a cache of compiled templates (``compiled.py``), the
first load checks and compiles every sentence once and keeps the code; a later run with the same sentences
loads that code and parses nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from types import CodeType
from typing import Any

from jinja2 import Template, TemplateError, meta, nodes
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from toolbox_docs.advice.phrases import KEYS, Phrase
from toolbox_docs.documents.compiled import CodeCache, fingerprint
from toolbox_docs.errors import SettingsError
from toolbox_docs.settings import read_toml

WORDS = "woorden"


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, Mapping):
            found.update(_flatten(value, name))
        else:
            found[name] = value
    return found


def _words(data: Any, path: Path) -> dict[str, dict[str, str]]:
    if data is None:
        return {}
    if not isinstance(data, Mapping) or not all(
            isinstance(table, Mapping) and all(isinstance(k, str) and isinstance(v, str) for k, v in table.items())
            for table in data.values()):
        raise SettingsError(f"[{WORDS}] hoort lijsten van woorden te bevatten, zoals [{WORDS}.vraag] met "
                            "geld = \"geld\".", path=path)
    return {str(name): dict(table) for name, table in data.items()}


class Phrasebook:
    """Every sentence of ``zinnen.toml``, compiled in the wording's sandbox and checked against ``KEYS``."""

    def __init__(self, path: Path, env: SandboxedEnvironment, *, cache: CodeCache | None = None) -> None:
        self.path = path
        data = read_toml(path, missing="het bestand met de zinnen van het advies ontbreekt.")
        words = _words(data.pop(WORDS, None), path)
        sentences = _flatten(data)
        unknown = sorted(set(sentences) - set(KEYS))
        if unknown:
            raise SettingsError(f"onbekende zin '{unknown[0]}'; de toolbox kent deze zin niet (een tikfout in de "
                                "naam?).", path=path)
        missing = sorted(set(KEYS) - set(sentences))
        if missing:
            raise SettingsError(f"de zin '{missing[0]}' ontbreekt" + (f" (en nog {len(missing) - 1} andere)"
                                                                    if len(missing) > 1 else "") + ".", path=path)
        self.env = env
        self.words = words
        self.parsed: dict[str, nodes.Template] = {}
        self.templates: dict[str, Template] = {}
        for key, source in sentences.items():
            if not isinstance(source, str):
                raise SettingsError(f"de zin '{key}' hoort een tekst te zijn.", path=path)
        # The same sentences checked and compiled by an earlier run (``compiled.py``): then nothing is parsed.
        cache = cache or CodeCache(None)
        known = cache.key(fingerprint(env, sorted((key, sorted(names)) for key, names in KEYS.items()), WORDS),
                          json.dumps([sentences, words], sort_keys=True, ensure_ascii=False))
        stored = cache.load(known)
        if isinstance(stored, dict) and set(stored) == set(sentences) \
                and all(isinstance(code, CodeType) for code in stored.values()):
            self.codes: dict[str, CodeType] = stored
            return
        self.codes = {}
        self._check(sentences)
        if cache.usable():  # compile every sentence once, so that the next run parses none
            for key in sentences:
                self._code(key)
            cache.store(known, self.codes)

    def _check(self, sentences: Mapping[str, str]) -> None:
        """Parse each sentence and check what it uses; refuse the file on the first fault."""
        path, env = self.path, self.env
        for key, source in sentences.items():
            try:
                parsed = env.parse(source)
            except TemplateError as error:
                raise SettingsError(f"fout in de zin '{key}': {error.message}.", path=path) from None
            for node in parsed.find_all((nodes.Filter, nodes.Test)):
                known = env.filters if isinstance(node, nodes.Filter) else env.tests
                if node.name not in known:  # what compiling would refuse, found now rather than when said
                    kind = "filter" if isinstance(node, nodes.Filter) else "test"
                    raise SettingsError(f"fout in de zin '{key}': onbekende {kind} '{node.name}'.", path=path)
            try:
                names = meta.find_undeclared_variables(parsed)
            except TemplateError as error:
                raise SettingsError(f"fout in de zin '{key}': {error.message}.", path=path) from None
            extra = sorted(names - KEYS[key] - {WORDS} - set(env.globals))
            if extra:
                raise SettingsError(f"de zin '{key}' gebruikt '{extra[0]}', maar die waarde heeft deze zin niet. "
                                    f"Beschikbaar: {', '.join(sorted(KEYS[key])) or '(geen)'}.", path=path)
            self.parsed[key] = parsed

    def _code(self, key: str) -> CodeType:
        code = self.codes.get(key)
        if code is None:
            try:
                code = self.codes[key] = self.env.compile(self.parsed[key])
            except TemplateError as error:
                raise SettingsError(f"fout in de zin '{key}': {error.message}.", path=self.path) from None
        return code

    def _template(self, key: str) -> Template:
        template = self.templates.get(key)
        if template is None:
            template = self.env.template_class.from_code(self.env, self._code(key), self.env.make_globals(None),
                                                         None)
            self.templates[key] = template
        return template

    def say(self, phrase: Phrase) -> Markup:
        """The phrase as Dutch (escaped for the HTML of the wording templates)."""
        values: dict[str, Any] = {}
        for name, value in phrase.values:
            if isinstance(value, Phrase):
                values[name] = self.say(value)
            elif isinstance(value, tuple):
                values[name] = [self.say(v) if isinstance(v, Phrase) else v for v in value]
            else:
                values[name] = value
        try:
            text = self._template(phrase.key).render(**values, **{WORDS: self.words})
        except TemplateError as error:
            raise SettingsError(f"de zin '{phrase.key}' kon niet worden gemaakt: {error.message}.",
                                path=self.path) from None
        except (KeyError, ValueError, TypeError, ArithmeticError) as error:
            raise SettingsError(f"de zin '{phrase.key}' kon niet worden gemaakt ({error}).", path=self.path) from None
        return Markup(" ".join(text.split()))

    def plain(self, phrase: Phrase) -> str:
        """The phrase as plain text (for the command line and log lines)."""
        return self.say(phrase).unescape()
