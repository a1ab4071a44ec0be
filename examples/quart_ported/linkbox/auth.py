"""User registration, login and logout."""

import functools

from quart import (
    Blueprint,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
    current_app,
)
from werkzeug.security import check_password_hash, generate_password_hash

from .db import get_db

bp = Blueprint("auth", __name__, url_prefix="/auth")

MIN_PASSWORD_LENGTH = 4


def login_required(view):
    """View decorator that redirects anonymous users to the login page."""

    @functools.wraps(view)
    async def wrapped_view(**kwargs):
        if g.user is None:
            return redirect(url_for("auth.login", next=request.path))

        return await current_app.ensure_async(view)(**kwargs)

    return wrapped_view


def is_safe_redirect(target):
    """Only allow redirects to paths on this site."""
    return bool(target) and target.startswith("/") and not target.startswith("//")


@bp.before_app_request
async def load_logged_in_user():
    """If a user id is stored in the session, load the user object from
    the database into ``g.user``."""
    user_id = session.get("user_id")

    if user_id is None:
        g.user = None
    else:
        g.user = get_db().execute("SELECT * FROM user WHERE id = ?", (user_id,)).fetchone()


@bp.route("/register", methods=("GET", "POST"))
async def register():
    """Register a new user.

    Validates that the username is not already taken and stores a hash of
    the password.
    """
    if request.method == "POST":
        username = (await request.form)["username"].strip()
        password = (await request.form)["password"]
        db = get_db()
        error = None

        if not username:
            error = "Username is required."
        elif not password:
            error = "Password is required."
        elif len(password) < MIN_PASSWORD_LENGTH:
            error = f"Password must be at least {MIN_PASSWORD_LENGTH} characters."

        if error is None:
            try:
                db.execute(
                    "INSERT INTO user (username, password) VALUES (?, ?)",
                    (username, generate_password_hash(password)),
                )
                db.commit()
            except db.IntegrityError:
                # the username column is UNIQUE
                error = f"The username {username} is already taken."
            else:
                await flash("Your account was created, please log in.")
                return redirect(url_for("auth.login"))

        await flash(error)

    return await render_template("auth/register.html")


@bp.route("/login", methods=("GET", "POST"))
async def login():
    """Log in a registered user by adding the user id to the session."""
    if request.method == "POST":
        username = (await request.form)["username"].strip()
        password = (await request.form)["password"]
        user = get_db().execute("SELECT * FROM user WHERE username = ?", (username,)).fetchone()

        if user is None or not check_password_hash(user["password"], password):
            await flash("Unknown username or wrong password.")
        else:
            # store the user id in a new session and return to the index
            session.clear()
            session["user_id"] = user["id"]
            next_url = request.args.get("next")
            if not is_safe_redirect(next_url):
                next_url = url_for("index")
            return redirect(next_url)

    return await render_template("auth/login.html")


@bp.route("/logout")
async def logout():
    """Clear the current session, including the stored user id."""
    session.clear()
    await flash("You have been logged out.")
    return redirect(url_for("auth.login"))
