"""The layout CONTRIBUTING.md describes: two entrances over one engine, and no import circle.

Read from the source as text (``ast``), so the rules hold for every module, imported or not.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
INTERNAL = SRC / "certbot_dns_dnscale" / "_internal"
BENCHMARKS = ROOT / "benchmarks"
COMMANDS = "certbot_dns_dnscale._internal.commands"
GLUE = "certbot_dns_dnscale._internal.dns_dnscale"

Graph = dict[str, set[str]]


def module_name(path: Path, top: Path) -> str:
    parts = list(path.relative_to(top).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_names(path: Path) -> set[str]:
    """Every module an ``import`` or ``from ... import`` names, and ``from a import b``'s
    ``a.b`` too (b may be a module)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def import_graph(top: Path) -> Graph:
    """Each module under ``top`` -> the modules under ``top`` it imports."""
    modules = {module_name(path, top): path for path in top.rglob("*.py")}
    return {
        name: {other for other in imported_names(path) if other in modules and other != name}
        for name, path in modules.items()
    }


def find_circle(graph: Graph) -> list[str] | None:
    """One import circle, as the modules along it, or None."""
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> list[str] | None:
        if name in path:
            return [*path[path.index(name) :], name]
        if name in done:
            return None
        for other in sorted(graph[name]):
            circle = visit(other, [*path, name])
            if circle:
                return circle
        done.add(name)
        return None

    for name in sorted(graph):
        circle = visit(name, [])
        if circle:
            return circle
    return None


def test_find_circle_finds_a_circle_of_three() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_circle(graph) == ["a", "b", "c", "a"]


def test_find_circle_passes_a_layered_graph() -> None:
    assert find_circle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


@pytest.mark.parametrize("top", [SRC, BENCHMARKS], ids=["src", "benchmarks"])
def test_no_import_circle(top: Path) -> None:
    assert find_circle(import_graph(top)) is None


def test_the_engine_imports_neither_entrance() -> None:
    graph = import_graph(SRC)
    engine = [name for name in graph if name.startswith("certbot_dns_dnscale._internal.")]
    engine = [name for name in engine if not name.startswith((COMMANDS, GLUE))]
    assert engine, "no engine modules found: the layout moved"
    upward = {
        name: sorted(other for other in graph[name] if other.startswith((COMMANDS, GLUE)))
        for name in engine
    }
    assert {name: up for name, up in upward.items() if up} == {}


def test_the_commands_do_not_import_the_certbot_glue() -> None:
    graph = import_graph(SRC)
    commands = [name for name in graph if name.startswith(COMMANDS)]
    assert commands
    assert {name: graph[name] & {GLUE} for name in commands if GLUE in graph[name]} == {}


def test_no_renewal_module_is_left_at_the_top_of_internal() -> None:
    assert sorted(path.name for path in INTERNAL.glob("renewal*.py")) == []
