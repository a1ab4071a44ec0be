"""F2Q302: Flask-Login becomes quart-auth.

Flask-Login does not work under Quart (its ``current_user`` reads Flask's request context, which
Quart never pushes; reference §4), and quart-auth is the maintained counterpart. The two differ in
ways an app's behaviour depends on, so the rewrite keeps Flask-Login's behaviour explicitly:

- **The user object.** quart-auth only remembers an id (``AuthUser.auth_id``). The module that
  creates the ``LoginManager`` gets a generated ``CurrentUser(AuthUser)`` that loads the user with
  the app's own ``@login_manager.user_loader`` (once per request) and reads attributes through to
  it, so ``current_user.username`` keeps working in views and templates; ``current_user.about =
  ...`` sets the attribute on the loaded user (the app then commits it, as it did the model), and
  ``user == current_user`` compares the loaded user, as Flask-Login's proxy did. ``is_authenticated`` is a
  coroutine property in quart-auth: ``current_user.is_authenticated`` is awaited (templates await
  it themselves), ``current_user.is_anonymous`` becomes ``not await current_user.is_authenticated``
  and ``current_user.get_id()`` becomes ``current_user.auth_id``.
- **Anonymous users of ``@login_required`` views.** quart-auth raises ``Unauthorized`` (401) where
  Flask-Login redirected to ``login_view`` with ``?next=`` and flashed ``login_message``. The
  generated ``LoginManager(QuartAuth)`` keeps ``login_view``, ``login_message``,
  ``login_message_category`` and ``user_loader`` as Flask-Login spelt them and registers an
  ``Unauthorized`` handler that does that redirect (or answers 401 when there is no
  ``login_view``, as Flask-Login did).
- **Cookies.** quart-auth keeps the login in its own signed cookie; ``QUART_AUTH_COOKIE_SECURE``
  defaults to ``True`` there, so the generated ``init_app`` defaults it to the app's
  ``SESSION_COOKIE_SECURE`` (Flask-Login kept the login in the session cookie). Users logged in
  before the port log in again.
- Where the app hands ``current_user`` on as a value (``Post(author=current_user)``,
  ``isinstance(current_user, User)``, ``current_user._get_current_object()``) or compares it
  (``Post.author == current_user`` in a query, ``x != current_user``), Flask-Login's proxy
  gave the user object itself: the port passes ``current_user.user``, the loaded user (``None``
  when anonymous). Quart's own functions (``render_template(..., user=current_user)``) keep
  ``CurrentUser``, whose ``is_authenticated`` templates read.
- ``login_user(user, remember=...)`` becomes ``CurrentUser.login(user, remember=...)``, which
  keeps Flask-Login's answer: a user whose ``is_active`` is false (an app's "disabled" flag) is not
  logged in and ``False`` is returned, unless ``force=True`` (quart-auth's ``login_user`` logs in
  anyone and takes neither ``force`` nor ``duration``), and ``is_authenticated`` is the user's own
  answer, else its ``is_active`` (UserMixin's), so a user disabled while logged in is anonymous
  to ``@login_required`` as under Flask-Login; ``UserMixin`` is dropped from
  model bases (``CurrentUser`` answers ``is_authenticated`` and ``get_id``), and what has no
  counterpart (``fresh_login_required``, ``login_fresh``, ``AnonymousUserMixin``, signals,
  ``request_loader``) is reported.

The user loader runs on the event loop: it must stay sync (a loader the rewrite would make async
is reported), and a slow one blocks every request for its duration.

Docs: https://quart-auth.readthedocs.io/ and https://flask-login.readthedocs.io/
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from ._awaiting import await_node
from ._extensions import ExtensionImports, extension_member
from .base import awaited

MODULES = {"flask_login": "quart_auth", "flask_login.utils": "quart_auth", "flask_login.login_manager": "quart_auth"}
#: Names this rule replaces with generated code (never imported from quart-auth).
_GENERATED = frozenset({"LoginManager", "UserMixin"})

GENERATED_SOURCE = '''

class CurrentUser(AuthUser):
    """The logged-in user as Flask-Login gave it: what the app's user loader returns.

    quart-auth keeps only the user's id; attributes are read through to the loaded user (loaded
    once per request). Written by flask2quart (F2Q302) in place of Flask-Login.
    """

    def __init__(self, auth_id: str | None, action: Action = Action.PASS) -> None:
        super().__init__(auth_id, action)
        self._user = None
        self._loaded = auth_id is None

    @classmethod
    def of(cls, user) -> "CurrentUser":
        """The session user for ``user`` (Flask-Login's ``login_user`` took the user itself)."""
        get_id = getattr(user, "get_id", None)
        current = cls(str(get_id() if get_id is not None else user.id))
        current._user, current._loaded = user, True
        return current

    @classmethod
    def login(cls, user, remember: bool = False, duration=None, force: bool = False, fresh: bool = True) -> bool:
        """Flask-Login's ``login_user``: a user whose ``is_active`` is false is refused (False) unless
        ``force``; else logged in (True). "Remember me" lasts QUART_AUTH_DURATION (``duration`` and
        ``fresh`` have no quart-auth counterpart)."""
        if not force and not getattr(user, "is_active", True):
            return False
        login_user(cls.of(user), remember)
        return True

    @property
    def user(self):
        if not self._loaded:
            self._loaded = True
            manager = next(e for e in current_app.extensions["QUART_AUTH"] if isinstance(e, LoginManager))
            self._user = manager.load_user_callback(self.auth_id) if manager.load_user_callback else None
        return self._user

    @property
    async def is_authenticated(self) -> bool:
        # Flask-Login asked the user: UserMixin answered its is_active (False for a disabled user)
        user = self.user
        return user is not None and bool(getattr(user, "is_authenticated", getattr(user, "is_active", True)))

    def get_id(self) -> str | None:
        return self.auth_id

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        user = self.user
        if user is None:
            raise AttributeError(name)
        return getattr(user, name)

    def __setattr__(self, name: str, value) -> None:
        # Flask-Login's current_user was the user: `current_user.about = ...` changed the model
        own = name.startswith("_") or name == "action" or hasattr(type(self), name)
        user = None if own else self.user
        if user is None:
            super().__setattr__(name, value)
        else:
            setattr(user, name, value)

    def __eq__(self, other) -> bool:
        # `user == current_user` compared the models under Flask-Login
        if isinstance(other, CurrentUser):
            return self is other or (self.user is not None and self.user == other.user)
        return self.user is not None and self.user == other

    def __hash__(self) -> int:
        return hash(self.user) if self.user is not None else id(self)


class LoginManager(QuartAuth):
    """quart-auth, set up the way Flask-Login's ``LoginManager`` was for this app.

    Anonymous users of ``@login_required`` views are redirected to ``login_view`` (with ``next``
    and the flashed ``login_message``), or get a 401 without one; ``user_loader`` gives
    ``current_user`` its attributes. Written by flask2quart (F2Q302) in place of Flask-Login.
    """

    login_view: str | None = None
    login_message: str | None = "Please log in to access this page."
    login_message_category = "message"

    def __init__(self, app=None, add_context_processor: bool = True) -> None:
        super().__init__(user_class=CurrentUser)
        self.load_user_callback = None
        if app is not None:
            self.init_app(app)

    def init_app(self, app, add_context_processor: bool = True) -> None:
        # Flask-Login kept the login in the session cookie: same Secure flag as that cookie.
        app.config.setdefault("QUART_AUTH_COOKIE_SECURE", app.config.get("SESSION_COOKIE_SECURE", False))
        # "remember me" lasted REMEMBER_COOKIE_DURATION (a timedelta); quart-auth counts seconds.
        remember = app.config.get("REMEMBER_COOKIE_DURATION")
        if remember is not None:
            seconds = remember.total_seconds() if hasattr(remember, "total_seconds") else remember
            app.config.setdefault("QUART_AUTH_DURATION", int(seconds))
        super().init_app(app)
        app.register_error_handler(Unauthorized, self.unauthorized)

    def user_loader(self, callback):
        self.load_user_callback = callback
        return callback

    async def unauthorized(self, error: Unauthorized):
        if self.login_view is None:
            return error
        if self.login_message:
            await flash(self.login_message, self.login_message_category)
        query = request.query_string.decode()
        next_url = urlencode({"next": request.path + ("?" + query if query else "")})
        return redirect(url_for(self.login_view) + "?" + next_url)  # encoded as Flask-Login did
'''

_UNSUPPORTED = {
    "fresh_login_required": "quart-auth has no fresh logins: use `login_required` and re-ask the password in the view",
    "login_fresh": "quart-auth has no fresh logins",
    "confirm_login": "quart-auth has no fresh logins",
    "AnonymousUserMixin": "quart-auth's anonymous user is `AuthUser(None)`: subclass CurrentUser instead",
    "login_url": "build the URL with `url_for(login_view, next=...)`",
    "user_logged_in": "quart-auth sends no signals: call your code after `login_user`",
    "user_logged_out": "quart-auth sends no signals: call your code after `logout_user`",
    "user_loaded_from_cookie": "quart-auth sends no signals",
    "user_loaded_from_request": "quart-auth sends no signals",
    "user_login_confirmed": "quart-auth sends no signals",
    "user_unauthorized": "quart-auth sends no signals",
    "user_needs_refresh": "quart-auth sends no signals",
    "session_protected": "quart-auth sends no signals",
    "set_login_view": "set `login_manager.login_view` (the generated LoginManager reads it)",
}


class FlaskLogin(ExtensionImports):
    code = "F2Q302"
    name = "flask-login"
    priority = 45
    modules = MODULES
    unsupported = _UNSUPPORTED

    # --- imports ----------------------------------------------------------------------------
    def leave_SimpleStatementLine(  # type: ignore[override]
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.SimpleStatementLine] | cst.RemovalSentinel:
        if len(updated.body) == 1 and isinstance(updated.body[0], cst.ImportFrom):
            statement = updated.body[0]
            module = statement.module
            if (
                module is not None
                and not statement.relative
                and cst.Module([]).code_for_node(module) in self.modules
                and not isinstance(statement.names, cst.ImportStar)
            ):
                names = [a for a in statement.names if not (isinstance(a.name, cst.Name) and a.name.value in _GENERATED)]
                if not names:
                    self.changed()
                    return cst.RemovalSentinel.REMOVE
                if len(names) != len(statement.names):
                    self.changed()
                    names[-1] = names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                    updated = updated.with_changes(body=[statement.with_changes(names=names)])
        return super().leave_SimpleStatementLine(original, updated)

    # --- the LoginManager module ------------------------------------------------------------
    def _host_module(self) -> str | None:
        """The project module that creates the LoginManager: the generated classes live there."""
        hosts = sorted(
            facts.module
            for facts in self.ctx.analysis.modules.values()
            if any(extension_member("q:" + t, self.modules) == "LoginManager" for t in facts.imports.values())
        )
        return hosts[0] if hosts else None

    def _current_user_class(self, node: cst.CSTNode) -> str | None:
        host = self._host_module()
        if host is None:
            self.ctx.report(node, self.code, "no module creates a Flask-Login LoginManager: port `login_user` by hand",
                            Severity.ERROR)
            return None
        if host != self.ctx.facts.module:
            return self.ctx.require_import(_relative(host, self.ctx.facts.module, self.ctx.path), "CurrentUser")
        return "CurrentUser"

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        member = self.member(updated.func)
        if member == "LoginManager":
            self._generate()
            return updated
        if member == "login_user" and updated.args:
            first = updated.args[0].value
            if isinstance(first, cst.Call) and cst.Module([]).code_for_node(first.func).endswith("CurrentUser.of"):
                return updated  # an earlier run's port: quart-auth's own login_user, already given the user
            current_user = self._current_user_class(original)
            if current_user is None:
                return updated
            self.changed()  # same arguments, same answer (refused inactive users: False)
            return updated.with_changes(func=cst.Attribute(cst.Name(current_user), cst.Name("login")))
        func = updated.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == "get_id"
            and not updated.args
            and self.member(func.value) == "current_user"
        ):
            self.changed()
            return cst.Attribute(value=func.value, attr=cst.Name("auth_id"))
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == "_get_current_object"
            and not updated.args
            and self.member(func.value) == "current_user"
        ):
            self.changed()  # Flask-Login's proxy gave the user object itself
            return cst.Attribute(value=func.value, attr=cst.Name("user"))
        return self._user_arguments(original, updated)

    def _user_arguments(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        """``Post(author=current_user)``: Flask-Login's ``current_user`` proxied the user object,
        so code that receives it (a model relationship, a query, ``isinstance``) got the model;
        quart-auth's is the generated ``CurrentUser``, so the loaded user is passed
        (``current_user.user``). Quart's own functions (``render_template``) keep ``CurrentUser``:
        templates read ``is_authenticated`` from it."""
        callee = self.ctx.value(original.func)
        if isinstance(callee, str) and callee.startswith(("q:flask.", "q:quart.")):
            return updated
        args = list(updated.args)
        if len(original.args) != len(args):
            return updated
        for index, (before, after) in enumerate(zip(original.args, updated.args, strict=True)):
            if not before.star:
                args[index] = after.with_changes(value=self._loaded_user(before.value, after.value))
        if all(a.value is b.value for a, b in zip(args, updated.args, strict=True)):
            return updated
        self.changed()
        return updated.with_changes(args=args)

    def _generate(self) -> None:
        for name in ("Action", "AuthUser", "QuartAuth", "Unauthorized", "login_user"):
            self.ctx.require_import("quart_auth", name)
        for name in ("current_app", "flash", "redirect", "request", "url_for"):
            self.ctx.require_import("quart", name)
        self.ctx.require_import("urllib.parse", "urlencode")
        self.ctx.add_helper("LoginManager", GENERATED_SOURCE)
        self.changed()

    # --- current_user -----------------------------------------------------------------------
    def leave_Comparison(self, original: cst.Comparison, updated: cst.Comparison) -> cst.BaseExpression:
        """``Post.author == current_user`` (a query on a relationship), ``x != current_user``: the
        loaded user is compared, as Flask-Login's proxy compared the user object."""
        if len(original.comparisons) != len(updated.comparisons) or not all(
            isinstance(c.operator, (cst.Equal, cst.NotEqual)) for c in original.comparisons
        ):
            return updated
        left = self._loaded_user(original.left, updated.left)
        targets = [
            c.with_changes(comparator=self._loaded_user(o.comparator, c.comparator))
            for o, c in zip(original.comparisons, updated.comparisons, strict=True)
        ]
        if left is updated.left and all(t.comparator is c.comparator for t, c in zip(targets, updated.comparisons, strict=True)):
            return updated
        self.changed()
        return updated.with_changes(left=left, comparisons=targets)

    def _loaded_user(self, before: cst.BaseExpression, after: cst.BaseExpression) -> cst.BaseExpression:
        if self.member(before) != "current_user" or not isinstance(after, cst.Name):
            return after
        return cst.Attribute(value=after, attr=cst.Name("user"))

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.BaseExpression:  # type: ignore[override]
        if updated.attr.value == "is_anonymous" and self.member(updated.value) == "current_user":
            if id(original) in self.ctx.stores:
                return updated
            authenticated = updated.with_changes(attr=cst.Name("is_authenticated"), lpar=[], rpar=[])
            if not self.ctx.can_await():
                return await_node(self, original, updated, "`current_user.is_anonymous`")
            self.changed()
            return cst.UnaryOperation(
                operator=cst.Not(), expression=awaited(authenticated),
                lpar=[cst.LeftParen()], rpar=[cst.RightParen()],
            )
        return super().leave_Attribute(original, updated)

    # --- models and loaders -----------------------------------------------------------------
    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        kept = [b for b in updated.bases if self.member(b.value) != "UserMixin"]
        if len(kept) == len(updated.bases):
            return updated
        self.changed()
        self.ctx.report(
            original, self.code,
            "dropped Flask-Login's UserMixin: `current_user` is the generated CurrentUser, which answers "
            "is_authenticated and get_id", Severity.INFO,
        )
        if not kept:
            return updated.with_changes(bases=[], lpar=cst.MaybeSentinel.DEFAULT, rpar=cst.MaybeSentinel.DEFAULT)
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated.with_changes(bases=kept)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for decorator in node.decorators:
            target = decorator.decorator
            if isinstance(target, cst.Call):
                target = target.func
            if not isinstance(target, cst.Attribute):
                continue
            hook = target.attr.value
            if hook == "request_loader":
                self.ctx.report(node, self.code, "quart-auth has no request loader: use QUART_AUTH_MODE='bearer' "
                                "or `basic_auth_required`", Severity.ERROR)
            elif hook == "user_loader" and self.ctx.scope.becomes_async and not self.ctx.scope.already_async:
                self.ctx.report(node, self.code, "the user loader becomes async here, but CurrentUser reads it "
                                "synchronously: keep it sync (it runs on the event loop)", Severity.ERROR)
            elif hook == "unauthorized_handler":
                self.ctx.report(node, self.code, "register it for quart_auth.Unauthorized instead: "
                                "`@app.errorhandler(Unauthorized)`", Severity.ERROR)


def _relative(target: str, module: str, path: str) -> str:
    """``teamboard.extensions`` seen from ``teamboard.auth`` is ``.extensions``: the package's own style."""
    package = module if path.replace("\\", "/").endswith("/__init__.py") else module.rpartition(".")[0]
    if package and target.startswith(package + "."):
        return "." + target[len(package) + 1 :]
    return target
