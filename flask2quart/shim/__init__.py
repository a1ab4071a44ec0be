"""Staged migration: one ASGI app serving ported routes on Quart and the rest on Flask.

- :class:`StagedApp` composes a Quart app and an unported Flask app;
- :class:`WsgiToAsgi` is a drop-in for ``asgiref.wsgi.WsgiToAsgi`` with a bounded thread pool;
- ``flask2quart serve`` runs the composition under Hypercorn (:mod:`.serve`).
"""

from .app import StagedApp
from .wsgi import WsgiToAsgi

__all__ = ["StagedApp", "WsgiToAsgi"]
