"""The audit log in words: changes as "field: old → new", objects by name."""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


def _value(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_value(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@register.filter
def changes_in_words(changes) -> str:
    """{field: [old, new]} (a change) or {key: value} (what was done), one short line each."""
    if not changes:
        return ""
    items = []
    for key, value in changes.items():
        label = str(key).replace("_", " ")
        if isinstance(value, list) and len(value) == 2 and key not in ("targets", "sources"):
            items.append((label, f"{_value(value[0])} → {_value(value[1])}"))
        else:
            items.append((label, _value(value)))
    return format_html('<ul class="changes">{}</ul>', format_html_join(
        "", "<li><span class=\"muted\">{}:</span> {}</li>", items))


@register.filter
def name_for(names: dict, event) -> str:
    """The event's object by name (see `object_names`), else its type and id."""
    name = (names or {}).get((event.object_type, str(event.object_id)))
    if name:
        return name
    return f"{event.object_type} {event.object_id}".strip()
