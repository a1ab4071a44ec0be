"""The Rewriter's fast path: nodes that no rule and no bookkeeping asks for are left at once.

``on_visit``/``on_leave`` return early for node types outside ``_VISIT_KINDS``/``_LEAVE_KINDS`` (and
that no rule handles). A type the bookkeeping starts to handle must join its set, else its branch
never runs: checked here from the source, and by rewriting the examples with the fast path off.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from pathlib import Path

import pytest

from flask2quart.migrate import RewriteOptions, rewrite
from flask2quart.migrate.rules import base

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _kinds_compared(method: object) -> set[str]:
    """The node type names a method compares ``kind`` with (``kind == "X"``, ``kind in ("X", "Y")``)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(method)))  # type: ignore[arg-type]
    found: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare) or not (isinstance(node.left, ast.Name) and node.left.id == "kind"):
            continue
        for op, right in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, ast.Eq) and isinstance(right, ast.Constant):
                found.add(right.value)
            elif isinstance(op, ast.In) and isinstance(right, ast.Tuple | ast.Set):
                found.update(e.value for e in right.elts if isinstance(e, ast.Constant))
    return found


def test_every_type_the_bookkeeping_handles_is_in_its_set() -> None:
    visited = _kinds_compared(base.Rewriter.on_visit)
    left = _kinds_compared(base.Rewriter.on_leave)
    assert visited and left  # the check reads the methods it means to
    assert visited <= base._VISIT_KINDS, visited - base._VISIT_KINDS
    assert left <= base._LEAVE_KINDS | base._SCOPE_KINDS, left - base._LEAVE_KINDS - base._SCOPE_KINDS
    assert base._SCOPE_KINDS <= base._VISIT_KINDS & base._LEAVE_KINDS  # opened and closed


class _Everything(frozenset):  # type: ignore[type-arg]
    def __contains__(self, item: object) -> bool:
        return True


def _port(source: Path, out: Path) -> tuple[dict[str, bytes], list[object]]:
    result = rewrite([source], RewriteOptions(out=out))
    files = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    return files, [(Path(f.path).name, f.line, f.col, f.code, f.message) for f in result.findings]


@pytest.mark.parametrize("example", ["flask_legacy", "flask_extensions", "flask_sqlalchemy"])
def test_the_fast_path_changes_nothing(example: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _port(EXAMPLES / example, tmp_path / "fast")
    monkeypatch.setattr(base, "_VISIT_KINDS", _Everything())
    monkeypatch.setattr(base, "_LEAVE_KINDS", _Everything())
    full = _port(EXAMPLES / example, tmp_path / "full")
    assert fast[0] == full[0]
    assert fast[1] == full[1]
    originals = {name: EXAMPLES / example / name for name in fast[0] if name.endswith(".py")}
    assert any(path.exists() and fast[0][name] != path.read_bytes() for name, path in originals.items())  # ported
