from django.urls import path

from . import feeds

urlpatterns = [
    path("posts.rss", feeds.SitePostsFeed(), name="feed_site_rss"),
    path("posts.atom", feeds.SitePostsAtomFeed(), name="feed_site_atom"),
    path("comments.rss", feeds.CommentsFeed(), name="feed_comments_rss"),
    path("comments.atom", feeds.CommentsAtomFeed(), name="feed_comments_atom"),
    path("category/<slug:slug>.rss", feeds.CategoryFeed(), name="feed_category_rss"),
    path("category/<slug:slug>.atom", feeds.CategoryAtomFeed(), name="feed_category_atom"),
]

event_urlpatterns = [
    path("rss", feeds.EventPostsFeed(), name="feed_event_rss"),
    path("atom", feeds.EventPostsAtomFeed(), name="feed_event_atom"),
    path("json", feeds.event_json_feed, name="feed_event_json"),
    path("comments.rss", feeds.EventCommentsFeed(), name="feed_event_comments_rss"),
    path("comments.atom", feeds.EventCommentsAtomFeed(), name="feed_event_comments_atom"),
]
