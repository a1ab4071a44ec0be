"""One :class:`ParityRequest` -> a WSGI environ and an ASGI scope that describe the same request.

Both are built here from the same values (host, client address, raw query bytes, header bytes),
which is what makes in-process comparisons free of test-client noise: Werkzeug's client says
``localhost``/``127.0.0.1`` where Quart's says ``<local>``, and they encode queries differently.
"""

from __future__ import annotations

import io
import sys
from typing import Any
from urllib.parse import unquote_to_bytes

from .model import ParityRequest

HOST = "localhost"
CLIENT = ("127.0.0.1", 50000)
SERVER = ("localhost", 80)


def _host(request: ParityRequest) -> str:
    return request.header("host") or HOST


def build_environ(request: ParityRequest, root_path: str = "") -> dict[str, Any]:
    # PEP 3333: PATH_INFO is the percent-decoded path, as bytes carried in a latin-1 str.
    path_info = unquote_to_bytes(request.path).decode("latin-1")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": request.method,
        "SCRIPT_NAME": root_path,
        "PATH_INFO": path_info,
        "QUERY_STRING": request.query_string,
        "SERVER_NAME": SERVER[0],
        "SERVER_PORT": str(SERVER[1]),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": CLIENT[0],
        "REMOTE_PORT": str(CLIENT[1]),
        "HTTP_HOST": _host(request),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(request.body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    if request.body:
        environ["CONTENT_LENGTH"] = str(len(request.body))
    for name, value in request.headers:
        key = name.upper().replace("-", "_")
        if key == "HOST":
            continue
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            environ[key] = value
            continue
        key = f"HTTP_{key}"
        environ[key] = f"{environ[key]},{value}" if key in environ else value
    return environ


def build_scope(request: ParityRequest, root_path: str = "") -> dict[str, Any]:
    headers: list[tuple[bytes, bytes]] = [(b"host", _host(request).encode("latin-1"))]
    for name, value in request.headers:
        lowered = name.lower()
        if lowered not in ("host", "content-length"):
            headers.append((lowered.encode("latin-1"), value.encode("latin-1")))
    if request.body:
        headers.append((b"content-length", str(len(request.body)).encode()))
    raw_path = request.path.encode("latin-1", "replace")
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": request.method,
        "scheme": "http",
        "path": unquote_to_bytes(request.path).decode("utf-8", "replace"),
        "raw_path": raw_path,
        "query_string": request.query_string.encode("latin-1", "replace"),
        "root_path": root_path,
        "headers": headers,
        "client": CLIENT,
        "server": SERVER,
        "extensions": {},
        "state": {},
    }
