import pytest
from inkpot import create_app
from inkpot.extensions import db
from inkpot.models import Comment, Post, Tag
from sample_data import populated


def titles(response):
    """The post titles listed on a page, in order."""
    text = response.get_data(as_text=True)
    return [part.split("</a></h2>")[0].split(">")[-1] for part in text.split("<h2><a ")[1:]]


def test_index_shows_the_newest_published_posts(client):
    response = client.get("/")
    assert response.status_code == 200
    assert titles(response) == [
        "Grace&#39;s notes",
        "Ada&#39;s post 7",
        "Ada&#39;s post 6",
        "Ada&#39;s post 5",
        "Ada&#39;s post 4",
    ]
    assert b"Unfinished" not in response.data


def test_index_second_page(client):
    response = client.get("/?page=2")
    assert response.status_code == 200
    assert titles(response) == ["Ada&#39;s post 3", "Ada&#39;s post 2", "Ada&#39;s post 1"]
    assert b'rel="prev" href="/?page=1"' in response.data
    assert b'rel="next"' not in response.data


def test_index_links_the_next_page(client):
    assert b'rel="next" href="/?page=2"' in client.get("/").data


def test_index_past_the_last_page_is_404(client):
    assert client.get("/?page=3").status_code == 404


def test_index_shows_tags_and_comment_counts(client):
    text = client.get("/").get_data(as_text=True)
    assert 'href="/tag/compilers">#compilers</a>' in text
    assert "2 comments" in text
    assert "0 comments" in text


@pytest.mark.parametrize("per_page", [3, 10])
def test_posts_per_page_is_configurable(app_config, per_page):

    app = populated(create_app({**app_config, "POSTS_PER_PAGE": per_page}))
    response = app.test_client().get("/")
    assert len(titles(response)) == min(per_page, 8)


def test_empty_blog(app, client):
    with app.app_context():
        db.drop_all()
        db.create_all()
    response = client.get("/")
    assert response.status_code == 200
    assert b"Nothing here yet." in response.data


def test_post_detail(client):
    response = client.get("/post/grace-s-notes")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Compilers!" in text
    assert "<strong>ada</strong>: Great read." in text
    assert "2 comments" in text


def test_unknown_post_is_404(client):
    assert client.get("/post/nothing-like-this").status_code == 404


def test_draft_is_hidden_from_others(client, auth):
    assert client.get("/post/unfinished").status_code == 404
    auth.login("grace", "grace-password")
    assert client.get("/post/unfinished").status_code == 404


def test_draft_is_shown_to_its_author(client, auth):
    auth.login()
    response = client.get("/post/unfinished")
    assert response.status_code == 200
    assert b'class="draft"' in response.data


def test_drafts_page(client, auth):
    auth.login()
    response = client.get("/drafts")
    assert b"Unfinished" in response.data
    auth.login("grace", "grace-password")
    assert b"No drafts." in client.get("/drafts").data


def test_create_page(client, auth):
    auth.login()
    response = client.get("/create")
    assert response.status_code == 200
    assert b'name="tags"' in response.data


def test_create(client, auth, app):
    auth.login()
    response = client.post(
        "/create",
        data={"title": "New things", "body": "Lots of them.", "tags": "News, python, news", "published": "y"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/post/new-things"
    with app.app_context():
        post = db.session.scalar(db.select(Post).filter_by(slug="new-things"))
        assert post.author.username == "ada"
        assert post.published
        assert [tag.name for tag in post.tags] == ["news", "python"]
        assert Tag.query.count() == 4


def test_create_a_draft(client, auth, app):
    auth.login()
    client.post("/create", data={"title": "Later", "body": "Not yet."})
    with app.app_context():
        assert not db.session.scalar(db.select(Post).filter_by(slug="later")).published


def test_create_same_title_gets_a_new_slug(client, auth):
    auth.login()
    response = client.post("/create", data={"title": "Grace's notes", "body": "Mine.", "published": "y"})
    assert response.headers["Location"] == "/post/grace-s-notes-2"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "body": "x"}, b"This field is required."),
        ({"title": "x" * 121, "body": "x"}, b"Field cannot be longer than 120 characters."),
        ({"title": "x", "body": "x", "tags": "a, " + "b" * 31}, b"A tag has at most 30 characters."),
    ],
)
def test_create_validation(client, auth, app, data, message):
    auth.login()
    response = client.post("/create", data=data)
    assert response.status_code == 200
    assert message in response.data
    with app.app_context():
        assert Post.query.count() == 9


