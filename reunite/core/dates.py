"""Reading dates as agencies write them: ISO (2009-03-14) or US (03/14/2009)."""

import datetime as dt
import re

from dateutil import parser as dateutil_parser

from reunite.core.errors import DomainError

_ISO = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_US = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")


def parse_date(value, field: str) -> dt.date | None:
    """Return a date, None for blank, or raise DomainError naming the field.

    Only unambiguous layouts are accepted: a guessed date on a child's record is worse than a
    refused row.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    if not (_ISO.match(text) or _US.match(text)):
        raise DomainError(
            "invalid_date", f"'{text}' is not a date: use YYYY-MM-DD or MM/DD/YYYY.", field
        )
    try:
        return dateutil_parser.parse(text, dayfirst=False, yearfirst=bool(_ISO.match(text))).date()
    except (ValueError, OverflowError):
        raise DomainError("invalid_date", f"'{text}' is not a real calendar date.", field) from None


def age_on(dob: dt.date | None, on: dt.date) -> int | None:
    if dob is None:
        return None
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))
