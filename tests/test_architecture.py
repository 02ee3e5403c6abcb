"""The layering of docs/architecture.md, checked on the source: no import cycle between the
package's modules (imports inside functions count; `if TYPE_CHECKING:` blocks do not), and the
layers below the agent never import it."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import motiondirector

PACKAGE = Path(motiondirector.__file__).parent
ROOT = "motiondirector"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                yield from _runtime_imports(child)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        yield from _runtime_imports(node)


def _targets(module: str, node: ast.Import | ast.ImportFrom) -> set[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
            for _ in range(node.level - 1):
                package = package.rpartition(".")[0]
            base = f"{package}.{base}".rstrip(".")
        # `from package import submodule` imports the submodule; a name imports its module.
        names = [
            f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
            for alias in node.names
        ]
    return {name for name in names if name in MODULES and name != module}


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        edges: set[str] = set()
        for node in _runtime_imports(tree):
            edges |= _targets(module, node)
        # The top-level package loads its names lazily; it is nobody's dependency.
        graph[module] = {target for target in edges if target != ROOT}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (its modules in order, the first repeated at the end), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_inside_the_package() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, " -> ".join(cycle or ())


def _imports_of(prefix: str) -> dict[str, set[str]]:
    return {m: t for m, t in import_graph().items() if m == prefix or m.startswith(prefix + ".")}


def test_lower_layers_never_import_the_agent_or_the_tools() -> None:
    above = ("motiondirector.agent", "motiondirector.tools", "motiondirector.cli")
    for layer in ("realize", "streaming", "server", "retrieval", "generators", "export", "plan"):
        for module, targets in _imports_of(f"{ROOT}.{layer}").items():
            bad = sorted(t for t in targets if t.startswith(above))
            assert not bad, f"{module} imports {bad}"


def test_plan_imports_nothing_else_of_ours() -> None:
    leaves = (f"{ROOT}.errors", f"{ROOT}.yaml_data")  # import nothing of ours themselves
    for module, targets in _imports_of(f"{ROOT}.plan").items():
        outside = sorted(t for t in targets if not t.startswith(f"{ROOT}.plan") and t not in leaves)
        assert not outside, f"{module} imports {outside}"
    for leaf in leaves:
        assert not import_graph()[leaf], f"{leaf} imports {import_graph()[leaf]}"


PARTS = ("scene", "planners", "speech", "faces", "motion", "retrieval", "generators", "export")
CALLERS = ("agent", "tools", "streaming", "evaluation", "server", "cli")


def test_parts_and_realize_never_import_the_layers_above_them() -> None:
    for layer in (*PARTS, "realize"):
        above = tuple(f"{ROOT}.{name}" for name in CALLERS)
        if layer in PARTS:
            above += (f"{ROOT}.realize",)
        for module, targets in _imports_of(f"{ROOT}.{layer}").items():
            bad = sorted(t for t in targets if t.startswith(above))
            assert not bad, f"{module} imports {bad}"
