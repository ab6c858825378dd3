"""Small template helpers: capabilities, need-to-know, status badges, query strings."""

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

from reunite.access.policy import Cap, Restricted, has_cap, may_see
from reunite.core.dates import DAY, MONTH, PartialDate, age_text, as_partial
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


def _partial(value) -> PartialDate | None:
    """A child (its date of birth at the precision known), a date or a partial ISO string."""
    if hasattr(value, "dob_partial"):
        return value.dob_partial
    return as_partial(value)


@register.filter
def age(value, on=None):
    """Age in whole years on a day (the operation's start, as the report counts ages; today
    when no day is given): "14", or "13–14" for a date of birth known only to the month or the
    year. None when the date of birth is unknown."""
    return age_text(_partial(value), on or timezone.localdate())


@register.filter
def partial_date(value) -> str:
    """A date at the precision known, in the page's language: "14 May 2007", "May 2007",
    "2007"."""
    partial = _partial(value)
    if partial is None:
        return ""
    if partial.precision == DAY:
        return date_format(partial.earliest(), "DATE_FORMAT")
    if partial.precision == MONTH:
        return date_format(partial.earliest(), "YEAR_MONTH_FORMAT")
    return str(partial.year)


@register.simple_tag
def clock_state(clock, now) -> str:
    """"1 h 25 min left" or "3 h overdue": the law counts hours (compliance clocks)."""
    minutes = clock.minutes_left(now)
    if not clock.overdue(now):
        return _("%(h)d h %(m)02d min left") % {"h": minutes // 60, "m": minutes % 60}
    hours = -minutes // 60
    if hours >= 48:
        return _("%(h)d h overdue (%(d)d days)") % {"h": hours, "d": hours // 24}
    return _("%(h)d h %(m)02d min overdue") % {"h": hours, "m": -minutes % 60}


@register.filter
def is_restricted(value) -> bool:
    from reunite.web.casefile import RESTRICTED

    return value is RESTRICTED


@register.filter
def clock_overdue(clock, now) -> bool:
    return clock.overdue(now)


@register.filter
def describe(code: str, kind: str) -> str:
    """An NCIC description code in plain words: `child.race|describe:"race"`."""
    from reunite.web import descriptions

    return getattr(descriptions, kind)(code)
