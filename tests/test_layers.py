"""The layers do not loop: every import of every module (module level or inside a
function) is read with ``ast`` and checked against the rules below."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "newsgraph"

# Leaf modules: shared helpers that import nothing of newsgraph except other leaves.
LEAVES = {"errors", "textrules", "langid", "textutil", "quotemarks", "datafiles"}
# (importer prefix, forbidden prefixes)
_ABOVE_STAGES = ("store", "query", "api", "cli", "executors", "jobs", "pipeline")
FORBIDDEN = [
    ("ingest", ("stages", *_ABOVE_STAGES)),
    ("stages", ("ingest", *_ABOVE_STAGES)),
    # the helpers stages use (gazetteer and geocoding, event and actor coding) sit below them
    ("geo", ("stages", "ingest", *_ABOVE_STAGES)),
    ("coding", ("stages", "ingest", *_ABOVE_STAGES)),
    ("model", ("stages", "ingest", *_ABOVE_STAGES)),
    ("config", ("stages", "ingest", *_ABOVE_STAGES)),
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """The newsgraph modules ``path`` imports, as names relative to the package ("stages.clean")."""
    name = module_name(path)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "newsgraph" or alias.name.startswith("newsgraph."):
                    found.add(alias.name.removeprefix("newsgraph").lstrip("."))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join([*base, *(node.module.split(".") if node.module else [])])
            elif node.module and (node.module == "newsgraph" or node.module.startswith("newsgraph.")):
                target = node.module.removeprefix("newsgraph").lstrip(".")
            else:
                continue
            if node.module is None or not target:
                # "from . import x": the names are modules of the package
                found.update(f"{target}.{a.name}".lstrip(".") for a in node.names)
            else:
                found.add(target)
    return found


def graph() -> dict[str, set[str]]:
    return {module_name(p): imports_of(p) for p in sorted(SRC.rglob("*.py"))}


def under(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def test_the_walk_sees_imports() -> None:
    g = graph()
    assert "model" in g["stages.clean"] and "textrules" in g["stages.clean"]
    assert "ingest.html" in g["ingest"]


def test_no_forbidden_layer_import() -> None:
    bad = [
        f"{mod} imports {imp}"
        for mod, imps in graph().items()
        for importer, forbidden in FORBIDDEN
        if under(mod, importer)
        for imp in imps
        if any(under(imp, f) for f in forbidden)
    ]
    assert bad == []


def test_leaf_modules_import_only_leaves() -> None:
    g = graph()
    bad = [f"{leaf} imports {imp}" for leaf in LEAVES for imp in g[leaf] if imp not in LEAVES]
    assert bad == []


def test_no_cycle_between_parts_of_the_package() -> None:
    """Between subpackages and top-level modules (ingest, stages, store, model ...), imports form no cycle."""
    from graphlib import CycleError, TopologicalSorter

    def part(module: str) -> str:
        return module.split(".")[0] or "newsgraph"

    edges: dict[str, set[str]] = {}
    for mod, imps in graph().items():
        for imp in imps:
            if part(mod) != part(imp):
                edges.setdefault(part(mod), set()).add(part(imp))
    try:
        tuple(TopologicalSorter(edges).static_order())
    except CycleError as exc:
        pytest.fail(f"import cycle: {' -> '.join(exc.args[1])}")
