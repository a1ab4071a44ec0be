from flask2quart.migrate.rules.f2q204_g_after_request import HELPER_SOURCE
from tests.helpers import check_noop, check_transformed, run_rewrite

# The helper's text is the rule's own: what matters here is where it goes and how it is used.
HELPER = HELPER_SOURCE.strip("\n") + "\n"


def test_g_read_after_a_request_in_a_client_block_reads_the_captured_g():
    check_transformed(
        '''\
        """Auth tests."""
        from flask import g, session


        def test_login(client):
            with client:
                client.get("/")
                assert g.user["username"] == "test"  # loaded by before_app_request
                assert "user" in g
                assert session["user_id"] == 1
        ''',
        '"""Auth tests."""\n'
        "from quart import g, session\n"
        "\n\n" + HELPER + "\n\n"
        '''\
async def test_login(client):
    async with client, _F2QLastRequestG(client) as _f2q_g:
        await client.get("/")
        assert _f2q_g.user["username"] == "test"  # loaded by before_app_request
        assert "user" in _f2q_g
        assert session["user_id"] == 1
''',
        path="tests/test_auth.py",
    )


def test_helper_is_added_once_for_several_blocks():
    output, _, _ = run_rewrite(
        """\
        from flask import g


        def test_one(client):
            with client:
                client.get("/a")
                assert g.a == 1


        def test_two(client):
            with client:
                client.get("/b")
                assert g.b == 2
        """,
        path="tests/test_g.py",
    )
    assert output.count("class _F2QLastRequestG:") == 1
    assert output.count("async with client, _F2QLastRequestG(client) as _f2q_g:") == 2
    assert "assert _f2q_g.a == 1" in output
    assert "assert _f2q_g.b == 2" in output


def test_client_block_without_g_and_app_context_g_are_left_to_other_rules():
    check_transformed(
        """\
        from flask import g, session


        def test_session(client):
            with client:
                client.get("/")
                assert session["x"] == 1


        def test_app_ctx(app):
            with app.app_context():
                g.x = 1
                assert g.x == 1
        """,
        """\
        from quart import g, session


        async def test_session(client):
            async with client:
                await client.get("/")
                assert session["x"] == 1


        async def test_app_ctx(app):
            async with app.app_context():
                g.x = 1
                assert g.x == 1
        """,
        path="tests/test_session.py",
    )


def test_local_named_g_and_ported_test_are_untouched():
    check_noop(
        """\
        async def test_ported(client):
            async with client:
                await client.get("/")
                g = {"user": None}
                assert g["user"] is None
        """,
        path="tests/test_ported.py",
    )


def test_client_bound_by_with_as_and_g_outside_a_block():
    source = (
        "from flask import g\n\n\n"
        "def test_with_as(app):\n"
        "    with app.test_client() as c:\n"
        '        c.get("/")\n'
        '        assert g.user == "x"\n\n\n'
        "def test_fixture_client(client):\n"
        '    client.get("/")\n'
        '    assert g.user == "x"\n'
    )
    expected = (
        "from quart import g\n\n\n"
        + HELPER
        + "\n\n"
        "async def test_with_as(app):\n"
        "    async with app.test_client() as c, _F2QLastRequestG(c) as _f2q_g:\n"
        '        await c.get("/")\n'
        '        assert _f2q_g.user == "x"\n\n\n'
        "async def test_fixture_client(client):\n"
        '    await client.get("/")\n'
        '    assert g.user == "x"\n'
    )
    findings = check_transformed(source, expected, path="tests/test_g.py")
    assert [(f.code, f.line) for f in findings] == [("F2Q204", 12)]


def test_flask_login_current_user_in_a_client_block_is_the_requests_user():
    _, findings, files = run_rewrite(
        """\
        from flask_login import current_user


        def test_login(client, auth):
            with client:
                auth.login()
                assert current_user.is_authenticated
                assert current_user.username == "alice"
        """,
        path="tests/test_auth.py",
        files={"app.py": "from flask import Flask\n\napp = Flask(__name__)\n"},
    )
    text = files["tests/test_auth.py"]
    assert "async with client, _F2QLastRequestG(client) as _f2q_g:" in text
    assert "assert await _f2q_g.current_user.is_authenticated" in text
    assert 'assert _f2q_g.current_user.username == "alice"' in text
    assert 'self.current_user = getattr(self._g, "_quart_auth_user", None)' in text
    assert findings == []
