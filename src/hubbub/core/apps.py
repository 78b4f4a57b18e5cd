from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hubbub.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from . import pageparts, pageversion
        from .admin_audit import connect

        connect()
        pageversion.connect()
        # The header's "Signed in as … / Sign out", drawn per person on shared pages.
        pageparts.register_part("account", _account_links)


def _account_links(request, event, arg) -> str:
    from django.template.loader import render_to_string

    return render_to_string("core/includes/account_links.html", request=request)
