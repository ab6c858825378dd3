"""Reading a moment (a date and a time of day) as agencies write it, for the compliance clocks.

The law counts hours (NCIC entry within 2 hours of the report), so a moment needs its time of
day: a date alone is refused rather than read as midnight or noon. A time with no UTC offset is
the operation's local time (the TIME_ZONE setting).
"""

import datetime as dt
import re

from django.utils import timezone

from reunite.core.errors import DomainError

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_US = re.compile(
    r"^(?P<m>\d{1,2})[/.-](?P<d>\d{1,2})[/.-](?P<y>\d{4})[ T]+(?P<h>\d{1,2}):(?P<mi>\d{2})"
    r"(:(?P<s>\d{2}))?\s*(?P<ampm>[AaPp][Mm])?$"
)
_DATE_ONLY = re.compile(r"^(\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4})$")


def _example(field: str) -> str:
    return f"{field} needs a date and a time of day, e.g. 2021-04-20 14:30 or 04/20/2021 2:30 PM"


def parse_moment(value, field: str, order: str | None = None) -> dt.datetime | None:
    """An aware datetime, None for blank, or DomainError naming the field.

    `order` is the file's date order ("dmy" or "mdy", reunite.intake.dates): a numeric date that
    reads both ways is never guessed."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        moment = value
    else:
        text = str(value).strip()
        if not text:
            return None
        if _DATE_ONLY.match(text):
            raise DomainError("invalid_moment",
                              f"'{text}' has no time of day: {_example(field)}.", field)
        moment = _read(text, field, order)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > timezone.now() + dt.timedelta(minutes=5):
        raise DomainError("invalid_moment", f"{field} {moment.isoformat()} is in the future.",
                          field)
    if moment.year < 1900:
        raise DomainError("invalid_moment", f"{field} {moment.isoformat()} is too far back.",
                          field)
    return moment


def _day_and_month(first: int, second: int, order: str | None, text: str, field: str):
    if order == "dmy":
        return first, second
    if order == "mdy":
        return second, first
    if first > 12 >= second:
        return first, second  # only day-first can read it
    if first <= 12 and second <= 12 and first != second:
        raise DomainError(
            "date_order_needed",
            f"'{text}' can be read day-first or month-first: say which with --date-order dmy "
            "or mdy, or write it as ISO (2021-04-20 14:30).", field,
        )
    return second, first


def _read(text: str, field: str, order: str | None) -> dt.datetime:
    try:
        if _ISO.match(text):
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        match = _US.match(text)
        if match:
            hour = int(match["h"])
            if match["ampm"]:
                if not 1 <= hour <= 12:
                    raise ValueError("hour")
                hour = hour % 12 + (12 if match["ampm"].lower() == "pm" else 0)
            day, month = _day_and_month(int(match["m"]), int(match["d"]), order, text, field)
            return dt.datetime(int(match["y"]), month, day, hour,
                               int(match["mi"]), int(match["s"] or 0))
    except ValueError:
        raise DomainError("invalid_moment", f"'{text}' is not a real date and time.",
                          field) from None
    raise DomainError("invalid_moment", f"'{text}' is not a moment: {_example(field)}.", field)


def moment_text(moment: dt.datetime | None) -> str:
    """The moment as ISO 8601 with its offset, in local time (what the intake record carries)."""
    return timezone.localtime(moment).isoformat(timespec="minutes") if moment else ""


def clock_time(day: dt.date | None) -> dt.datetime:
    """The moment the clocks count to on `day`: now for today (or no day), else the day's end
    (an operation shown as of a past day, like the demo)."""
    if day is None or day >= timezone.localdate():
        return timezone.now()
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))
