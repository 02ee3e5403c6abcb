"""The docs teach only the promised surface: every import in a Python example of the README or
`docs/` names `motiondirector` or one of its subpackages, and only names in its `__all__`, so a
module moving inside a package never breaks an example."""

from __future__ import annotations

import ast
import re
from importlib import import_module
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def example_imports(page: Path) -> list[tuple[str, list[str]]]:
    """(module, names) of each `from motiondirector... import` in the page's Python blocks."""
    found: list[tuple[str, list[str]]] = []
    for block in PYTHON_BLOCK.findall(page.read_text("utf-8")):
        for node in ast.walk(ast.parse(block, filename=str(page))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "motiondirector"
            ):
                found.append((node.module or "", [alias.name for alias in node.names]))
            elif isinstance(node, ast.Import):
                found += [(a.name, []) for a in node.names if a.name.startswith("motiondirector")]
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_examples_import_only_promised_names(page: Path) -> None:
    for module, names in example_imports(page):
        assert module.count(".") <= 1, f"{page.name}: deep import of {module}"
        promised = set(import_module(module).__all__)
        missing = sorted(set(names) - promised)
        assert not missing, f"{page.name}: {module} does not promise {missing}"


def test_the_check_sees_the_readme_examples() -> None:
    modules = {module for module, _ in example_imports(ROOT / "README.md")}
    assert "motiondirector" in modules
