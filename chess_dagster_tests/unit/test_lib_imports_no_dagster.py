"""``chess_dagster.lib`` is the platform without Dagster: no Dagster import, no Dagster layer import."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import chess_dagster

SOURCE_ROOT = Path(chess_dagster.__file__).resolve().parents[1]
LIB = SOURCE_ROOT / "chess_dagster" / "lib"
LIB_FILES = sorted(LIB.rglob("*.py"))
DAGSTER_LAYERS = ("chess_dagster.defs", "chess_dagster.runs")


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


def is_forbidden(module: str) -> bool:
    top = module.split(".")[0]
    in_layer = any(module == layer or module.startswith(f"{layer}.") for layer in DAGSTER_LAYERS)
    return top == "dagster" or top.startswith("dagster_") or in_layer


def test_the_lib_package_has_modules() -> None:
    assert LIB / "__init__.py" in LIB_FILES
    assert len(LIB_FILES) > 1


@pytest.mark.parametrize("path", LIB_FILES, ids=lambda path: path.relative_to(SOURCE_ROOT).as_posix())
def test_a_lib_module_imports_neither_dagster_nor_the_dagster_layers(path: Path) -> None:
    for line, module in imported_modules(path):
        assert not is_forbidden(module), f"{path.relative_to(SOURCE_ROOT)}:{line} imports {module}"


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
        ("chess_dagster.definitions", False),
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
