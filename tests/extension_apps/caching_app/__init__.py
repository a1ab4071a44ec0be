"""Flask-Caching: ``cache.get``/``set``/``has``/``delete`` in views."""

from __future__ import annotations

from flask import Flask, jsonify
from flask_caching import Cache

cache = Cache()


def create_app(config: dict[str, object] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(CACHE_TYPE="SimpleCache", CACHE_DEFAULT_TIMEOUT=60, **(config or {}))
    cache.init_app(app)

    @app.post("/hits/<name>")
    def hit(name: str):
        count = (cache.get(name) or 0) + 1
        cache.set(name, count)
        return jsonify(name=name, count=count)

    @app.get("/hits/<name>")
    def hits(name: str):
        return jsonify(name=name, count=cache.get(name), has=cache.has(name))

    @app.delete("/hits/<name>")
    def reset(name: str):
        return jsonify(deleted=cache.delete(name))

    return app
