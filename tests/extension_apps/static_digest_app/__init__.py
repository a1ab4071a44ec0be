"""Flask-Static-Digest: digested static URLs read from the app's and a blueprint's manifest, which
the extension opens with ``app.open_resource`` / ``blueprint.open_resource`` (Flask's file); the
app's own views read a resource and an instance resource too."""

from __future__ import annotations

import os

from flask import Blueprint, Flask, current_app, jsonify, render_template_string
from flask_static_digest import FlaskStaticDigest

HERE = os.path.dirname(os.path.abspath(__file__))
digest = FlaskStaticDigest()
assets = Blueprint("assets", __name__, static_folder="assets_static", static_url_path="/assets")

PAGE = "{{ static_url_for('static', filename='app.css') }} {{ static_url_for('assets.static', filename='x.js') }}"


def create_app() -> Flask:
    app = Flask(__name__, instance_path=os.path.join(HERE, "instance"))
    app.register_blueprint(assets)
    digest.init_app(app)

    @app.get("/")
    def page():
        return render_template_string(PAGE)

    @app.get("/resource")
    def resource():
        with current_app.open_resource("static/cache_manifest.json", "r") as manifest:
            text = manifest.read()
        with current_app.open_instance_resource("settings.txt", "r") as settings:
            return jsonify(manifest=text, settings=settings.read().strip())

    return app
