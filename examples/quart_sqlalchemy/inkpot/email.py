"""Mails sent by inkpot, with Flask-Mail."""

from quart import current_app, render_template
from . import flask_bridge  # noqa: F401  (F2Q327: Flask extensions run on Quart's context; import it first)
from flask_mail import Message

from .extensions import mail


async def send_welcome_email(user):
    """Greet a new user; their API token is in the mail."""
    message = Message(
        subject=f"Welcome to {current_app.config['BLOG_TITLE']}",
        recipients=[user.email],
        body=await render_template("email/welcome.txt", user=user),
    )
    mail.send(message)
