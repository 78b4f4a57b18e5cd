from hubbub.reflections import services
from hubbub.reflections.models import Reflection

from ..factories import UserFactory


def write(event, user=None, *, items=None, submit=True, **extra) -> Reflection:
    if items is None:
        items = [{"text": "The keynote on change", "action_answer": "yes",
                  "action": "Talk to our procurement lead"}]  # fmt: skip
    if user is None and "name" not in extra:
        user = UserFactory()
    return services.do_save_reflection(
        event=event, user=user, items=items, submit=submit, base_url="http://testserver", **extra
    )


def publish(reflection) -> Reflection:
    reflection.status = Reflection.Status.PUBLISHED
    reflection.published_at = reflection.submitted_at
    reflection.save()
    return reflection
