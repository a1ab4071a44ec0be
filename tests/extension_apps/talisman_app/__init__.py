"""flask-talisman: HTTPS redirect, security headers, a per-view option and the CSP nonce."""

from __future__ import annotations

from flask import Flask, render_template_string
from flask_talisman import Talisman

talisman = Talisman()


def create_app(config: dict[str, object] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(**(config or {}))
    talisman.init_app(
        app,
        content_security_policy={"default-src": "'self'", "script-src": "'self'"},
        content_security_policy_nonce_in=["script-src"],
        force_https=True,
    )

    @app.get("/")
    def index():
        return render_template_string("<script nonce='{{ csp_nonce() }}'>1</script>")

    @app.get("/embed")
    @talisman(frame_options="SAMEORIGIN", content_security_policy={"default-src": "*"})
    def embed():
        return "embed"

    return app
