"""teamboard: a small notes board for a team, built with Flask and the
Flask-Login, Flask-WTF, Flask-CORS and Flask-Limiter extensions."""

import os
from datetime import timedelta

from quart import Quart, jsonify, render_template, request
from quart_wtf.csrf import CSRFError

from .extensions import csrf, limiter, login_manager
from werkzeug.urls import iri_to_uri
from quart_rate_limiter import rate_exempt


async def location_iri_to_uri(response):
    """Werkzeug sends Location and Content-Location as URIs (iri_to_uri); Quart sends them as set:
    this keeps Flask's behaviour (added by flask2quart, F2Q121)."""
    for name in ("Location", "Content-Location"):
        values = response.headers.getlist(name)
        if values:
            response.headers[name] = iri_to_uri(values[-1])
    return response


def create_app(test_config=None):
    """Create and configure an instance of the teamboard application."""
    app = Quart(__name__, instance_relative_config=True)
    app.after_request(location_iri_to_uri)
    app.config.from_mapping(
        # only good for development, set a real secret in production
        SECRET_KEY="dev",
        BOARD_TITLE="Team board",
        DATABASE=os.path.join(app.instance_path, "teamboard.sqlite"),
        # the JavaScript frontend (its dev server by default) may call /api
        QUART_CORS_ALLOW_ORIGIN=["http://localhost:5173"],
        QUART_RATE_LIMITER_ENABLED=True,
        # counters in process memory are enough for a single server process
        RATELIMIT_STORAGE_URI="memory://",
        # how long "keep me logged in" lasts
        REMEMBER_COOKIE_DURATION=timedelta(days=14),
    )

    if test_config is None:
        # outside of tests, read instance/config.py when it is present
        app.config.from_pyfile("config.py", silent=True)
        # and settings from TEAMBOARD_* environment variables, e.g.
        # TEAMBOARD_SECRET_KEY or TEAMBOARD_CORS_ORIGINS='["https://board.example"]'
        app.config.from_prefixed_env("TEAMBOARD")
    else:
        # tests pass their settings directly
        app.config.from_mapping(test_config)

    # the database lives in the instance folder
    os.makedirs(app.instance_path, exist_ok=True)

    from . import db

    db.init_app(app)

    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)

    from . import api, auth, board

    app.register_blueprint(auth.bp)
    app.register_blueprint(board.bp)
    app.register_blueprint(api.bp)

    @app.route("/health")
    @rate_exempt
    async def health():
        """For the load balancer: never rate limited."""
        db.get_db().execute("SELECT 1").fetchone()
        return jsonify(status="ok")

    @app.context_processor
    async def inject_board_title():
        """Make the board's name available in every template."""
        return {"board_title": app.config["BOARD_TITLE"]}

    @app.errorhandler(404)
    async def page_not_found(error):
        """Render a friendly page, or JSON for unknown API URLs."""
        if request.path.startswith("/api/"):
            return jsonify(error="Not Found", message=error.description), 404
        return await render_template("errors/404.html"), 404

    @app.errorhandler(429)
    async def too_many_requests(error):
        """Raised by the rate limiter."""
        if request.path.startswith("/api/"):
            message = f"Rate limit exceeded: {error.description}"
            return jsonify(error="Too Many Requests", message=message), 429
        return await render_template("errors/429.html"), 429

    @app.errorhandler(CSRFError)
    async def csrf_failed(error):
        """A form was sent without a valid token, e.g. after the session expired."""
        return await render_template("errors/csrf.html", reason=error.description), 400

    return app
