"""F2Q326: every Flask-JWT-Extended use that changes in quart-jwt-extended is reported.

Flask-JWT-Extended fails under Quart (its decorators and token functions read Flask's request and
app context). quart-jwt-extended 0.1.0 (2022, unmaintained) works on Quart 0.23 but ports the
**3.x** API, and Flask-JWT-Extended 4 renamed much of it (reference §5). Moving to it is the
smallest port, but authentication is not a place for a silent guess, so nothing is rewritten; each
use whose spelling or meaning differs is one finding, with the 3.x form:

- **ERROR**: ``JWTManager(...)``/``jwt.init_app(app)`` (import it from ``quart_jwt_extended`` and set
  ``JWT_IDENTITY_CLAIM = "sub"``: its default ``"identity"`` rejects every token Flask-JWT-Extended
  4 issued), and each ``@jwt_required(...)`` (``@jwt_required``, ``@jwt_optional``,
  ``@fresh_jwt_required`` or ``@jwt_refresh_token_required``, by its arguments; ``locations=``,
  ``verify_type=`` and ``skip_revocation_check=`` have no 3.x form);
- **WARNING**: ``verify_jwt_in_request(...)`` (awaited, one function per mode), ``get_jwt()`` ->
  ``get_raw_jwt()``, ``get_jwt_header()`` -> ``get_raw_jwt_header()``, ``additional_claims=`` ->
  ``user_claims=`` (kept under the ``user_claims`` claim, not at the top level),
  ``additional_headers=`` -> ``headers=``, and the loaders that were renamed or take other arguments
  (``additional_claims_loader`` -> ``user_claims_loader``, ``token_in_blocklist_loader`` ->
  ``token_in_blacklist_loader`` with ``JWT_BLACKLIST_ENABLED``, ``user_lookup_loader`` ->
  ``user_loader_callback_loader``...).

Names that are the same in both (``get_jwt_identity``, ``create_access_token`` without those
keywords, ``current_user``, ``set_access_cookies``...) only need the import moved: the import
finding lists them. The alternative, PyJWT in a small async decorator, is in the recipe.

Docs: https://github.com/greenape/quart-jwt-extended; recipe: docs/extensions.md#flask-jwt-extended
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from ._report_extension import CALL, ExtensionReport, Report, Use, is_true, keyword_value

#: ``jwt_required``/``verify_jwt_in_request`` keywords -> the 3.x decorator and verify function.
_MODES = {
    "optional": ("jwt_optional", "verify_jwt_in_request_optional"),
    "fresh": ("fresh_jwt_required", "verify_fresh_jwt_in_request"),
    "refresh": ("jwt_refresh_token_required", "verify_jwt_refresh_token_in_request"),
}
_NO_3X_FORM = ("locations", "verify_type", "skip_revocation_check")
#: Loaders renamed or called with other arguments in 3.x -> what to write.
_LOADERS = {
    "additional_claims_loader": "`@jwt.user_claims_loader` (same callback: identity -> claims, kept under the "
    "`user_claims` claim and read back with `get_jwt_claims()`)",
    "token_in_blocklist_loader": "`@jwt.token_in_blacklist_loader`, whose callback takes the decoded token "
    "(`def cb(decrypted_token)`), not `(jwt_header, jwt_payload)`; it is only called with "
    "`JWT_BLACKLIST_ENABLED = True`",
    "user_lookup_loader": "`@jwt.user_loader_callback_loader`, whose callback takes the identity "
    "(`def cb(identity)`), not `(jwt_header, jwt_data)`",
    "user_lookup_error_loader": "`@jwt.user_loader_error_loader`, whose callback takes the identity",
    "expired_token_loader": "same name, but the callback takes the expired token's payload "
    "(`def cb(expired_token)`), not `(jwt_header, jwt_payload)`",
    "needs_fresh_token_loader": "same name, but the callback takes no arguments",
    "revoked_token_loader": "same name, but the callback takes no arguments",
    "token_verification_loader": "`@jwt.claims_verification_loader` (the callback gets the user claims)",
    "token_verification_failed_loader": "`@jwt.claims_verification_failed_loader` (no arguments)",
    "decode_key_loader": "same name, but the callback takes `(claims, headers)`: the reverse of 4.x",
}
_RENAMED = {
    "get_jwt": "`get_raw_jwt()` (the whole payload: the claims of tokens Flask-JWT-Extended 4 issued are at its "
    "top level, those quart-jwt-extended issues are under `user_claims`, read by `get_jwt_claims()`)",
    "get_jwt_header": "`get_raw_jwt_header()`",
    "get_jwt_request_location": "nothing: quart-jwt-extended does not say where the token came from",
}


class FlaskJwtExtended(ExtensionReport):
    code = "F2Q326"
    name = "flask-jwt-extended"
    modules = frozenset({"flask_jwt_extended"})
    title = "Flask-JWT-Extended"
    anchor = "flask-jwt-extended"
    replacement = "quart-jwt-extended (its 3.x API) or PyJWT"
    uses_reported = "those spelt differently in quart-jwt-extended are reported"

    def describe(self, use: Use) -> Report | None:
        text = f"`{use.spelling}`"
        if use.kind == "object":
            return self._manager_use(use, text)
        if use.kind != "name":
            return None
        member = use.member
        call = use.call_after()
        if member == "JWTManager" and use.path[:1] == (CALL,):
            return (
                f"{text}: Flask-JWT-Extended fails under Quart; quart-jwt-extended (3.x API, unmaintained) has "
                "`JWTManager`: set `JWT_IDENTITY_CLAIM = \"sub\"` (its default \"identity\" rejects the tokens "
                "Flask-JWT-Extended 4 issued); or verify tokens with PyJWT in a small async decorator",
                Severity.ERROR,
            )
        if member == "jwt_required":
            return (f"{text}: {_jwt_required(call)}", Severity.ERROR)
        if member == "verify_jwt_in_request":
            return (f"{text}: {_verify(call)}", Severity.WARNING)
        if member in _RENAMED:
            return (f"{text}: quart-jwt-extended spells it {_RENAMED[member]}", Severity.WARNING)
        if member in ("create_access_token", "create_refresh_token") and call is not None:
            renames = [
                f"`{old}=` -> `{new}=`"
                for old, new in (("additional_claims", "user_claims"), ("additional_headers", "headers"))
                if keyword_value(call, old) is not None
            ]
            if renames:
                return (
                    f"{text}: quart-jwt-extended spells it {', '.join(renames)} (user claims are kept under the "
                    "`user_claims` claim, not at the top level of the token)",
                    Severity.WARNING,
                )
        return None  # same name in quart-jwt-extended: the import finding covers it

    def _manager_use(self, use: Use, text: str) -> Report | None:
        if use.member != "JWTManager" or not use.attrs:
            return None
        first = use.attrs[0]
        if first == "init_app":
            return (f"{text}: `init_app` of quart-jwt-extended's `JWTManager`; set `JWT_IDENTITY_CLAIM = \"sub\"`",
                    Severity.ERROR)
        if first in _LOADERS:
            return (f"{text}: quart-jwt-extended spells it {_LOADERS[first]}", Severity.WARNING)
        return None


def _jwt_required(call: cst.Call | None) -> str:
    if call is None:
        return "quart-jwt-extended spells it `@jwt_required`; Flask-JWT-Extended 4 needs `@jwt_required()`"
    chosen = [decorator for key, (decorator, _) in _MODES.items() if is_true(keyword_value(call, key))]
    other = [key for key in _NO_3X_FORM if keyword_value(call, key) is not None]
    if any(arg.keyword is None for arg in call.args) or any(
        arg.keyword is not None and arg.keyword.value in _MODES and not is_true(arg.value) for arg in call.args
    ):
        other.append("arguments that are not literal `True`")
    form = " and ".join(f"`@{name}`" for name in chosen) if chosen else "`@jwt_required`"
    text = f"quart-jwt-extended (3.x API) spells it {form} (no parentheses; the view must be async)"
    if len(chosen) > 1:
        text += "; 3.x has no decorator that combines them: check the second one in the view"
    if other:
        text += f"; {', '.join(other)} has no 3.x form: check it in the view"
    return text


def _verify(call: cst.Call | None) -> str:
    chosen = [function for key, (_, function) in _MODES.items() if call is not None and is_true(keyword_value(call, key))]
    function = chosen[0] if chosen else "verify_jwt_in_request"
    return f"quart-jwt-extended has `await {function}()` (a coroutine; one function per mode)"
