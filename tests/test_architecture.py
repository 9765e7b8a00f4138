"""The package's layering: no import cycles, no private names imported across modules,
and the value engine never imports the stack engine, grading or the CLI."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "cnncalc"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(imported module, names) for every import of one file, relative ones resolved."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = [a.name for a in node.names]
            if target.startswith("cnncalc"):
                # "from . import render" imports the module cnncalc.x.render
                for name in names:
                    if (PACKAGE.parent / (target.replace(".", "/") + f"/{name}.py")).exists():
                        out.append((f"{target}.{name}", []))
                out.append((target, names))
        elif isinstance(node, ast.Import):
            out += [(a.name, []) for a in node.names if a.name.startswith("cnncalc")]
    return out


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        for target, _ in _imports(path):
            if target in modules and target != name:
                graph[name].add(target)
    return graph


def test_no_import_cycles():
    graph = _graph()
    # packages import their modules lazily or not at all; a package's __init__ is not part of a cycle test
    state: dict[str, int] = {}
    cycles = []

    def visit(node, trail):
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(trail[trail.index(nxt):] + [nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_no_private_name_is_imported_across_modules():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        for target, names in _imports(path):
            offenders += [f"{_module_name(path)} imports {target}.{n}" for n in names
                          if n.startswith("_") and n != "__version__"]
    assert not offenders, offenders


def test_the_value_engine_stays_below_everything_else():
    engine = ("values", "expr", "readers", "geometry", "layout", "exact_blas", "conv", "pool", "activations",
              "conv_matrix", "explain", "rationals", "formula_text", "cells")
    above = ("cnncalc.stacks", "cnncalc.exercises", "cnncalc.grading", "cnncalc.cli", "cnncalc.torch")
    bad = []
    for name in engine:
        for target, _ in _imports(PACKAGE / f"{name}.py"):
            if target.startswith(above):
                bad.append(f"cnncalc.{name} imports {target}")
    assert not bad, bad
