import datetime
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from flask2quart.findings import Severity
from tests.helpers import check_transformed, codes
from tests.rules.extension_apps import loaded, port


def test_imports_move_and_the_keyword_selector_stays_as_it_is():
    findings = check_transformed(
        """\
        from flask import Flask, request
        from flask_babel import Babel, _, format_datetime, get_translations, lazy_gettext as l_

        app = Flask(__name__)
        TITLE = l_("Home")


        def get_locale():
            return request.args.get("lang")


        babel = Babel(app, locale_selector=get_locale)


        @app.route("/")
        def index():
            return _("Hello") + str(TITLE) + format_datetime(None) + str(get_translations())
        """,
        """\
        from quart import Quart, request
        from quart_babel import Babel, _, format_datetime, lazy_gettext as l_
        from quart_babel.domain import get_translations

        app = Quart(__name__)
        TITLE = l_("Home")


        def get_locale():
            return request.args.get("lang")


        babel = Babel(app, locale_selector=get_locale)


        @app.route("/")
        async def index():
            return _("Hello") + str(TITLE) + format_datetime(None) + str(get_translations())
        """,
    )
    assert findings == []


def test_old_selector_decorators_become_keywords():
    check_transformed(
        """\
        from flask import Flask, request
        import flask_babel

        app = Flask(__name__)
        babel = flask_babel.Babel(app, default_locale="en")


        @babel.localeselector
        def pick_locale():
            return request.args.get("lang")


        @babel.timezoneselector
        def pick_timezone():
            return "Europe/Berlin"
        """,
        """\
        from quart import Quart, request
        import quart_babel

        app = Quart(__name__)
        babel = quart_babel.Babel(app, default_locale="en", locale_selector=lambda: pick_locale(), timezone_selector=lambda: pick_timezone())


        def pick_locale():
            return request.args.get("lang")


        def pick_timezone():
            return "Europe/Berlin"
        """,
    )


def test_old_selector_goes_to_init_app_in_the_factory():
    check_transformed(
        """\
        from flask import Flask, request
        from flask_babel import Babel

        babel = Babel()


        def create_app():
            app = Flask(__name__)
            app.config["BABEL_TRANSLATION_DIRECTORIES"] = "translations;plugins/translations"
            babel.init_app(app)
            return app


        @babel.localeselector
        def get_locale():
            return request.accept_languages.best_match(["en", "de"])
        """,
        """\
        from quart import Quart, request
        from quart_babel import Babel

        babel = Babel()


        def create_app():
            app = Quart(__name__)
            app.config["BABEL_TRANSLATION_DIRECTORIES"] = ["translations", "plugins/translations"]
            babel.init_app(app, locale_selector=get_locale)
            return app


        def get_locale():
            return request.accept_languages.best_match(["en", "de"])
        """,
    )


def test_old_selector_without_a_call_here_is_reported():
    findings = port(
        {
            "pkg/__init__.py": """\
                from flask import Flask

                from .i18n import babel


                def create_app():
                    app = Flask(__name__)
                    babel.init_app(app)
                    return app
                """,
            "pkg/i18n.py": """\
                from flask import request
                from flask_babel import Babel

                babel = Babel()


                @babel.localeselector
                def get_locale():
                    return request.args.get("lang")
                """,
        }
    )[0]
    assert [(f.path, f.line, f.code, f.severity) for f in findings] == [
        ("pkg/i18n.py", 8, "F2Q305", Severity.ERROR)
    ]
    assert "locale_selector=get_locale" in findings[0].message


def test_a_selector_stays_sync_and_what_it_would_await_is_reported():
    findings, files = port(
        {
            "pkg/__init__.py": """\
                from flask import Flask, request
                from flask_babel import Babel


                def get_locale():
                    return request.form.get("lang")


                async def get_timezone():
                    return "UTC"


                def create_app():
                    app = Flask(__name__)
                    Babel(app, locale_selector=get_locale, timezone_selector=get_timezone)
                    return app
                """,
        }
    )
    text = files["pkg/__init__.py"]
    assert "\ndef get_locale():\n    return request.form.get(\"lang\")" in text
    assert {(f.code, f.line) for f in findings if f.severity is Severity.ERROR} == {
        ("F2Q103", 5),  # a selector that would have to await
        ("F2Q104", 6),  # request.form cannot be awaited in a selector
        ("F2Q305", 15),  # an async selector
    }


