"""Dockerfile ``RUN``, ``CMD`` and ``ENTRYPOINT``: shell form (run by ``/bin/sh -c``) and exec form
(a JSON array, run as it is: no shell, no expansion).

Instructions are read as Docker reads them: the ``# escape=`` parser directive, continuation lines
(comment lines inside them are dropped), here-documents. Each command sees the ``ENV`` of its
stage (and of the stage it is built ``FROM``): ``RUN`` those set before it, ``CMD`` and
``ENTRYPOINT`` all of them (they run in the finished image).

Docs: https://docs.docker.com/reference/dockerfile/
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from .command import Project, Where
from .rewrite import Edit, Log, apply_edits, rewrite_list, rewrite_shell
from .shell import EnvValue, lex, set_assignments

__all__ = ["rewrite_dockerfile"]


@dataclass(frozen=True)
class _Instruction:
    """One instruction: its keyword (``HEREDOC`` for one with a here-document), where it starts,
    where its arguments start and where it ends."""

    keyword: str
    start: int
    args_start: int
    end: int  # before the newline that ends it


def _instructions(text: str, continuation: str) -> list[_Instruction]:
    """The instructions of the Dockerfile, continuation lines joined."""
    found: list[_Instruction] = []
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    i = 0
    while i < len(lines):
        body = lines[i].rstrip("\r\n")
        stripped = body.lstrip(" \t\ufeff")
        if not stripped or stripped.startswith("#"):
            i += 1
            continue
        match = re.match(r"[A-Za-z]+", stripped)
        if match is None:
            i += 1
            continue
        keyword = match.group().upper()
        start = offsets[i] + (len(body) - len(stripped))
        args_start = start + match.end()
        heredoc = (
            re.search(r"<<-?\s*([\"']?)([A-Za-z_]\w*)\1", body)
            if keyword in ("RUN", "COPY", "ADD")
            else None
        )
        last = i
        while lines[last].rstrip("\r\n").rstrip(" \t").endswith(continuation) and last + 1 < len(
            lines
        ):
            last += 1
            while (
                last + 1 < len(lines)
                and (not lines[last].strip() or lines[last].lstrip().startswith("#"))
                and not lines[last].rstrip("\r\n").rstrip(" \t").endswith(continuation)
            ):
                last += 1
        if heredoc is not None:
            # a here-document's body is the instruction's, not more instructions: skip it whole
            delimiter = heredoc.group(2)
            last += 1
            while last < len(lines) and lines[last].rstrip("\r\n").lstrip("\t") != delimiter:
                last += 1
            found.append(
                _Instruction("HEREDOC", start, args_start, offsets[min(last + 1, len(lines))])
            )
            i = last + 1
            continue
        end = offsets[last] + len(lines[last].rstrip("\r\n"))
        found.append(_Instruction(keyword, start, args_start, end))
        i = last + 1
    return found


def _exec_form(text: str, continuation: str) -> list[str] | None:
    """The arguments of an instruction in exec form (a JSON array of strings), else None."""
    joined = re.sub(
        re.escape(continuation) + r"[ \t]*\r?\n(?:[ \t]*(?:#[^\n]*)?\r?\n)*", "", text
    ).strip()
    if not joined.startswith("["):
        return None
    try:
        values = json.loads(joined)
    except ValueError:
        return None  # Docker runs what is not a JSON array as a shell command
    if isinstance(values, list) and all(isinstance(v, str) for v in values):
        return values
    return None


def _docker_env(
    text: str, instruction: _Instruction, continuation: str, env: dict[str, EnvValue]
) -> None:
    """Set in ``env`` what an ``ENV`` instruction sets."""
    commands = lex(
        text, instruction.args_start, instruction.end, dockerfile=True, continuation=continuation
    )
    words = [word for command in commands for word in command]
    if not words:
        return
    if "=" in words[0].raw:
        set_assignments(words, env)
    else:  # legacy `ENV NAME value with spaces`
        raw = text[words[1].start : words[-1].end] if len(words) > 1 else ""
        value = " ".join(word.value for word in words[1:])
        env[words[0].value] = EnvValue(raw, value, all(word.literal for word in words[1:]))


def _stage_envs(
    text: str, instructions: list[_Instruction], continuation: str
) -> list[dict[str, EnvValue]]:
    """The environment at each instruction: its stage's ``ENV`` so far, over its base stage's."""
    finished: dict[str, dict[str, EnvValue]] = {}  # stage name -> its environment at its end
    env: dict[str, EnvValue] = {}
    stage = ""
    running: list[dict[str, EnvValue]] = []
    for instruction in instructions:
        if instruction.keyword == "FROM":
            if stage:
                finished[stage] = env
            parts = text[instruction.args_start : instruction.end].split()
            base = next((p for p in parts if not p.startswith("--")), "")
            env = dict(finished.get(base.lower(), {}))
            stage = parts[-1].lower() if len(parts) >= 3 and parts[-2].lower() == "as" else ""
        elif instruction.keyword == "ENV":
            env = dict(env)
            _docker_env(text, instruction, continuation, env)
        running.append(env)
    return running


def rewrite_dockerfile(text: str, project: Project, log: Log) -> str:
    """The Dockerfile with the launch commands of its RUN/CMD/ENTRYPOINT translated."""
    directive = re.match(r"(?:\ufeff)?(?:[ \t]*#[ \t]*\w+[ \t]*=[^\n]*\n)*", text)
    escape = re.search(
        r"(?im)^[ \t]*#[ \t]*escape[ \t]*=[ \t]*(\S)", directive.group() if directive else ""
    )
    continuation = escape.group(1) if escape else "\\"
    instructions = _instructions(text, continuation)
    running = _stage_envs(text, instructions, continuation)
    # CMD and ENTRYPOINT run in the finished image: every ENV of their stage applies, later ones too
    final: list[dict[str, EnvValue]] = []
    for position in range(len(instructions)):
        later = position
        while later + 1 < len(instructions) and instructions[later + 1].keyword != "FROM":
            later += 1
        final.append(running[later])
    edits: list[Edit] = []
    for position, instruction in enumerate(instructions):
        if instruction.keyword not in ("RUN", "CMD", "ENTRYPOINT"):
            continue
        env = running[position] if instruction.keyword == "RUN" else final[position]
        args = text[instruction.args_start : instruction.end]
        values = _exec_form(args, continuation)
        if values is None:
            where = Where("Dockerfile", quoting=True, expands=True, env=env)
            edits += rewrite_shell(
                text,
                instruction.args_start,
                instruction.end,
                where,
                project,
                log,
                dockerfile=True,
                continuation=continuation,
            )
        else:
            where = Where("Dockerfile", quoting=False, expands=False, env=env)
            edit = rewrite_list(values, where, project, log, instruction.start)
            if edit is not None:
                bracket = text.index("[", instruction.args_start)
                edits.append(
                    (bracket, instruction.end, json.dumps(edit.values, ensure_ascii=False))
                )
    return apply_edits(text, edits)
