from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

# Fixture projects are inputs of the rewrite, not part of this suite.
collect_ignore = ["fixtures"]


@pytest.fixture(autouse=True)
def _logging_kept() -> Iterator[None]:
    """Logging as it was before the test. Code run in-process by some tests reconfigures it for the
    whole interpreter (Alembic's ``env.py`` calls ``logging.config.fileConfig``, which disables every
    logger that exists), and later tests read log records through ``caplog``."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    disabled = {
        name: logger.disabled
        for name, logger in logging.Logger.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, logger in logging.Logger.manager.loggerDict.items():
        if isinstance(logger, logging.Logger):
            logger.disabled = disabled.get(name, False)
