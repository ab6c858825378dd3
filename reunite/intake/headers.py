"""Which intake field each column of a file holds, from the header spellings agencies use.

The spellings are data (`headers.csv` beside this file, plus an operator's own file named by
REUNITE_INTAKE_HEADERS), so a new agency's headers need no code. Every import reports the mapping:
which column went to which field and which columns were kept only in the source record.
"""

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from unidecode import unidecode

from reunite.core.errors import DomainError

BUILT_IN = Path(__file__).with_name("headers.csv")

# The intake format's own fields, plus the ones only a reader uses: a combined "LAST, FIRST"
# name (NCIC's NAM), the NCIC message key and entry date, the entering agency's ORI, and an age
# as the source gave it (PFIF's `age`, "12" or "35-45"), kept beside the date of birth.
FIELDS = (
    "record_id", "first_name", "middle_name", "last_name", "second_last_name", "full_name",
    "aliases", "sex", "dob", "race", "ethnicity", "height", "weight", "eye_color", "hair_color",
    "marks", "date_last_contact", "address", "postcode", "last_seen_city", "last_seen_state",
    "last_seen_country", "classification", "ncic_nic", "ncic_status", "ncic_category",
    "ncic_entered_on", "ori", "local_agency", "local_case_number", "local_case_status",
    "guardian_name", "custody", "risk_factors", "age",
    "reported_at", "ncic_entered_at", "ncmec_reported_at",
)
DATE_FIELDS = ("dob", "date_last_contact", "ncic_entered_on", "reported_at", "ncic_entered_at",
               "ncmec_reported_at")


def header_key(name) -> str:
    """A header reduced to what matters: no accents, case, spacing or punctuation."""
    text = unidecode(str(name or "")).lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def _read_spellings(path: Path, into: dict[str, str]) -> None:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        lines = (line for line in handle if line.strip() and not line.lstrip().startswith("#"))
        for number, row in enumerate(csv.DictReader(lines), start=2):
            field, header = (row.get("field") or "").strip(), row.get("header") or ""
            if field not in FIELDS:
                raise ValueError(f"{path}: line {number}: '{field}' is not an intake field")
            into[header_key(header)] = field


@functools.cache
def spellings() -> dict[str, str]:
    """Every known spelling (as header_key) → intake field; an operator's file adds or overrides."""
    table = {header_key(field): field for field in FIELDS}
    _read_spellings(BUILT_IN, table)
    extra = getattr(settings, "REUNITE_INTAKE_HEADERS", "")
    if extra:
        _read_spellings(Path(extra), table)
    return table


def field_for(header) -> str | None:
    return spellings().get(header_key(header))


@dataclass
class ColumnMap:
    """How a file's headers were read: {header: field} and the headers kept only as sent."""

    mapped: dict[str, str]
    ignored: list[str]

    def as_dict(self) -> dict:
        return {"mapped": dict(self.mapped), "ignored": list(self.ignored)}

    def canonical(self, raw: dict) -> dict:
        return {field: raw.get(header, "") for header, field in self.mapped.items()}


def map_columns(headers: list[str]) -> ColumnMap:
    """Map a header row; refuse a header written twice, or two columns meaning the same field.

    Either way one of the two values would be lost without anyone being told.
    """
    seen: dict[str, str] = {}
    for header in headers:
        key = header_key(header)
        if key and key in seen:
            raise DomainError(
                "duplicate_header",
                _("The header row names the same column twice: '%(first)s' and '%(second)s'. "
                  "Rename or remove one so no value is lost.")
                % {"first": seen[key], "second": header}, "file",
            )
        seen[key] = header
    mapped: dict[str, str] = {}
    ignored: list[str] = []
    by_field: dict[str, str] = {}
    for header in headers:
        field = field_for(header)
        if field is None:
            ignored.append(header)
            continue
        if field in by_field:
            raise DomainError(
                "duplicate_header",
                _("The columns '%(first)s' and '%(second)s' both mean %(field)s. Rename or "
                  "remove one so no value is lost.")
                % {"first": by_field[field], "second": header, "field": field}, "file",
            )
        by_field[field] = header
        mapped[header] = field
    return ColumnMap(mapped, ignored)


def looks_like_header(values) -> bool:
    """A row that names the record id (or the NIC, in an NCIC extract) and a name is the header
    row of a list of children."""
    fields = {field_for(v) for v in values if isinstance(v, str) and v.strip()}
    return bool(fields & {"record_id", "ncic_nic"}) and bool(
        fields & {"first_name", "last_name", "full_name", "second_last_name"}
    )
