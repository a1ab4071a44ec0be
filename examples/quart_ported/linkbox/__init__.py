"""linkbox: a small bookmarks and notes service built with Flask."""

import os
import time
import uuid
from urllib.parse import urlparse

from quart import Quart, g, jsonify, render_template, request
from werkzeug.urls import iri_to_uri
from . import http_client


async def location_iri_to_uri(response):
    """Werkzeug sends Location and Content-Location as URIs (iri_to_uri); Quart sends them as set:
    this keeps Flask's behaviour (added by flask2quart, F2Q121)."""
    for name in ("Location", "Content-Location"):
        values = response.headers.getlist(name)
        if values:
            response.headers[name] = iri_to_uri(values[-1])
    return response


def create_app(test_config=None):
    """Create and configure an instance of the linkbox application."""
    app = Quart(__name__, instance_relative_config=True)
    app.after_request(location_iri_to_uri)
    http_client.init_app(app)
    app.config.from_mapping(
        # only good for development, set a real secret in production
        SECRET_KEY="dev",
        APP_NAME="linkbox",
        # store the database and the uploaded files in the instance folder
        DATABASE=os.path.join(app.instance_path, "linkbox.sqlite"),
        UPLOAD_FOLDER=os.path.join(app.instance_path, "uploads"),
        # service used by the /api/quote endpoint
        UPSTREAM_URL="http://127.0.0.1:9/quote",
        # refuse uploads larger than 2 MB
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
    )

    if test_config is None:
        # outside of tests, read instance/config.py when it is present
        app.config.from_pyfile("config.py", silent=True)
        # and let an environment variable point at an extra config file
        app.config.from_envvar("QUART_LINKBOX_SETTINGS" if "QUART_LINKBOX_SETTINGS" in os.environ else "FLASK_LINKBOX_SETTINGS", silent=True)
    else:
        # tests pass their settings directly
        app.config.from_mapping(test_config)

    # the database and the uploads live in these folders
    os.makedirs(app.instance_path, exist_ok=True)
    os.makedirs(app.config["UPLOAD_FOLDER"], exist_ok=True)

    @app.route("/ping")
    async def ping():
        """A simple health check page."""
        return "pong"

    @app.before_request
    async def start_request():
        """Remember when the request started and give it an id."""
        g.request_started = time.perf_counter()
        g.request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex

    @app.after_request
    async def add_request_id(response):
        """Send the request id back so clients can correlate logs."""
        request_id = g.get("request_id")
        if request_id is not None:
            response.headers["X-Request-Id"] = request_id
        started = g.get("request_started")
        if started is not None:
            elapsed = (time.perf_counter() - started) * 1000
            app.logger.debug("%s %s took %.1f ms", request.method, request.path, elapsed)
        return response

    @app.context_processor
    async def inject_globals():
        """Make the application name available in every template."""
        return {"app_name": app.config["APP_NAME"]}

    @app.template_filter("domain")
    def domain_filter(url):
        """Show only the host part of a URL, e.g. ``example.com``."""
        return urlparse(url).netloc or url

    @app.errorhandler(404)
    async def page_not_found(error):
        """Render a friendly page, or JSON for unknown API URLs."""
        if request.path.startswith("/api/"):
            return jsonify(error="Not Found", message=error.description), 404
        return await render_template("404.html", error=error), 404

    # close connections after requests and add the init-db command
    from . import db

    db.init_app(app)

    # the HTML views, and the JSON API under /api
    from . import api, auth, links

    app.register_blueprint(auth.bp)
    app.register_blueprint(links.bp)
    app.register_blueprint(api.bp)

    # the link list is the home page: url_for('index') points at it
    app.add_url_rule("/", endpoint="index")

    return app
