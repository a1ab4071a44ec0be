import pytest
from inkpot.extensions import db
from inkpot.models import Post


async def _f2q_open(request, path="/", *, follow_redirects=False, **kwargs):
    """A test-client request as Flask's client makes it: the response carries the request that made
    it (`response.request`) and the responses of the redirects followed (`response.history`),
    followed as Werkzeug does (added by flask2quart, F2Q129)."""
    from urllib.parse import urlsplit

    from werkzeug.test import EnvironBuilder

    client = request.__self__
    method = kwargs.pop("method", None) or ("GET" if request.__name__ == "open" else request.__name__.upper())
    history = []
    url = urlsplit(path)
    if url.scheme and url.netloc:  # as Werkzeug sends an absolute URL: its path, scheme and host
        path = (url.path or "/") + ("?" + url.query if url.query else "")
        kwargs["scheme"] = url.scheme
        if url.netloc != "localhost":
            from werkzeug.datastructures import Headers

            kwargs["headers"] = Headers(kwargs.get("headers") or ())
            kwargs["headers"]["Host"] = url.netloc
    while True:
        response = await client.open(path, method=method, **kwargs)
        url = urlsplit(path)
        response.request = EnvironBuilder(
            path=url.path or "/", method=method, query_string=url.query or kwargs.get("query_string"),
            headers=kwargs.get("headers"), base_url=f"{kwargs.get('scheme', 'http')}://localhost",
        ).get_request()
        if not follow_redirects or response.status_code not in (301, 302, 303, 305, 307, 308):
            break
        history.append(response)
        location = urlsplit(response.location)  # as Werkzeug reads it: its path, from the root
        path = "/" + location.path.lstrip("/") + ("?" + location.query if location.query else "")
        kwargs.pop("query_string", None)
        if response.status_code not in (307, 308) and method != "HEAD":
            method = "GET"
            for body in ("data", "form", "files", "json"):
                kwargs.pop(body, None)
    response.history = tuple(history)
    return response


ADA = {"Authorization": "Bearer ada-token"}
GRACE = {"Authorization": "Bearer grace-token"}


async def test_list_posts(client):
    response = await client.get("/api/posts")
    assert response.status_code == 200
    data = await response.get_json()
    assert (data["page"], data["pages"], data["per_page"], data["total"]) == (1, 1, 10, 8)
    assert data["has_next"] is False
    assert [post["slug"] for post in data["items"]][:3] == ["grace-s-notes", "ada-s-post-7", "ada-s-post-6"]


async def test_a_listed_post(client):
    post = (await (await client.get("/api/posts")).get_json())["items"][0]
    assert post == {
        "id": 9,
        "title": "Grace's notes",
        "slug": "grace-s-notes",
        "body": "Compilers!",
        "published": True,
        "author": "grace",
        "tags": ["compilers", "python"],
        "comment_count": 2,
        "created_at": "2026-01-10T09:00:00",
    }


async def test_list_pages(client):
    data = await (await client.get("/api/posts?page=2&per_page=3")).get_json()
    assert (data["page"], data["pages"], data["total"], data["has_next"]) == (2, 3, 8, True)
    assert [post["title"] for post in data["items"]] == ["Ada's post 5", "Ada's post 4", "Ada's post 3"]


async def test_list_past_the_end_is_empty(client):
    data = await (await client.get("/api/posts?page=9")).get_json()
    assert data["items"] == []
    assert data["page"] == 9


async def test_per_page_has_a_maximum(client):
    assert (await (await client.get("/api/posts?per_page=500")).get_json())["per_page"] == 50


@pytest.mark.parametrize("query", ["page=0", "per_page=-1"])
async def test_pages_start_at_one(client, query):
    response = await client.get(f"/api/posts?{query}")
    assert response.status_code == 400
    assert await response.get_json() == {"message": "page and per_page start at 1."}


async def test_page_must_be_a_number(client):
    response = await client.get("/api/posts?page=two")
    assert response.status_code == 400
    assert "page" in (await response.get_json())["message"]


async def test_list_by_tag(client):
    data = await (await client.get("/api/posts?tag=Flask")).get_json()
    assert data["total"] == 4
    assert all("flask" in post["tags"] for post in data["items"])


async def test_get_post(client):
    response = await client.get("/api/posts/1")
    assert response.status_code == 200
    assert (await response.get_json())["title"] == "Ada's post 1"
    assert (await response.get_json())["tags"] == ["flask", "python"]


async def test_get_unknown_post(client):
    response = await client.get("/api/posts/99")
    assert response.status_code == 404
    assert response.is_json
    assert "message" in await response.get_json()


