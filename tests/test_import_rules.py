"""The floors of docs/architecture.md, kept by reading every product module's imports with `ast`.

A wrong-way arrow (the store importing the CLI, a grader importing the simulator, anyone importing
`dojo`) fails here with the file and line, and so does an import of our own packages placed inside
a function, which is how such arrows used to hide. Third-party imports may be deferred on purpose
(a heavy optional dependency) with a comment saying so; that is checked too.
"""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, Iterator, List, Set, Tuple

import pytest

from foundation.paths import REPO_ROOT

# package -> the packages of ours it may import (its own is always allowed). The table in
# docs/architecture.md ("Floors") says the same; test_the_doc_shows_these_floors keeps them equal.
FLOORS: Dict[str, Set[str]] = {
    "foundation": set(),
    "simulator": {"foundation"},
    "scoring": {"foundation"},
    "progress": {"foundation"},
    "rasa_client": {"foundation"},
    "rasa_plugins": {"foundation"},
    "actions": {"foundation", "simulator", "scoring", "progress"},
    "drills": {"foundation", "scoring", "progress"},
    "lrs_client": {"foundation"},
    "bot": {"foundation", "simulator", "progress", "rasa_client", "drills", "lrs_client"},
    "dojo": {"foundation", "simulator", "scoring", "progress", "rasa_client", "bot", "drills", "lrs_client"},
}
OURS = set(FLOORS)
# Third-party packages the ground floor may use: it must stay light enough for every process.
FOUNDATION_THIRD_PARTY = {"yaml", "opencc"}


def product_modules() -> Iterator[Path]:
    for package in sorted(OURS):
        yield from sorted((REPO_ROOT / package).rglob("*.py"))


def _imported(node: ast.AST) -> List[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return [node.module]
    return []


def imports_of(path: Path) -> Iterator[Tuple[int, str, bool]]:
    """(line, module, inside a function) for every absolute import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    local: Set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            local.update(id(inner) for inner in ast.walk(node) if inner is not node)
    for node in ast.walk(tree):
        for module in _imported(node):
            yield node.lineno, module, id(node) in local


def _rel(path: Path) -> str:
    return path.relative_to(REPO_ROOT).as_posix()


def test_every_arrow_points_down():
    wrong = []
    for path in product_modules():
        package = _rel(path).split("/")[0]
        for line, module, _ in imports_of(path):
            top = module.split(".")[0]
            if top in OURS and top != package and top not in FLOORS[package]:
                wrong.append(f"{_rel(path)}:{line}: {package} imports {module} (allowed: {sorted(FLOORS[package])})")
    assert wrong == [], "\n".join(wrong)


def test_nobody_imports_the_cli():
    importers = [f"{_rel(path)}:{line}" for path in product_modules() if _rel(path).split("/")[0] != "dojo"
                 for line, module, _ in imports_of(path) if module.split(".")[0] == "dojo"]
    assert importers == []


def test_no_function_local_import_of_our_own_code():
    hidden = []
    for path in product_modules():
        for line, module, inside in imports_of(path):
            if inside and module.split(".")[0] in OURS:
                hidden.append(f"{_rel(path)}:{line}: import {module} inside a function")
    assert hidden == [], "imports of our own packages belong at the top of the file:\n" + "\n".join(hidden)


def test_a_deferred_third_party_import_says_why():
    unexplained = []
    for path in product_modules():
        lines = path.read_text(encoding="utf-8").splitlines()
        for line, module, inside in imports_of(path):
            if not inside or module.split(".")[0] in OURS:
                continue
            # The reason sits on the import's line, or in the comment block just above the imports.
            window = lines[max(0, line - 6):line]
            if not any("deferred" in text.lower() for text in window):
                unexplained.append(f"{_rel(path)}:{line}: import {module} inside a function without a 'deferred' comment")
    assert unexplained == [], "\n".join(unexplained)


def test_the_ground_floor_stays_light():
    heavy = []
    for path in (REPO_ROOT / "foundation").rglob("*.py"):
        for line, module, _ in imports_of(path):
            top = module.split(".")[0]
            if top in OURS or top in FOUNDATION_THIRD_PARTY or top == "__future__":
                continue
            try:
                spec = __import__("importlib.util").util.find_spec(top)
            except (ImportError, ValueError):
                spec = None
            origin = getattr(spec, "origin", "") or ""
            if "site-packages" in origin or "dist-packages" in origin:
                heavy.append(f"{_rel(path)}:{line}: {module}")
    assert heavy == [], "foundation may use the standard library, yaml and opencc only:\n" + "\n".join(heavy)


def _module_graph(package: str) -> Dict[str, Set[str]]:
    graph: Dict[str, Set[str]] = {}
    for path in (REPO_ROOT / package).rglob("*.py"):
        name = _rel(path)[:-3].replace("/", ".").removesuffix(".__init__")
        graph[name] = {module for _, module, inside in imports_of(path)
                       if not inside and module.split(".")[0] == package}
    return graph


@pytest.mark.parametrize("package", sorted(OURS))
def test_no_import_cycle_between_modules_at_import_time(package):
    graph = _module_graph(package)
    state: Dict[str, int] = {}
    cycles = []

    def visit(node: str, trail: List[str]) -> None:
        state[node] = 1
        for target in sorted(graph.get(node, ())):
            if target not in graph:
                continue
            if state.get(target) == 1:
                cycles.append(" -> ".join(trail[trail.index(target):] + [target]) if target in trail else target)
            elif target not in state:
                visit(target, trail + [target])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_the_doc_shows_these_floors():
    doc = (REPO_ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for package, allowed in FLOORS.items():
        row = next((line for line in doc.splitlines() if line.startswith(f"| `{package}/`")), None)
        assert row is not None, f"docs/architecture.md has no floors row for {package}/"
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        named = {part.strip(" `/") for part in cells[-1].split(",")} - {"none of ours", ""}
        assert named == allowed, f"{package}/: doc says {sorted(named)}, test says {sorted(allowed)}"
