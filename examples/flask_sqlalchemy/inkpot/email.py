"""Mails sent by inkpot, with Flask-Mail."""

from flask import current_app, render_template
from flask_mail import Message

from .extensions import mail


def send_welcome_email(user):
    """Greet a new user; their API token is in the mail."""
    message = Message(
        subject=f"Welcome to {current_app.config['BLOG_TITLE']}",
        recipients=[user.email],
        body=render_template("email/welcome.txt", user=user),
    )
    mail.send(message)
