from tests.helpers import check_noop, check_transformed, codes


def test_pytest_raises_around_a_request_is_reported():
    findings = check_transformed(
        """\
        import pytest


        def test_error(client):
            with pytest.raises(ZeroDivisionError):
                client.get("/boom")


        def test_nested(client):
            with pytest.raises(RuntimeError, match="boom"):
                if client:
                    client.post("/boom", json={})
        """,
        """\
        import pytest


        async def test_error(client):
            with pytest.raises(ZeroDivisionError):
                await client.get("/boom")


        async def test_nested(client):
            with pytest.raises(RuntimeError, match="boom"):
                if client:
                    await client.post("/boom", json={})
        """,
        path="tests/test_errors.py",
    )
    assert codes(findings) == ["F2Q207", "F2Q207"]
    assert [f.line for f in findings] == [5, 10]
    assert "PROPAGATE_EXCEPTIONS=True" in findings[0].message


def test_raises_imported_by_name():
    findings = check_transformed(
        """\
        from pytest import raises


        def test_error(client):
            with raises(ValueError):
                client.get("/bad")
        """,
        """\
        from pytest import raises


        async def test_error(client):
            with raises(ValueError):
                await client.get("/bad")
        """,
        path="tests/test_errors.py",
    )
    assert codes(findings) == ["F2Q207"]
    assert findings[0].line == 5


def test_raises_after_the_request_is_not_reported():
    findings = check_transformed(
        """\
        import pytest


        def test_headers(client):
            rv = client.get("/")
            with pytest.raises(KeyError):
                rv.headers["Nope"]
        """,
        """\
        import pytest


        async def test_headers(client):
            rv = await client.get("/")
            with pytest.raises(KeyError):
                rv.headers["Nope"]
        """,
        path="tests/test_headers.py",
    )
    assert findings == []


def test_raises_without_a_client_is_untouched():
    findings = check_noop(
        """\
        import pytest


        def test_parse():
            with pytest.raises(ValueError):
                int("x")
        """,
        path="tests/test_parse.py",
    )
    assert findings == []


def test_assert_raises_around_a_request_is_reported():
    findings = check_transformed(
        """\
        import unittest

        from app import app


        class Crash(unittest.TestCase):
            def test_crash(self):
                client = app.test_client()
                with self.assertRaises(ZeroDivisionError):
                    client.get("/crash")
        """,
        """\
        import unittest

        from app import app


        class Crash(unittest.IsolatedAsyncioTestCase):
            async def test_crash(self):
                client = app.test_client()
                with self.assertRaises(ZeroDivisionError):
                    await client.get("/crash")
        """,
        path="test_crash.py",
        files={"app.py": "from flask import Flask\n\napp = Flask(__name__)\n"},
    )
    assert [f.code for f in findings] == ["F2Q207"]
