from django import template

from motcua.desk import text
from motcua.dossiers.satisfaction import rating_scale as configured_scale

register = template.Library()


@register.simple_tag
def rating_scale() -> list[tuple[int, str]]:
    """The rating scale's (score, label in the page's language), best first."""
    return [(score, text.pick(vi, en)) for score, vi, en in configured_scale()]
