"""Compiled templates kept between runs: the Python code Jinja makes of a template, in a private folder.

Every ``toolbox-docs process`` is a new process. Without this cache it parses, checks and compiles the
wording's templates and the phrase book's sentences again each time: about 0.25 s of CPU, a quarter of a
cold run (``benchmarks/bench_coldstart.py``). With it, a run loads the code that an earlier run compiled
from the same text, the way Python loads a module's ``.pyc``.

What is kept is code that a later run executes, so only the account itself may write it (see
``docs/threat-model.md``):

- the folder is ``TOOLBOX_CACHE_DIR``, else ``$XDG_CACHE_HOME/toolbox-docs/sjablonen`` (``~/.cache/...``):
  a local folder of the account, never the share and never the state folder;
- it is used only where the operating system can say who owns it (POSIX): the folder and each file must be
  owned by the running account and writable by no one else, and files are opened without following links.
  Anything else (another owner, a folder others can write, a link, a damaged file) is not used: the
  template is compiled in memory, as without a cache, and nothing is reported, since nothing is wrong with
  the text. ``TOOLBOX_CACHE_DIR=uit`` turns the cache off;
- an entry's name is the SHA-256 of everything its code depends on: the format of this cache, Python's
  bytecode version, Jinja's version, the environment's options, filters, tests and globals, the template's
  name and the text itself (and, for the phrase book, the values each sentence may use). Any change gives
  a new name, so a changed text is always parsed, checked and compiled again; old entries are simply
  never read again.

Entries are written whole (a temp file renamed into place), so two processes can share the folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import marshal
import os
import stat
import tempfile
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2
from jinja2 import Environment
from jinja2.bccache import Bucket, BytecodeCache

FORMAT = "toolbox-docs compiled templates 1"
OFF = frozenset({"", "uit", "off", "nee", "0"})
_MAX_BYTES = 8 * 1024 * 1024  # far above any entry (the phrase book's, the largest, is about 0.2 MB)
MAX_ENTRIES = 64  # a few per wording folder in use; at most about 12 MB


def default_folder() -> Path | None:
    """Where the cache lives: ``TOOLBOX_CACHE_DIR``, else the account's XDG cache folder; ``None`` when
    turned off, or where ownership cannot be checked (Windows)."""
    configured = os.environ.get("TOOLBOX_CACHE_DIR")
    if configured is not None:
        return None if configured.strip().lower() in OFF else Path(configured).expanduser()
    if os.name != "posix":
        return None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "toolbox-docs" / "sjablonen"


def fingerprint(env: Environment, *extra: Any) -> str:
    """Everything about ``env`` that the code it compiles depends on, plus ``extra``, as one text."""
    options = (FORMAT, importlib.util.MAGIC_NUMBER.hex(), jinja2.__version__, type(env).__module__,
               type(env).__qualname__, env.block_start_string, env.block_end_string, env.variable_start_string,
               env.variable_end_string, env.comment_start_string, env.comment_end_string,
               env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks,
               env.newline_sequence, env.keep_trailing_newline, env.optimized, env.is_async,
               sorted(env.filters), sorted(env.tests), sorted(env.globals), sorted(env.extensions),
               getattr(env.finalize, "__qualname__", repr(env.finalize)),
               sorted(getattr(env, "intercepted_binops", ())), sorted(getattr(env, "intercepted_unops", ())))
    return repr((options, extra))


class CodeCache:
    """A folder of compiled templates; ``load`` gives a stored value or ``None``, ``store`` keeps one.
    Both fail quietly: the cache only ever saves time."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    @classmethod
    def default(cls) -> CodeCache:
        return cls(default_folder())

    @staticmethod
    def key(*parts: str) -> str:
        digest = hashlib.sha256()
        for part in parts:
            data = part.encode("utf-8", "surrogatepass")
            digest.update(len(data).to_bytes(8, "big") + data)
        return digest.hexdigest()

    def _trusted(self, info: os.stat_result, kind: int) -> bool:
        return (stat.S_IFMT(info.st_mode) == kind and info.st_uid == os.geteuid()
                and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH))

    def _folder(self, *, create: bool) -> Path | None:
        """The folder when it is the account's own and no one else can write it."""
        if self.folder is None or os.name != "posix":
            return None
        try:
            if create:
                self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            return self.folder if self._trusted(os.lstat(self.folder), stat.S_IFDIR) else None
        except (OSError, ValueError):
            return None

    def usable(self) -> bool:
        """Whether entries can be kept (the folder exists or was made, and is the account's own)."""
        return self._folder(create=True) is not None

    def load(self, key: str) -> Any | None:
        folder = self._folder(create=False)
        if folder is None:
            return None
        try:
            handle = os.open(folder / key, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except (OSError, ValueError):
            return None
        try:
            info = os.fstat(handle)
            if not self._trusted(info, stat.S_IFREG) or info.st_size > _MAX_BYTES:
                return None
            with os.fdopen(handle, "rb", closefd=False) as stream:
                data = stream.read(_MAX_BYTES + 1)
            header = FORMAT.encode() + b"\n"
            if not data.startswith(header):
                return None
            return marshal.loads(data[len(header):])
        except (OSError, ValueError, EOFError, TypeError):
            return None
        finally:
            os.close(handle)

    def store(self, key: str, value: Any) -> None:
        folder = self._folder(create=True)
        if folder is None:
            return
        temp = ""
        try:
            data = FORMAT.encode() + b"\n" + marshal.dumps(value)
            handle, temp = tempfile.mkstemp(dir=folder, prefix=".~", suffix=".tmp")
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temp, folder / key)
            temp = ""
            self._prune(folder)
        except (OSError, ValueError):
            pass
        finally:
            if temp:
                with contextlib.suppress(OSError):
                    os.unlink(temp)

    @staticmethod
    def _prune(folder: Path) -> None:
        """Keep the newest ``MAX_ENTRIES``: every edit of a text makes a new entry, and old ones are never
        read again. Runs only when an entry was written, that is when something was compiled anyway."""
        entries = []
        for entry in os.scandir(folder):
            with contextlib.suppress(OSError):
                if len(entry.name) == 64 and entry.is_file(follow_symlinks=False):
                    entries.append((entry.stat(follow_symlinks=False).st_mtime_ns, entry.path))
        for _, old in sorted(entries)[:-MAX_ENTRIES]:
            with contextlib.suppress(OSError):
                os.unlink(old)


