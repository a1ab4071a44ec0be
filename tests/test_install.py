"""What a user installs before running the README's commands: the base install (``pip install -e
.``) plus, for the bundled example apps, the ``examples`` extra, and a clear message when a package
is missing."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
#: what the README's `serve` and `parity` commands import: the apps modules and both linkbox copies
EXAMPLE_CODE = [
    ROOT / "examples" / "packages.py",
    ROOT / "examples" / "staged",
    ROOT / "examples" / "parity",
    ROOT / "examples" / "flask_legacy" / "linkbox",
    ROOT / "examples" / "quart_ported" / "linkbox",
]
LOCAL = {"examples", "linkbox"}


def _requirement_name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].strip().lower().replace("_", "-")


def _closure(names: set[str]) -> set[str]:
    """The distributions ``names`` install, with their own (non-extra) requirements, transitively."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = importlib.metadata.requires(name) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        todo.extend(_requirement_name(r) for r in requires if "extra ==" not in r.replace('"', "").replace("'", ""))
    return seen


def _imported_top_level(paths: list[Path]) -> set[str]:
    found: set[str] = set()
    for root in paths:
        for path in [root] if root.is_file() else sorted(root.rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    found.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - LOCAL


def test_the_examples_extra_covers_every_package_the_example_apps_import() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    base = {_requirement_name(r) for r in project["dependencies"]}
    extra = {_requirement_name(r) for r in project["optional-dependencies"]["examples"]}
    provided = _closure(base | extra)
    distributions = importlib.metadata.packages_distributions()
    missing = {
        module: distributions.get(module, ["?"])
        for module in _imported_top_level(EXAMPLE_CODE)
        if not {name.lower().replace("_", "-") for name in distributions.get(module, [])} & provided
    }
    assert not missing, f"imported by the example apps, installed by neither the base nor the examples extra: {missing}"
    # and the extra is needed: without it the base install cannot import the examples
    assert {"requests", "aiohttp"} <= extra and not {"requests", "aiohttp"} & _closure(base)


def test_the_readme_installs_the_extra_before_each_command_that_loads_the_examples() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", README, re.DOTALL)
    loading = [block for block in blocks if "examples.staged" in block or "examples.parity" in block]
    assert len(loading) == 2
    for block in loading:
        assert block.startswith('python3 -m pip install -e ".[examples]"\n'), block


MODULE = "from .helpers import fetch\n\nfrom flask import Flask\n\napp = Flask(__name__)\n"
HELPERS = "import f2q_not_installed_xyz\n\n\ndef fetch():\n    return f2q_not_installed_xyz.get()\n"


@pytest.mark.parametrize(
    "command",
    [
        ["serve", "--flask", "mypkg:app", "--quart", "mypkg:app", "--bind", "127.0.0.1:1"],
        ["parity", "--flask", "mypkg:app", "--quart", "mypkg:app", "--auto"],
    ],
)
def test_a_missing_package_is_named_with_the_line_that_imports_it(tmp_path: Path, command: list[str]) -> None:
    # the spec is fine: what is missing is a package one of its modules imports
    (tmp_path / "mypkg").mkdir()
    (tmp_path / "mypkg" / "__init__.py").write_text(MODULE, encoding="utf-8")
    (tmp_path / "mypkg" / "helpers.py").write_text(HELPERS, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "flask2quart", *command],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("flask2quart: error: "), lines
    assert lines[0].endswith(
        "'mypkg:app': importing mypkg failed: mypkg/helpers.py:1 imports 'f2q_not_installed_xyz', "
        "which is not installed"
    ), lines


def test_the_readme_says_how_long_the_test_command_takes_and_what_it_needs() -> None:
    quick_start = README.split("## `flask2quart rewrite`", 1)[0]
    assert 'python3 -m pip install -e ".[test]" && python3 -m pytest' in quick_start
    assert re.search(r"took \d+ minutes on a 2-core machine", quick_start)
    for tool in ("chromium", "wrk"):
        assert f"`{tool}`" in quick_start
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "chromium" in ci and "wrk" in ci  # CI installs what the README says the tests need
