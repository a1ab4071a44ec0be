"""F2Q303: a form with its own ``__init__`` arguments (``MemberForm(project, edit=True)``) gets them
unchanged in the port, and the submitted formdata as Flask-WTF read it; compared with Flask-WTF."""

from __future__ import annotations

import importlib
from types import ModuleType

from tests.helpers import check_transformed, run_rewrite
from tests.rules.test_f2q304_flask_limiter import loaded

FORMS = """\
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, ValidationError


class MemberForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired()])

    def __init__(self, project, edit=False, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.edit = edit

    def validate_name(self, field):
        if not self.edit and field.data in self.project["members"]:
            raise ValidationError("already there")


class AdminMemberForm(MemberForm):
    admin = BooleanField("Admin")


class PlainForm(FlaskForm):
    name = StringField("Name")
"""

APP = """\
from flask import Flask, request

from .forms import AdminMemberForm, MemberForm, PlainForm

PROJECT = {"members": ["ada"]}


def create_app():
    app = Flask(__name__)
    app.config.update(WTF_CSRF_ENABLED=False, SECRET_KEY="s")

    @app.route("/members", methods=["GET", "POST"])
    def members():
        form = MemberForm(PROJECT, edit=request.args.get("edit") == "1", meta={"csrf": False})
        if form.validate_on_submit():
            return f"ok {form.name.data} edit={form.edit}"
        return f"invalid {form.errors} {form.name.data!r}"

    @app.route("/admins", methods=["POST"])
    def admins():
        form = AdminMemberForm(PROJECT, prefix="m")
        return f"{form.validate()} {form.name.data} {form.admin.data}"

    @app.route("/plain", methods=["POST"])
    def plain():
        form = PlainForm()
        return f"{form.name.data}"

    return app
"""


def test_a_form_with_its_own_arguments_is_built_by_the_generated_helper():
    findings = check_transformed(
        APP.replace("from .forms", "from pkg.forms").split("\n\n\ndef create_app")[0] + "\n\n\ndef build():\n"
        "    return MemberForm(PROJECT, edit=True), PlainForm()\n",
        '''\
        from quart import Quart, request

        from pkg.forms import AdminMemberForm, MemberForm, PlainForm
        from werkzeug.datastructures import ImmutableMultiDict


        async def build_form(form_class, *args, **kwargs):
            """``form_class(*args, **kwargs)`` as Flask-WTF built it: with the submitted formdata.

            quart-wtforms reads the request asynchronously in ``create_form``, which passes formdata as the
            form's first positional argument; a form whose own ``__init__`` takes other arguments gets them
            unchanged here, and the formdata as a keyword. Written by flask2quart (F2Q303).
            """
            if "formdata" not in kwargs:
                formdata = None
                if request.method in ("POST", "PUT", "PATCH", "DELETE"):
                    formdata = await request.form
                    files = await request.files
                    if files:
                        formdata = formdata.copy()
                        formdata.update(files)
                    elif request.is_json:
                        formdata = ImmutableMultiDict(await request.get_json())
                kwargs["formdata"] = formdata
            return form_class(*args, **kwargs)


        PROJECT = {"members": ["ada"]}


        async def build():
            return await build_form(MemberForm, PROJECT, edit=True), await PlainForm.create_form()
        ''',
        path="pkg/views.py",
        files={"pkg/__init__.py": "", "pkg/forms.py": FORMS, "pkg/app.py": "from flask import Flask\n"},
    )
    assert not [f for f in findings if f.severity.name == "ERROR"]


REQUESTS = [
    ("GET", "/members", None),
    ("POST", "/members", {"name": "bob"}),
    ("POST", "/members", {"name": "ada"}),  # the form's own validator reads its own argument
    ("POST", "/members?edit=1", {"name": "ada"}),
    ("POST", "/members", {}),  # submitted and empty: the required field fails
    ("POST", "/admins", {"m-name": "eve", "m-admin": "y"}),  # prefix kept as a keyword
    ("POST", "/plain", {"name": "zed"}),
]


def _app(package: ModuleType) -> ModuleType:
    return importlib.import_module(f"{package.__name__}.app")


