"""Flask-Mail: a message built and sent in a view, recorded by ``mail.record_messages()``."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, request
from flask_mail import Mail, Message

mail = Mail()


def create_app(config: dict[str, object] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(MAIL_DEFAULT_SENDER="noreply@example.com", MAIL_SUPPRESS_SEND=True, **(config or {}))
    mail.init_app(app)

    @app.post("/invite")
    def invite():
        message = Message(
            subject=f"Hello {request.form['name']}",
            recipients=[request.form["email"]],
            body="You are invited.",
        )
        with mail.record_messages() as outbox:
            mail.send(message)
        sent = outbox[0]
        return jsonify(
            subject=sent.subject, recipients=sent.recipients, sender=sent.sender, body=sent.body,
            suppressed=current_app.extensions["mail"].suppress,
        )

    return app
