import pytest
from inkpot import create_app
from inkpot.extensions import db
from inkpot.models import Comment, Post, Tag
from sample_data import populated


def _f2q_form_files(data):
    """A Flask test-client `data=` mapping as Quart's `form=`/`files=`, encoded as Werkzeug's
    EnvironBuilder does: list values are repeated fields, other values `str()`'d, tuples and
    readable objects are files (content type guessed from the file name); no files, no multipart
    (added by flask2quart, F2Q202)."""
    import mimetypes

    from quart.datastructures import FileStorage
    from werkzeug.datastructures import MultiDict

    class Fields(list):
        """Pairs, repeated names kept: Quart's test client reads fields and files with `.items()`."""

        def items(self):
            return list(self)

    if data is None or isinstance(data, (str, bytes)):
        return {"data": data}  # a raw body: Quart takes it as Flask did
    if hasattr(data, "read"):
        return {"data": data.read()}
    if not hasattr(data, "items"):
        raise TypeError(f"data= of type {type(data).__name__}: pass a dict, str or bytes (flask2quart, F2Q202)")
    form, files = [], Fields()
    items = data.items(multi=True) if isinstance(data, MultiDict) else data.items()
    for key, value in items:
        for item in value if isinstance(value, list) and not isinstance(data, MultiDict) else [value]:
            if isinstance(item, FileStorage):
                files.append((key, item))
            elif isinstance(item, tuple) or hasattr(item, "read"):
                stream, filename, content_type = (*item, None, None)[:3] if isinstance(item, tuple) else (item, None, None)
                if isinstance(stream, str):
                    filename = filename or stream
                    stream = open(stream, "rb")  # noqa: SIM115 - read by the request, as in Werkzeug
                if filename and content_type is None:
                    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
                files.append((key, FileStorage(stream, filename=filename, name=key, content_type=content_type)))
            else:
                form.append((key, item))
    if not files:  # urlencoded: Werkzeug leaves out None values
        return {"form": Fields((k, v if isinstance(v, str) else str(v)) for k, v in form if v is not None)}
    return {"form": Fields((k, v if isinstance(v, str) else str(v)) for k, v in form), "files": files}


async def titles(response):
    """The post titles listed on a page, in order."""
    text = await response.get_data(as_text=True)
    return [part.split("</a></h2>")[0].split(">")[-1] for part in text.split("<h2><a ")[1:]]


async def test_index_shows_the_newest_published_posts(client):
    response = await client.get("/")
    assert response.status_code == 200
    assert await titles(response) == [
        "Grace&#39;s notes",
        "Ada&#39;s post 7",
        "Ada&#39;s post 6",
        "Ada&#39;s post 5",
        "Ada&#39;s post 4",
    ]
    assert b"Unfinished" not in await response.get_data()


async def test_index_second_page(client):
    response = await client.get("/?page=2")
    assert response.status_code == 200
    assert await titles(response) == ["Ada&#39;s post 3", "Ada&#39;s post 2", "Ada&#39;s post 1"]
    assert b'rel="prev" href="/?page=1"' in await response.get_data()
    assert b'rel="next"' not in await response.get_data()


async def test_index_links_the_next_page(client):
    assert b'rel="next" href="/?page=2"' in await (await client.get("/")).get_data()


async def test_index_past_the_last_page_is_404(client):
    assert (await client.get("/?page=3")).status_code == 404


async def test_index_shows_tags_and_comment_counts(client):
    text = await (await client.get("/")).get_data(as_text=True)
    assert 'href="/tag/compilers">#compilers</a>' in text
    assert "2 comments" in text
    assert "0 comments" in text


@pytest.mark.parametrize("per_page", [3, 10])
async def test_posts_per_page_is_configurable(app_config, per_page):

    app = await populated(create_app({**app_config, "POSTS_PER_PAGE": per_page}))
    response = await app.test_client().get("/")
    assert len(await titles(response)) == min(per_page, 8)


async def test_empty_blog(app, client):
    async with app.app_context():
        db.drop_all()
        db.create_all()
    response = await client.get("/")
    assert response.status_code == 200
    assert b"Nothing here yet." in await response.get_data()


async def test_post_detail(client):
    response = await client.get("/post/grace-s-notes")
    assert response.status_code == 200
    text = await response.get_data(as_text=True)
    assert "Compilers!" in text
    assert "<strong>ada</strong>: Great read." in text
    assert "2 comments" in text


async def test_unknown_post_is_404(client):
    assert (await client.get("/post/nothing-like-this")).status_code == 404


async def test_draft_is_hidden_from_others(client, auth):
    assert (await client.get("/post/unfinished")).status_code == 404
    await auth.login("grace", "grace-password")
    assert (await client.get("/post/unfinished")).status_code == 404


async def test_draft_is_shown_to_its_author(client, auth):
    await auth.login()
    response = await client.get("/post/unfinished")
    assert response.status_code == 200
    assert b'class="draft"' in await response.get_data()


async def test_drafts_page(client, auth):
    await auth.login()
    response = await client.get("/drafts")
    assert b"Unfinished" in await response.get_data()
    await auth.login("grace", "grace-password")
    assert b"No drafts." in await (await client.get("/drafts")).get_data()


async def test_create_page(client, auth):
    await auth.login()
    response = await client.get("/create")
    assert response.status_code == 200
    assert b'name="tags"' in await response.get_data()