def template_key(cache: CodeCache, env: Environment, name: str | None, filename: str | None, source: str) -> str:
    """The entry of one template: the environment, how the name is escaped, the name, the file and the text."""
    escaped = env.autoescape(name) if callable(env.autoescape) else env.autoescape
    return cache.key(fingerprint(env), str(name), str(filename), str(bool(escaped)), source)


def load_template(cache: CodeCache, key: str) -> tuple[frozenset[str], CodeType] | None:
    """A template's entry: the variables it uses and its code; ``None`` when absent or not of this shape."""
    stored = cache.load(key)
    if isinstance(stored, tuple) and len(stored) == 2 and isinstance(stored[1], CodeType) \
            and isinstance(stored[0], tuple) and all(isinstance(name, str) for name in stored[0]):
        return frozenset(stored[0]), stored[1]
    return None


def store_template(cache: CodeCache, key: str, used: frozenset[str], code: CodeType) -> None:
    cache.store(key, (tuple(sorted(used)), code))


class LoaderCache(BytecodeCache):
    """Jinja's hook for templates it loads itself (``{% import %}``), on the same folder and keys."""

    def __init__(self, cache: CodeCache) -> None:
        self.cache = cache

    def get_bucket(self, environment: Environment, name: str, filename: str | None, source: str) -> Bucket:
        bucket = Bucket(environment, template_key(self.cache, environment, name, filename, source), "")
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.cache.load(bucket.key)
        bucket.code = code if isinstance(code, CodeType) else None

    def dump_bytecode(self, bucket: Bucket) -> None:
        if bucket.code is not None:
            self.cache.store(bucket.key, bucket.code)
