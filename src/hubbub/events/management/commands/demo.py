from django.core.management.base import BaseCommand

from hubbub.events.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo events, rooms, speakers and users (safe to run again)."

    def handle(self, *args, **options):
        users = load_demo()
        self.stdout.write("Demo events: /all-change-2011/ and /lg-innovation-2008/ (demo data).")
        self.stdout.write(
            "Live today: /personalisation-workshop/live/ (serve with HUBBUB_DEMO_LIVE=1 and a "
            "demo reporting team posts every 20-40 seconds)."
        )
        self.stdout.write("Demo users (passwords for this demo only):")
        for user in users:
            where = user.event or "every demo event"
            self.stdout.write(f"  {user.username:<10} {user.password:<22} {user.role} on {where}")
