"""F2Q324: Flask-Mail uses are reported with their aiosmtplib form (never rewritten)."""

from __future__ import annotations

from flask2quart.findings import Finding
from tests.helpers import check_noop

ONLY = ("F2Q324",)

EMAIL = """\
from flask import current_app, render_template
from flask_mail import Message

from app import mail


def send_password_reset(user, token):
    msg = Message("Reset", sender="admin@example.com", recipients=[user.email])
    msg.body = render_template("reset.txt", token=token)
    msg.html = render_template("reset.html", token=token)
    msg.attach("a.csv", "text/csv", b"a,b")
    mail.send(msg)


def notify(mailer, msg):
    mailer.send(msg)


def bulk(users):
    with mail.connect() as conn:
        for user in users:
            conn.send(Message("Hi", recipients=[user.email]))
"""


def sites(findings: list[Finding], path: str) -> list[tuple[int, str]]:
    return [(f.line, f.severity.value) for f in findings if f.code == "F2Q324" and f.path == path]


def test_every_use_is_reported_including_the_message_object() -> None:
    findings = check_noop(
        EMAIL,
        path="app/email.py",
        files={"app/__init__.py": "from flask_mail import Mail\n\nmail = Mail()\n"},
        select=ONLY,
    )
    assert sites(findings, "app/__init__.py") == [(1, "warning"), (3, "error")]
    assert sites(findings, "app/email.py") == [
        (2, "warning"),
        (8, "warning"),  # Message(...)
        (9, "warning"),  # msg.body = ...
        (10, "warning"),
        (11, "warning"),  # msg.attach
        (12, "warning"),  # mail.send
        (20, "warning"),  # mail.connect()
        (22, "warning"),  # Message(...) inside an unknown connection's send
    ]  # ``mailer.send(msg)`` on a parameter (line 16) is not Flask-Mail's
    by_line = {f.line: f.message for f in findings if f.path == "app/email.py"}
    assert "MAIL_DEFAULT_SENDER" not in by_line[8]  # it names its sender
    assert "MAIL_DEFAULT_SENDER" in by_line[22]
    assert "`msg.set_content(text)`" in by_line[9] and "no `body` attribute" in by_line[9]
    assert 'subtype="html"' in by_line[10]
    assert "`msg.add_attachment(" in by_line[11]
    assert "`await aiosmtplib.send(msg, hostname=MAIL_SERVER" in by_line[12]
    assert "aiosmtplib.SMTP" in by_line[20]
    assert all("docs/extensions.md#flask-mail" in f.message for f in findings)


def test_inline_mail_and_a_project_without_flask_mail() -> None:
    findings = check_noop(
        """\
        from flask import Flask
        from flask_mail import Mail

        app = Flask(__name__)
        Mail(app).send_message("Hi", recipients=["a@example.com"])
        """,
        select=ONLY,
    )
    assert [(f.line, f.severity.value) for f in findings] == [(2, "warning"), (5, "error")]
    assert check_noop(
        "import smtplib\nfrom flask import Flask\n\napp = Flask(__name__)\nmail = smtplib.SMTP\n", select=ONLY
    ) == []
