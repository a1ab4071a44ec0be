"""Generator expressions that a builtin consumes whole, at once.

``", ".join(label(x) for x in items)`` cannot await inside the generator (it would become an async
generator, which ``join`` cannot iterate), but the builtin reads every item before it returns, so a
list comprehension in its place, ``", ".join([await label(x) for x in items])``, is the same
computation and may await in an async function. Only consumers that always read every item qualify:
``any``/``all``/``next`` stop early, so theirs stay generator expressions (and an await there is
reported). The analysis (on ``ast``) and the rewriter (on LibCST) ask the same question here.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

import libcst as cst

#: Builtins that read every item of their first argument before returning.
EAGER_BUILTINS = frozenset({"list", "tuple", "set", "frozenset", "sorted", "sum", "min", "max", "dict"})


def eager_genexp_ast(node: ast.Call, is_builtin: Callable[[str], bool]) -> ast.GeneratorExp | None:
    """The generator expression ``node`` consumes whole, if it is one (``sorted(g for ...)``)."""
    if len(node.args) != 1 or not isinstance(node.args[0], ast.GeneratorExp):
        return None
    func = node.func
    if isinstance(func, ast.Name) and func.id in EAGER_BUILTINS and is_builtin(func.id):
        return node.args[0]
    if (  # ``", ".join(...)``, ``b"".join(...)``: a literal's join
        isinstance(func, ast.Attribute)
        and func.attr == "join"
        and isinstance(func.value, ast.Constant)
        and isinstance(func.value.value, str | bytes)
        and not node.keywords
    ):
        return node.args[0]
    return None


def eager_genexp_cst(node: cst.Call, is_builtin: Callable[[str], bool]) -> cst.GeneratorExp | None:
    """:func:`eager_genexp_ast` on LibCST's tree."""
    positional = [arg for arg in node.args if arg.keyword is None]
    if len(positional) != 1 or positional[0].star or not isinstance(positional[0].value, cst.GeneratorExp):
        return None
    genexp = positional[0].value
    func = node.func
    if isinstance(func, cst.Name) and func.value in EAGER_BUILTINS and is_builtin(func.value):
        return genexp
    if (
        isinstance(func, cst.Attribute)
        and func.attr.value == "join"
        and isinstance(func.value, cst.SimpleString | cst.ConcatenatedString)
        and len(node.args) == 1
    ):
        return genexp
    return None


def contains_await(node: cst.CSTNode) -> bool:
    """An ``await`` anywhere below ``node`` (not below a nested lambda, which cannot hold one)."""
    stack = list(node.children)
    while stack:
        child = stack.pop()
        if isinstance(child, cst.Await):
            return True
        if not isinstance(child, cst.Lambda):
            stack.extend(child.children)
    return False


def as_list_comprehension(genexp: cst.GeneratorExp) -> cst.ListComp:
    """``(f(x) for x in xs)`` as ``[f(x) for x in xs]``; its own parentheses stay around it."""
    return cst.ListComp(elt=genexp.elt, for_in=genexp.for_in, lpar=genexp.lpar, rpar=genexp.rpar)
