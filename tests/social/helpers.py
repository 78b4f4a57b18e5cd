from datetime import UTC, datetime

from django.core.files.base import ContentFile

from hubbub.social.models import SocialImage, SocialPost

from .fakes import photo_bytes

_numbers = iter(range(1, 10**6))


def make_post(event, *, status="queued", handle="@sam@social.example.org", image=False, **kw):
    number = next(_numbers)
    url = f"https://social.example.org/@sam/{number}"
    post = SocialPost.objects.create(
        event=event,
        network=kw.pop("network", "mastodon"),
        uri=url,
        url=url,
        author_name=kw.pop("author_name", "Sam Ortiz"),
        author_handle=handle,
        text=kw.get("text", f"Post number {number} about the keynote"),
        text_html=kw.pop("text_html", f"<p>Post number {number} about the keynote</p>"),
        posted_at=kw.pop("posted_at", datetime(2030, 6, 10, 9, number % 60, tzinfo=UTC)),
        status=status,
        **{k: v for k, v in kw.items() if k != "text"},
    )
    if image:
        stored = SocialImage(post=post, alt="The hall", width=64, height=48)
        stored.image.save("photo.jpg", ContentFile(photo_bytes(exif_gps=False)), save=False)
        stored.save()
    return post
