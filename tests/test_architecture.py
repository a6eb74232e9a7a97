"""The package's shape: no module imports itself back through others, counting imports
made inside functions (they run later, but a circle is still a circle: a change in one
module reaches round to itself, and the order of imports starts to matter)."""

from __future__ import annotations

import ast
from pathlib import Path

import xbdocs

PACKAGE = Path(xbdocs.__file__).resolve().parent


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))
            if "migrations" not in path.parts}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The xbdocs modules ``name`` imports anywhere in its body. ``from xbdocs.a import b``
    is an import of xbdocs.a.b when that is a module, else of xbdocs.a."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                child = f"{base}.{alias.name}"
                found.add(child if child in known else base)
    return {module for module in found if module in known and module != name}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
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


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def test_no_import_cycles():
    assert _cycles(import_graph()) == []


def test_the_cycle_finder_finds_one():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_engine_never_imports_a_door():
    """The doors (the CLI, the terminal interview, batch, the register's commands) call the
    engine; the engine calls none of them."""
    doors = {"xbdocs.cli", "xbdocs.__main__", "xbdocs.interview.terminal", "xbdocs.web",
             "xbdocs.web.app", "xbdocs.web.serve"}
    graph = import_graph()
    engine = [name for name in graph if name not in doors
              and not name.startswith(("xbdocs.batch", "xbdocs.registry", "xbdocs.interview"))]
    assert {name: sorted(graph[name] & doors) for name in engine
            if graph[name] & doors} == {}
