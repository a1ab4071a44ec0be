import pytest

from tests.helpers import check_noop, check_transformed, codes, run_rewrite
from tests.rules.extension_apps import loaded

FORMS = """\
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class NoteForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=20)])


class EditForm(NoteForm):
    pass
"""

APP = """\
from flask import Flask, render_template_string
from flask_wtf.csrf import CSRFProtect

from .forms import EditForm, NoteForm

csrf = CSRFProtect()


def edit_form(title):
    return EditForm(data={"title": title})


def create_app(test_config=None):
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test", **(test_config or {}))
    csrf.init_app(app)

    @app.route("/", methods=["GET", "POST"])
    def index():
        form = NoteForm()
        if form.validate_on_submit():
            return "saved " + form.title.data
        return render_template_string("{{ form.csrf_token }}|{{ form.errors }}", form=form)

    @app.route("/edit", methods=["POST"])
    def edit():
        form = edit_form("draft")
        if not form.validate():
            return "invalid", 400
        return "edited " + form.title.data

    return app
"""


def test_forms_are_built_with_create_form_and_validated_with_await():
    _, findings, files = run_rewrite(FORMS, path="pkg/forms.py", files={"pkg/__init__.py": APP})
    assert [f for f in findings if f.code != "F2Q401"] == []  # F2Q401: what the port needs
    assert "from quart_wtf import QuartForm" in files["pkg/forms.py"]
    assert "class NoteForm(QuartForm):" in files["pkg/forms.py"]
    app = files["pkg/__init__.py"]
    assert "from quart_wtf.csrf import CSRFProtect" in app
    # a helper that builds a form becomes async, and so does every caller
    assert "async def edit_form(title):\n    return await EditForm.create_form(data={\"title\": title})" in app
    assert "form = await edit_form(\"draft\")" in app
    assert "form = await NoteForm.create_form()" in app
    assert "if await form.validate_on_submit():" in app
    assert "if not await form.validate():" in app


def test_form_of_unknown_class_still_awaits_validate_on_submit():
    check_transformed(
        """\
        from flask import Flask
        import flask_wtf

        app = Flask(__name__)


        def save(form):
            if form.validate_on_submit():
                return "ok"
            return "no"


        @app.post("/save")
        def view():
            return save(make())
        """,
        """\
        from quart import Quart
        import quart_wtf

        app = Quart(__name__)


        async def save(form):
            if await form.validate_on_submit():
                return "ok"
            return "no"


        @app.post("/save")
        async def view():
            return await save(make())
        """,
    )


def test_is_submitted_becomes_a_property_and_file_fields_move():
    check_transformed(
        """\
        from flask import Flask
        from flask_wtf import FlaskForm
        from flask_wtf.file import FileField, FileRequired

        app = Flask(__name__)


        class Upload(FlaskForm):
            doc = FileField(validators=[FileRequired()])


        @app.route("/up", methods=["GET", "POST"])
        def up():
            form = Upload()
            if form.is_submitted():
                return "sent"
            return "form"
        """,
        """\
        from quart import Quart
        from quart_wtf import QuartForm
        from quart_wtf import FileField, FileRequired

        app = Quart(__name__)


        class Upload(QuartForm):
            doc = FileField(validators=[FileRequired()])


        @app.route("/up", methods=["GET", "POST"])
        async def up():
            form = await Upload.create_form()
            if form.is_submitted:
                return "sent"
            return "form"
        """,
    )


def test_recaptcha_is_kept_and_reported_and_validate_override_awaits_its_base():
    findings = check_transformed(
        """\
        from flask_wtf import FlaskForm, RecaptchaField


        class Signup(FlaskForm):
            captcha = RecaptchaField()

            def validate(self, extra_validators=None):
                return super().validate(extra_validators)
        """,
        """\
        from quart_wtf import QuartForm
        from flask_wtf import RecaptchaField


        class Signup(QuartForm):
            captcha = RecaptchaField()

            async def validate(self, extra_validators=None):
                return await super().validate(extra_validators)
        """,
    )
    findings = [f for f in findings if f.code != "F2Q401"]  # what the port needs: F2Q401's own
    assert codes(findings) == ["F2Q303", "F2Q303", "F2Q303"]
    assert {f.line for f in findings} == {1, 5, 7}
    assert "awaits the base class's `validate()`" in findings[-1].message


def test_a_class_called_form_that_is_not_flask_wtf_is_untouched():
    check_noop(
        """\
        # forms for the flask app, without Flask-WTF
        class NoteForm:
            def validate(self):
                return True


        def check():
            return NoteForm().validate()
        """
    )


@pytest.fixture
def ported_package():
    """The app above, rewritten, loaded under Quart with the real quart-wtforms."""
    with loaded({"pkg/__init__.py": APP, "pkg/forms.py": FORMS}) as app:
        yield app.package


async def test_ported_forms_validate_submitted_data_under_quart(ported_package):
    app = ported_package.create_app({"WTF_CSRF_ENABLED": False})
    client = app.test_client()
    response = await client.post("/", form={"title": "groceries"})
    assert (await response.get_data(as_text=True)) == "saved groceries"
    response = await client.post("/", form={"title": ""})
    assert "This field is required." in await response.get_data(as_text=True)
    response = await client.post("/", form={"title": "x" * 21})
    assert "Field cannot be longer than 20 characters." in await response.get_data(as_text=True)
    response = await client.post("/edit")
    assert (await response.get_data(as_text=True)) == "edited draft"


async def test_ported_csrf_protection_rejects_a_post_without_the_token(ported_package):
    app = ported_package.create_app()
    client = app.test_client()
    assert (await client.post("/", form={"title": "groceries"})).status_code == 400
    page = await (await client.get("/")).get_data(as_text=True)
    token = page.split('value="')[1].split('"')[0]
    response = await client.post("/", form={"title": "groceries", "csrf_token": token})
    assert (await response.get_data(as_text=True)) == "saved groceries"


def test_original_behaves_the_same_under_flask():
    """The assertions above hold for the Flask original (so the port is compared to something)."""
    with loaded({"pkg/__init__.py": APP, "pkg/forms.py": FORMS}, ported=False) as app:
        client = app.package.create_app({"WTF_CSRF_ENABLED": False}).test_client()
        assert client.post("/", data={"title": "groceries"}).get_data(as_text=True) == "saved groceries"
        assert "This field is required." in client.post("/", data={"title": ""}).get_data(as_text=True)
        assert client.post("/edit").get_data(as_text=True) == "edited draft"
        csrf_client = app.package.create_app().test_client()
        assert csrf_client.post("/", data={"title": "groceries"}).status_code == 400
