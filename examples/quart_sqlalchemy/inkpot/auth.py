"""Sign up, log in and out; ``login_required`` for the views of members."""

import functools

from quart import Blueprint, flash, g, redirect, render_template, request, session, url_for, current_app

from .email import send_welcome_email
from .extensions import db, limiter
from .forms import LoginForm, SignupForm
from .models import User

bp = Blueprint("auth", __name__, url_prefix="/auth")


def login_required(view):
    """Send visitors who are not logged in to the login page, and back after."""

    @functools.wraps(view)
    async def wrapped_view(*args, **kwargs):
        if g.user is None:
            return redirect(url_for("auth.login", next=request.path))
        return await current_app.ensure_async(view)(*args, **kwargs)

    return wrapped_view


@bp.before_app_request
async def load_logged_in_user():
    """Put the user of the session, if any, on ``g.user``."""
    user_id = session.get("user_id")
    g.user = db.session.get(User, user_id) if user_id is not None else None


@bp.route("/signup", methods=("GET", "POST"))
async def signup():
    form = await SignupForm.create_form()
    if await form.validate_on_submit():
        user = User(username=form.username.data, email=form.email.data.lower())
        user.set_password(form.password.data)
        db.session.add(user)
        db.session.commit()
        await send_welcome_email(user)
        await flash("Welcome! Check your mail, then log in.", "success")
        return redirect(url_for("auth.login"))
    return await render_template("auth/signup.html", form=form)


@bp.route("/login", methods=("GET", "POST"))
@limiter.limit("5 per minute", methods=["POST"])
async def login():
    form = await LoginForm.create_form()
    if await form.validate_on_submit():
        user = db.session.scalar(db.select(User).filter_by(username=form.username.data))
        if user is not None and user.check_password(form.password.data):
            session.clear()
            session["user_id"] = user.id
            next_url = request.args.get("next", "")
            # only local paths: never send the user to another site
            if not next_url.startswith("/") or next_url.startswith("//"):
                next_url = url_for("blog.index")
            return redirect(next_url)
        await flash("Incorrect username or password.", "error")
    return await render_template("auth/login.html", form=form)


@bp.route("/logout")
async def logout():
    session.clear()
    await flash("You are logged out.", "info")
    return redirect(url_for("blog.index"))
