from django import template

from hubbub.core import colour, pageparts
from hubbub.core.permissions import Action, policy

register = template.Library()


@register.filter
def is_team_member(user, event) -> bool:
    """Whether ``user`` has any role on ``event`` (for links only the team needs)."""
    return policy.has_any_role(user, event)


@register.filter
def can_manage(user, event) -> bool:
    """Whether ``user`` may manage ``event`` (for the link to its organiser tools)."""
    return policy.can(user, Action.MANAGE_EVENT, event)


@register.filter
def text_colour_on(background: str) -> str:
    """White or near-black, whichever reads better on ``background`` (#RRGGBB)."""
    return colour.text_colour_on(background)


@register.tag("part")
def do_part(parser, token):
    """``{% part "name" arg %}…{% endpart %}``: a per-person part of a shared page
    (core/pageparts.py). In a copy, the stranger's version is kept between markers that the
    page cache replaces with the reader's own; everywhere else it is just the content."""
    bits = token.split_contents()
    if len(bits) not in (2, 3):
        raise template.TemplateSyntaxError('{% part "name" [arg] %} takes a name and an argument')
    nodelist = parser.parse(("endpart",))
    parser.delete_first_token()
    name = parser.compile_filter(bits[1])
    arg = parser.compile_filter(bits[2]) if len(bits) == 3 else None
    return PartNode(nodelist, name, arg)


class PartNode(template.Node):
    def __init__(self, nodelist, name, arg):
        self.nodelist, self.name, self.arg = nodelist, name, arg

    def render(self, context):
        content = self.nodelist.render(context)
        request = context.get("request")
        if request is None or not pageparts.marks_parts(request):
            return content
        name = self.name.resolve(context)
        arg = "" if self.arg is None else str(self.arg.resolve(context))
        return pageparts.PART_START.format(name=name, arg=arg) + content + pageparts.PART_END
