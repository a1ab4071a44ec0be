"""HTML views for managing links, exporting them and uploading files."""

import csv
import io
import os

from quart import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    send_from_directory,
    stream_with_context,
    url_for,
)
from werkzeug.utils import secure_filename

from .auth import login_required
from .db import get_db

bp = Blueprint("links", __name__)

THEMES = ("light", "dark")
ALLOWED_EXTENSIONS = {"txt", "md", "csv", "pdf", "png", "jpg", "jpeg"}
MAX_TITLE_LENGTH = 200


def parse_tags(text):
    """Turn ``"Python, flask web"`` into ``["flask", "python", "web"]``."""
    names = {part.strip().lower() for part in text.replace(",", " ").split()}
    return sorted(name for name in names if name)


def validate_link(url, title):
    """Return an error message for invalid link data, or ``None``."""
    if not url:
        return "URL is required."
    if not url.startswith(("http://", "https://")):
        return "URL must start with http:// or https://."
    if len(title) > MAX_TITLE_LENGTH:
        return f"Title must be at most {MAX_TITLE_LENGTH} characters."
    return None


def get_tags(link_id):
    """Return the sorted tag names of a link."""
    rows = (
        get_db()
        .execute("SELECT name FROM tag WHERE link_id = ? ORDER BY name", (link_id,))
        .fetchall()
    )
    return [row["name"] for row in rows]


def set_tags(link_id, tags):
    """Replace the tags of a link. The caller commits."""
    db = get_db()
    db.execute("DELETE FROM tag WHERE link_id = ?", (link_id,))
    db.executemany(
        "INSERT INTO tag (link_id, name) VALUES (?, ?)",
        [(link_id, name) for name in tags],
    )


def query_links(owner_id, q="", tag="", limit=None):
    """Return the links of a user, newest first, optionally filtered by a
    search term (matched against title and URL) and a tag."""
    sql = "SELECT l.id, l.owner_id, l.url, l.title, l.notes, l.created FROM link l"
    where = ["l.owner_id = ?"]
    params = [owner_id]

    if tag:
        sql += " JOIN tag t ON t.link_id = l.id"
        where.append("t.name = ?")
        params.append(tag)

    if q:
        where.append("(l.title LIKE ? OR l.url LIKE ?)")
        params.extend([f"%{q}%", f"%{q}%"])

    sql += " WHERE " + " AND ".join(where) + " ORDER BY l.created DESC, l.id DESC"

    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)

    return get_db().execute(sql, params).fetchall()


def current_filters():
    """Read the list filters from the query string of the current request."""
    return {
        "q": request.args.get("q", "").strip(),
        "tag": request.args.get("tag", "").strip().lower(),
    }


def get_link(id, check_owner=True):
    """Get a link and its owner by id.

    Checks that the id exists and optionally that the current user is
    the owner.

    :param id: id of the link to get
    :param check_owner: require the current user to be the owner
    :return: the link with owner information
    :raise 404: if a link with the given id doesn't exist
    :raise 403: if the current user isn't the owner
    """
    link = (
        get_db()
        .execute(
            "SELECT l.id, l.owner_id, l.url, l.title, l.notes, l.created, u.username"
            " FROM link l JOIN user u ON l.owner_id = u.id"
            " WHERE l.id = ?",
            (id,),
        )
        .fetchone()
    )

    if link is None:
        abort(404, f"Link id {id} doesn't exist.")

    if check_owner and link["owner_id"] != g.user["id"]:
        abort(403)

    return link


def allowed_file(filename):
    """Only accept a few harmless file types."""
    return "." in filename and filename.rsplit(".", 1)[1].lower() in ALLOWED_EXTENSIONS


@bp.route("/")
@login_required
async def index():
    """Show the links of the logged in user, newest first."""
    filters = current_filters()
    links = query_links(g.user["id"], **filters)
    tags = {link["id"]: get_tags(link["id"]) for link in links}
    theme = request.cookies.get("theme", "light")
    if theme not in THEMES:
        theme = "light"
    return await render_template("links/index.html", links=links, tags=tags, filters=filters, theme=theme)


@bp.route("/theme/<name>")
async def set_theme(name):
    """Remember the preferred color theme in a cookie."""
    if name not in THEMES:
        abort(404)
    response = redirect(url_for("index"))
    response.set_cookie("theme", name, max_age=60 * 60 * 24 * 365, samesite="Lax")
    return response


