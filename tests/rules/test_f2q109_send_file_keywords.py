from tests.helpers import check_noop, check_transformed, codes


def test_send_file_keywords_are_renamed_and_the_call_awaited():
    findings = check_transformed(
        """\
        import io

        from flask import Flask, send_file

        app = Flask(__name__)


        @app.route("/report")
        def report():
            return send_file(
                io.BytesIO(b"a,b"),
                download_name="report.csv",  # shown to the user
                as_attachment=True,
                max_age=60,
                etag=False,
            )
        """,
        """\
        import io

        from quart import Quart, send_file

        app = Quart(__name__)


        @app.route("/report")
        async def report():
            return await send_file(
                io.BytesIO(b"a,b"),
                attachment_filename="report.csv",  # shown to the user
                as_attachment=True,
                cache_timeout=60,
                add_etags=False,
                conditional=True,
            )
        """,
    )
    assert findings == []


def test_send_from_directory_path_keyword_through_module_alias():
    check_transformed(
        """\
        import flask as fl

        bp = fl.Blueprint("files", __name__)


        @bp.route("/files/<name>")
        def download(name):
            return fl.send_from_directory("uploads", path=name, max_age=0)


        @bp.route("/plain/<name>")
        def plain(name):
            return fl.send_from_directory("uploads", name)
        """,
        """\
        import quart as fl

        bp = fl.Blueprint("files", __name__)


        @bp.route("/files/<name>")
        async def download(name):
            return await fl.send_from_directory("uploads", file_name=name, cache_timeout=0)


        @bp.route("/plain/<name>")
        async def plain(name):
            return await fl.send_from_directory("uploads", name)
        """,
    )


def test_etag_string_is_renamed_and_reported():
    findings = check_transformed(
        """\
        from flask import send_file


        def download():
            return send_file("a.txt", etag="abc123")
        """,
        """\
        from quart import send_file


        async def download():
            return await send_file("a.txt", add_etags="abc123", conditional=True)
        """,
    )
    assert codes(findings) == ["F2Q109"]
    assert findings[0].line == 5
    assert "bool" in findings[0].message


def test_send_file_keyword_of_another_send_file_is_untouched():
    check_noop(
        """\
        # mail helpers for the flask app
        def send_file(path, download_name=None, max_age=None):
            return path, download_name, max_age


        def notify():
            return send_file("a.txt", download_name="b.txt", max_age=5)
        """
    )
