"""F2Q121: ``Location`` headers IRI-encoded, as Werkzeug sends them.

Flask's responses go out through Werkzeug's ``Response.get_wsgi_headers``, which passes the
``Location`` and ``Content-Location`` headers through ``werkzeug.urls.iri_to_uri``: non-ASCII
characters are UTF-8 percent-encoded, spaces and other unsafe characters quoted, the host
IDNA-encoded (a redirect to ``/r/?time=year-2 - year`` arrives as ``/r/?time=year-2%20-%20year``).
Quart sends the header as it was set, so clients (and tests comparing ``response.location``) see a
different URL. Where the app is built (``app = Flask(...)``, at module level, in a factory, or as
``self.app``), the port registers an ``after_request`` hook, written into the module, that applies
``iri_to_uri`` to both headers exactly as Werkzeug does (the last value wins, one header is left),
when some module of the project imports ``redirect`` (a project that never redirects is left as it
is). ``Location`` values set by hand in such a project are encoded too, as under Flask.
``autocorrect_location_header`` (off by default since Werkzeug 2.1) is not reproduced.

Docs: https://werkzeug.palletsprojects.com/en/stable/wrappers/#werkzeug.wrappers.Response.get_wsgi_headers
"""

from __future__ import annotations

import libcst as cst

from .. import values as V
from ..analysis import ProjectAnalysis
from .base import Rule

HOOK = "location_iri_to_uri"
HOOK_SOURCE = '''

async def location_iri_to_uri(response):
    """Werkzeug sends Location and Content-Location as URIs (iri_to_uri); Quart sends them as set:
    this keeps Flask's behaviour (added by flask2quart, F2Q121)."""
    for name in ("Location", "Content-Location"):
        values = response.headers.getlist(name)
        if values:
            response.headers[name] = {iri_to_uri}(values[-1])
    return response
'''


_REDIRECTS = frozenset({"flask.redirect", "flask.helpers.redirect", "werkzeug.utils.redirect", "werkzeug.redirect"})


def _redirects(analysis: ProjectAnalysis) -> bool:
    """Some module of the project imports ``redirect``: Locations are sent (not only 201 APIs)."""
    return any(
        target in _REDIRECTS or (target.endswith(".redirect") and target.startswith(("flask", "werkzeug")))
        for facts in analysis.modules.values()
        for target in facts.imports.values()
    )


class LocationIri(Rule):
    code = "F2Q121"
    name = "location-iri"

    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.BaseStatement]:
        if len(updated.body) != 1 or HOOK in self.ctx.facts.functions or self.ctx.in_tests:
            return updated
        assign = updated.body[0]
        if not (isinstance(assign, cst.Assign) and len(assign.targets) == 1 and isinstance(assign.value, cst.Call)):
            return updated
        target = assign.targets[0].target
        if not isinstance(target, (cst.Name, cst.Attribute)):
            return updated
        if V.flask_name(self.ctx.value(assign.value.func)) != "Flask" or not _redirects(self.ctx.analysis):
            return updated
        iri_to_uri = self.ctx.require_import("werkzeug.urls", "iri_to_uri")
        self.ctx.add_helper(HOOK, HOOK_SOURCE.replace("{iri_to_uri}", iri_to_uri))
        self.changed()
        owner = cst.Module([]).code_for_node(target)
        hook = cst.parse_statement(f"{owner}.after_request({HOOK})\n")
        return cst.FlattenSentinel([updated, hook])
