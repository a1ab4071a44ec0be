"""``flask2quart check``: how ready a Flask project is for the port, without changing anything.

:func:`check` runs the real rewrite in a mode that writes nothing and reports, per file and per
route, what the rewrite does automatically, what needs a human (with the rule codes), the blocking
calls that would run on the event loop after the port, and the readiness figure: the share of routes
that port with no manual work. Renderers: :mod:`.render_terminal`, :mod:`.render_json`,
:mod:`.render_markdown`.

Docs: docs/check.md
"""

from __future__ import annotations

from .collect import CheckOptions, check
from .model import (
    BlockingCall,
    BlockingKind,
    FileReadiness,
    ReadinessReport,
    Route,
    RouteReadiness,
    RouteStatus,
)

__all__ = [
    "BlockingCall",
    "BlockingKind",
    "CheckOptions",
    "FileReadiness",
    "ReadinessReport",
    "Route",
    "RouteReadiness",
    "RouteStatus",
    "check",
]
