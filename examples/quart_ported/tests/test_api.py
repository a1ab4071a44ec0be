import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from linkbox.db import get_db


class QuoteHandler(BaseHTTPRequestHandler):
    """A tiny stand-in for the upstream quote service."""

    def do_GET(self):
        if self.path == "/quote":
            status = 200
            body = json.dumps({"quote": "Simple is better than complex.", "author": "Tim Peters"})
        elif self.path == "/broken":
            status = 500
            body = json.dumps({"error": "boom"})
        else:
            status = 200
            body = "this is not json"

        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):
        # keep the test output quiet
        pass


@pytest.fixture
def upstream(monkeypatch):
    """Run the fake upstream service on a free local port."""
    # never send requests for the local server through a proxy
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    server = ThreadingHTTPServer(("127.0.0.1", 0), QuoteHandler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()

    yield f"http://127.0.0.1:{server.server_address[1]}"

    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def unused_port():
    """A local port that nothing is listening on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_requires_login(client):
    response = await client.get("/api/links")
    assert response.status_code == 401
    assert (await response.get_json())["error"] == "Unauthorized"

    assert (await client.post("/api/links", json={"url": "https://x.org"})).status_code == 401
    assert (await client.get("/api/links/1")).status_code == 401
    assert (await client.delete("/api/links/1")).status_code == 401


async def test_list(client, auth):
    await auth.login()
    response = await client.get("/api/links")
    assert response.status_code == 200
    assert response.is_json
    data = await response.get_json()
    assert data["count"] == 2
    assert [link["title"] for link in data["links"]] == ["Python docs", "Flask docs"]
    assert data["links"][1]["tags"] == ["flask", "python"]
    assert data["links"][1]["created"] == "2024-01-01T10:00:00"


@pytest.mark.parametrize(
    ("query", "titles"),
    (
        ({"q": "python"}, ["Python docs"]),
        ({"tag": "FLASK"}, ["Flask docs"]),
        ({"limit": "1"}, ["Python docs"]),
        ({"limit": "zero"}, ["Python docs", "Flask docs"]),
        ({"q": "nothing"}, []),
    ),
)
async def test_list_filters(client, auth, query, titles):
    await auth.login()
    response = await client.get("/api/links", query_string=query)
    assert [link["title"] for link in (await response.get_json())["links"]] == titles


async def test_create(client, auth, app):
    await auth.login()
    response = await client.post(
        "/api/links",
        json={
            "url": "https://quart.palletsprojects.com",
            "title": "Quart",
            "tags": ["Async", "python"],
        },
    )
    assert response.status_code == 201
    assert response.headers["Location"] == "/api/links/4"
    data = await response.get_json()
    assert data["id"] == 4
    assert data["title"] == "Quart"
    assert data["tags"] == ["async", "python"]

    async with app.app_context():
        link = get_db().execute("SELECT * FROM link WHERE id = 4").fetchone()
        assert link["owner_id"] == 1
        assert link["url"] == "https://quart.palletsprojects.com"


@pytest.mark.parametrize(
    ("payload", "message"),
    (
        ({"title": "no url"}, "URL is required."),
        ({"url": "mailto:someone@example.com"}, "URL must start with http:// or https://."),
        ({"url": "https://x.org", "title": 5}, "url, title and notes must be strings."),
        ({"url": "https://x.org", "tags": "a,b"}, "tags must be a list of strings."),
        (["https://x.org"], "The request body must be a JSON object."),
    ),
)
async def test_create_validate(client, auth, payload, message):
    await auth.login()
    response = await client.post("/api/links", json=payload)
    assert response.status_code == 400
    assert await response.get_json() == {"error": "Bad Request", "message": message}


async def test_create_invalid_json(client, auth):
    await auth.login()
    response = await client.post(
        "/api/links", data="{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert (await response.get_json())["error"] == "Bad Request"


async def test_create_wrong_content_type(client, auth):
    await auth.login()
    response = await client.post("/api/links", form={"url": "https://x.org"})
    assert response.status_code == 415
    assert (await response.get_json())["error"] == "Unsupported Media Type"


async def test_get(client, auth):
    await auth.login()
    response = await client.get("/api/links/1")
    assert response.status_code == 200
    assert (await response.get_json())["url"] == "https://flask.palletsprojects.com/"
    assert (await response.get_json())["notes"] == "The web framework."


async def test_get_not_found(client, auth):
    await auth.login()
    response = await client.get("/api/links/42")
    assert response.status_code == 404
    assert await response.get_json() == {
        "error": "Not Found",
        "message": "Link id 42 doesn't exist.",
    }


async def test_get_forbidden(client, auth):
    await auth.login()
    response = await client.get("/api/links/3")
    assert response.status_code == 403
    assert (await response.get_json())["error"] == "Forbidden"


async def test_unknown_api_url_is_json(client):
    response = await client.get("/api/nothing/here")
    assert response.status_code == 404
    assert response.is_json
    assert (await response.get_json())["error"] == "Not Found"


async def test_put(client, auth):
    await auth.login()
    response = await client.put("/api/links/2", json={"title": "Python 3 docs", "tags": ["ref"]})
    assert response.status_code == 200
    data = await response.get_json()
    assert data["title"] == "Python 3 docs"
    # fields that were not sent keep their values
    assert data["url"] == "https://docs.python.org/3/"
    assert data["tags"] == ["ref"]

    assert (await (await client.get("/api/links/2")).get_json())["title"] == "Python 3 docs"


async def test_put_validate(client, auth):
    await auth.login()
    response = await client.put("/api/links/2", json={"url": "nope"})
    assert response.status_code == 400
    assert (await (await client.get("/api/links/2")).get_json())["url"] == "https://docs.python.org/3/"


async def test_delete(client, auth, app):
    await auth.login()
    response = await client.delete("/api/links/1")
    assert response.status_code == 204
    assert await response.get_data() == b""
    assert (await client.get("/api/links/1")).status_code == 404
    assert (await client.delete("/api/links/3")).status_code == 403

    async with app.app_context():
        count = get_db().execute("SELECT COUNT(*) FROM tag WHERE link_id = 1").fetchone()[0]
        assert count == 0


async def test_quote(client, app, upstream):
    app.config["UPSTREAM_URL"] = f"{upstream}/quote"
    response = await client.get("/api/quote")
    assert response.status_code == 200
    assert await response.get_json() == {
        "quote": "Simple is better than complex.",
        "author": "Tim Peters",
    }
    assert "X-Request-Id" in response.headers


@pytest.mark.parametrize("path", ("/broken", "/garbage"))
async def test_quote_bad_upstream(client, app, upstream, path):
    app.config["UPSTREAM_URL"] = f"{upstream}{path}"
    response = await client.get("/api/quote")
    assert response.status_code == 502
    assert (await response.get_json())["error"] == "Bad Gateway"


async def test_quote_unreachable(client, app, unused_port):
    app.config["UPSTREAM_URL"] = f"http://127.0.0.1:{unused_port}/quote"
    response = await client.get("/api/quote")
    assert response.status_code == 502
    assert (await response.get_json())["message"] == "The quote service is unavailable."
