"""Shell words: the simple commands of a POSIX sh text, quoting, and variable assignments.

Enough of POSIX sh (https://pubs.opengroup.org/onlinepubs/9699919799/utilities/V3_chap02.html) to
find and edit the commands of launch scripts, Procfiles and Dockerfile ``RUN``/``CMD`` lines byte
for byte: quotes, ``$``-expansions, backquotes, comments, here-documents, redirections, control
operators and line continuations (Docker's ``# escape=`` character and its dropped comment lines
included). Not an interpreter: nothing is expanded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

__all__ = [
    "EnvValue",
    "Word",
    "assignment",
    "is_assignment",
    "lex",
    "set_assignments",
    "shell_quote",
]


@dataclass(frozen=True)
class Word:
    """One shell word: where it is, its text, and its value once quotes are removed.

    ``$VAR``, ``${...}``, ``$(...)`` and backquotes stay in ``value`` as written (``literal`` is
    then False: the value is only known at run time)."""

    start: int
    end: int
    raw: str
    value: str
    literal: bool = True
    redirect: bool = False
    #: ``'`` or ``"`` when the whole word is one quoted string (an ``sh -c`` script).
    quoted: str = ""


@dataclass(frozen=True)
class EnvValue:
    """A variable's value as the file sets it: ``raw`` as written, ``value`` unquoted."""

    raw: str
    value: str
    literal: bool


_OPERATORS = ("&&", "||", ";;", ";&", "|&", ";", "&", "|", "(", ")")
_REDIRECT = re.compile(r"&>>|&>|\d*(?:<<<|<<-|<<|>>|<>|>&|<&|>\||>|<)")
_WORD_END = " \t\r\n;&|()<>"
_NAME = re.compile(r"[A-Za-z0-9_]+")


def _newline_length(text: str, index: int, end: int) -> int:
    if text.startswith("\r\n", index) and index + 2 <= end:
        return 2
    return 1 if index < end and text[index] == "\n" else 0


def _skip_docker_comments(text: str, index: int, end: int) -> int:
    """Docker drops comment and empty lines inside a continued instruction."""
    while index < end:
        line_end = text.find("\n", index, end)
        line = text[index : end if line_end < 0 else line_end]
        if line.strip() and not line.lstrip().startswith("#"):
            return index
        if line_end < 0:
            return end
        index = line_end + 1
    return index


def _after_continuation(
    text: str, index: int, end: int, continuation: str, dockerfile: bool
) -> int:
    """Index after the line continuation (``\\`` and a newline) at ``index``; ``index`` if none."""
    if text[index] != continuation:
        return index
    newline = _newline_length(text, index + 1, end)
    if not newline:
        return index
    index += 1 + newline
    return _skip_docker_comments(text, index, end) if dockerfile else index


def _matching(text: str, index: int, end: int, opening: str, closing: str) -> int:
    """Index after the ``closing`` that matches the ``opening`` at ``index`` (quotes skipped)."""
    depth = 0
    quote = ""
    i = index
    while i < end:
        char = text[i]
        if quote:
            if char == "\\" and quote == '"':
                i += 1
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "\\":
            i += 1
        elif char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return end


def _dollar_end(text: str, index: int, end: int) -> int:
    """End of the expansion starting with the ``$`` at ``index`` (``index + 1``: a plain ``$``)."""
    following = text[index + 1 : index + 2] if index + 1 < end else ""
    if following == "(":
        return _matching(text, index + 1, end, "(", ")")
    if following == "{":
        return _matching(text, index + 1, end, "{", "}")
    if following and (following.isalpha() or following == "_"):
        match = _NAME.match(text, index + 1, end)
        assert match is not None
        return match.end()
    if following and following in "@*#?$!-0123456789":
        return index + 2
    if following == "'":
        i = index + 2
        while i < end and text[i] != "'":
            i += 2 if text[i] == "\\" else 1
        return min(i + 1, end)
    return index + 1


def _read_expansion(text: str, index: int, end: int, value: list[str]) -> tuple[int, bool]:
    """Read the ``$...`` or backquoted expansion at ``index`` into ``value``, as written; (end,
    whether it is literal text: a ``$`` that expands nothing)."""
    if text[index] == "`":
        i = index + 1
        while i < end and text[i] != "`":
            i += 2 if text[i] == "\\" else 1
        following, literal = min(i + 1, end), False
    else:
        following = _dollar_end(text, index, end)
        literal = following == index + 1
    value.append(text[index:following])
    return following, literal


def _read_double(text: str, index: int, end: int, value: list[str]) -> tuple[int, bool]:
    """Read a double-quoted string whose opening quote is before ``index``; (end, literal)."""
    literal = True
    i = index
    while i < end:
        char = text[i]
        if char == '"':
            return i + 1, literal
        if char == "\\" and i + 1 < end:
            following = text[i + 1]
            newline = _newline_length(text, i + 1, end)
            if newline:
                i += 1 + newline
                continue
            if following in '$`"\\':
                value.append(following)
                i += 2
                continue
            value.append(char)
            i += 1
            continue
        if char in "$`":
            i, plain = _read_expansion(text, i, end, value)
            literal = literal and plain
            continue
        value.append(char)
        i += 1
    return end, literal


