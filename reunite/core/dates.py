"""Reading dates as agencies write them: ISO (2009-03-14) or US (03/14/2009)."""

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

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


# ---------------------------------------------------------------------------------------------
# Partial dates: a year, or a year and month, as agencies and PFIF 1.4 (`date_of_birth` 1970-01)
# send them. They are kept at the precision known, never filled in with a made-up day.

DAY, MONTH, YEAR = "day", "month", "year"
PRECISIONS = (DAY, MONTH, YEAR)
_PARTIAL_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class PartialDate:
    """A date known to the day, the month or the year; `earliest()` is how it is stored."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self):
        dt.date(self.year, self.month or 1, self.day or 1)  # a real calendar date, or ValueError
        if self.day is not None and self.month is None:
            raise ValueError("a day needs its month")

    @classmethod
    def from_iso(cls, text: str) -> "PartialDate | None":
        """`YYYY`, `YYYY-MM` or `YYYY-MM-DD`; None for anything else (or an impossible date)."""
        text = str(text or "").strip()
        if cls is PartialDate:
            return _from_iso(text)  # immutable: each distinct text is read once
        return _read_iso(cls, text)

    @classmethod
    def stored(cls, day: dt.date | None, precision: str) -> "PartialDate | None":
        """Back from the database: the first day of the period and its precision."""
        if day is None:
            return None
        if precision == YEAR:
            return cls(day.year)
        if precision == MONTH:
            return cls(day.year, day.month)
        return cls(day.year, day.month, day.day)

    @property
    def precision(self) -> str:
        return DAY if self.day else MONTH if self.month else YEAR

    def iso(self) -> str:
        if self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    isoformat = iso  # so a PartialDate writes itself wherever a date would

    def earliest(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> dt.date:
        if self.day:
            return self.earliest()
        month = self.month or 12
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def contains(self, other: "PartialDate") -> bool:
        """True when `other` is this period or a more precise date inside it."""
        return self.earliest() <= other.earliest() and other.latest() <= self.latest()

    def age_range(self, on: dt.date) -> tuple[int, int]:
        """The youngest and the oldest the person can be on a day (equal when known exactly)."""
        return age_on(self.latest(), on), age_on(self.earliest(), on)

    def minor_on(self, on: dt.date, adult_at: int = 18) -> bool | None:
        """True when surely under 18 on a day, False when surely 18 or over, None when the
        date of birth is too vague to say (born in the year the child turns 18)."""
        youngest, oldest = self.age_range(on)
        if oldest < adult_at:
            return True
        if youngest >= adult_at:
            return False
        return None

    def __str__(self) -> str:
        return self.iso()


def _read_iso(cls, text: str) -> "PartialDate | None":
    match = _PARTIAL_ISO.match(text)
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        return cls(year, month, day)
    except ValueError:
        return None


@lru_cache(maxsize=65536)
def _from_iso(text: str) -> "PartialDate | None":
    """PartialDate.from_iso, remembered: an import reads the same few thousand dates of birth
    over and over."""
    return _read_iso(PartialDate, text)


def as_partial(value) -> PartialDate | None:
    """A date, a partial ISO string or a PartialDate as a PartialDate (None for blank)."""
    if value in (None, ""):
        return None
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return PartialDate(value.year, value.month, value.day)
    return PartialDate.from_iso(str(value))


def age_text(dob: PartialDate | None, on: dt.date) -> str | None:
    """An age as it can be known: "14", or "13–14" when the date of birth is a month or a year
    that straddles the birthday. Never a made-up exact age."""
    if dob is None:
        return None
    youngest, oldest = dob.age_range(on)
    return str(youngest) if youngest == oldest else f"{youngest}–{oldest}"
