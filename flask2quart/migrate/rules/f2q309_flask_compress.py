"""F2Q309: Flask-Compress becomes quart-compress.

Flask-Compress calls ``response.get_data()`` in an ``after_request`` hook, which is a coroutine on a
Quart response: it fails under Quart. quart-compress (0.2.1, unmaintained since 2020 but working on
Quart 0.23) has the same ``Compress(app)``/``init_app(app)`` and a subset of the configuration:
``COMPRESS_MIMETYPES``, ``COMPRESS_LEVEL``, ``COMPRESS_MIN_SIZE``, ``COMPRESS_CACHE_KEY``,
``COMPRESS_CACHE_BACKEND``, ``COMPRESS_REGISTER`` and ``COMPRESS_ALGORITHM`` as one string,
``"gzip"`` or ``"br"``. This rule moves the import and reports what does not carry over:

- ``COMPRESS_ALGORITHM`` set to anything but ``"gzip"``/``"br"`` (``"zstd"``, ``"deflate"``, a
  list or a comma-separated preference): ERROR, quart-compress would send a broken body. ``"br"``
  is a WARNING: quart-compress uses Brotli's slowest quality (11) and ignores ``COMPRESS_BR_*``;
- keys quart-compress ignores (``COMPRESS_BR_*``, ``COMPRESS_ZSTD_LEVEL``,
  ``COMPRESS_DEFLATE_LEVEL``, ``COMPRESS_STREAMS``, ``COMPRESS_ALGORITHM_STREAMING``,
  ``COMPRESS_EVALUATE_CONDITIONAL_REQUEST``, ``COMPRESS_STREAMING_ENDPOINT_CONDITIONAL``): WARNING;
- ``@compress.compressed()`` (per-view compression with ``COMPRESS_REGISTER = False``): ERROR, there
  is no such decorator; call ``after_this_request(compress.after_request)`` in the view instead;
- at ``Compress(app)``/``init_app``: the defaults that differ (gzip only where Flask-Compress
  negotiated zstd/br/gzip/deflate; five mimetypes instead of Flask-Compress's thirty, ``text/plain``
  and ``application/xml`` among the missing; no ``Vary`` on uncompressed responses; ETags left as
  they are), INFO; and, when the app streams responses (F2Q110's streamed views), a WARNING:
  quart-compress reads the whole body (``await response.get_data()``) before sending anything, so a
  streamed response arrives all at once when it ends, and an endless one (server-sent events with a
  compressible mimetype) never does.

Docs: https://github.com/AceFire6/quart-compress and https://github.com/colour-science/flask-compress
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from .. import values as V
from ..analysis import Role
from ._extension_config import ConfigKeys, string
from ._extensions import ExtensionImports

_COMPRESS = "flask_compress.Compress"
_IGNORED = frozenset(
    {
        "COMPRESS_BR_LEVEL",
        "COMPRESS_BR_MODE",
        "COMPRESS_BR_WINDOW",
        "COMPRESS_BR_BLOCK",
        "COMPRESS_ZSTD_LEVEL",
        "COMPRESS_DEFLATE_LEVEL",
        "COMPRESS_STREAMS",
        "COMPRESS_ALGORITHM_STREAMING",
        "COMPRESS_EVALUATE_CONDITIONAL_REQUEST",
        "COMPRESS_STREAMING_ENDPOINT_CONDITIONAL",
    }
)


class FlaskCompress(ConfigKeys, ExtensionImports):
    code = "F2Q309"
    name = "flask-compress"
    priority = 45
    modules = {  # noqa: RUF012 - class-level table of a rule
        "flask_compress": "quart_compress",
        "flask_compress.flask_compress": "quart_compress.quart_compress",
    }
    config_prefix = "COMPRESS_"
    config_module = "flask_compress"

    def check_config(self, key: str, value: cst.BaseExpression, node: cst.CSTNode) -> cst.BaseExpression:
        if key in _IGNORED:
            self.ctx.report(node, self.code, f"quart-compress ignores `{key}`", Severity.WARNING)
        elif key == "COMPRESS_ALGORITHM":
            algorithm = string(value)
            if algorithm == "br":
                self.ctx.report(
                    node, self.code, "quart-compress compresses Brotli at quality 11 (its slowest) and "
                    "ignores COMPRESS_BR_*: consider 'gzip'", Severity.WARNING,
                )
            elif algorithm != "gzip":
                if algorithm is not None:
                    what = f"'{algorithm}'"
                elif isinstance(value, (cst.List, cst.Tuple)):
                    what = "a list to negotiate from"
                else:
                    what = "a value only known at run time"
                self.ctx.report(
                    node, self.code, f"quart-compress supports COMPRESS_ALGORITHM 'gzip' or 'br' (one "
                    f"string, no negotiation), not {what}: set 'gzip'", Severity.ERROR,
                )
        return value

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = self.ctx.value(updated.func)
        if (self.member(updated.func) == "Compress" and updated.args) or (
            V.extension_method(func) == f"{_COMPRESS}.init_app"
        ):
            self._report_setup(original)
        elif V.extension_method(func) == f"{_COMPRESS}.compressed":
            self.ctx.report(
                original, self.code, "quart-compress has no `compressed()` decorator: in the view, "
                "call `after_this_request(compress.after_request)` (quart) instead", Severity.ERROR,
            )
        return super().leave_Call(original, updated)

    def _report_setup(self, node: cst.CSTNode) -> None:
        self.ctx.report(
            node, self.code, "quart-compress defaults differ from Flask-Compress: gzip only (no zstd/br/"
            "deflate negotiation), COMPRESS_MIMETYPES of five types (no text/plain, application/xml, "
            "image/svg+xml...), no Vary header on uncompressed responses, ETags unchanged",
            Severity.INFO,
        )
        analysis = self.ctx.analysis
        streamed = sorted(name for name, role in analysis.roles.items() if role is Role.STREAM)
        if streamed:
            shown = ", ".join(f"`{name.rpartition(':')[2]}`" for name in streamed[:3])
            self.ctx.report(
                node, self.code, f"the app streams responses ({shown}{'...' if len(streamed) > 3 else ''}): "
                "quart-compress reads the whole body before compressing, so a streamed response with a "
                "COMPRESS_MIMETYPES type arrives only when it ends (an endless one never does); give "
                "streamed responses another mimetype or a Content-Encoding header", Severity.WARNING,
            )