def _read_word(text: str, index: int, end: int, continuation: str, dockerfile: bool) -> Word:
    """The word starting at ``index``."""
    value: list[str] = []
    #: what the word is made of, in order: "c" (plain characters), a quote, "$", "`", "\\", "\n"
    parts: list[str] = []
    literal = True
    i = index
    while i < end:
        char = text[i]
        after = _after_continuation(text, i, end, continuation, dockerfile)
        if after != i:
            i = after
            parts.append("\n")
            continue
        if char == "\\":
            value.append(text[i + 1] if i + 1 < end else char)
            i += 2
            parts.append("\\")
            continue
        if char == "'":
            close = text.find("'", i + 1, end)
            close = end if close < 0 else close
            value.append(text[i + 1 : close])
            i = close + 1
            parts.append("'")
            continue
        if char == '"':
            i, plain = _read_double(text, i + 1, end, value)
            literal = literal and plain
            parts.append('"')
            continue
        if char in "$`":
            i, plain = _read_expansion(text, i, end, value)
            literal = literal and plain
            parts.append(char)
            continue
        if char in _WORD_END:
            break
        value.append(char)
        i += 1
        if not parts or parts[-1] != "c":
            parts.append("c")
    end_index = min(i, end)
    quoted = parts[0] if len(parts) == 1 and parts[0] in ("'", '"') else ""
    return Word(index, end_index, text[index:end_index], "".join(value), literal, quoted=quoted)


def lex(
    text: str,
    start: int = 0,
    end: int | None = None,
    *,
    dockerfile: bool = False,
    continuation: str = "\\",
) -> list[list[Word]]:
    """The simple commands of ``text[start:end]``, each as its words (redirections marked).

    Control operators and newlines separate commands; comments and here-document bodies are
    skipped; a continuation (``\\`` and a newline) joins lines. Enough of POSIX sh to find
    commands in launch scripts, not an interpreter."""
    end = len(text) if end is None else end
    commands: list[list[Word]] = []
    current: list[Word] = []
    heredocs: list[tuple[str, bool]] = []
    i = start
    while i < end:
        char = text[i]
        if char in " \t\r":
            i += 1
            continue
        after = _after_continuation(text, i, end, continuation, dockerfile)
        if after != i:  # a continuation joins the lines: a blank between words
            i = after
            continue
        if char == "\n":
            if current:
                commands.append(current)
                current = []
            i += 1
            if heredocs:
                i = _skip_heredocs(text, i, end, heredocs)
                heredocs = []
            continue
        if char == "#":
            newline = text.find("\n", i, end)
            i = end if newline < 0 else newline
            continue
        redirect = _REDIRECT.match(text, i, end)
        if redirect is not None:
            operator = redirect.group()
            current.append(Word(i, redirect.end(), operator, operator, redirect=True))
            i = redirect.end()
            while i < end and text[i] in " \t":
                i += 1
            if i < end and text[i] not in _WORD_END:
                target = _read_word(text, i, end, continuation, dockerfile)
                current.append(replace(target, redirect=True))
                i = target.end
                if operator.lstrip("0123456789") in ("<<", "<<-"):
                    heredocs.append((target.value, operator.endswith("-")))
            continue
        operator = next((op for op in _OPERATORS if text.startswith(op, i)), None)
        if operator is not None:
            if current:
                commands.append(current)
                current = []
            i += len(operator)
            continue
        word = _read_word(text, i, end, continuation, dockerfile)
        current.append(word)
        i = max(word.end, i + 1)
    if current:
        commands.append(current)
    return commands


def _skip_heredocs(text: str, index: int, end: int, heredocs: list[tuple[str, bool]]) -> int:
    for delimiter, strip_tabs in heredocs:
        while index < end:
            newline = text.find("\n", index, end)
            line = text[index : end if newline < 0 else newline].rstrip("\r")
            index = end if newline < 0 else newline + 1
            if (line.lstrip("\t") if strip_tabs else line) == delimiter:
                break
    return index


_SAFE_WORD = re.compile(r"^[A-Za-z0-9_@%+=:,./-]+$")


def shell_quote(value: str, avoid: str = "") -> str:
    """``value`` as one shell word of a script that is itself quoted with ``avoid`` (``sh -c '...'``).

    The word is quoted for the inner shell first, then escaped for the enclosing quotes, so that the
    outer shell hands the inner one exactly that word: inside ``'...'`` a ``'`` is written ``'\\''``;
    inside ``"..."``, ``\\ " $ `` ` are backslashed (else the outer shell would expand them).
    """
    if _SAFE_WORD.match(value):
        return value
    if avoid == "'":  # double quotes read best inside single ones
        return _double_quoted(value).replace("'", "'\\''")
    word = f"'{value}'" if "'" not in value else _double_quoted(value)
    if avoid == '"':
        return re.sub(r'([\\"$`])', r"\\\1", word)
    return word


def _double_quoted(value: str) -> str:
    return '"' + re.sub(r'([\\"$`])', r"\\\1", value) + '"'


# --- variable assignments -------------------------------------------------------------------------

_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def is_assignment(word: Word) -> bool:
    """``NAME=value`` as written (a quoted ``"A=b"`` is an argument, not an assignment)."""
    return _ASSIGNMENT.match(word.raw) is not None


def assignment(word: Word) -> tuple[str, EnvValue]:
    """The variable an ``is_assignment`` word sets, and its value."""
    name = word.raw.split("=", 1)[0]
    return name, EnvValue(word.raw[len(name) + 1 :], word.value[len(name) + 1 :], word.literal)


def set_assignments(words: list[Word], env: dict[str, EnvValue]) -> None:
    """Set in ``env`` what the assignments among ``words`` set (``export A=b c``, ``ENV A=b``)."""
    for word in words:
        if is_assignment(word):
            name, value = assignment(word)
            env[name] = value
