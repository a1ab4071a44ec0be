"""The JSON API used by the JavaScript frontend.

The API shares the browser session with the HTML pages: the frontend logs
in with ``POST /api/login`` and then sends the session cookie along
(``fetch(..., {credentials: "include"})``). CORS for ``/api/*`` is set up in
``create_app``.
"""

import functools
import re
from datetime import timedelta

from quart import Blueprint, abort, current_app, jsonify, request, url_for
from quart_cors import route_cors, cors
from quart_auth import current_user, login_user, logout_user

from .extensions import csrf
from .models import MAX_BODY_LENGTH, MAX_TITLE_LENGTH, Note, User
from quart_rate_limiter import rate_limit
from .extensions import CurrentUser

bp = Blueprint("api", __name__, url_prefix="/api")
bp = cors(bp, allow_credentials=True)

# The API only accepts JSON bodies, which a browser sends cross-site only
# after a CORS preflight that create_app restricts to CORS_ORIGINS. Form
# tokens would not fit a JSON client anyway.
csrf.exempt(bp)


def api_login_required(view):
    """Like ``login_required``, but answers 401 JSON instead of redirecting
    to the login page."""

    @functools.wraps(view)
    async def wrapped_view(*args, **kwargs):
        if not await current_user.is_authenticated:
            return jsonify(error="Unauthorized", message="Please log in first."), 401

        return await current_app.ensure_async(view)(*args, **kwargs)

    return wrapped_view


@bp.errorhandler(400)
@bp.errorhandler(404)
async def json_error(error):
    """Return API errors as JSON instead of HTML pages."""
    return jsonify(error=error.name, message=error.description), error.code


async def read_json_object():
    """The JSON object in the request body; 400 for anything else."""
    data = await request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400, "The request body must be a JSON object.")
    return data


async def read_note_payload():
    """Read and validate the fields of a new note."""
    data = await read_json_object()
    title = data.get("title")
    body = data.get("body", "")
    shared = data.get("shared", False)

    if not isinstance(title, str) or not title.strip():
        abort(400, "title is required.")
    if len(title.strip()) > MAX_TITLE_LENGTH:
        abort(400, f"title must be at most {MAX_TITLE_LENGTH} characters.")
    if not isinstance(body, str) or len(body) > MAX_BODY_LENGTH:
        abort(400, f"body must be a string of at most {MAX_BODY_LENGTH} characters.")
    if not isinstance(shared, bool):
        abort(400, "shared must be true or false.")

    return {"title": title.strip(), "body": body, "shared": shared}


@bp.route("/status")
@route_cors(allow_origin=re.compile(r".*"))
async def status():
    """Public health and version information; any site may read it."""
    return jsonify(status="ok", board=current_app.config["BOARD_TITLE"], version="1.0")


@bp.route("/login", methods=("POST",))
@rate_limit(5, timedelta(minutes=1))
async def login():
    """Log in with ``{"username": ..., "password": ...}``.

    Limited to a few attempts per minute and client so passwords cannot be
    guessed by brute force.
    """
    data = await read_json_object()
    username = data.get("username")
    password = data.get("password")

    if not isinstance(username, str) or not isinstance(password, str):
        abort(400, "username and password must be strings.")

    user = User.get_by_username(username.strip())
    if user is None or not user.check_password(password):
        return jsonify(error="Unauthorized", message="Unknown username or wrong password."), 401

    CurrentUser.login(user, remember=data.get("remember") is True)
    return jsonify(user=user.to_dict())


@bp.route("/logout", methods=("POST",))
@api_login_required
async def logout():
    logout_user()
    return "", 204


@bp.route("/me")
@api_login_required
async def me():
    """Who is logged in: the frontend asks this when it starts."""
    return jsonify(id=current_user.id, username=current_user.username)


@bp.route("/notes", methods=("GET",))
@api_login_required
async def list_notes():
    """The current user's notes, newest first."""
    notes = [note.to_dict() for note in Note.for_owner(current_user.id)]
    return jsonify(notes=notes, count=len(notes))


@bp.route("/notes", methods=("POST",))
@api_login_required
async def create_note():
    """Create a note from a JSON body and return it with status 201."""
    payload = await read_note_payload()
    note = Note(owner_id=current_user.id, **payload)
    note.save()

    # read it back for the fields the database fills in
    note = Note.get_owned(note.id, current_user.id)
    location = url_for("api.get_note", note_id=note.id)
    return jsonify(note.to_dict()), 201, {"Location": location}


@bp.route("/notes/<int:note_id>", methods=("GET",))
@api_login_required
async def get_note(note_id):
    note = Note.get_owned(note_id, current_user.id)
    if note is None:
        abort(404, "No such note.")
    return jsonify(note.to_dict())


@bp.route("/notes/<int:note_id>", methods=("DELETE",))
@api_login_required
async def delete_note(note_id):
    note = Note.get_owned(note_id, current_user.id)
    if note is None:
        abort(404, "No such note.")
    note.delete()
    return "", 204