async def test_create(client, auth, app):
    await auth.login()
    response = await client.post(
        "/create",
        form={"title": "New things", "body": "Lots of them.", "tags": "News, python, news", "published": "y"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/post/new-things"
    async with app.app_context():
        post = db.session.scalar(db.select(Post).filter_by(slug="new-things"))
        assert post.author.username == "ada"
        assert post.published
        assert [tag.name for tag in post.tags] == ["news", "python"]
        assert Tag.query.count() == 4


async def test_create_a_draft(client, auth, app):
    await auth.login()
    await client.post("/create", form={"title": "Later", "body": "Not yet."})
    async with app.app_context():
        assert not db.session.scalar(db.select(Post).filter_by(slug="later")).published


async def test_create_same_title_gets_a_new_slug(client, auth):
    await auth.login()
    response = await client.post("/create", form={"title": "Grace's notes", "body": "Mine.", "published": "y"})
    assert response.headers["Location"] == "/post/grace-s-notes-2"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "body": "x"}, b"This field is required."),
        ({"title": "x" * 121, "body": "x"}, b"Field cannot be longer than 120 characters."),
        ({"title": "x", "body": "x", "tags": "a, " + "b" * 31}, b"A tag has at most 30 characters."),
    ],
)
async def test_create_validation(client, auth, app, data, message):
    await auth.login()
    response = await client.post("/create", **_f2q_form_files(data))
    assert response.status_code == 200
    assert message in await response.get_data()
    async with app.app_context():
        assert Post.query.count() == 9


async def test_edit_page_is_filled_in(client, auth):
    await auth.login()
    text = await (await client.get("/post/1/edit")).get_data(as_text=True)
    assert 'value="Ada&#39;s post 1"' in text
    assert 'value="flask, python"' in text


async def test_edit(client, auth, app):
    await auth.login()
    response = await client.post("/post/1/edit", form={"title": "Renamed", "body": "New text.", "tags": "rust"})
    assert response.headers["Location"] == "/post/ada-s-post-1"
    async with app.app_context():
        post = db.session.get(Post, 1)
        assert (post.title, post.body, post.published) == ("Renamed", "New text.", False)
        assert [tag.name for tag in post.tags] == ["rust"]
        assert post.updated_at is not None


async def test_edit_someone_elses_post_is_forbidden(client, auth):
    await auth.login("grace", "grace-password")
    response = await client.get("/post/1/edit")
    assert response.status_code == 403
    assert b"That is not yours to change." in await response.get_data()
    assert (await client.post("/post/1/delete")).status_code == 403


async def test_edit_unknown_post_is_404(client, auth):
    await auth.login()
    assert (await client.get("/post/99/edit")).status_code == 404
    assert (await client.post("/post/99/delete")).status_code == 404


async def test_delete(client, auth, app):
    await auth.login()
    response = await client.post("/post/9/delete", follow_redirects=False)
    assert response.status_code == 403
    response = await client.post("/post/1/delete")
    assert response.headers["Location"] == "/"
    async with app.app_context():
        assert db.session.get(Post, 1) is None
    assert (await client.get("/post/ada-s-post-1")).status_code == 404


async def test_comment(client, auth, app):
    await auth.login("grace", "grace-password")
    response = await client.post("/post/ada-s-post-3/comment", form={"body": "Nice one."}, follow_redirects=True)
    assert response.status_code == 200
    assert b"Thanks for your comment." in await response.get_data()
    assert b"<strong>grace</strong>: Nice one." in await response.get_data()
    async with app.app_context():
        assert Comment.query.count() == 3


async def test_comment_needs_a_body(client, auth):
    await auth.login()
    response = await client.post("/post/ada-s-post-3/comment", form={"body": ""})
    assert response.status_code == 400
    assert b"This field is required." in await response.get_data()


async def test_comment_needs_a_login(client):
    response = await client.post("/post/ada-s-post-3/comment", form={"body": "Hi"})
    assert response.headers["Location"] == "/auth/login?next=/post/ada-s-post-3/comment"


async def test_no_comments_on_drafts(client, auth):
    await auth.login()
    assert (await client.post("/post/unfinished/comment", form={"body": "Hi"})).status_code == 404


async def test_tag_page(client):
    response = await client.get("/tag/flask")
    assert response.status_code == 200
    assert await titles(response) == [f"Ada&#39;s post {n}" for n in (7, 5, 3, 1)]
    assert b"4 posts" in await response.get_data()


async def test_tag_page_is_paginated(client):
    first = await client.get("/tag/python")
    assert b"8 posts" in await first.get_data()
    assert len(await titles(first)) == 5
    assert b'href="/tag/python?page=2"' in await first.get_data()
    second = await client.get("/tag/python?page=2")
    assert await titles(second) == ["Ada&#39;s post 3", "Ada&#39;s post 2", "Ada&#39;s post 1"]


async def test_tag_page_past_the_end_is_empty(client):
    response = await client.get("/tag/python?page=7")
    assert response.status_code == 200
    assert await titles(response) == []


async def test_tag_names_are_case_insensitive(client):
    assert await titles(await client.get("/tag/Compilers")) == ["Grace&#39;s notes"]


async def test_unknown_tag_is_404(client):
    assert (await client.get("/tag/cobol")).status_code == 404


async def test_author_page(client):
    response = await client.get("/author/grace")
    assert response.status_code == 200
    assert await titles(response) == ["Grace&#39;s notes"]
    assert b"1 post, member since 2026-01-01" in await response.get_data()


async def test_author_page_second_page(client):
    assert len(await titles(await client.get("/author/ada?page=2"))) == 2


async def test_unknown_author_is_404(client):
    assert (await client.get("/author/nobody")).status_code == 404


async def test_navigation_shows_the_user(client, auth):
    assert b"Sign up" in await (await client.get("/")).get_data()
    await auth.login()
    text = await (await client.get("/")).get_data(as_text=True)
    assert 'href="/author/ada">ada</a>' in text
    assert "Log out" in text