def _translations(folder: Path) -> None:
    catalog = Catalog(locale="de")
    catalog.add("Hello", "Hallo")
    catalog.add("Home", "Startseite")
    target = folder / "de" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "messages.mo").open("wb") as handle:
        write_mo(handle, catalog)


APP = """\
import datetime
import os

from flask import Flask, render_template_string, request
from flask_babel import Babel, _, format_date, force_locale, get_locale, lazy_gettext

app = Flask(__name__)
app.config["BABEL_TRANSLATION_DIRECTORIES"] = os.environ["F2Q_TEST_TRANSLATIONS"]
HOME = lazy_gettext("Home")


def select_locale():
    return request.args.get("lang")


babel = Babel(app, locale_selector=select_locale)


@app.route("/")
def index():
    with force_locale("en"):
        english = _("Hello")
    return "|".join(
        [_("Hello"), str(HOME), english, str(get_locale()), format_date(datetime.date(2024, 3, 1))]
    )


@app.route("/template")
def template():
    return render_template_string("{{ _('Hello') }}")
"""


@pytest.fixture
def translations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    _translations(tmp_path)
    monkeypatch.setenv("F2Q_TEST_TRANSLATIONS", str(tmp_path))
    return tmp_path


EXPECTED = {
    "de": "Hallo|Startseite|Hello|de|01.03.2024",
    "en": "Hello|Home|Hello|en|Mar 1, 2024",
}


async def test_ported_app_translates_with_quart_babel(translations: Path):
    with loaded({"pkg/__init__.py": APP}) as ported:
        assert "from quart_babel import" in ported.files["pkg/__init__.py"]
        client = ported.package.app.test_client()
        for lang, expected in EXPECTED.items():
            response = await client.get(f"/?lang={lang}")
            assert await response.get_data(as_text=True) == expected
        response = await client.get("/template?lang=de")
        assert await response.get_data(as_text=True) == "Hallo"


def test_original_translates_the_same_under_flask(translations: Path):
    with loaded({"pkg/__init__.py": APP}, ported=False) as original:
        client = original.package.app.test_client()
        for lang, expected in EXPECTED.items():
            assert client.get(f"/?lang={lang}").get_data(as_text=True) == expected
        assert client.get("/template?lang=de").get_data(as_text=True) == "Hallo"


OLD_STYLE = """\
import os

from flask import Flask, request
from flask_babel import Babel, gettext

app = Flask(__name__)
app.config["BABEL_TRANSLATION_DIRECTORIES"] = "missing;" + os.environ["F2Q_TEST_TRANSLATIONS"]
babel = Babel(app)


@babel.localeselector
def select_locale():
    return request.args.get("lang")


@app.route("/")
def index():
    return gettext("Hello")
"""


async def test_ported_old_style_selector_selects_the_locale(translations: Path):
    with loaded({"pkg/__init__.py": OLD_STYLE}) as ported:
        assert codes(ported.findings) == []
        client = ported.package.app.test_client()
        assert await (await client.get("/?lang=de")).get_data(as_text=True) == "Hallo"
        assert await (await client.get("/")).get_data(as_text=True) == "Hello"


def test_formatting_is_synchronous_in_quart_babel():
    """Nothing is awaited: quart-babel's API is sync (checked on the installed package)."""
    import inspect

    import quart_babel

    for name in ("gettext", "_", "lazy_gettext", "format_datetime", "format_date", "get_locale", "refresh"):
        assert not inspect.iscoroutinefunction(getattr(quart_babel, name)), name
    assert datetime.date(2024, 3, 1)  # used by EXPECTED
