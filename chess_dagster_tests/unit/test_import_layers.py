"""The layers of the repository's Python, bottom up, and no import cycle anywhere.

``chess_dagster.lib`` (warehouse, settings, Slack, errors) is what the platform shares: it imports
neither Dagster nor any layer above it. ``chess_dagster.sources`` (the dlt sources) import ``lib``
and dlt, never Dagster. The Dagster layers (``defs``, ``runs``, the CLI) import both.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest

import chess_dagster

SOURCE_ROOT = Path(chess_dagster.__file__).resolve().parents[1]
LIB = SOURCE_ROOT / "chess_dagster" / "lib"
SOURCES = SOURCE_ROOT / "chess_dagster" / "sources"
LIB_FILES = sorted(LIB.rglob("*.py"))
SOURCE_FILES = sorted(SOURCES.rglob("*.py"))
DAGSTER_LAYERS = (
    "chess_dagster.defs",
    "chess_dagster.runs",
    "chess_dagster.cli",
    "chess_dagster.definitions",
)
# The repository's own Python: every import among these is an edge of the graph that has no cycle.
PACKAGES = ("chess_dagster", "chess_dagster_tests", "dashboard", "fixture", "bench", "scripts")


def module_of(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, root: Path = SOURCE_ROOT) -> list[tuple[int, str]]:
    """(line, module) for each import in ``path`` under ``root``; ``from m import n`` is ``m`` and ``m.n``."""
    module = module_of(path, root)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    imported: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            imported.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            imported.append((node.lineno, module))
            imported.extend((node.lineno, f"{module}.{alias.name}") for alias in node.names)
    return imported


def is_within(module: str, packages: Iterable[str]) -> bool:
    return any(module == package or module.startswith(f"{package}.") for package in packages)


def is_forbidden(module: str) -> bool:
    top = module.split(".")[0]
    return top == "dagster" or top.startswith("dagster_") or is_within(module, DAGSTER_LAYERS)


def import_graph(root: Path = SOURCE_ROOT) -> dict[str, set[str]]:
    """Each module of :data:`PACKAGES` and the modules of :data:`PACKAGES` it imports."""
    files = {module_of(path, root): path for package in PACKAGES for path in (root / package).rglob("*.py")}
    return {
        module: {imported for _, imported in imported_modules(path, root) if imported in files} - {module}
        for module, path in files.items()
    }


def a_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` (its modules in order, the first repeated last), else None."""
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> list[str] | None:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done:
            return None
        for imported in sorted(graph[module]):
            if cycle := visit(imported, [*path, module]):
                return cycle
        done.add(module)
        return None

    return next((cycle for module in sorted(graph) if (cycle := visit(module, []))), None)


def test_the_lib_and_source_packages_have_modules() -> None:
    assert LIB / "__init__.py" in LIB_FILES and len(LIB_FILES) > 1
    assert SOURCES / "chess_com" / "source.py" in SOURCE_FILES


@pytest.mark.parametrize("path", LIB_FILES, ids=lambda path: path.relative_to(SOURCE_ROOT).as_posix())
def test_a_lib_module_imports_neither_dagster_nor_the_dagster_layers(path: Path) -> None:
    for line, module in imported_modules(path):
        assert not is_forbidden(module), f"{path.relative_to(SOURCE_ROOT)}:{line} imports {module}"


@pytest.mark.parametrize("path", SOURCE_FILES, ids=lambda path: path.relative_to(SOURCE_ROOT).as_posix())
def test_a_source_module_imports_neither_dagster_nor_the_dagster_layers(path: Path) -> None:
    for line, module in imported_modules(path):
        assert not is_forbidden(module), f"{path.relative_to(SOURCE_ROOT)}:{line} imports {module}"


@pytest.mark.parametrize("path", LIB_FILES, ids=lambda path: path.relative_to(SOURCE_ROOT).as_posix())
def test_a_lib_module_imports_no_source(path: Path) -> None:
    for line, module in imported_modules(path):
        assert not is_within(module, ["chess_dagster.sources"]), (
            f"{path.relative_to(SOURCE_ROOT)}:{line} imports {module}"
        )


def test_the_repositorys_python_has_no_import_cycle() -> None:
    assert a_cycle(import_graph()) is None


def test_the_cycle_check_finds_a_cycle_through_three_modules() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert a_cycle(graph) == ["a", "b", "c", "a"]


def test_the_cycle_check_passes_shared_imports_without_a_cycle() -> None:
    assert a_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        ("dagster", True),
        ("dagster._core.errors", True),
        ("dagster_dlt", True),
        ("dagster_duckdb.resource", True),
        ("chess_dagster.defs", True),
        ("chess_dagster.runs.failures", True),
        ("dlt", False),
        ("chess_dagster.lib.errors", False),
        ("chess_dagster.definitions", True),
        ("chess_dagster.sources.chess_com.source", False),
        ("chess_dagster.defsx", False),
    ],
)
def test_the_check_tells_dagster_imports_from_others(module: str, forbidden: bool) -> None:
    assert is_forbidden(module) is forbidden


def test_relative_imports_are_resolved_against_the_package(tmp_path: Path) -> None:
    lib = tmp_path / "chess_dagster" / "lib"
    lib.mkdir(parents=True)
    source = lib / "example.py"
    source.write_text("from ..runs import failures\nfrom . import months\n")
    assert [module for _, module in imported_modules(source, root=tmp_path)] == [
        "chess_dagster.runs",
        "chess_dagster.runs.failures",
        "chess_dagster.lib",
        "chess_dagster.lib.months",
    ]
