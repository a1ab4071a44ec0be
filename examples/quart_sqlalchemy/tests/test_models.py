import pytest
from inkpot.extensions import db
from inkpot.models import Comment, Post, Tag, User, post_tags, slugify


@pytest.fixture
async def ctx(app):
    async with app.app_context():
        yield


def user(name):
    return db.session.scalar(db.select(User).filter_by(username=name))


@pytest.mark.parametrize(
    ("title", "slug"),
    [("Hello, World!", "hello-world"), ("  Many   spaces ", "many-spaces"), ("???", "post")],
)
def test_slugify(title, slug):
    assert slugify(title) == slug


def test_password_is_hashed(ctx):
    ada = user("ada")
    assert ada.password_hash != "ada-password"
    assert ada.check_password("ada-password")
    assert not ada.check_password("grace-password")


def test_new_users_get_an_api_token(ctx):
    first = User(username="x1", email="x1@example.com", password_hash="-")
    second = User(username="x2", email="x2@example.com", password_hash="-")
    db.session.add_all([first, second])
    db.session.commit()
    assert len(first.api_token) == 32
    assert first.api_token != second.api_token


def test_user_posts_newest_first(ctx):
    titles = [post.title for post in user("ada").posts]
    assert titles[0] == "Unfinished"
    assert titles[1:] == [f"Ada's post {n}" for n in range(7, 0, -1)]


def test_post_author_is_the_other_side(ctx):
    post = db.session.scalar(db.select(Post).filter_by(slug="grace-s-notes"))
    assert post.author.username == "grace"
    assert post in post.author.posts


def test_tags_are_many_to_many(ctx):
    python = Tag.query.filter_by(name="python").one()
    assert len(python.posts) == 8
    post = db.session.scalar(db.select(Post).filter_by(slug="grace-s-notes"))
    assert [tag.name for tag in post.tags] == ["compilers", "python"]
    assert post.tag_list == "compilers, python"


def test_get_or_create_reuses_tags(ctx):
    assert Tag.get_or_create(" Python ") is Tag.query.filter_by(name="python").one()
    new = Tag.get_or_create("Rust")
    assert new.name == "rust"
    assert new in db.session.new


def test_set_tags_drops_duplicates_and_blanks(ctx):
    post = db.session.scalar(db.select(Post).filter_by(slug="ada-s-post-1"))
    post.set_tags(["Go", "go", " ", "flask"])
    db.session.commit()
    assert [tag.name for tag in post.tags] == ["flask", "go"]


def test_slugs_are_unique(ctx):
    post = Post(title="Ada's post 1", body="again", author=user("ada"))
    post.make_slug()
    assert post.slug == "ada-s-post-1-2"


def test_comments_in_order(ctx):
    post = db.session.scalar(db.select(Post).filter_by(slug="grace-s-notes"))
    assert [comment.body for comment in post.comments] == ["Great read.", "Thank you!"]
    assert post.comment_count == 2
    assert post.comments[0].author.username == "ada"


def test_deleting_a_post_deletes_its_comments_and_links_not_its_tags(ctx):
    post = db.session.scalar(db.select(Post).filter_by(slug="grace-s-notes"))
    db.session.delete(post)
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(Comment.id))) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(post_tags)) == 11
    assert Tag.query.filter_by(name="compilers").one().posts == []


def test_deleting_a_user_deletes_their_posts(ctx):
    db.session.delete(user("grace"))
    db.session.commit()
    assert Post.query.count() == 8
    assert db.session.scalar(db.select(db.func.count(Comment.id))) == 0


def test_updated_at_is_set_on_change(ctx):
    post = db.session.scalar(db.select(Post).filter_by(slug="ada-s-post-1"))
    assert post.updated_at is None
    post.body = "Changed."
    db.session.commit()
    assert post.updated_at is not None


def test_repr(ctx):
    assert repr(user("ada")) == "<User ada>"
    assert repr(Tag.query.filter_by(name="flask").one()) == "<Tag flask>"
