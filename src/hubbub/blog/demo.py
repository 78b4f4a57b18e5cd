"""The demo conference's event blog: what the team wrote before, on and after the day, with
readers' comments and likes. Every post says it is demo data."""

from datetime import datetime

from django.contrib.auth import get_user_model

from hubbub.comments.demo import add_demo_comments, add_demo_likes
from hubbub.core.demo_images import demo_photo
from hubbub.events.demo import DEMO_NOTE, LONDON

from .models import Post
from .services import do_save_post

DEMO_EVENT = "all-change-2011"

# (published, title, body, categories, tags, cover caption, comments, likes)
DEMO_POSTS = [
    (
        datetime(2011, 11, 21, 9, 0, tzinfo=LONDON),
        "All Change 2011: the programme is out",
        "Think-tanks for leaders and chief executives in the morning, four workshops, a "
        "supplier marketplace at lunch and an unconference in the afternoon: the full "
        "programme for 9 December is on the event page.\n\n"
        "Places in the think-tanks are limited, so tell us which one you want when you "
        "book.\n\n" + DEMO_NOTE,
        "News",
        "programme, booking",
        "",
        [("Eleri James (demo reader)", "Booked. Is there parking at the business school?")],
        4,
    ),
    (
        datetime(2011, 12, 9, 18, 30, tzinfo=LONDON),
        "What we heard at All Change 2011",
        "A day about leading while everything changes, and a surprising amount of agreement "
        "that the answer is not a new structure chart.\n\n"
        "## Three things we heard all day\n\n"
        "1. **Redesign, do not just cut.** Dr Okafor's opening line stuck: change is the job.\n"
        "2. **Share what is boring.** The chief executives' think-tank was keen on sharing back "
        "offices and cautious about sharing anything residents notice.\n"
        "3. **Ask the people who use it.** Every workshop came back to it.\n\n"
        "The live blog of the day and the unconference notes are on the event page.\n\n"
        + DEMO_NOTE,
        "Reports",
        "leadership, shared services, unconference",
        "The Main Hall at the closing session",
        [
            (
                "Ffion Rhys (demo reader)",
                "Thanks for the write-up: the point about boring things is exactly right.",
            ),
            (
                "Gareth Lloyd (demo reader)",
                "Will the slides from the keynote be shared? The one about the three horizons "
                "was useful.",
            ),
        ],
        11,
    ),
    (
        datetime(2011, 12, 12, 10, 0, tzinfo=LONDON),
        "Slides, photos and unconference notes",
        "The keynote slides and the photo gallery from the day are up, and each unconference "
        "topic's notes are on its page. Thank you to the hosts who wrote them up on the day.\n\n"
        + DEMO_NOTE,
        "News",
        "slides, photos, unconference",
        "",
        [("Hannah Price (demo reader)", "The gallery brings it back. Same again next year?")],
        6,
    ),
]


INNOVATION_EVENT = "lg-innovation-2008"
INNOVATION_POST = (
    datetime(2008, 11, 21, 10, 0, tzinfo=LONDON),
    "Innovation 2008: two days in one page",
    "Two days, three keynotes and one message that kept coming back: an idea is not an "
    "innovation until it is how things are done.\n\n"
    "- **Why innovation stalls**: pilots that never end.\n"
    "- **Tenants as designers**: the repairs service Valleys Housing Trust rebuilt with its "
    "tenants.\n"
    "- **Open data in councils**: five councils will publish their spending every month.\n\n"
    + DEMO_NOTE,
)


def load_demo_posts(demo) -> None:
    _load_innovation_post(demo)
    event = demo.events[DEMO_EVENT]
    if Post.objects.filter(event=event).exists():
        return
    editor = get_user_model().objects.get(username="editor")
    for number, (published, title, body, categories, tags, cover, comments, likes) in enumerate(
        DEMO_POSTS
    ):
        post = do_save_post(
            event=event,
            author=editor,
            title=title,
            body=body,
            status=Post.Status.PUBLISHED,
            publish_at=published,
            categories=categories,
            tags=tags,
            cover=demo_photo(200 + number, cover) if cover else None,
            cover_alt=f"{cover} (a drawn demo picture of coloured shapes)" if cover else "",
        )
        Post.objects.filter(pk=post.pk).update(created_at=published)
        add_demo_comments(post, comments, moderator=editor, at=published.replace(hour=20))
        add_demo_likes(post, likes)


def _load_innovation_post(demo) -> None:
    """Only while the demo fills it: once it is an archive nothing more can be written."""
    event = demo.events.get(INNOVATION_EVENT)
    if event is None or event.is_archive or Post.objects.filter(event=event).exists():
        return
    published, title, body = INNOVATION_POST
    organiser = get_user_model().objects.get(username="organiser")
    post = do_save_post(
        event=event,
        author=organiser,
        title=title,
        body=body,
        status=Post.Status.PUBLISHED,
        publish_at=published,
        categories="Reports",
        tags="innovation, open data",
    )
    Post.objects.filter(pk=post.pk).update(created_at=published)
