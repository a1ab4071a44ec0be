"""Compose files: a service's ``command:`` and ``entrypoint:``, as a string (split into words by
compose, not run by a shell) or a list (exec form).

Each command sees its service's ``environment:`` and ``env_file:``. The YAML is edited as text,
so comments and layout stay; the result is parsed again with PyYAML and must equal the original
document with only the edited commands changed (else :class:`ComposeError`: the file is left).

Docs: https://docs.docker.com/reference/compose-file/services/#command
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import yaml

from .command import Project, Where, read_env_file
from .rewrite import Edit, ListEdit, Log, apply_edits, rewrite_list, rewrite_text
from .shell import EnvValue, lex

__all__ = ["ComposeError", "rewrite_compose"]


class ComposeError(Exception):
    """The compose file cannot be read, or the edit would change more than the commands."""


def _yaml_plain_ok(value: str, flow: bool) -> bool:
    """Whether ``value`` can be written as a plain YAML scalar (a flow list forbids ``,[]{}``)."""
    if (
        not value
        or value != value.strip()
        or "\n" in value
        or ": " in value
        or " #" in value
        or value.endswith(":")
    ):
        return False
    if value[0] in ",[]{}#&*!|>'\"%@`" or (value[0] in "-?:" and value[1:2] in ("", " ")):
        return False
    if flow and any(char in value for char in ",[]{}"):
        return False
    try:
        return yaml.safe_load(value) == value
    except yaml.YAMLError:
        return False


def _yaml_scalar(value: str, style: str | None, flow: bool = False) -> str:
    """``value`` as a YAML scalar: in ``style`` where it can keep it, plain, else JSON-quoted."""
    if style == "'" and "\n" not in value:
        return "'" + value.replace("'", "''") + "'"
    if style is None and _yaml_plain_ok(value, flow):
        return value
    return json.dumps(value, ensure_ascii=False)


def _compose_env(service: yaml.MappingNode, folder: Path) -> dict[str, EnvValue]:
    """The variables a service's ``env_file:`` and ``environment:`` set (the latter win)."""
    env: dict[str, EnvValue] = {}
    for key, node in service.value:
        if key.value == "env_file":
            files = [node] if isinstance(node, yaml.ScalarNode) else getattr(node, "value", [])
            for item in files:
                name: object = item.value
                if isinstance(item, yaml.MappingNode):  # the long form: `- path: ./x.env`
                    name = next((v.value for k, v in item.value if k.value == "path"), None)
                path = folder / name if isinstance(name, str) else None
                if path is not None and path.is_file():
                    env.update(read_env_file(path))
    for key, node in service.value:
        if key.value != "environment":
            continue
        if isinstance(node, yaml.MappingNode):
            for name, value in node.value:
                text = value.value if isinstance(value, yaml.ScalarNode) else ""
                env[str(name.value)] = EnvValue(
                    text, text, "$" not in text and value.tag != "tag:yaml.org,2002:null"
                )
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                name, eq, text = str(item.value).partition("=")
                env[name] = EnvValue(text, text, bool(eq) and "$" not in text)
    return env


def rewrite_compose(text: str, path: Path, project: Project, log: Log) -> str:
    """The compose file with its services' launch commands translated; raises
    :class:`ComposeError` when it cannot be read or the edit would change more than them."""
    try:
        document = yaml.compose(text)
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ComposeError(
            f"cannot parse the compose file ({str(error).splitlines()[0]})"
        ) from error
    if not isinstance(document, yaml.MappingNode):
        return text
    services = next((v for k, v in document.value if k.value == "services"), None)
    if not isinstance(services, yaml.MappingNode):
        return text
    edits: list[Edit] = []
    expected: dict[tuple[str, str], object] = {}
    seen: dict[int, object] = {}
    for service_key, service in services.value:
        if not isinstance(service, yaml.MappingNode):
            continue
        env = _compose_env(service, path.parent)
        for key, node in service.value:
            if key.value not in ("command", "entrypoint"):
                continue
            if id(node) in seen:  # an anchor shared by several services: edited once
                if seen[id(node)] is not None:
                    expected[(service_key.value, key.value)] = seen[id(node)]
                continue
            new_value, node_edits = _compose_command(text, node, env, project, log)
            seen[id(node)] = new_value
            if new_value is not None:
                edits += node_edits
                expected[(service_key.value, key.value)] = new_value
    if not edits:
        return text
    after = apply_edits(text, edits)
    try:
        check = yaml.safe_load(after)
    except yaml.YAMLError as error:
        raise ComposeError("the command edit would not parse: edit it by hand") from error
    wanted = copy.deepcopy(loaded)
    for (service, key), value in expected.items():
        wanted["services"][service][key] = value
    if check != wanted:
        raise ComposeError("the command edit would change more than the commands: edit it by hand")
    return after


