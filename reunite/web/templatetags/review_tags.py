"""Template helpers for the review queue."""

from django import template

register = template.Library()


@register.filter
def model_probability(value) -> str:
    """The model's probability with as many decimals as it takes not to round an uncertain
    0.9996 up to a certain-looking 1.00."""
    if value is None:
        return "—"
    value = float(value)
    if value >= 1.0:
        return "1"
    for digits in (2, 3, 4):
        shown = f"{value:.{digits}f}"
        if float(shown) < 1.0:
            return shown
    return "> 0.9999"
