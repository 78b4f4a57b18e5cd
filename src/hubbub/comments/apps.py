from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "hubbub.comments"
    label = "comments"
    verbose_name = _("Comments and likes")

    def ready(self):
        from hubbub.events.demo import register_demo_loader
        from hubbub.live.extensions import register_entry_extras
        from hubbub.live.models import LiveEntry

        from .demo import load_demo_comment_policy, load_demo_entry_conversation
        from .models import Comment
        from .reactions import entry_reactions
        from .targets import comment_target, entry_target, register

        register("entry", LiveEntry, entry_target)
        register("comment", Comment, comment_target)
        register_entry_extras(entry_reactions)
        register_demo_loader(load_demo_comment_policy, order=15)
        # After the live updates (20) and the unconference's notes (30).
        register_demo_loader(load_demo_entry_conversation, order=40)

        from hubbub.core import pageparts

        from . import audit
        from .services import form_timestamp
        from .views import render_comments_part

        audit.register()
        # A shared page's comments: a reader's own (edit links, likes) drawn for them, and a
        # new single-use timing token in every answer's comment form.
        pageparts.register_part("comments", render_comments_part, for_visitors=True)
        pageparts.register_fresh("comment_ts", form_timestamp)
