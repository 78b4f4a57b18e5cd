import pytest
from django.core.management import call_command

from hubbub.social.models import SocialPost

pytestmark = pytest.mark.django_db


def test_demo_puts_labelled_posts_on_the_demo_wall_once(client):
    call_command("demo", verbosity=0)
    call_command("demo", verbosity=0)
    posts = SocialPost.objects.filter(event__slug="all-change-2011")
    assert posts.count() == 3
    assert all(p.is_shown and "(Demo post.)" in p.text for p in posts)
    assert all("(demo)" in p.author_name for p in posts)
    page = client.get("/all-change-2011/wall/").content.decode()
    assert "Standing room only for the opening keynote" in page
