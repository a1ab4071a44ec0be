import os
import tempfile

import pytest
from linkbox import create_app
from linkbox.db import get_db, init_db


def _f2q_content_length(client):
    """Quart's test client sending Content-Length as Werkzeug's client does: the body's length when
    there is a body (a Content-Length given in `headers` is replaced), none without one (added by
    flask2quart, F2Q216)."""
    from collections.abc import Mapping

    from quart.testing.utils import make_test_body_with_headers
    from werkzeug.datastructures import Headers

    send = client.open

    async def open(*args, **kwargs):
        body_args = {key: kwargs.pop(key) for key in ("data", "form", "files", "json") if key in kwargs}
        body, body_headers = make_test_body_with_headers(**body_args, app=client.app)
        given = kwargs.pop("headers", None)
        headers = Headers(given or ())
        for key, value in body_headers.items():  # as Quart's client: the body's Content-Type wins
            headers[key] = value
        headers.remove("Content-Length")
        if body:
            headers["Content-Length"] = str(len(body))
        # not the Headers object: Quart's client adds cookies to a Headers it is given, again on each
        # redirect it follows; a mapping where the test gave one (or none), as a client subclass's
        # own open() may merge it into its defaults ({**self.headers, **headers})
        mapping = given is None or (isinstance(given, Mapping) and not isinstance(given, Headers))
        mapping = mapping and len({key.lower() for key in headers.keys()}) == len(headers)  # no repeats
        kwargs.update(headers=dict(headers.items()) if mapping else list(headers.items()), data=body)
        return await send(*args, **kwargs)

    client.open = open
    return client


def _f2q_form_files(data):
    """A Flask test-client `data=` mapping as Quart's `form=`/`files=`, encoded as Werkzeug's
    EnvironBuilder does: list values are repeated fields, other values `str()`'d, tuples and
    readable objects are files (content type guessed from the file name); no files, no multipart
    (added by flask2quart, F2Q202)."""
    import mimetypes

    from quart.datastructures import FileStorage
    from werkzeug.datastructures import MultiDict

    class Fields(list):
        """Pairs, repeated names kept: Quart's test client reads fields and files with `.items()`."""

        def items(self):
            return list(self)

    if data is None or isinstance(data, (str, bytes)):
        return {"data": data}  # a raw body: Quart takes it as Flask did
    if hasattr(data, "read"):
        return {"data": data.read()}
    if not hasattr(data, "items"):
        raise TypeError(f"data= of type {type(data).__name__}: pass a dict, str or bytes (flask2quart, F2Q202)")
    form, files = [], Fields()
    items = data.items(multi=True) if isinstance(data, MultiDict) else data.items()
    for key, value in items:
        for item in value if isinstance(value, list) and not isinstance(data, MultiDict) else [value]:
            if isinstance(item, FileStorage):
                files.append((key, item))
            elif isinstance(item, tuple) or hasattr(item, "read"):
                stream, filename, content_type = (*item, None, None)[:3] if isinstance(item, tuple) else (item, None, None)
                if isinstance(stream, str):
                    filename = filename or stream
                    stream = open(stream, "rb")  # noqa: SIM115 - read by the request, as in Werkzeug
                if filename and content_type is None:
                    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
                files.append((key, FileStorage(stream, filename=filename, name=key, content_type=content_type)))
            else:
                form.append((key, item))
    if not files:  # urlencoded: Werkzeug leaves out None values
        return {"form": Fields((k, v if isinstance(v, str) else str(v)) for k, v in form if v is not None)}
    return {"form": Fields((k, v if isinstance(v, str) else str(v)) for k, v in form), "files": files}


# rows inserted into every fresh test database
with open(os.path.join(os.path.dirname(__file__), "data.sql"), "rb") as f:
    _data_sql = f.read().decode("utf8")


@pytest.fixture
async def app(tmp_path):
    """A fresh app with its own database and upload folder per test."""
    # every test gets its own database file
    db_fd, db_path = tempfile.mkstemp()
    upload_folder = tmp_path / "uploads"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "testing",
            "DATABASE": db_path,
            "UPLOAD_FOLDER": str(upload_folder),
        }
    )

    # build the schema and insert the sample rows
    async with app.app_context():
        init_db()
        get_db().executescript(_data_sql)

    yield app

    # remove the database file again
    os.close(db_fd)
    os.unlink(db_path)


@pytest.fixture
def client(app):
    """Client for making requests without running a server."""
    return _f2q_content_length(app.test_client())


@pytest.fixture
def runner(app):
    """Runner for invoking the app's CLI commands."""
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    async def login(self, username="test", password="test"):
        return await self._client.post("/auth/login", **_f2q_form_files({"username": username, "password": password}))

    async def logout(self):
        return await self._client.get("/auth/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)
