from django import template

register = template.Library()


@register.simple_tag
def count_of(backlog, state: str, channel: str) -> int:
    return backlog.counts.get((state, channel), 0)
