"""F2Q324: Flask-Mail is kept through the bridge, its sends on the event loop reported.

With F2Q327 (the default) Flask-Mail runs under Quart through the generated ``flask_bridge``
module: only ``mail.send``/``send_message``/``connect`` in async code are reported (WARNING: a
blocking SMTP exchange on the event loop; ``await run_sync(mail.send)(msg)``). Without F2Q327,
the report-only mode below applies.

Flask-Mail fails under Quart (``mail.send`` reads Flask's ``current_app``: "Working outside of
application context", verified with Flask-Mail 0.10.0 on Quart 0.23.1), and even where it ran it
would send with blocking ``smtplib`` on the event loop. There is no quart-mail on PyPI
(reference §5): build a standard ``email.message.EmailMessage`` and send it with aiosmtplib (or
with smtplib in a worker thread, ``await run_sync(fn)()``). Nothing is rewritten; each use site is
one finding:

- **ERROR**: ``Mail(...)`` and ``mail.init_app(app)`` (the ``MAIL_*`` settings become aiosmtplib's
  ``hostname``/``port``/``username``/``password``/``start_tls``/``use_tls``);
- **WARNING**: ``Message(...)`` (and every later use of the message: an ``EmailMessage`` has no
  ``body``/``html``/``recipients`` attributes, so ``msg.body = ...`` would silently send an empty
  mail), ``mail.send(...)``, ``mail.send_message(...)``, ``mail.connect()``,
  ``mail.record_messages()`` and other names of the extension.

Docs: https://aiosmtplib.readthedocs.io/en/stable/; recipe: docs/extensions.md#flask-mail
"""

from __future__ import annotations

from ...findings import Severity
from ._report_extension import CALL, ExtensionReport, Report, Use, keyword_value

#: ``Message`` attributes -> how an ``EmailMessage`` spells them.
_MESSAGE_ATTRIBUTES = {
    "body": 'msg.set_content(text)',
    "html": 'msg.add_alternative(html, subtype="html")',
    "subject": 'msg["Subject"] = ...',
    "sender": 'msg["From"] = ...',
    "recipients": 'msg["To"] = ", ".join(recipients)',
    "cc": 'msg["Cc"] = ", ".join(cc)',
    "bcc": 'msg["Bcc"] = ", ".join(bcc) (aiosmtplib sends to Bcc and drops the header)',
    "reply_to": 'msg["Reply-To"] = ...',
    "add_recipient": 'msg["To"] = ", ".join(recipients) (set once)',
    "attach": 'msg.add_attachment(data, maintype=..., subtype=..., filename=...) (after set_content)',
    "extra_headers": "msg[name] = value per header",
    "date": 'msg["Date"] = email.utils.formatdate(localtime=True)',
    "msgId": 'msg["Message-ID"] = email.utils.make_msgid()',
    "charset": "msg.set_content(text, charset=...)",
}
_SEND = (
    "`await aiosmtplib.send(msg, hostname=MAIL_SERVER, port=MAIL_PORT, username=..., password=..., "
    "start_tls=MAIL_USE_TLS, use_tls=MAIL_USE_SSL)` with an `email.message.EmailMessage` (a blocking "
    "smtplib send stalls every request; in the background: `app.add_background_task(...)`)"
)


class FlaskMail(ExtensionReport):
    code = "F2Q324"
    name = "flask-mail"
    modules = frozenset({"flask_mail"})
    title = "Flask-Mail"
    anchor = "flask-mail"
    replacement = "aiosmtplib with `email.message.EmailMessage`"

    def describe(self, use: Use) -> Report | None:
        text = f"`{use.spelling}`"
        if self.bridged:
            sends = use.kind == "object" and use.attrs[:1] in (("send",), ("send_message",), ("connect",))
            if not (sends and self.on_loop()):
                return None
            return (
                f"{text}: a blocking SMTP exchange on the event loop (Flask-Mail stays synchronous under Quart, "
                "through `flask_bridge`): every request waits while it runs; send in a worker thread, "
                "`await run_sync(mail.send)(msg)` (quart.utils), or in the background, "
                "`app.add_background_task(...)`",
                Severity.WARNING,
            )
        if use.kind == "name":
            if use.member == "Mail" and use.path[:1] == (CALL,):
                return (
                    f"{text}: Flask-Mail fails under Quart (it reads Flask's `current_app`) and there is no "
                    "quart-mail: send with aiosmtplib, from the same `MAIL_*` settings, or with smtplib inside "
                    "`await run_sync(fn)()`",
                    Severity.ERROR,
                )
            if use.member == "Message" and use.path[:1] == (CALL,):
                call = use.call_after()
                sender = "" if keyword_value(call, "sender") is not None else (
                    "; Flask-Mail filled the sender from MAIL_DEFAULT_SENDER: set `msg[\"From\"]`"
                )
                return (
                    f"{text}: build an `email.message.EmailMessage` (`msg[\"Subject\"]`, `msg[\"To\"]`, "
                    f"`msg.set_content(body)`, `msg.add_alternative(html, subtype=\"html\")`){sender}",
                    Severity.WARNING,
                )
            return (f"{text} is Flask-Mail's: no counterpart in the standard `email` package or aiosmtplib",
                    Severity.WARNING)
        attrs = use.attrs
        if use.kind != "object" or not attrs:
            return None
        first = attrs[0]
        if use.member == "Message":
            spelling = _MESSAGE_ATTRIBUTES.get(first)
            if spelling is None:
                return (f"{text}: an `EmailMessage` keeps this as a header or part: see the recipe",
                        Severity.WARNING)
            return (f"{text}: `{spelling}`: an `EmailMessage` has no `{first}` attribute", Severity.WARNING)
        if first == "init_app":
            return (f"{text}: read the `MAIL_*` settings where you call `aiosmtplib.send` instead", Severity.ERROR)
        if first == "send":
            return (f"{text}: {_SEND}", Severity.WARNING)
        if first == "send_message":
            return (f"{text}: build an `EmailMessage`, then {_SEND}", Severity.WARNING)
        if first == "connect":
            return (
                f"{text}: `async with aiosmtplib.SMTP(hostname=..., port=...) as smtp: await "
                "smtp.send_message(msg)` for several messages on one connection",
                Severity.WARNING,
            )
        if first == "record_messages":
            return (
                f"{text}: in tests, replace `aiosmtplib.send` with a fake that records its messages "
                "(`monkeypatch.setattr`), or run a local aiosmtpd server",
                Severity.WARNING,
            )
        return (f"{text}: no aiosmtplib counterpart", Severity.WARNING)