def _compose_command(
    text: str,
    node: yaml.Node,
    env: dict[str, EnvValue],
    project: Project,
    log: Log,
) -> tuple[object | None, list[Edit]]:
    """The command's new value (None: unchanged) and the edits that write it."""
    offset = node.start_mark.index
    if isinstance(node, yaml.ScalarNode) and isinstance(node.value, str) and node.value.strip():
        where = Where("compose", quoting=True, expands=False, env=env)
        value = node.value
        commands = lex(value)
        if len(commands) != 1:
            return None, []
        new_value = rewrite_text(value, where, project, log, offset)
        if new_value == value:
            return None, []
        return new_value, [_replace_scalar(text, node, new_value)]
    if isinstance(node, yaml.SequenceNode) and all(
        isinstance(item, yaml.ScalarNode) for item in node.value
    ):
        values = [str(item.value) for item in node.value]
        where = Where("compose", quoting=False, expands=False, env=env)
        edit = rewrite_list(values, where, project, log, offset)
        if edit is None:
            return None, []
        return edit.values, _replace_sequence(text, node, edit)
    return None, []


def _replace_scalar(text: str, node: yaml.ScalarNode, value: str) -> Edit:
    """The edit that writes ``value`` in place of the string ``node``, in its style."""
    start, end = node.start_mark.index, node.end_mark.index
    if node.style in ("|", ">"):
        # keep the header (`>-`...), write the command at the block's indentation
        header_end = text.index("\n", start) + 1
        indent = re.match(r"[ \t]*", text[header_end:end])
        body_end = position = header_end
        for line in text[header_end:end].splitlines(keepends=True):
            position += len(line)
            if line.strip():
                body_end = position
        newline = "\r\n" if text[header_end:body_end].endswith("\r\n") else "\n"
        prefix = indent.group() if indent else "  "
        # each line at the block's indentation: more-indented lines keep their extra spaces
        body = "".join(f"{prefix}{line}{newline}" for line in value.strip("\n").split("\n"))
        return header_end, body_end, body
    return start, end, _yaml_scalar(value, node.style)


def _replace_sequence(text: str, node: yaml.SequenceNode, edit: ListEdit) -> list[Edit]:
    """The edits that write the translated list in place of ``node``, item by item."""
    items = node.value
    if node.flow_style:
        # `[a, b]`: written again, the items kept as they were spelled
        pieces: list[str] = []
        for index, item in enumerate(items):
            new = edit.actions.get(index, text[item.start_mark.index : item.end_mark.index])
            if index in edit.actions and new is not None:
                new = _yaml_scalar(new, item.style, flow=True)
            if new is not None:
                pieces.append(new)
            pieces += [
                _yaml_scalar(value, None, flow=True) for value in edit.inserts.get(index, [])
            ]
        return [(node.start_mark.index, node.end_mark.index, "[" + ", ".join(pieces) + "]")]
    # block style: each `- item` on its own line; a dropped item's line goes, added items get lines
    edits: list[Edit] = []
    for index, item in enumerate(items):
        line_start = text.rfind("\n", 0, item.start_mark.index) + 1
        prefix = text[line_start : item.start_mark.index]
        if not re.fullmatch(r"[ \t]*-[ \t]+", prefix):
            raise ComposeError("a command list this rule cannot edit line by line: edit it by hand")
        newline_at = text.find("\n", item.end_mark.index)
        line_end = len(text) if newline_at < 0 else newline_at + 1
        newline = "\r\n" if text[line_start:line_end].endswith("\r\n") else "\n"
        if index in edit.actions:
            new = edit.actions[index]
            if new is None:
                edits.append((line_start, line_end, ""))
            else:
                edits.append(
                    (item.start_mark.index, item.end_mark.index, _yaml_scalar(new, item.style))
                )
        added = [f"{prefix}{_yaml_scalar(value, None)}" for value in edit.inserts.get(index, [])]
        if added:
            if newline_at < 0:  # the last line has no newline
                edits.append((line_end, line_end, newline + newline.join(added)))
            else:
                edits.append((line_end, line_end, newline.join(added) + newline))
    return edits
