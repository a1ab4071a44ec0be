"""inkpot: a small multi-author blog, built with Flask, Flask-SQLAlchemy and
Flask-Migrate, Flask-Mail, flask-talisman, Flask-RESTful, Flask-WTF and
Flask-Limiter."""

import os

from quart import Quart, jsonify, render_template, request
from quart_wtf.csrf import CSRFError

from .extensions import csrf, db, limiter, mail, migrate, talisman
from werkzeug.urls import iri_to_uri


async def location_iri_to_uri(response):
    """Werkzeug sends Location and Content-Location as URIs (iri_to_uri); Quart sends them as set:
    this keeps Flask's behaviour (added by flask2quart, F2Q121)."""
    for name in ("Location", "Content-Location"):
        values = response.headers.getlist(name)
        if values:
            response.headers[name] = iri_to_uri(values[-1])
    return response


# the Alembic scripts of `flask db`, next to the package
MIGRATIONS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "migrations")

# scripts and styles from this site only
CSP = {"default-src": "'self'", "img-src": ["'self'", "data:"]}


def create_app(test_config=None):
    """Create and configure an instance of the inkpot application."""
    app = Quart(__name__, instance_relative_config=True)
    app.after_request(location_iri_to_uri)
    app.config.from_mapping(
        # only good for development, set a real secret in production
        SECRET_KEY="dev",
        BLOG_TITLE="inkpot",
        SQLALCHEMY_DATABASE_URI="sqlite:///" + os.path.join(app.instance_path, "inkpot.sqlite"),
        POSTS_PER_PAGE=5,
        MAIL_DEFAULT_SENDER="inkpot <noreply@inkpot.example>",
        # production runs behind HTTPS; the development server does not
        FORCE_HTTPS=False,
        RATELIMIT_STORAGE_URI="memory://",
    )

    if test_config is None:
        # outside of tests, read instance/config.py when it is present
        app.config.from_pyfile("config.py", silent=True)
        # and INKPOT_* environment variables, e.g. INKPOT_SECRET_KEY
        app.config.from_prefixed_env("INKPOT")
    else:
        app.config.from_mapping(test_config)

    os.makedirs(app.instance_path, exist_ok=True)

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS)
    mail.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["FORCE_HTTPS"],
        content_security_policy=CSP,
        referrer_policy="same-origin",
    )

    from . import api, auth, blog
    from .commands import seed_command

    app.register_blueprint(auth.bp)
    app.register_blueprint(blog.bp)
    app.register_blueprint(api.bp)
    app.cli.add_command(seed_command)

    @app.route("/health")
    @limiter.exempt
    async def health():
        """For the load balancer: the database answers. Never rate limited."""
        db.session.execute(db.text("SELECT 1"))
        return jsonify(status="ok")

    @app.context_processor
    async def inject_blog_title():
        return {"blog_title": app.config["BLOG_TITLE"]}

    @app.errorhandler(403)
    async def forbidden(error):
        return await render_template("errors/403.html"), 403

    @app.errorhandler(404)
    async def page_not_found(error):
        if request.path.startswith("/api/"):
            return jsonify(message=error.description), 404
        return await render_template("errors/404.html"), 404

    @app.errorhandler(429)
    async def too_many_requests(error):
        if request.path.startswith("/api/"):
            return jsonify(message=f"Rate limit exceeded: {error.description}"), 429
        return await render_template("errors/429.html", limit=error.description), 429

    @app.errorhandler(CSRFError)
    async def csrf_failed(error):
        return await render_template("errors/csrf.html", reason=error.description), 400

    return app
