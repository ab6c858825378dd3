"""Dates as agencies write them, never guessed.

Whether 03/05/2007 is 3 May or 5 March is decided once for the whole file: a value whose first
part is over 12 proves the file is day-first, one whose second part is over 12 proves it is
month-first; with no proof the user says (`--date-order dmy|mdy`), unless every such date reads
the same both ways (05/05/2007). A file that proves both is refused with the rows.

A year, or a year and month, is a partial date: kept as "YYYY" or "YYYY-MM", never filled in.
Dates come out as ISO strings at the precision known.
"""

import datetime as dt
import functools
import re
from dataclasses import dataclass, field

from dateutil import parser as dateutil_parser
from django.utils.translation import gettext as _

from reunite.core.dates import PartialDate
from reunite.core.errors import DomainError

DMY, MDY = "dmy", "mdy"
ORDERS = (DMY, MDY)

_TIME = r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?)?"
_ISO = re.compile(rf"^(\d{{4}})-(\d{{1,2}})-(\d{{1,2}}){_TIME}$")
_ISO_SLASH = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")  # NCIC writes DOB as YYYYMMDD
_YEAR = re.compile(r"^(\d{4})$")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")
_NUMERIC = re.compile(rf"^(\d{{1,2}})[/.\-](\d{{1,2}})[/.\-](\d{{4}}){_TIME}$")
_SHORT_YEAR = re.compile(r"^\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2}$")
_HAS_LETTERS = re.compile(r"[A-Za-zÁÉÍÓÚáéíóúñÑ]")


class _Spanish(dateutil_parser.parserinfo):
    """dateutil's words, with Spanish month names beside the English ones."""

    MONTHS = [
        ("Jan", "January", "ene", "enero"), ("Feb", "February", "febrero"),
        ("Mar", "March", "marzo"), ("Apr", "April", "abr", "abril"), ("May", "mayo"),
        ("Jun", "June", "junio"), ("Jul", "July", "julio"),
        ("Aug", "August", "ago", "agosto"),
        ("Sep", "Sept", "September", "set", "septiembre", "setiembre"),
        ("Oct", "October", "octubre"), ("Nov", "November", "noviembre"),
        ("Dec", "December", "dic", "diciembre"),
    ]
    JUMP = [*dateutil_parser.parserinfo.JUMP, "de", "del"]


_WORDS = _Spanish()


def _iso(year: int, month: int | None = None, day: int | None = None, text: str = "",
         field: str = "") -> str:
    try:
        return PartialDate(year, month, day).iso()
    except ValueError:
        raise DomainError("invalid_date", _("'%(value)s' is not a real calendar date.")
                          % {"value": text}, field) from None


def evidence(value) -> str | None:
    """What one value says about the file's order: DMY, MDY, "either" (it reads two ways),
    "same" (it reads the same both ways), or None (no day/month question in it)."""
    if not isinstance(value, str):
        return None
    match = _NUMERIC.match(value.strip())
    if not match:
        return None
    first, second = int(match.group(1)), int(match.group(2))
    if first > 12 and second <= 12:
        return DMY
    if second > 12 and first <= 12:
        return MDY
    if first > 12 and second > 12:
        return None  # not a date either way: the row is rejected when it is read
    return "same" if first == second else "either"


@dataclass
class DateOrder:
    """The order a file's dates are read in, and how it was settled, for the report."""

    order: str | None = None
    source: str = "not needed"  # "the file's values", "chosen", or "not needed"
    proof: list[int] = field(default_factory=list)  # rows whose values proved it

    def as_dict(self) -> dict:
        return {"order": self.order, "source": self.source, "proof_rows": self.proof[:5]}


def _rows_text(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:5])
    if len(rows) > 5:
        return _("%(rows)s and %(more)s more") % {"rows": shown, "more": len(rows) - 5}
    return shown


