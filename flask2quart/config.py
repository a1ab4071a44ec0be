"""``[tool.flask2quart]`` in ``pyproject.toml``: defaults that command-line options override."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    jobs: int | None = None
    #: ``[tool.flask2quart.parity]``: defaults for ``flask2quart parity`` and the pytest plugin
    parity: dict[str, object] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)


_KEYS = {"select", "ignore", "exclude", "jobs", "parity"}
PARITY_KEYS = {"flask", "quart", "cases", "ignore", "auto", "allow-unsafe"}


def find_pyproject(start: Path) -> Path | None:
    folder = start.resolve()
    if folder.is_file():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        path = candidate / "pyproject.toml"
        if path.is_file():
            return path
        if (candidate / ".git").exists():
            return None
    return None


def load_config(start: Path) -> Config:
    path = find_pyproject(start)
    if path is None:
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: cannot read [tool.flask2quart]: {error}") from error
    section = data.get("tool", {}).get("flask2quart")
    if section is None:
        return Config()
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [tool.flask2quart] must be a table")
    unknown = sorted(set(section) - _KEYS)
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) in [tool.flask2quart]: {', '.join(unknown)}")

    def strings(key: str) -> tuple[str, ...]:
        value = section.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{path}: [tool.flask2quart] {key} must be a list of strings")
        return tuple(value)

    jobs = section.get("jobs")
    if jobs is not None and (not isinstance(jobs, int) or jobs < 1):
        raise ConfigError(f"{path}: [tool.flask2quart] jobs must be a positive integer")
    parity = section.get("parity", {})
    if not isinstance(parity, dict):
        raise ConfigError(f"{path}: [tool.flask2quart.parity] must be a table")
    unknown = sorted(set(parity) - PARITY_KEYS)
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) in [tool.flask2quart.parity]: {', '.join(unknown)}")
    for key in ("flask", "quart", "cases"):
        if key in parity and not isinstance(parity[key], str):
            raise ConfigError(f"{path}: [tool.flask2quart.parity] {key} must be a string")
    ignore_patterns = parity.get("ignore", [])
    if not isinstance(ignore_patterns, list) or not all(isinstance(v, str) for v in ignore_patterns):
        raise ConfigError(f"{path}: [tool.flask2quart.parity] ignore must be a list of strings")
    for key in ("auto", "allow-unsafe"):
        if key in parity and not isinstance(parity[key], bool):
            raise ConfigError(f"{path}: [tool.flask2quart.parity] {key} must be true or false")
    return Config(path, strings("select"), strings("ignore"), strings("exclude"), jobs, dict(parity))
