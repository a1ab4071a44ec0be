import pytest
from teamboard.db import get_db

# the default origin of the JavaScript frontend (CORS_ORIGINS)
FRONTEND = "http://localhost:5173"


@pytest.fixture
def api_login(client):
    """Log in through the JSON API, like the frontend does."""

    async def login(username="alice", password="alice-pass"):
        return await client.post("/api/login", json={"username": username, "password": password})

    return login


async def test_status_is_public(client):
    response = await client.get("/api/status")
    assert response.status_code == 200
    data = await response.get_json()
    assert data["status"] == "ok"
    assert data["board"] == "Team board"


async def test_login(client, api_login):
    response = await api_login()
    assert response.status_code == 200
    assert (await response.get_json())["user"] == {"id": 1, "username": "alice"}

    # the session now works for the API and for the HTML pages
    assert await (await client.get("/api/me")).get_json() == {"id": 1, "username": "alice"}
    assert b"Logged in as alice" in await (await client.get("/")).get_data()


@pytest.mark.parametrize(
    ("username", "password"), (("alice", "wrong-pass"), ("nobody", "alice-pass"))
)
async def test_login_wrong_credentials(client, api_login, username, password):
    response = await api_login(username, password)
    assert response.status_code == 401
    assert (await response.get_json())["error"] == "Unauthorized"
    assert (await client.get("/api/me")).status_code == 401


@pytest.mark.parametrize(
    "kwargs",
    (
        {"data": {"username": "alice", "password": "alice-pass"}},
        {"json": ["alice", "alice-pass"]},
        {"json": {"username": "alice", "password": 12345}},
    ),
)
async def test_login_bad_request(client, kwargs):
    response = await client.post("/api/login", **kwargs)
    assert response.status_code == 400
    assert (await response.get_json())["error"] == "Bad Request"


async def test_logout(client, api_login):
    await api_login()
    response = await client.post("/api/logout")
    assert response.status_code == 204
    assert (await client.get("/api/me")).status_code == 401


@pytest.mark.parametrize(
    ("method", "path"),
    (
        ("GET", "/api/me"),
        ("GET", "/api/notes"),
        ("POST", "/api/notes"),
        ("GET", "/api/notes/1"),
        ("DELETE", "/api/notes/1"),
        ("POST", "/api/logout"),
    ),
)
async def test_requires_login(client, method, path):
    response = await client.open(path, method=method, json={"title": "x"})
    # JSON clients get a 401, not a redirect to the login page
    assert response.status_code == 401
    assert (await response.get_json())["error"] == "Unauthorized"


async def test_list_own_notes(client, api_login):
    await api_login("bob", "bob-pass")
    response = await client.get("/api/notes")

    assert response.status_code == 200
    data = await response.get_json()
    assert data["count"] == 2
    assert [note["title"] for note in data["notes"]] == ["Salary notes", "Deploy checklist"]
    assert {note["author"] for note in data["notes"]} == {"bob"}


async def test_create_note(client, api_login, app):
    await api_login()
    response = await client.post(
        "/api/notes", json={"title": " Standup ", "body": "At 10.", "shared": True}
    )

    assert response.status_code == 201
    note = await response.get_json()
    assert note["title"] == "Standup"
    assert note["shared"] is True
    assert note["author"] == "alice"
    assert response.headers["Location"] == f"/api/notes/{note['id']}"
    assert await (await client.get(response.headers["Location"])).get_json() == note

    async with app.app_context():
        row = get_db().execute("SELECT owner_id FROM note WHERE id = ?", (note["id"],)).fetchone()
        assert row["owner_id"] == 1


@pytest.mark.parametrize(
    ("payload", "message"),
    (
        ({"body": "no title"}, "title is required."),
        ({"title": "   "}, "title is required."),
        ({"title": "x" * 121}, "title must be at most 120 characters."),
        ({"title": "ok", "body": 42}, "body must be a string"),
        ({"title": "ok", "shared": "yes"}, "shared must be true or false."),
        (["not", "an", "object"], "The request body must be a JSON object."),
    ),
)
async def test_create_note_validate_input(client, api_login, app, payload, message):
    await api_login()
    response = await client.post("/api/notes", json=payload)

    assert response.status_code == 400
    assert message in (await response.get_json())["message"]
    async with app.app_context():
        assert get_db().execute("SELECT COUNT(*) FROM note").fetchone()[0] == 4


async def test_get_note(client, api_login):
    await api_login()
    response = await client.get("/api/notes/2")
    assert response.status_code == 200
    assert (await response.get_json())["title"] == "Personal todo"


@pytest.mark.parametrize("note_id", (3, 4, 99))
async def test_other_users_notes_are_not_found(client, api_login, app, note_id):
    await api_login()

    assert (await client.get(f"/api/notes/{note_id}")).status_code == 404
    response = await client.delete(f"/api/notes/{note_id}")
    assert response.status_code == 404
    assert (await response.get_json())["error"] == "Not Found"


async def test_delete_note(client, api_login, app):
    await api_login()
    assert (await client.delete("/api/notes/2")).status_code == 204
    assert (await client.get("/api/notes/2")).status_code == 404

    async with app.app_context():
        assert get_db().execute("SELECT COUNT(*) FROM note").fetchone()[0] == 3


async def test_api_does_not_need_csrf_tokens(client, api_login, app):
    app.config["WTF_CSRF_ENABLED"] = True

    assert (await api_login()).status_code == 200
    assert (await client.post("/api/notes", json={"title": "From the app"})).status_code == 201
    # while the HTML forms still need one
    assert (await client.post("/notes/new", form={"title": "From a form"})).status_code == 400


async def test_preflight_from_the_frontend(client):
    response = await client.options(
        "/api/notes",
        headers={
            "Origin": FRONTEND,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )

    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == FRONTEND
    # the browser may send the session cookie along
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    methods = {m.strip() for m in response.headers["Access-Control-Allow-Methods"].split(",")}
    assert {"GET", "POST", "DELETE"} <= methods
    assert "content-type" in response.headers["Access-Control-Allow-Headers"].lower()


async def test_cors_headers_on_api_responses(client, api_login):
    await api_login()
    response = await client.get("/api/notes", headers={"Origin": FRONTEND})

    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == FRONTEND
    assert response.headers["Access-Control-Allow-Credentials"] == "true"


@pytest.mark.parametrize("origin", ("https://evil.example", "http://localhost:8080"))
async def test_other_origins_are_not_allowed(client, origin):
    preflight = await client.options(
        "/api/notes",
        headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers

    response = await client.get("/api/notes", headers={"Origin": origin})
    assert "Access-Control-Allow-Origin" not in response.headers


async def test_html_pages_are_not_shared_cross_origin(client):
    response = await client.get("/auth/login", headers={"Origin": FRONTEND})
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers


async def test_status_may_be_read_from_any_origin(client):
    origin = "https://status.example"
    response = await client.get("/api/status", headers={"Origin": origin})

    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] in ("*", origin)
    # public data only: no cookies
    assert response.headers.get("Access-Control-Allow-Credentials") != "true"
