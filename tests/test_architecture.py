"""The shape of the code, read from the source with ``ast``: no import cycles, all SQL in ``state.py``.

The import graph holds every import of a ``toolbox_docs`` module: at module level, inside functions (the
lazy imports) and under ``TYPE_CHECKING`` (a type-only import is a dependency too). Importing
``toolbox_docs.a.b`` also runs ``toolbox_docs/a/__init__.py``, so it counts as an import of the package.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import toolbox_docs
from toolbox_docs import state
from toolbox_docs.forms import check
from toolbox_docs.register import xlsx as register_xlsx

SOURCE = Path(toolbox_docs.__file__).parent
PACKAGE = "toolbox_docs"


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(SOURCE.rglob("*.py")):
        parts = list(path.relative_to(SOURCE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _imported(module: str, path: Path) -> Iterator[str]:
    """The names ``module`` imports (absolute; ``from a import b`` gives both ``a`` and ``a.b``)."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[:len(package) - node.level + 1] + ([base] if base else []))
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def import_graph() -> dict[str, set[str]]:
    """Module -> the toolbox_docs modules it imports (and the packages those lie in)."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        targets: set[str] = set()
        for name in _imported(module, path):
            while name and name not in modules:  # ``from a.b import function``: the module a.b
                name = name.rpartition(".")[0]
            while name.startswith(PACKAGE + "."):  # and every package it lies in
                if name != module and not module.startswith(name + "."):
                    targets.add(name)
                name = name.rpartition(".")[0]
        graph[module] = targets
    return graph


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _top_level(graph: Mapping[str, set[str]]) -> dict[str, set[str]]:
    """The graph between the top-level modules and subpackages (``toolbox_docs.forms``, ``toolbox_docs.state``)."""
    def top(name: str) -> str:
        return ".".join(name.split(".")[:2])

    folded: dict[str, set[str]] = {}
    for module, targets in graph.items():
        folded.setdefault(top(module), set()).update(top(t) for t in targets if top(t) != top(module))
    return folded


def test_the_graph_sees_every_kind_of_import() -> None:
    graph = import_graph()
    assert "toolbox_docs.forms.check" in graph["toolbox_docs.pipeline.process"]  # module level
    assert "toolbox_docs.pipeline.batch" in graph["toolbox_docs.cli.main"]  # inside a function
    assert "toolbox_docs.forms.xlsx_read" in graph["toolbox_docs.forms.check"]  # inside a function
    assert "toolbox_docs.advice" in graph["toolbox_docs.documents.wording"]  # the package of advice.phrases
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_between_modules() -> None:
    assert cycles(import_graph()) == []


def test_no_import_cycle_between_top_level_modules_and_packages() -> None:
    """forms <-> settings was one: settings imports the vocabulary (then forms.vocab), and the readers
    imported the settings."""
    assert cycles(_top_level(import_graph())) == []


# The packages as layers, lowest first: each imports only the ones before it (and the top-level modules).
LAYERS = ("share", "forms", "advice", "documents", "register", "pipeline", "service", "cli")


def test_the_packages_import_only_the_layers_below_them() -> None:
    folded = _top_level(import_graph())
    packages = {name for name in folded if name.count(".") == 1 and (SOURCE / name.split(".")[1]).is_dir()}
    assert packages == {f"{PACKAGE}.{layer}" for layer in LAYERS}, "a package is missing from LAYERS"
    upward = {}
    for rank, layer in enumerate(LAYERS):
        above = {f"{PACKAGE}.{name}" for name in LAYERS[rank + 1:]}
        if folded[f"{PACKAGE}.{layer}"] & above:
            upward[layer] = sorted(folded[f"{PACKAGE}.{layer}"] & above)
    assert upward == {}


def test_the_forms_and_the_register_export_do_not_import_the_shell() -> None:
    graph = import_graph()
    forms = {m: t for m, t in graph.items() if m.startswith("toolbox_docs.forms")}
    assert forms and not any("toolbox_docs.settings" in targets for targets in forms.values())
    assert check.__name__ in graph
    exporter = graph[register_xlsx.__name__]
    assert not exporter & {"toolbox_docs.pipeline.process", "toolbox_docs.pipeline.runtime"}, exporter


# --- SQL --------------------------------------------------------------------------------------------

_SQL = re.compile(r"\b(SELECT\b.+\bFROM|INSERT\s+INTO|UPDATE\s+(OR\s+\w+\s+)?\w+\s+SET|DELETE\s+FROM|"
                  r"(CREATE|ALTER|DROP)\s+(TABLE|INDEX)|PRAGMA\s+\w+|BEGIN\s+IMMEDIATE)\b", re.DOTALL)
_DATABASE_CALLS = {"query", "execute", "executemany", "executescript", "transaction"}


def _strings(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value
        elif isinstance(node, ast.JoinedStr):
            yield node.lineno, "".join(v.value for v in node.values
                                       if isinstance(v, ast.Constant) and isinstance(v.value, str))


def _sql_in(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = [f"{path.name}:{line}: {text[:60]!r}" for line, text in _strings(tree) if _SQL.search(text)]
    found += [f"{path.name}:{node.lineno}: import sqlite3" for node in ast.walk(tree)
              if isinstance(node, ast.Import | ast.ImportFrom)
              and "sqlite3" in ([a.name for a in node.names] if isinstance(node, ast.Import) else [node.module])]
    found += [f"{path.name}:{node.lineno}: .{node.func.attr}()" for node in ast.walk(tree)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in _DATABASE_CALLS]
    return found


def test_the_sql_check_finds_the_sql_of_the_state() -> None:
    found = _sql_in(Path(state.__file__))
    assert any("import sqlite3" in f for f in found)
    assert any("INSERT INTO" in f for f in found) and any("SELECT" in f for f in found)
    assert any(".execute()" in f for f in found)


def test_no_sql_outside_the_state() -> None:
    outside = {path: _sql_in(path) for path in _modules().values() if path != Path(state.__file__)}
    assert {path.name: found for path, found in outside.items() if found} == {}


def test_the_service_starts_without_loading_the_pipeline() -> None:
    """The service only counts outcomes and hands files to its worker, which loads the pipeline; loading it
    in the service too cost a fifth of a second of CPU and 9 MB at every start (the advice, the texts,
    python-docx and openpyxl)."""
    code = ("import sys, toolbox_docs.service.service; "
            "print(sorted(m for m in sys.modules if m in {'toolbox_docs.pipeline.runtime', "
            "'toolbox_docs.pipeline.process', 'toolbox_docs.documents.wording', 'docx', 'jinja2'}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.strip() == "[]", result.stdout
