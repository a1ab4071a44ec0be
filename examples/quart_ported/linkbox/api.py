"""A small JSON API for links.

The API reuses the browser session: a logged in user can call it from
JavaScript, anonymous requests get a ``401`` JSON response.
"""

import functools
from datetime import datetime, timezone

from quart import Blueprint, abort, current_app, g, jsonify, request, url_for
from quart.views import MethodView

from .db import get_db
from .links import get_link, get_tags, parse_tags, query_links, set_tags, validate_link
from . import http_client


async def _f2q_get_json(request, **options):
    """`request.get_json()` as Flask answers it: 415 when the body is not JSON.

    Quart returns None there instead (added by flask2quart, F2Q104).
    """
    if not (options.get("force") or options.get("silent") or request.is_json):
        from werkzeug.exceptions import UnsupportedMediaType

        raise UnsupportedMediaType(
            "Did not attempt to load JSON data because the request Content-Type was not"
            " 'application/json'."
        )
    return await request.get_json(**options)


bp = Blueprint("api", __name__, url_prefix="/api")

DEFAULT_LIMIT = 50
MAX_LIMIT = 100


def api_login_required(view):
    """Like ``auth.login_required``, but answers with JSON instead of
    redirecting to the login page."""

    @functools.wraps(view)
    async def wrapped_view(*args, **kwargs):
        if g.user is None:
            return jsonify(error="Unauthorized", message="Please log in first."), 401

        return await current_app.ensure_async(view)(*args, **kwargs)

    return wrapped_view


@bp.errorhandler(400)
@bp.errorhandler(403)
@bp.errorhandler(404)
@bp.errorhandler(415)
async def json_error(error):
    """Return API errors as JSON instead of HTML pages."""
    return jsonify(error=error.name, message=error.description), error.code


def link_to_dict(link):
    """Serialize a link row for the API."""
    return {
        "id": link["id"],
        "url": link["url"],
        "title": link["title"],
        "notes": link["notes"],
        "tags": get_tags(link["id"]),
        "created": link["created"].isoformat(),
    }


async def read_link_payload(defaults=None):
    """Read and validate the JSON body of a create or update request.

    Missing fields are taken from ``defaults`` (the existing link when
    updating). Aborts with ``400`` if the data is invalid.
    """
    data = await _f2q_get_json(request)

    if not isinstance(data, dict):
        abort(400, "The request body must be a JSON object.")

    defaults = defaults or {}
    url = data.get("url", defaults.get("url", ""))
    title = data.get("title", defaults.get("title", ""))
    notes = data.get("notes", defaults.get("notes", ""))
    tags = data.get("tags", defaults.get("tags", []))

    if not all(isinstance(value, str) for value in (url, title, notes)):
        abort(400, "url, title and notes must be strings.")

    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        abort(400, "tags must be a list of strings.")

    url = url.strip()
    title = title.strip()
    error = validate_link(url, title)

    if error is not None:
        abort(400, error)

    return {
        "url": url,
        "title": title or url,
        "notes": notes,
        "tags": parse_tags(" ".join(tags)),
    }


@bp.route("/links", methods=("GET",))
@api_login_required
async def list_links():
    """List the links of the current user.

    Supports ``?q=`` (search), ``?tag=`` and ``?limit=`` query arguments.
    """
    q = request.args.get("q", "").strip()
    tag = request.args.get("tag", "").strip().lower()
    limit = request.args.get("limit", DEFAULT_LIMIT, type=int)
    limit = max(1, min(limit, MAX_LIMIT))

    links = [link_to_dict(link) for link in query_links(g.user["id"], q, tag, limit)]
    # when the list was read: clients show it as "last updated"
    generated_at = datetime.now(timezone.utc).isoformat()
    return jsonify(links=links, count=len(links), generated_at=generated_at)


@bp.route("/links", methods=("POST",))
@api_login_required
async def create_link():
    """Create a link from a JSON body and return it with status 201."""
    payload = await read_link_payload()
    db = get_db()
    cursor = db.execute(
        "INSERT INTO link (owner_id, url, title, notes) VALUES (?, ?, ?, ?)",
        (g.user["id"], payload["url"], payload["title"], payload["notes"]),
    )
    link_id = cursor.lastrowid
    set_tags(link_id, payload["tags"])
    db.commit()

    link = get_link(link_id)
    location = url_for("api.link", link_id=link_id)
    return jsonify(link_to_dict(link)), 201, {"Location": location}


class LinkAPI(MethodView):
    """Read, update and delete a single link."""

    decorators = [api_login_required]  # noqa: RUF012 - the MethodView API expects a list

    async def get(self, link_id):
        return jsonify(link_to_dict(get_link(link_id)))

    async def put(self, link_id):
        link = get_link(link_id)
        payload = await read_link_payload(defaults=link_to_dict(link))

        db = get_db()
        db.execute(
            "UPDATE link SET url = ?, title = ?, notes = ? WHERE id = ?",
            (payload["url"], payload["title"], payload["notes"], link_id),
        )
        set_tags(link_id, payload["tags"])
        db.commit()

        return jsonify(link_to_dict(get_link(link_id)))

    async def delete(self, link_id):
        get_link(link_id)
        db = get_db()
        db.execute("DELETE FROM tag WHERE link_id = ?", (link_id,))
        db.execute("DELETE FROM link WHERE id = ?", (link_id,))
        db.commit()
        return "", 204


bp.add_url_rule("/links/<int:link_id>", view_func=LinkAPI.as_view("link"))


@bp.route("/quote")
async def quote():
    """Fetch a quote of the day from the upstream service."""
    try:
        upstream = await http_client.get(current_app.config["UPSTREAM_URL"], timeout=2)
        upstream.raise_for_status()
        data = upstream.json()
    except http_client.RequestException as e:
        current_app.logger.warning("Upstream quote service failed: %s", e)
        return jsonify(error="Bad Gateway", message="The quote service is unavailable."), 502

    return jsonify(data)