def decide_order(values, chosen: str | None = None) -> DateOrder:
    """Settle day-first or month-first for a whole file from its (row, value) pairs."""
    if chosen is not None and chosen not in ORDERS:
        raise DomainError("invalid_date_order",
                          _("'%(value)s' is not a date order: use dmy or mdy.") % {"value": chosen},
                          "date_order")
    proof: dict[str, list[int]] = {DMY: [], MDY: []}
    either: list[tuple[int, str]] = []
    for row, value in values:
        said = evidence(value)
        if said in proof:
            if not proof[said] or proof[said][-1] != row:  # a row with two dates counts once
                proof[said].append(row)
        elif said == "either":
            either.append((row, value))
    if proof[DMY] and proof[MDY]:
        raise DomainError(
            "date_order_conflict",
            _("The file's dates disagree: rows %(dmy)s are day-first (DD/MM/YYYY), rows %(mdy)s "
              "are month-first (MM/DD/YYYY). Correct them so the file uses one order.")
            % {"dmy": _rows_text(proof[DMY]), "mdy": _rows_text(proof[MDY])}, "date_order",
        )
    if chosen is not None:
        against = proof[MDY if chosen == DMY else DMY]
        if against:
            named = _("day-first (DD/MM/YYYY)") if chosen == DMY else _("month-first (MM/DD/YYYY)")
            raise DomainError(
                "date_order_conflict",
                _("The dates were to be read %(order)s, but rows %(rows)s cannot be read that way. "
                  "Check the order chosen.") % {"order": named, "rows": _rows_text(against)},
                "date_order",
            )
        return DateOrder(chosen, "chosen", [])
    for order in ORDERS:
        if proof[order]:
            return DateOrder(order, "the file's values", proof[order])
    if either:
        row, value = either[0]
        raise DomainError(
            "date_order_needed",
            _("The file's dates can be read day-first or month-first (row %(row)s: '%(value)s' is "
              "either), and no date in it settles which. Say which with --date-order dmy or "
              "--date-order mdy (on the page: \"Dates are written\").")
            % {"row": row, "value": value}, "date_order",
        )
    return DateOrder()


def read_date(value, field: str, order: str | None) -> str:
    """An ISO date string at the precision given ("YYYY", "YYYY-MM", "YYYY-MM-DD"), or "".

    Raises DomainError naming the field for a value that is not a date, or is ambiguous under
    the file's order (which decide_order has settled before any row is read).
    """
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    if not text:
        return ""
    return _read_text(text, field, order)


@functools.lru_cache(maxsize=65536)  # a list of children repeats its dates: read each once
def _read_text(text: str, field: str, order: str | None) -> str:
    for pattern in (_ISO, _ISO_SLASH, _COMPACT):
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups()[:3])
            return _iso(year, month, day, text, field)
    match = _YEAR.match(text)
    if match:
        return _iso(int(match.group(1)), text=text, field=field)
    match = _YEAR_MONTH.match(text)
    if match:
        return _iso(int(match.group(1)), int(match.group(2)), text=text, field=field)
    match = _MONTH_YEAR.match(text)
    if match:
        return _iso(int(match.group(2)), int(match.group(1)), text=text, field=field)
    match = _NUMERIC.match(text)
    if match:
        first, second, year = (int(g) for g in match.groups()[:3])
        if first == second:
            return _iso(year, first, second, text, field)
        if order is None:  # decide_order has seen the file: only a non-date can get here
            raise DomainError("invalid_date", _("'%(value)s' is not a real calendar date.")
                              % {"value": text}, field)
        month, day = (second, first) if order == DMY else (first, second)
        return _iso(year, month, day, text, field)
    if _SHORT_YEAR.match(text):
        raise DomainError(
            "invalid_date",
            _("'%(value)s' has a two-digit year: write the year in full.") % {"value": text}, field
        )
    if _HAS_LETTERS.search(text):
        return _words(text, field)
    raise DomainError(
        "invalid_date",
        _("'%(value)s' is not a date: use YYYY-MM-DD, DD/MM/YYYY or MM/DD/YYYY (as the whole "
          "file does), YYYY-MM or YYYY.") % {"value": text}, field,
    )


def _words(text: str, field: str) -> str:
    """A date with its month in words ("14 de marzo de 2008", "March 14, 2008"): no order
    question. The day and year must both be there; a month and year alone is partial."""
    if not re.search(r"(?<!\d)\d{4}(?!\d)", text):
        raise DomainError("invalid_date", _("'%(value)s' has no year written in full.")
                          % {"value": text}, field)
    missing = dt.datetime(1, 1, 1)
    try:
        # Not fuzzy: a word that is not a month or a joining word ("sometime") refuses the date.
        parsed = dateutil_parser.parse(text, parserinfo=_WORDS, default=missing)
        again = dateutil_parser.parse(text, parserinfo=_WORDS, default=dt.datetime(2, 2, 2))
    except (ValueError, OverflowError):
        raise DomainError("invalid_date", _("'%(value)s' is not a date.") % {"value": text},
                          field) from None
    if parsed.year != again.year or parsed.year < 1000:
        raise DomainError("invalid_date", _("'%(value)s' has no year.") % {"value": text}, field)
    if parsed.month != again.month:
        return _iso(parsed.year, text=text, field=field)
    if parsed.day != again.day:
        return _iso(parsed.year, parsed.month, text=text, field=field)
    return _iso(parsed.year, parsed.month, parsed.day, text, field)


@functools.lru_cache(maxsize=65536)
def earliest(iso: str) -> dt.date:
    """The first day a partial date ("YYYY", "YYYY-MM" or "YYYY-MM-DD") can be."""
    return PartialDate.from_iso(iso).earliest()


@functools.lru_cache(maxsize=65536)
def latest(iso: str) -> dt.date:
    """The last day a partial date can be."""
    return PartialDate.from_iso(iso).latest()