async def test_the_port_builds_forms_as_flask_wtf_did():
    files = {"pkg/__init__.py": "", "pkg/forms.py": FORMS, "pkg/app.py": APP}
    _, _, port = run_rewrite(APP, path="pkg/app.py", files={"pkg/__init__.py": "", "pkg/forms.py": FORMS})
    with loaded(files) as original, loaded(port) as ported:
        flask_client = _app(original).create_app().test_client()
        quart_client = _app(ported).create_app().test_client()
        for method, path, form in REQUESTS:
            before = flask_client.open(path, method=method, data=form)
            after = await quart_client.open(path, method=method, form=form)
            assert (after.status_code, await after.get_data(as_text=True)) == (
                before.status_code, before.get_data(as_text=True)), f"{method} {path} {form}"


#: A form handed its formdata (``LoginForm(request.form)``), with a pass-through ``__init__`` or none,
#: and a ``validate`` override calling the base class's with the two-argument ``super``.
LOGIN_FORMS = """\
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])

    def __init__(self, *args, **kwargs):
        super(LoginForm, self).__init__(*args, **kwargs)
        self.user = None

    def validate(self, **kwargs):
        initial_validation = super(LoginForm, self).validate()
        if not initial_validation:
            return False
        if self.password.data != "secret":
            self.password.errors.append("Invalid password")
            return False
        self.user = self.username.data
        return True


class SearchForm(FlaskForm):
    q = StringField("q")
"""

LOGIN_APP = """\
from flask import Flask, request

from .forms import LoginForm, SearchForm


def create_app():
    app = Flask(__name__)
    app.config.update(WTF_CSRF_ENABLED=False, SECRET_KEY="s")

    @app.route("/login", methods=["GET", "POST"])
    def login():
        form = LoginForm(request.form)
        if request.method == "POST":
            if form.validate_on_submit():
                return f"welcome {form.user}"
            return f"errors {sorted(form.errors.items())}"
        return f"form {form.username.data!r}"

    @app.route("/search", methods=["GET", "POST"])
    def search():
        form = SearchForm(formdata=request.form)
        return f"{form.q.data!r} {form.validate()}"

    return app
"""


def test_a_form_given_its_formdata_stays_a_constructor_call_and_its_validate_awaits_the_base():
    output, findings, files = run_rewrite(
        LOGIN_APP, path="pkg/app.py", files={"pkg/__init__.py": "", "pkg/forms.py": LOGIN_FORMS}
    )
    assert "form = LoginForm(await request.form)\n" in output
    assert "form = SearchForm(formdata=await request.form)\n" in output
    assert "initial_validation = await super(LoginForm, self).validate()\n" in files["pkg/forms.py"]
    assert not [f for f in findings if f.severity.name == "ERROR"]


LOGIN_REQUESTS = [
    ("GET", "/login", None),
    ("POST", "/login", {"username": "ada", "password": "secret"}),
    ("POST", "/login", {"username": "ada", "password": "wrong"}),  # the override's own error
    ("POST", "/login", {"username": "ada"}),  # the base class's validation runs (and fails)
    ("GET", "/search", None),
    ("POST", "/search", {"q": "zed"}),
]


async def test_the_port_validates_forms_given_their_formdata_as_flask_wtf_did():
    files = {"pkg/__init__.py": "", "pkg/forms.py": LOGIN_FORMS, "pkg/app.py": LOGIN_APP}
    _, _, port = run_rewrite(LOGIN_APP, path="pkg/app.py", files={"pkg/__init__.py": "", "pkg/forms.py": LOGIN_FORMS})
    with loaded(files) as original, loaded(port) as ported:
        flask_client = _app(original).create_app().test_client()
        quart_client = _app(ported).create_app().test_client()
        for method, path, form in LOGIN_REQUESTS:
            before = flask_client.open(path, method=method, data=form)
            after = await quart_client.open(path, method=method, form=form)
            assert (after.status_code, await after.get_data(as_text=True)) == (
                before.status_code, before.get_data(as_text=True)), f"{method} {path} {form}"
