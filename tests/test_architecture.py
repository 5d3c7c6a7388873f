"""The library's shape: each stage imports only the stages below it, and nothing imports in a
circle (function-level imports included), so a newcomer can follow a run floor by floor."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "docpipe"
FLOOR = {
    "records": 0, "serialize": 0, "settings": 0, "taxonomy": 0, "text": 0, "fsutil": 0,
    "memory": 0, "reading": 1, "understanding": 2, "classifying": 3, "storing": 4,
    "outputs": 5, "running": 6, "console": 7, "cli": 7, "__init__": 7,
}


def _imports() -> dict[str, set[str]]:
    """module -> the docpipe modules it imports anywhere in its body."""
    graph: dict[str, set[str]] = {}
    modules = {".".join(p.relative_to(SRC.parent).with_suffix("").parts).removesuffix(".__init__")
               for p in SRC.rglob("*.py")}
    for path in SRC.rglob("*.py"):
        name = ".".join(path.relative_to(SRC.parent).with_suffix("").parts).removesuffix(
            ".__init__")
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            # the package itself (its version, its lazy exports) is not a stage
            found |= {t for t in targets if t in modules and t not in (name, "docpipe")}
        graph[name] = found
    return graph


def _stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_no_stage_imports_a_higher_one() -> None:
    upward = [(m, t) for m, targets in _imports().items() for t in targets
              if FLOOR[_stage(t)] > FLOOR[_stage(m)]]
    assert upward == []


def test_every_module_belongs_to_a_known_stage() -> None:
    assert {_stage(m) for m in _imports()} <= set(FLOOR)


def test_there_are_no_import_cycles() -> None:
    graph = _imports()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt):], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_the_library_never_imports_prefect() -> None:
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not any(n.split(".")[0] in ("prefect", "prefect_dask") for n in names), path
