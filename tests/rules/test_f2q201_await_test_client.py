from tests.helpers import check_noop, check_transformed, codes


def test_requests_are_awaited_and_bodies_read_with_awaited_accessors():
    check_transformed(
        """\
        import pytest


        def test_index(client):
            rv = client.get("/")
            assert rv.status_code == 200
            assert b"Hello" in rv.data  # the greeting
            assert client.get("/missing").status_code == 404
            assert rv.json["a"] == 1
            assert rv.get_json()["b"] == 2
            assert "hi" in rv.text


        def test_arithmetic():
            assert 1 + 1 == 2
        """,
        """\
        import pytest


        async def test_index(client):
            rv = await client.get("/")
            assert rv.status_code == 200
            assert b"Hello" in await rv.get_data()  # the greeting
            assert (await client.get("/missing")).status_code == 404
            assert (await rv.get_json())["a"] == 1
            assert (await rv.get_json())["b"] == 2
            assert "hi" in await rv.get_data(as_text=True)


        def test_arithmetic():
            assert 1 + 1 == 2
        """,
        path="tests/test_views.py",
    )


def test_client_made_in_the_test_and_response_close_dropped():
    check_transformed(
        """\
        def test_api(app):
            c = app.test_client()
            rv = c.post("/api", json={"a": 1})
            assert rv.json == {"ok": True}
            rv.close()
        """,
        """\
        async def test_api(app):
            c = app.test_client()
            rv = await c.post("/api", json={"a": 1})
            assert await rv.get_json() == {"ok": True}
        """,
        path="tests/test_api.py",
    )


def test_helper_calling_the_client_becomes_async_and_is_awaited():
    check_transformed(
        """\
        def login(client, name):
            return client.post("/login", json={"name": name})


        def test_login(client):
            rv = login(client, "alice")
            assert rv.headers["Location"] == "/"
        """,
        """\
        async def login(client, name):
            return await client.post("/login", json={"name": name})


        async def test_login(client):
            rv = await login(client, "alice")
            assert rv.headers["Location"] == "/"
        """,
        path="tests/test_login.py",
    )


def test_response_request_and_history_are_reported_without_f2q129():
    """F2Q129 gives them (tests/rules/test_f2q129_test_response_request.py); without it, reported."""
    findings = check_transformed(
        """\
        def test_redirect(client):
            rv = client.get("/old", follow_redirects=True)
            assert rv.request.path == "/new"
            assert len(rv.history) == 1
        """,
        """\
        async def test_redirect(client):
            rv = await client.get("/old", follow_redirects=True)
            assert rv.request.path == "/new"
            assert len(rv.history) == 1
        """,
        path="tests/test_redirect.py",
        select=("F2Q103", "F2Q201"),
    )
    assert codes(findings) == ["F2Q201", "F2Q201"]
    assert [f.line for f in findings] == [3, 4]
    assert "Location" in findings[0].message


def test_client_fixture_itself_stays_sync():
    check_noop(
        """\
        import pytest

        from myapp import create_app


        @pytest.fixture
        def client():
            return create_app().test_client()
        """,
        path="tests/conftest.py",
        files={"myapp.py": "from flask import Flask\n\n\ndef create_app():\n    return Flask(__name__)\n"},
    )


def test_already_ported_test_is_untouched():
    check_noop(
        """\
        async def test_index(client):
            rv = await client.get("/")
            assert b"Hello" in await rv.get_data()
            assert (await client.get("/x")).status_code == 404
        """,
        path="tests/test_ported.py",
    )


def test_client_bound_by_with_as_is_awaited():
    check_transformed(
        """\
        def test_api(app):
            with app.test_client() as c:
                rv = c.get("/")
                assert rv.json == {"ok": True}
        """,
        """\
        async def test_api(app):
            async with app.test_client() as c:
                rv = await c.get("/")
                assert await rv.get_json() == {"ok": True}
        """,
        path="tests/test_api.py",
    )


def test_a_fixture_named_like_a_client_that_is_not_one_is_left_alone():
    check_noop(
        """\
        def test_cache(redis_client):
            assert redis_client.get("a") == b"1"
        """,
        path="tests/test_cache.py",
        files={
            "app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
            "tests/conftest.py": "import fakeredis\nimport pytest\n\n\n@pytest.fixture\ndef redis_client():\n    return fakeredis.FakeRedis()\n",
        },
    )


def test_yield_fixture_providing_a_client():
    files = {
        "app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
        "tests/conftest.py": "import pytest\n\nfrom app import app as flask_app\n\n\n@pytest.fixture\ndef api():\n    c = flask_app.test_client()\n    yield c\n",
    }
    check_transformed(
        """\
        def test_home(api):
            assert api.get("/").status_code == 200
        """,
        """\
        async def test_home(api):
            assert (await api.get("/")).status_code == 200
        """,
        path="tests/test_home.py",
        files=files,
    )


def test_project_without_flask_is_left_alone():
    check_noop(
        """\
        def test_django_view(client):
            assert client.get("/").status_code == 200
        """,
        path="tests/test_views.py",
        files={"settings.py": "DEBUG = True\n"},
    )