@bp.route("/create", methods=("GET", "POST"))
@login_required
async def create():
    """Create a new link for the current user."""
    if request.method == "POST":
        url = (await request.form)["url"].strip()
        title = (await request.form).get("title", "").strip()
        notes = (await request.form).get("notes", "")
        tags = parse_tags((await request.form).get("tags", ""))
        error = validate_link(url, title)

        if error is not None:
            await flash(error)
        else:
            db = get_db()
            cursor = db.execute(
                "INSERT INTO link (owner_id, url, title, notes) VALUES (?, ?, ?, ?)",
                (g.user["id"], url, title or url, notes),
            )
            set_tags(cursor.lastrowid, tags)
            db.commit()
            await flash("Link saved.")
            return redirect(url_for("links.index"))

    return await render_template("links/create.html")


@bp.route("/<int:id>/edit", methods=("GET", "POST"))
@login_required
async def edit(id):
    """Update a link if the current user is the owner."""
    link = get_link(id)

    if request.method == "POST":
        url = (await request.form)["url"].strip()
        title = (await request.form).get("title", "").strip()
        notes = (await request.form).get("notes", "")
        tags = parse_tags((await request.form).get("tags", ""))
        error = validate_link(url, title)

        if error is not None:
            await flash(error)
        else:
            db = get_db()
            db.execute(
                "UPDATE link SET url = ?, title = ?, notes = ? WHERE id = ?",
                (url, title or url, notes, id),
            )
            set_tags(id, tags)
            db.commit()
            await flash("Link updated.")
            return redirect(url_for("links.index"))

    return await render_template("links/edit.html", link=link, tags=get_tags(id))


@bp.route("/<int:id>/delete", methods=("POST",))
@login_required
async def delete(id):
    """Delete a link.

    Ensures that the link exists and that the logged in user is the owner.
    """
    get_link(id)
    db = get_db()
    db.execute("DELETE FROM tag WHERE link_id = ?", (id,))
    db.execute("DELETE FROM link WHERE id = ?", (id,))
    db.commit()
    await flash("Link deleted.")
    return redirect(url_for("links.index"))


@bp.route("/export.csv")
@login_required
async def export_csv():
    """Stream all links of the current user as a CSV file."""
    user_id = g.user["id"]

    @stream_with_context
    async def generate():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["id", "url", "title", "tags", "created"])
        yield buffer.getvalue()

        for link in query_links(user_id):
            buffer.seek(0)
            buffer.truncate(0)
            writer.writerow(
                [
                    link["id"],
                    link["url"],
                    link["title"],
                    " ".join(get_tags(link["id"])),
                    link["created"].isoformat(sep=" "),
                ]
            )
            yield buffer.getvalue()

    return Response(
        generate(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=links.csv"},
    )


@bp.route("/uploads", methods=("GET", "POST"))
@login_required
async def uploads():
    """List uploaded files and accept new ones."""
    folder = current_app.config["UPLOAD_FOLDER"]

    if request.method == "POST":
        if "file" not in await request.files:
            await flash("No file part in the request.")
        else:
            file = (await request.files)["file"]
            if file.filename == "":
                await flash("No file selected.")
            elif not allowed_file(file.filename):
                await flash("This file type is not allowed.")
            else:
                name = secure_filename(file.filename)
                await file.save(os.path.join(folder, name))
                await flash(f"Uploaded {name}.")
                return redirect(url_for("links.uploads"))

    files = sorted(os.listdir(folder))
    return await render_template("links/uploads.html", files=files)


@bp.route("/uploads/<name>")
@login_required
async def uploaded_file(name):
    """Show an uploaded file in the browser."""
    return await send_from_directory(current_app.config["UPLOAD_FOLDER"], name)


@bp.route("/uploads/<name>/download")
@login_required
async def download(name):
    """Send an uploaded file as an attachment."""
    filename = secure_filename(name)
    path = os.path.join(current_app.config["UPLOAD_FOLDER"], filename)

    if not filename or not os.path.isfile(path):
        abort(404, f"File {name} doesn't exist.")

    return await send_file(path, as_attachment=True, attachment_filename=filename, conditional=True)