async def test_get_a_draft_is_404(client):
    response = await client.get("/api/posts/8")
    assert response.status_code == 404
    assert await response.get_json() == {"message": "Post 8 is not published."}


async def test_create_needs_a_token(client):
    response = await client.post("/api/posts", json={"title": "x", "body": "y"})
    assert response.status_code == 401
    assert await response.get_json() == {"message": "A valid API token is required."}


@pytest.mark.parametrize("header", ["Bearer wrong", "Basic ada-token", "Bearer", ""])
async def test_create_with_a_bad_token(client, header):
    response = await client.post("/api/posts", json={"title": "x", "body": "y"}, headers={"Authorization": header})
    assert response.status_code == 401


async def test_create(client, app):
    response = await client.post(
        "/api/posts", json={"title": "From a script", "body": "Automated.", "tags": ["Bots", "python"]}, headers=GRACE
    )
    assert response.status_code == 201
    data = await response.get_json()
    assert data["slug"] == "from-a-script"
    assert data["author"] == "grace"
    assert data["tags"] == ["bots", "python"]
    assert data["published"] is True
    assert response.headers["Location"] == f"/api/posts/{data['id']}"
    assert (await (await _f2q_open(client.get, response.headers["Location"])).get_json())["title"] == "From a script"
    async with app.app_context():
        assert Post.query.count() == 10


async def test_create_a_draft(client):
    data = await (await client.post("/api/posts", json={"title": "Draft", "body": "...", "published": False}, headers=ADA)).get_json()
    assert data["published"] is False
    assert (await client.get(f"/api/posts/{data['id']}")).status_code == 404


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"body": "no title"}, "title", "Missing required parameter in the JSON body or the post body or the query string"),
        ({"title": "   ", "body": "x"}, "title", "The title must not be empty."),
        ({"title": "x" * 121, "body": "x"}, "title", "The title has at most 120 characters."),
        ({"title": "no body"}, "body", "The text of the post."),
    ],
)
async def test_create_validation(client, app, payload, field, message):
    response = await client.post("/api/posts", json=payload, headers=ADA)
    assert response.status_code == 400
    assert message in (await response.get_json())["message"][field]
    async with app.app_context():
        assert Post.query.count() == 9


async def test_update(client, app):
    response = await client.put("/api/posts/1", json={"body": "Rewritten.", "tags": ["misc"]}, headers=ADA)
    assert response.status_code == 200
    data = await response.get_json()
    assert (data["title"], data["body"], data["tags"]) == ("Ada's post 1", "Rewritten.", ["misc"])
    async with app.app_context():
        assert db.session.get(Post, 1).updated_at is not None


async def test_unpublish(client):
    assert (await (await client.put("/api/posts/2", json={"published": False}, headers=ADA)).get_json())["published"] is False
    assert (await (await client.get("/api/posts")).get_json())["total"] == 7


async def test_update_someone_elses_post(client):
    response = await client.put("/api/posts/1", json={"body": "Mine now."}, headers=GRACE)
    assert response.status_code == 403
    assert await response.get_json() == {"message": "You can only change your own posts."}


async def test_update_unknown_post(client):
    assert (await client.put("/api/posts/99", json={"body": "?"}, headers=ADA)).status_code == 404


async def test_update_needs_a_token(client):
    assert (await client.put("/api/posts/1", json={"body": "?"})).status_code == 401


async def test_delete(client, app):
    response = await client.delete("/api/posts/9", headers=GRACE)
    assert response.status_code == 204
    assert await response.get_data() == b""
    assert (await client.get("/api/posts/9")).status_code == 404
    async with app.app_context():
        assert Post.query.count() == 8


async def test_delete_someone_elses_post(client):
    assert (await client.delete("/api/posts/9", headers=ADA)).status_code == 403


async def test_user(client):
    response = await client.get("/api/users/ada")
    assert await response.get_json() == {"username": "ada", "joined": "2026-01-01T09:00:00", "post_count": 7}


async def test_unknown_user(client):
    response = await client.get("/api/users/nobody")
    assert response.status_code == 404
    assert await response.get_json() == {"message": "There is no user nobody."}


async def test_tags(client):
    assert await (await client.get("/api/tags")).get_json() == [
        {"name": "python", "post_count": 8},
        {"name": "flask", "post_count": 4},
        {"name": "compilers", "post_count": 1},
    ]


async def test_method_not_allowed(client):
    assert (await client.delete("/api/tags")).status_code == 405
