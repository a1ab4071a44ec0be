"""Test helpers shared by the rule tests: run the real rewrite on a small project in a temp dir."""

from __future__ import annotations

import tempfile
import textwrap
from pathlib import Path

from flask2quart.findings import Finding
from flask2quart.migrate import Mode, RewriteOptions, rewrite, select_codes
from flask2quart.migrate.flask_api import is_test_module

FLASK_APP = "from flask import Flask\n\napp = Flask(__name__)\n"


def _write(root: Path, files: dict[str, str]) -> None:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")


def run_rewrite(
    source: str,
    *,
    path: str = "app.py",
    files: dict[str, str] | None = None,
    select: tuple[str, ...] = (),
    project_needs: bool = False,
) -> tuple[str, list[Finding], dict[str, str]]:
    """Rewrite ``source`` (at ``path``) together with ``files``; return its new text, findings, all files.

    ``project_needs``: keep F2Q401's finding on the whole project (the packages the port needs),
    which every run that ports an extension adds; kept anyway when the test selects F2Q401."""
    if files is None and is_test_module(path):
        # A test suite is ported as part of a Flask project: nothing is rewritten where no file of
        # the run mentions Flask (a Django suite's ``client`` fixture is not Flask's).
        files = {"app.py": FLASK_APP}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _write(root, {**(files or {}), path: source})
        options = RewriteOptions(mode=Mode.WRITE, enabled=select_codes(select))
        result = rewrite([root], options)
        assert not result.failed, [f.error for f in result.failed]
        texts = {
            str(p.relative_to(root)): p.read_text(encoding="utf-8")
            for p in root.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        }
        again = rewrite([root], RewriteOptions(mode=Mode.CHECK, enabled=select_codes(select)))
        assert not again.changed, f"second run is not a no-op for {[f.path for f in again.changed]}"
        findings = [
            Finding(str(Path(f.path).relative_to(root.resolve())), f.line, f.col, f.code, f.message, f.severity)
            for f in result.findings
        ]
        if not project_needs:
            findings = _rule_findings(findings, select)
        return texts[path], findings, texts


def _rule_findings(findings: list[Finding], select: tuple[str, ...]) -> list[Finding]:
    """Leave out what F2Q401 says about the whole project (the packages the port needs), which
    every run that ports an extension adds, unless the test selects F2Q401 itself."""
    if any("F2Q401".startswith(code) for code in select):
        return findings
    return [f for f in findings if not (f.code == "F2Q401" and f.message.startswith("the port needs"))]


def check_noop(source: str, *, path: str = "app.py", files: dict[str, str] | None = None, select: tuple[str, ...] = ()) -> list[Finding]:
    """The rewrite leaves ``source`` exactly as it was; returns the findings."""
    source = textwrap.dedent(source)
    output, findings, _ = run_rewrite(source, path=path, files=files, select=select)
    assert output == source
    return findings


def check_transformed(
    source: str,
    expected: str,
    *,
    path: str = "app.py",
    files: dict[str, str] | None = None,
    select: tuple[str, ...] = (),
) -> list[Finding]:
    """The rewrite turns ``source`` into ``expected`` (which compiles), and a second run is a no-op."""
    output, findings, _ = run_rewrite(textwrap.dedent(source), path=path, files=files, select=select)
    expected = textwrap.dedent(expected)
    assert output == expected, f"--- got ---\n{output}\n--- expected ---\n{expected}"
    compile(output, path, "exec")
    return findings


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]
