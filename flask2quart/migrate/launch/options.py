"""Command-line options as gunicorn (argparse) and Flask (click) read them: ``--name=value``,
``--name value``, ``-xVALUE`` and ``-x VALUE``.
"""

from __future__ import annotations

from collections.abc import Collection

from .command import Where
from .shell import EnvValue, Word

__all__ = ["attached_raw", "split_option", "take_value"]


def split_option(
    value: str, known: Collection[str], *, abbreviations: bool = False
) -> tuple[str | None, str | None]:
    """(option, value attached to it) for a word starting with ``-``; (None, None) when the
    option is not one of ``known``.

    ``abbreviations``: a long option may be any unambiguous prefix of a known one (argparse)."""
    if value.startswith("--"):
        name, eq, attached = value.partition("=")
        if name not in known and abbreviations:
            matches = [option for option in known if option.startswith(name) and option[:2] == "--"]
            if len(matches) == 1:
                name = matches[0]
        return (name, attached if eq else None) if name in known else (None, None)
    name = value[:2]
    return (name, value[2:] or None) if name in known else (None, None)


def attached_raw(word: Word, name: str, attached: str, where: Where) -> str:
    """The raw text of the value in ``--opt=value``/``-pVALUE``: quotes, ``$VARS`` as written."""
    prefix = name + "=" if name.startswith("--") else name
    if word.raw.startswith(prefix):
        return word.raw[len(prefix) :]
    return where.word(attached)  # a quoted option word: its value was literal or is requoted


def take_value(
    args: list[tuple[int, Word]], i: int, name: str, attached: str | None, where: Where
) -> tuple[EnvValue, list[int]] | None:
    """The value of the option ``name`` at ``args[i]`` (attached, else the next word) and the
    indexes of the words it takes; None when it has no value."""
    index, word = args[i]
    if attached is not None:
        return EnvValue(attached_raw(word, name, attached, where), attached, word.literal), [index]
    if i + 1 >= len(args):
        return None
    value = args[i + 1][1]
    return EnvValue(value.raw, value.value, value.literal), [index, args[i + 1][0]]
