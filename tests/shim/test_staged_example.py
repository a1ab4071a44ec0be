"""The bundled staged deployment (examples/staged): auth and api on Quart, pages on Flask."""

from __future__ import annotations

import json
import re

from .server import request, running_server

ARGS = [
    "--flask", "examples.staged.apps:flask_app",
    "--quart", "examples.staged.apps:quart_app",
    "--quart-prefix", "/api", "--quart-prefix", "/auth", "--flask-prefix", "/", "--metrics",
]


def test_login_on_quart_then_pages_on_flask_share_the_session(tmp_path, monkeypatch):
    monkeypatch.setenv("LINKBOX_STAGED_INSTANCE", str(tmp_path))  # the server process inherits it
    with running_server(*ARGS) as (port, _):
        status, _, _ = request(port, "POST", "/auth/register", body=b"username=ada&password=secret",
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 302
        status, headers, _ = request(port, "POST", "/auth/login", body=b"username=ada&password=secret",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 302
        cookie = re.match(r"([^;]+)", headers["set-cookie"]).group(1)
        # the links pages are still Flask's: they see the user Quart logged in
        status, _, body = request(port, "GET", "/", headers={"Cookie": cookie})
        assert status == 200 and b"ada" in body
        # and the API (Quart) sees the same session
        status, _, body = request(port, "GET", "/api/links", headers={"Cookie": cookie})
        assert status == 200 and body.lstrip()[:1] in (b"{", b"[")
        _, _, metrics = request(port, "GET", "/_flask2quart/metrics")
        sides = json.loads(metrics)["sides"]
        assert sides["quart"]["requests"] == 3 and sides["flask"]["requests"] == 1
