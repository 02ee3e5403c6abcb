"""The docs teach only the promised surface: every import in a Python example of the README or
`docs/` names `motiondirector` or one of its subpackages, and only names in its `__all__`, so a
module moving inside a package never breaks an example. And the docs follow the command line:
`docs/cli.md` lists every option of every command with its default and whether it is required,
every option a command line in the docs uses exists, and every relative link between the pages
leads to a page that exists. What the docs quote from the code stays true (the plan schema
version of samples, the number of labelled cue cases), and a copied command neither replaces
the shipped codebook nor calls a tool that is not installed."""

from __future__ import annotations

import argparse
import ast
import re
import shlex
import tomllib
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path

import pytest
import yaml

from motiondirector.cli.parser import build_parser
from motiondirector.plan.motion_plan import SCHEMA_VERSION

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


OPTIONS_HEADING = "\n## Every option\n"
OPTION_ROW = re.compile(r"^\| (`-[^|]*) \| ([^|]*) \|", re.MULTILINE)


def documented_options() -> dict[str, dict[str, str]]:
    """{command: {option: its default cell}} from the tables under "Every option" in cli.md;
    a table belongs to every command its `###` heading names in backticks."""
    text = (ROOT / "docs" / "cli.md").read_text("utf-8")
    section = text.split(OPTIONS_HEADING, 1)[1].split("\n## ", 1)[0]
    found: dict[str, dict[str, str]] = {}
    for part in re.split(r"^### ", section, flags=re.MULTILINE)[1:]:
        heading, _, body = part.partition("\n")
        for command in re.findall(r"`([a-z ]+)`", heading):
            rows = found.setdefault(command, {})
            for names, default in OPTION_ROW.findall(body):
                rows.update(dict.fromkeys(re.findall(r"`(-[\w-]+)`", names), default.strip()))
    return found


def command_parsers(
    parser: argparse.ArgumentParser, prefix: str = ""
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """(`index build`, its parser) for every command and subcommand of the CLI."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield f"{prefix}{name}", child
                yield from command_parsers(child, f"{prefix}{name} ")


def parser_options(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    return {
        name: action
        for action in parser._actions
        if not isinstance(action, argparse._HelpAction)
        for name in action.option_strings
    }


COMMANDS = dict(command_parsers(build_parser()))


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_cli_md_lists_every_option_with_its_default(command: str) -> None:
    options = parser_options(COMMANDS[command])
    documented = documented_options().get(command, {})
    assert sorted(set(options) - set(documented)) == [], f"{command}: options missing"
    assert sorted(set(documented) - set(options)) == [], f"{command}: no such options"
    for name, action in options.items():
        cell = documented[name]
        assert (cell == "required") == action.required, f"{command} {name}: required is {cell}"
        if action.default is not None and action.default is not False and action.default != []:
            assert f"`{action.default}`" in cell, f"{command} {name}: default {action.default}"


def heading_anchors(page: Path) -> set[str]:
    """The anchors a renderer gives the page's headings: lower case, punctuation dropped, spaces
    made hyphens."""
    headings = re.findall(r"^#+\s+(.*)$", page.read_text("utf-8"), flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def test_relative_links_lead_to_pages_and_headings_that_exist() -> None:
    for page in PAGES:
        prose = re.sub(r"^```.*?^```", "", page.read_text("utf-8"), flags=re.MULTILINE | re.DOTALL)
        for path, anchor in re.findall(r"\]\(([^)\s#]*)#?([^)\s]*)\)", prose):
            if re.match(r"[a-z]+:", path):
                continue
            target = page.parent / path if path else page
            assert target.exists(), f"{page.name}: broken link {path}"
            if anchor and target.suffix == ".md":
                assert anchor in heading_anchors(target), f"{page.name}: no #{anchor} in {path}"


SHELL_LANGUAGES = {"", "sh", "bash", "shell", "console"}


def shell_blocks(page: Path) -> Iterator[str]:
    """The text of each fenced block of the page in a shell language (or none)."""
    language, lines = None, []
    for line in page.read_text("utf-8").splitlines():
        if line.startswith("```"):
            if language is None:
                language, lines = line[3:].strip(), []
            else:
                if language in SHELL_LANGUAGES:
                    yield "\n".join(lines)
                language = None
        elif language is not None:
            lines.append(line)


def documented_command_lines(page: Path) -> Iterator[list[str]]:
    """The words after `motiondirector` of every command line in the page's shell blocks."""
    for block in shell_blocks(page):
        for line in block.replace("\\\n", " ").splitlines():
            found = re.search(r"(?:^|\s)motiondirector\s+([a-z].*)", line.split(" #")[0])
            if found:
                yield shlex.split(re.split(r"[|>]", found.group(1))[0])


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_command_lines_use_options_that_exist(page: Path) -> None:
    for words in documented_command_lines(page):
        command = next(
            (
                c
                for c in sorted(COMMANDS, key=len, reverse=True)
                if words[: c.count(" ") + 1] == c.split()
            ),
            None,
        )
        assert command, f"{page.name}: no command in motiondirector {' '.join(words)}"
        options = parser_options(COMMANDS[command])
        for word in words:
            if word.startswith("-") and word != "-":
                assert word.split("=")[0] in options, f"{page.name}: {command} has no {word}"


SCHEMA_QUOTE = re.compile(
    r'schema_version": "([\d.]+)"|schemaVersion="([\d.]+)"|schema version `([\d.]+)`'
)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_quoted_plan_samples_name_the_current_schema_version(page: Path) -> None:
    for found in SCHEMA_QUOTE.finditer(page.read_text("utf-8")):
        version = next(v for v in found.groups() if v)
        assert version == SCHEMA_VERSION, f"{page.name}: {found.group(0)}, not {SCHEMA_VERSION}"


def test_readme_counts_the_labelled_cue_cases() -> None:
    shipped = "motiondirector/evaluation/cases/cue_cases.yaml"
    cases = yaml.safe_load((ROOT / shipped).read_text("utf-8"))
    quoted = re.findall(rf"\((\d+) labelled cases, `{shipped}`", (ROOT / "README.md").read_text())
    assert quoted == [str(len(cases["cases"]))]


def test_codebook_training_examples_do_not_replace_the_shipped_codebook() -> None:
    """Without `--out` the training script overwrites the shipped codebook, and with it the
    tokens of every plan realized afterwards: a copied example must never do that."""
    for page in PAGES:
        for block in shell_blocks(page):
            for line in block.replace("\\\n", " ").splitlines():
                if "scripts/train_codebook.py" in line:
                    assert "--out " in line.split(" #")[0], f"{page.name}: {line.strip()}"


def test_jupyter_commands_in_the_docs_say_how_to_get_jupyterlab() -> None:
    """`make` installs the dev extra, which runs notebooks headless (nbmake) but holds no
    JupyterLab: a `jupyter lab` line must follow the line that installs it."""
    dev_extra = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"][
        "optional-dependencies"
    ]["dev"]
    if any(requirement.startswith("jupyterlab") for requirement in dev_extra):
        return
    for page in PAGES:
        for block in shell_blocks(page):
            installed = False
            for line in block.splitlines():
                command = line.split(" #")[0].strip()
                installed = installed or command.startswith("pip install jupyterlab")
                if command.startswith("jupyter lab"):
                    assert installed, f"{page.name}: {command} without pip install jupyterlab"
