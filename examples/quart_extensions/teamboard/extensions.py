"""The Flask extensions used by teamboard.

The extension objects are created here without an app and bound to one in
``create_app`` (``init_app``), so blueprints can import them without a
circular import.
"""
from urllib.parse import urlencode
from datetime import timedelta

from quart_cors import cors
from quart_rate_limiter import RateLimiter, QUART_RATE_LIMITER_LIMITS_ATTRIBUTE, RateLimit
from quart_wtf.csrf import CSRFProtect
from quart import current_app, flash, redirect, request, url_for
from quart_auth import Action, AuthUser, QuartAuth, Unauthorized, login_user


async def get_remote_address() -> str:
    """The client's address, as Flask-Limiter's ``get_remote_address`` gave it.

    quart-rate-limiter awaits its key function; its own default key reads X-Forwarded-For, which
    any client can set. Written by flask2quart (F2Q304).
    """
    return request.remote_addr or "127.0.0.1"


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


async def has_own_rate_limits() -> bool:
    """Skips the default limits where the route or its blueprint sets limits of its own.

    Flask-Limiter's route and blueprint limits replace its default limits; quart-rate-limiter
    would apply both. Written by flask2quart (F2Q304).
    """
    view = current_app.view_functions.get(request.endpoint)
    blueprint = current_app.blueprints.get(request.blueprint)
    return any(getattr(target, QUART_RATE_LIMITER_LIMITS_ATTRIBUTE, None) for target in (view, blueprint))


# sessions and @login_required
login_manager = LoginManager()
# where @login_required sends anonymous visitors, and what it tells them
login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to see the team board."
login_manager.login_message_category = "info"

# checks the token of every form POST (the JSON API is exempted in api.py)
csrf = CSRFProtect()

# limits for every route, counted per client address; single routes add
# stricter ones with @limiter.limit
limiter = RateLimiter(key_function=get_remote_address, default_limits=[
    RateLimit(200, timedelta(days=1), skip_function=has_own_rate_limits),
    RateLimit(50, timedelta(hours=1), skip_function=has_own_rate_limits),
])
