"""Flask-Principal: an identity loaded per request, needs added on ``identity_loaded``,
permissions checked with ``require()`` and ``can()``."""

from __future__ import annotations

from flask import Flask, jsonify, request
from flask_principal import (
    Identity,
    Permission,
    PermissionDenied,
    Principal,
    RoleNeed,
    UserNeed,
    identity_loaded,
)

principal = Principal(use_sessions=False)
admin = Permission(RoleNeed("admin"))
ROLES = {"ada": ["admin"], "bob": []}


def create_app(config: dict[str, object] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(**(config or {}))
    principal.init_app(app)

    @principal.identity_loader
    def load_identity():
        user = request.headers.get("X-User")
        return Identity(user) if user else None

    @identity_loaded.connect_via(app)
    def add_needs(sender, identity):
        identity.provides.add(UserNeed(identity.id))
        for role in ROLES.get(identity.id, []):
            identity.provides.add(RoleNeed(role))

    @app.errorhandler(PermissionDenied)
    def denied(error):
        return jsonify(error="denied"), 403

    @app.get("/whoami")
    def whoami():
        return jsonify(admin=admin.can())

    @app.get("/admin")
    def admin_only():
        with admin.require():
            return jsonify(secret=42)

    @app.get("/admin-403")
    def admin_http():
        with admin.require(http_exception=403):
            return jsonify(secret=43)

    @app.get("/admin-decorated")
    @admin.require(http_exception=403)
    def admin_decorated():
        return jsonify(secret=44)

    return app
