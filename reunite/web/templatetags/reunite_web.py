"""Small template helpers: capabilities, need-to-know, status badges, query strings."""

from django import template
from django.utils import timezone
from django.utils.html import format_html

from reunite.access.policy import Cap, Restricted, has_cap, may_see
from reunite.core.dates import age_on
from reunite.operations.models import TargetStatus

register = template.Library()


@register.filter
def can(user, cap: str) -> bool:
    return has_cap(user, Cap(cap))


@register.filter
def may_know(user, restricted: str) -> bool:
    return may_see(user, Restricted(restricted))


@register.simple_tag
def status_badge(status: str):
    """Status in words and a shape, never colour alone (WCAG 1.4.1)."""
    label = TargetStatus(status).label if status in TargetStatus.values else status
    return format_html('<span class="badge badge-{}">{}</span>', status, label)


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters changed (for sorting and paging links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    if "page" not in changes:
        params.pop("page", None)
    if "after" not in changes:
        params.pop("after", None)  # a keyset cursor belongs to the one "Next" link
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def age(dob, on=None):
    """Age in whole years on a day (the operation's start, as the report counts ages; today
    when no day is given). None when the date of birth is unknown."""
    if not dob:
        return None
    return age_on(dob, on or timezone.localdate())


@register.filter
def days_overdue(clock, today) -> int:
    return clock.days_overdue(today)


@register.filter
def is_restricted(value) -> bool:
    from reunite.web.casefile import RESTRICTED

    return value is RESTRICTED


@register.filter
def describe(code: str, kind: str) -> str:
    """An NCIC description code in plain words: `child.race|describe:"race"`."""
    from reunite.web import descriptions

    return getattr(descriptions, kind)(code)
