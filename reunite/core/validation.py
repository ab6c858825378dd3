"""Small validators shared by intake, the API and the pages."""

import datetime as dt

import pycountry

from reunite.core.dates import parse_date
from reunite.core.errors import DomainError


def require_date(value, field: str) -> dt.date:
    day = parse_date(value, field)
    if day is None:
        raise DomainError("required", f"{field} is required.", field)
    return day


def not_in_future(day: dt.date, field: str) -> dt.date:
    if day > dt.date.today():
        raise DomainError("invalid_date", f"{field} {day.isoformat()} is in the future.", field)
    return day


def choice(value, allowed, field: str, what: str | None = None) -> str:
    """A value from a TextChoices class (or any iterable of strings), or a refusal naming it."""
    options = [str(c) for c in getattr(allowed, "values", allowed)]
    text = (value or "").strip() if isinstance(value, str) else value
    if text not in options:
        raise DomainError(
            f"invalid_{field}",
            f"'{value}' is not a known {what or field}: use one of {', '.join(options)}.",
            field,
        )
    return text


def country_code(value, field: str = "country", default: str = "US") -> str:
    """ISO 3166 alpha-2 code from a code or a name ('MX', 'Mexico', 'México')."""
    text = (value or "").strip()
    if not text:
        return default
    try:
        country = pycountry.countries.lookup(text)
    except LookupError:
        try:
            country = pycountry.countries.search_fuzzy(text)[0] if len(text) > 3 else None
        except LookupError:
            country = None
        if country is None:
            raise DomainError(
                "invalid_country", f"'{text}' is not a country: use a code such as US or MX.", field
            ) from None
    return country.alpha_2
