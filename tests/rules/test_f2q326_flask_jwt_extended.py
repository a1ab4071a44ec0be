"""F2Q326: Flask-JWT-Extended uses that quart-jwt-extended spells differently are reported."""

from __future__ import annotations

from tests.helpers import check_noop

ONLY = ("F2Q326",)

VIEWS = """\
from flask import Blueprint, jsonify
from flask_jwt_extended import (
    create_access_token,
    create_refresh_token,
    get_jwt,
    get_jwt_identity,
    jwt_required,
    verify_jwt_in_request,
)

from app.extensions import jwt

bp = Blueprint("auth", __name__)


@jwt.user_lookup_loader
def load_user(jwt_header, jwt_data):
    return jwt_data["sub"]


@jwt.user_identity_loader
def identity(user):
    return user


@bp.post("/login")
def login():
    access = create_access_token(identity="ann", additional_claims={"role": "admin"})
    refresh = create_refresh_token(identity="ann")
    return jsonify(access=access, refresh=refresh)


@bp.get("/me")
@jwt_required()
def me():
    return jsonify(who=get_jwt_identity(), claims=get_jwt())


@bp.get("/maybe")
@jwt_required(optional=True)
def maybe():
    return jsonify(who=get_jwt_identity())


@bp.post("/refresh")
@jwt_required(refresh=True, locations=["cookies"])
def refresh():
    return ""


def guard():
    verify_jwt_in_request(fresh=True)
"""


def test_uses_that_change_are_reported_with_their_3x_form() -> None:
    findings = check_noop(
        VIEWS,
        path="app/auth.py",
        files={
            "app/__init__.py": "",
            "app/extensions.py": "from flask_jwt_extended import JWTManager\n\njwt = JWTManager()\n",
        },
        select=ONLY,
    )
    sites = [(f.path, f.line, f.severity.value) for f in findings]
    assert sites == [
        ("app/auth.py", 2, "warning"),
        ("app/auth.py", 16, "warning"),  # user_lookup_loader (user_identity_loader is the same)
        ("app/auth.py", 28, "warning"),  # additional_claims=; create_refresh_token is the same
        ("app/auth.py", 34, "error"),
        ("app/auth.py", 36, "warning"),  # get_jwt(); get_jwt_identity() is the same
        ("app/auth.py", 40, "error"),
        ("app/auth.py", 46, "error"),
        ("app/auth.py", 52, "warning"),
        ("app/extensions.py", 1, "warning"),
        ("app/extensions.py", 3, "error"),
    ]
    by_line = {(f.path, f.line): f.message for f in findings}
    auth = "app/auth.py"
    assert "`@jwt.user_loader_callback_loader`" in by_line[(auth, 16)]
    assert "`additional_claims=` -> `user_claims=`" in by_line[(auth, 28)]
    assert "spells it `@jwt_required` (no parentheses" in by_line[(auth, 34)]
    assert "`get_raw_jwt()`" in by_line[(auth, 36)]
    assert "`@jwt_optional`" in by_line[(auth, 40)]
    assert "`@jwt_refresh_token_required`" in by_line[(auth, 46)] and "locations has no 3.x form" in by_line[(auth, 46)]
    assert "`await verify_fresh_jwt_in_request()`" in by_line[(auth, 52)]
    assert 'JWT_IDENTITY_CLAIM = "sub"' in by_line[("app/extensions.py", 3)]
    assert all("docs/extensions.md#flask-jwt-extended" in f.message for f in findings)


def test_module_alias_and_a_project_without_flask_jwt_extended() -> None:
    findings = check_noop(
        """\
        import flask_jwt_extended as fje
        from flask import Flask

        app = Flask(__name__)
        fje.JWTManager(app)


        @app.route("/")
        @fje.jwt_required(fresh=True)
        def index():
            return ""
        """,
        select=ONLY,
    )
    assert [(f.line, f.severity.value) for f in findings] == [(1, "warning"), (5, "error"), (9, "error")]
    assert "`@fresh_jwt_required`" in findings[2].message
    assert check_noop(
        """\
        from functools import wraps

        from flask import Flask

        app = Flask(__name__)


        def jwt_required(fn):
            @wraps(fn)
            def wrapper(*args, **kwargs):
                return fn(*args, **kwargs)
            return wrapper


        @app.route("/")
        @jwt_required
        def index():
            return ""
        """,
        select=ONLY,
    ) == []
