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
    #: ``http-client``: how F2Q117 ports ``requests`` calls (``run-sync`` or ``aiohttp``)
    http_client: str | None = None
    #: ``db-calls``: where F2Q321 runs Flask-SQLAlchemy's calls made in async code (``loop`` or
    #: ``run-sync``)
    db_calls: str | None = None
    #: ``[tool.flask2quart.check]``: ``fail-under`` (percent) and ``format`` for ``flask2quart check``
    check_fail_under: float = 100.0
    check_format: str = "table"


_KEYS = {"select", "ignore", "exclude", "jobs", "parity", "http-client", "db-calls", "check"}
CHECK_FORMATS = ("table", "json", "markdown")
HTTP_CLIENTS = ("run-sync", "aiohttp")
DB_CALLS = ("loop", "run-sync")
PARITY_KEYS = {"flask", "quart", "cases", "ignore", "auto", "allow-unsafe", "secret-headers"}


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
    for key in ("ignore", "secret-headers"):
        listed = parity.get(key, [])
        if not isinstance(listed, list) or not all(isinstance(v, str) for v in listed):
            raise ConfigError(f"{path}: [tool.flask2quart.parity] {key} must be a list of strings")
    for key in ("auto", "allow-unsafe"):
        if key in parity and not isinstance(parity[key], bool):
            raise ConfigError(f"{path}: [tool.flask2quart.parity] {key} must be true or false")
    http_client = section.get("http-client")
    if http_client is not None and http_client not in HTTP_CLIENTS:
        raise ConfigError(f"{path}: [tool.flask2quart] http-client must be one of: {', '.join(HTTP_CLIENTS)}")
    db_calls = section.get("db-calls")
    if db_calls is not None and db_calls not in DB_CALLS:
        raise ConfigError(f"{path}: [tool.flask2quart] db-calls must be one of: {', '.join(DB_CALLS)}")
    fail_under, check_format = _check_section(path, section.get("check", {}))
    return Config(
        path, strings("select"), strings("ignore"), strings("exclude"), jobs, dict(parity), http_client=http_client,
        db_calls=db_calls, check_fail_under=fail_under, check_format=check_format,
    )


def _check_section(path: Path, check: object) -> tuple[float, str]:
    """``[tool.flask2quart.check]``: ``fail-under = 90``, ``format = "markdown"``."""
    if not isinstance(check, dict):
        raise ConfigError(f"{path}: [tool.flask2quart.check] must be a table")
    unknown = sorted(set(check) - {"fail-under", "format"})
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) in [tool.flask2quart.check]: {', '.join(unknown)}")
    fail_under = check.get("fail-under", 100.0)
    if isinstance(fail_under, bool) or not isinstance(fail_under, int | float) or not 0 <= fail_under <= 100:
        raise ConfigError(f"{path}: [tool.flask2quart.check] fail-under must be a number from 0 to 100")
    check_format = check.get("format", "table")
    if check_format not in CHECK_FORMATS:
        raise ConfigError(f"{path}: [tool.flask2quart.check] format must be one of: {', '.join(CHECK_FORMATS)}")
    return float(fail_under), check_format