def test_edit_page_is_filled_in(client, auth):
    auth.login()
    text = client.get("/post/1/edit").get_data(as_text=True)
    assert 'value="Ada&#39;s post 1"' in text
    assert 'value="flask, python"' in text


def test_edit(client, auth, app):
    auth.login()
    response = client.post("/post/1/edit", data={"title": "Renamed", "body": "New text.", "tags": "rust"})
    assert response.headers["Location"] == "/post/ada-s-post-1"
    with app.app_context():
        post = db.session.get(Post, 1)
        assert (post.title, post.body, post.published) == ("Renamed", "New text.", False)
        assert [tag.name for tag in post.tags] == ["rust"]
        assert post.updated_at is not None


def test_edit_someone_elses_post_is_forbidden(client, auth):
    auth.login("grace", "grace-password")
    response = client.get("/post/1/edit")
    assert response.status_code == 403
    assert b"That is not yours to change." in response.data
    assert client.post("/post/1/delete").status_code == 403


def test_edit_unknown_post_is_404(client, auth):
    auth.login()
    assert client.get("/post/99/edit").status_code == 404
    assert client.post("/post/99/delete").status_code == 404


def test_delete(client, auth, app):
    auth.login()
    response = client.post("/post/9/delete", follow_redirects=False)
    assert response.status_code == 403
    response = client.post("/post/1/delete")
    assert response.headers["Location"] == "/"
    with app.app_context():
        assert db.session.get(Post, 1) is None
    assert client.get("/post/ada-s-post-1").status_code == 404


def test_comment(client, auth, app):
    auth.login("grace", "grace-password")
    response = client.post("/post/ada-s-post-3/comment", data={"body": "Nice one."}, follow_redirects=True)
    assert response.status_code == 200
    assert b"Thanks for your comment." in response.data
    assert b"<strong>grace</strong>: Nice one." in response.data
    with app.app_context():
        assert Comment.query.count() == 3


def test_comment_needs_a_body(client, auth):
    auth.login()
    response = client.post("/post/ada-s-post-3/comment", data={"body": ""})
    assert response.status_code == 400
    assert b"This field is required." in response.data


def test_comment_needs_a_login(client):
    response = client.post("/post/ada-s-post-3/comment", data={"body": "Hi"})
    assert response.headers["Location"] == "/auth/login?next=/post/ada-s-post-3/comment"


def test_no_comments_on_drafts(client, auth):
    auth.login()
    assert client.post("/post/unfinished/comment", data={"body": "Hi"}).status_code == 404


def test_tag_page(client):
    response = client.get("/tag/flask")
    assert response.status_code == 200
    assert titles(response) == [f"Ada&#39;s post {n}" for n in (7, 5, 3, 1)]
    assert b"4 posts" in response.data


def test_tag_page_is_paginated(client):
    first = client.get("/tag/python")
    assert b"8 posts" in first.data
    assert len(titles(first)) == 5
    assert b'href="/tag/python?page=2"' in first.data
    second = client.get("/tag/python?page=2")
    assert titles(second) == ["Ada&#39;s post 3", "Ada&#39;s post 2", "Ada&#39;s post 1"]


def test_tag_page_past_the_end_is_empty(client):
    response = client.get("/tag/python?page=7")
    assert response.status_code == 200
    assert titles(response) == []


def test_tag_names_are_case_insensitive(client):
    assert titles(client.get("/tag/Compilers")) == ["Grace&#39;s notes"]


def test_unknown_tag_is_404(client):
    assert client.get("/tag/cobol").status_code == 404


def test_author_page(client):
    response = client.get("/author/grace")
    assert response.status_code == 200
    assert titles(response) == ["Grace&#39;s notes"]
    assert b"1 post, member since 2026-01-01" in response.data


def test_author_page_second_page(client):
    assert len(titles(client.get("/author/ada?page=2"))) == 2


def test_unknown_author_is_404(client):
    assert client.get("/author/nobody").status_code == 404


def test_navigation_shows_the_user(client, auth):
    assert b"Sign up" in client.get("/").data
    auth.login()
    text = client.get("/").get_data(as_text=True)
    assert 'href="/author/ada">ada</a>' in text
    assert "Log out" in text
