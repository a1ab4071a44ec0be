"""Registration, login and logout with Flask-Login and Flask-WTF forms."""

from urllib.parse import urlsplit

from quart import Blueprint, flash, redirect, render_template, request, url_for
from quart_auth import current_user, login_required, login_user, logout_user

from .forms import LoginForm, RegisterForm
from .models import User
from .extensions import CurrentUser

bp = Blueprint("auth", __name__, url_prefix="/auth")


def is_safe_next_url(target):
    """Only follow ``?next=`` to a path on this site (no open redirects)."""
    if not target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and target.startswith("/")


@bp.route("/register", methods=("GET", "POST"))
async def register():
    """Create an account and log the new member in."""
    if await current_user.is_authenticated:
        return redirect(url_for("board.index"))

    form = await RegisterForm.create_form()
    if await form.validate_on_submit():
        user = User.create(form.username.data, form.password.data)
        CurrentUser.login(user)
        await flash(f"Welcome to the board, {user.username}!", "success")
        return redirect(url_for("board.index"))

    return await render_template("auth/register.html", form=form)


@bp.route("/login", methods=("GET", "POST"))
async def login():
    """Log a member in and send them where they wanted to go."""
    if await current_user.is_authenticated:
        return redirect(url_for("board.index"))

    form = await LoginForm.create_form()
    if await form.validate_on_submit():
        user = User.get_by_username(form.username.data)
        if user is None or not user.check_password(form.password.data):
            await flash("Unknown username or wrong password.", "error")
        else:
            CurrentUser.login(user, remember=form.remember.data)
            # @login_required sent the user here with the page they asked for
            next_url = request.args.get("next")
            if not is_safe_next_url(next_url):
                next_url = url_for("board.index")
            return redirect(next_url)

    return await render_template("auth/login.html", form=form)


@bp.route("/logout")
@login_required
async def logout():
    """End the session (and forget the "keep me logged in" cookie)."""
    logout_user()
    await flash("You have been logged out.", "info")
    return redirect(url_for("auth.login"))
