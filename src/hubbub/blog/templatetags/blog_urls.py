from django import template

from hubbub.blog.urlnames import blog_url as _blog_url
from hubbub.comments.urlnames import comments_url as _comments_url

register = template.Library()


@register.simple_tag
def blog_url(name, event=None, **kwargs):
    return _blog_url(name, event or None, **kwargs)


@register.simple_tag
def comments_url(name, event=None, **kwargs):
    return _comments_url(name, event or None, **kwargs)
