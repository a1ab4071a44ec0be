from tests.helpers import check_noop, check_transformed, codes, run_rewrite


def test_data_dict_becomes_form_without_none_values():
    check_transformed(
        """\
        def test_register(client):
            client.post("/register", data={"username": "a", "password": "b"})
            client.post("/profile", data={"bio": None, "name": "a"})
            client.post("/api", json={"name": "a"})
        """,
        """\
        async def test_register(client):
            await client.post("/register", form={"username": "a", "password": "b"})
            await client.post("/profile", form={"name": "a"})
            await client.post("/api", json={"name": "a"})
        """,
        path="tests/test_register.py",
    )


def test_uploads_become_file_storage():
    check_transformed(
        """\
        import io


        def test_upload(client):
            client.post("/upload", data={"photo": (io.BytesIO(b"abc"), "a.png")})
            client.post(
                "/upload",
                data={"doc": (io.BytesIO(b"abc"), "a.txt", "text/plain")},
                follow_redirects=True,
            )
        """,
        """\
        import io
        from quart.datastructures import FileStorage


        async def test_upload(client):
            await client.post("/upload", files={"photo": FileStorage(io.BytesIO(b"abc"), filename="a.png")})
            await client.post(
                "/upload",
                files={"doc": FileStorage(io.BytesIO(b"abc"), filename="a.txt", content_type="text/plain")},
                follow_redirects=True,
            )
        """,
        path="tests/test_upload.py",
    )


def test_content_type_moves_into_headers_or_is_implied_by_form():
    check_transformed(
        """\
        def test_bodies(client):
            client.post("/raw", data="raw body", content_type="text/plain")
            client.post("/form", content_type="multipart/form-data", data={"a": "1"})
        """,
        """\
        async def test_bodies(client):
            await client.post("/raw", data="raw body", headers={"Content-Type": "text/plain"})
            await client.post("/form", form={"a": "1"})
        """,
        path="tests/test_bodies.py",
    )


def test_form_typed_data_variable_goes_through_the_helper():
    check_transformed(
        """\
        def test_post(client, payload):
            client.post("/w", content_type="multipart/form-data", data=payload)
        """,
        '''\


        def _f2q_form_files(data):
            """A Flask test-client `data=` dict as Quart's `form=`/`files=` (added by flask2quart, F2Q202)."""
            from quart.datastructures import FileStorage

            if data is None or isinstance(data, (str, bytes)):
                return {"data": data}  # a raw body: Quart takes it as Flask did
            form, files = {}, {}
            for key, value in data.items():
                if isinstance(value, tuple):
                    content_type = value[2] if len(value) > 2 else None
                    files[key] = FileStorage(value[0], filename=value[1], content_type=content_type)
                elif value is not None:
                    form[key] = value
            return {"form": form, "files": files}


        async def test_post(client, payload):
            await client.post("/w", **_f2q_form_files(payload))
        ''',
        path="tests/test_post.py",
    )


def test_arguments_quart_cannot_take_are_reported():
    findings = check_transformed(
        """\
        def test_odd(client, payload):
            client.post("/v", data=payload.encode())
            client.get("/e", environ_base={"REMOTE_ADDR": "1.2.3.4"})
        """,
        """\
        async def test_odd(client, payload):
            await client.post("/v", data=payload.encode())
            await client.get("/e", environ_base={"REMOTE_ADDR": "1.2.3.4"})
        """,
        path="tests/test_odd.py",
    )
    assert codes(findings) == ["F2Q202", "F2Q202"]
    assert [f.line for f in findings] == [2, 3]
    assert "form=" in findings[0].message
    assert "environ_base" in findings[1].message


async def test_a_data_variable_goes_through_the_helper_which_keeps_raw_bodies():
    _, _, files = run_rewrite(
        """\
        def test_posts(client):
            fields = {"a": "1"}
            client.post("/v", data=fields)
            raw = "plain text"
            client.post("/v", data=raw)
        """,
        path="tests/test_posts.py",
    )
    text = files["tests/test_posts.py"]
    assert text.count("**_f2q_form_files(") == 2
    namespace: dict[str, object] = {}
    exec(text.split("async def test_posts")[0], namespace)  # the generated helper, for real
    helper = namespace["_f2q_form_files"]
    assert helper({"a": "1", "b": None}) == {"form": {"a": "1"}, "files": {}}
    assert helper("plain text") == {"data": "plain text"}
    assert helper(b"x") == {"data": b"x"}


def test_ported_arguments_and_non_client_calls_are_untouched():
    check_noop(
        """\
        import requests


        async def test_ported(client):
            await client.post("/a", form={"a": "1"}, headers={"Content-Type": "text/plain"})


        def test_other_library(session):
            session.post("/a", data={"a": None}, content_type="text/plain")
            requests.post("http://localhost", data={"a": "1"})
        """,
        path="tests/test_ported.py",
    )


def test_layout_is_kept_when_arguments_are_dropped_or_split():
    check_transformed(
        """\
        import io


        def test_forms(client):
            client.post("/a", data={"a": "1", "b": None})
            client.post("/b", data={"a": "1"}, content_type="multipart/form-data")
            client.post(
                "/c",
                data={
                    "name": "x",
                    "file": (io.BytesIO(b"abc"), "a.txt"),
                },
            )
        """,
        """\
        import io
        from quart.datastructures import FileStorage


        async def test_forms(client):
            await client.post("/a", form={"a": "1"})
            await client.post("/b", form={"a": "1"})
            await client.post(
                "/c",
                form={
                    "name": "x",
                }, files={"file": FileStorage(io.BytesIO(b"abc"), filename="a.txt")},
            )
        """,
        path="tests/test_forms.py",
    )


def test_content_type_merges_into_a_headers_literal():
    check_transformed(
        """\
        def test_json(client):
            client.post("/j", data="{}", content_type="application/json", headers={"X-A": "1"})
        """,
        """\
        async def test_json(client):
            await client.post("/j", data="{}", headers={"X-A": "1", "Content-Type": "application/json"})
        """,
        path="tests/test_json.py",
    )
