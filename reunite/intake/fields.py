"""The intake format (DESIGN.md §5): its columns, their aliases and how each value is read.

`clean_row()` turns one raw row into the intake format or raises DomainError naming the field.
"""

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from unidecode import unidecode

from reunite.children.models import RISK_FACTORS, Classification, Custody, NCICEntry
from reunite.core.errors import DomainError
from reunite.core.moments import moment_text, parse_moment
from reunite.core.validation import country_code
from reunite.intake.dates import earliest, latest, read_date
from reunite.intake.headers import field_for, header_key

COLUMNS = [
    "record_id", "first_name", "middle_name", "last_name", "second_last_name", "aliases", "sex",
    "dob", "race", "ethnicity", "height", "weight", "eye_color", "hair_color", "marks",
    "date_last_contact", "address", "postcode", "last_seen_city", "last_seen_state",
    "last_seen_country", "classification", "ncic_nic", "ncic_status", "local_agency",
    "local_case_number", "local_case_status", "guardian_name", "custody", "risk_factors",
    # Exact moments for the compliance clocks (date and time of day; local time without offset).
    "reported_at", "ncic_entered_at", "ncmec_reported_at",
]
# Read from an NCIC extract when its columns are there; not part of the exported format.
NCIC_COLUMNS = ["ncic_category", "ncic_entered_on", "ori"]

SEX = {"m": "M", "male": "M", "f": "F", "female": "F", "x": "X", "u": "U", "unknown": "U",
       "h": "M", "hombre": "M", "mujer": "F", "masculino": "M", "femenino": "F", "varon": "M",
       "nino": "M", "nina": "F", "desconocido": "U", "no especificado": "U"}
RACE = {"a": "A", "asian": "A", "b": "B", "black": "B", "i": "I", "indian": "I",
        "american indian": "I", "native american": "I", "w": "W", "white": "W", "u": "U",
        "unknown": "U"}
ETHNICITY = {"h": "H", "hispanic": "H", "n": "N", "non-hispanic": "N", "not hispanic": "N",
             "u": "U", "unknown": "U", "hispano": "H", "hispana": "H", "latino": "H",
             "latina": "H", "no hispano": "N", "no hispana": "N", "desconocido": "U"}
EYE = {"BLK": "black", "BLU": "blue", "BRO": "brown", "GRN": "green", "GRY": "gray",
       "HAZ": "hazel", "MAR": "maroon", "PNK": "pink", "MUL": "multicolored", "XXX": "unknown"}
HAIR = {"BAL": "bald", "BLK": "black", "BLN": "blond", "BLU": "blue", "BRO": "brown",
        "GRY": "gray", "GRN": "green", "ONG": "orange", "PNK": "pink", "PLE": "purple",
        "RED": "red", "SDY": "sandy", "WHI": "white", "XXX": "unknown"}
WORD_SYNONYMS = {"blonde": "blond", "grey": "gray", "auburn": "red", "cafe": "brown",
                 "castano": "brown", "negro": "black", "azul": "blue", "verde": "green",
                 "rubio": "blond", "pelirrojo": "red"}
NCIC_STATUS = ("active", "cleared", "cancelled")
CASE_STATUS = ("open", "closed")
# Spanish and US spellings of the status words, read as the intake format's own.
STATUS_WORDS = {"canceled": "cancelled", "activo": "active", "activa": "active",
                "cancelado": "cancelled", "cancelada": "cancelled", "abierto": "open",
                "abierta": "open", "cerrado": "closed", "cerrada": "closed",
                "tutor": "guardian"}
NCIC_CATEGORIES = tuple(NCICEntry.Category.values)
# Computed once: Django's choices classes build these lists on every access.
CLASSIFICATIONS = tuple(Classification.values)
CUSTODIES = tuple(Custody.values)
RISK_FACTOR_CODES = tuple(RISK_FACTORS)


def canonical_header(name: str) -> str:
    """The intake field a header names (see headers.csv), or the header reduced to a key."""
    return field_for(name) or header_key(name)


def _text(value) -> str:
    if type(value) is str:  # a CSV's values, nearly always
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@lru_cache(maxsize=4096)
def _key(value: str) -> str:
    """A code or word as the tables spell it (a column repeats a few values: read each once)."""
    return unidecode(value).strip().lower()


def _lookup(table: dict, value: str, field: str, what: str) -> str:
    if not value:
        return ""
    found = table.get(_key(value))
    if found is None:
        raise DomainError(
            f"invalid_{field}",
            _("'%(value)s' is not a known %(what)s.") % {"value": value, "what": _(what)}, field
        )
    return found


def _color(table: dict, value: str, field: str) -> str:
    if not value:
        return ""
    upper = value.upper()
    if upper in table:
        return upper
    word = WORD_SYNONYMS.get(unidecode(value).lower(), unidecode(value).lower())
    for code, name in table.items():
        if name == word:
            return code
    raise DomainError(
        f"invalid_{field}",
        _("'%(value)s' is not an NCIC %(field)s code (%(codes)s) or a plain colour word.")
        % {"value": value, "field": field, "codes": ", ".join(table)},
        field,
    )


def _one_of(value: str, options, field: str, what: str) -> str:
    if not value:
        return ""
    key = value.strip().lower().replace(" ", "_").replace("-", "_")
    key = STATUS_WORDS.get(unidecode(key), key)
    if key not in options:
        raise DomainError(
            f"invalid_{field}",
            _("'%(value)s' is not a known %(what)s: use %(options)s.")
            % {"value": value, "what": _(what), "options": ", ".join(options)},
            field,
        )
    return key


def _list(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _date(value, field: str, today: dt.date, order: str | None) -> str:
    iso = read_date(value, field, order)
    if not iso:
        return ""
    if earliest(iso) > today:
        raise DomainError("invalid_date", _("%(field)s %(date)s is in the future.")
                          % {"field": field, "date": iso}, field)
    if latest(iso).year < 1900:
        raise DomainError("invalid_date", _("%(field)s %(date)s is too far back.")
                          % {"field": field, "date": iso}, field)
    return iso


def _ncic_category(value: str) -> tuple[str, bool]:
    """The NCIC message key (EMJ, EME, …); a fourth letter C is NCIC's caution flag."""
    code = value.strip().upper()
    if not code:
        return "", False
    caution = len(code) == 4 and code.endswith("C")
    if caution:
        code = code[:3]
    if code not in NCIC_CATEGORIES:
        raise DomainError(
            "invalid_ncic_category",
            _("'%(value)s' is not an NCIC missing-person message key: use %(keys)s.")
            % {"value": value, "keys": ", ".join(NCIC_CATEGORIES)}, "ncic_category",
        )
    return code, caution


def _split_full_name(value: str) -> tuple[str, str, str]:
    """NCIC's NAM: "LAST, FIRST MIDDLE". Without the comma the parts cannot be told apart."""
    if "," not in value:
        raise DomainError(
            "invalid_full_name",
            _("'%(value)s' cannot be split into surname and given names: write it LAST, FIRST "
              "MIDDLE, or use separate name columns.") % {"value": value}, "full_name",
        )
    last, _comma, given = value.partition(",")
    names = given.split()
    return last.strip(), (names[0] if names else ""), " ".join(names[1:])


@dataclass(frozen=True)
class Reading:
    """What was settled for the whole file before its rows are read."""

    date_order: str | None = None
    sex: dict | None = None  # the sex column's codes, when they differ from SEX (see sex_codes)


def sex_codes(values) -> tuple[dict, str, str]:
    """The sex column's code table, decided from all its values, its codes (H/M, M/F or H/M/F)
    and a sentence saying so.

    In a column that uses H (hombre), M means mujer; in one that uses F, M means male. A column
    with H and F both leaves M unreadable.
    """
    keys = {unidecode(str(v)).strip().lower() for v in values if str(v or "").strip()}
    spanish = bool(keys & {"h", "hombre"})
    english = bool(keys & {"f", "female", "femenino"})
    if spanish and english:
        table = {**SEX, "m": None}
        return table, "H/M/F", "H, M and F in one column: M cannot be read (hombre or mujer?)"
    if spanish:
        return {**SEX, "m": "F"}, "H/M", "H is hombre (M), M is mujer (F)"
    return dict(SEX), "M/F", "M is male, F is female"


def _sex(value: str, table: dict) -> str:
    if not value:
        return "U"
    key = _key(value)
    if key in table and table[key] is None:
        raise DomainError(
            "invalid_sex",
            _("'%(value)s' cannot be read in a column that uses H and F both: write H/M or "
              "M/F.") % {"value": value},
            "sex",
        )
    return _lookup(table, value, "sex", gettext_noop("sex (M, F, X or U; H/M in Spanish)")) or "U"


def clean_row(raw: dict, today: dt.date | None = None, reading: Reading | None = None) -> dict:
    """Read one row (already keyed by intake field) into the intake format.

    Raises DomainError for the two reasons a row is refused (DESIGN.md §5): no record id or name,
    or a value that cannot be read. Anything merely odd is left to `soft_warnings`.
    """
    today = today or dt.date.today()
    reading = reading or Reading()
    row = {key: value.strip() if type(value) is str else
           _text(value) if not isinstance(value, dt.date) else value
           for key, value in raw.items()}
    record_id = row.get("record_id", "")
    if not record_id:
        raise DomainError("required", _("Every row needs a record_id."), "record_id")
    if row.get("full_name") and not (row.get("first_name") or row.get("last_name")):
        row["last_name"], row["first_name"], middle = _split_full_name(row["full_name"])
        row["middle_name"] = row.get("middle_name") or middle
    if not (row.get("first_name") or row.get("last_name")):
        raise DomainError("required", _("A row needs at least a first or a last name."),
                          "first_name")
    order = reading.date_order
    category, caution = _ncic_category(row.get("ncic_category", ""))
    clean = {
        "record_id": record_id,
        "first_name": row.get("first_name", ""),
        "middle_name": row.get("middle_name", ""),
        "last_name": row.get("last_name", ""),
        "second_last_name": row.get("second_last_name", ""),
        "aliases": _list(row.get("aliases", "")),
        "sex": _sex(row.get("sex", ""), reading.sex or SEX),
        "dob": _date(row.get("dob"), "dob", today, order),
        "race": _lookup(RACE, row.get("race", ""), "race",
                        gettext_noop("NCIC race code (A, B, I, W, U)")),
        "ethnicity": _lookup(ETHNICITY, row.get("ethnicity", ""), "ethnicity",
                             gettext_noop("ethnicity code (H, N, U)")),
        "height": row.get("height", ""),
        "weight": row.get("weight", ""),
        "eye_color": _color(EYE, row.get("eye_color", ""), "eye_color"),
        "hair_color": _color(HAIR, row.get("hair_color", ""), "hair_color"),
        "marks": row.get("marks", ""),
        "date_last_contact": _date(row.get("date_last_contact"), "date_last_contact", today,
                                   order),
        "address": row.get("address", ""),
        "postcode": row.get("postcode", ""),
        "last_seen_city": row.get("last_seen_city", ""),
        "last_seen_state": row.get("last_seen_state", ""),
        "last_seen_country": country_code(row.get("last_seen_country", ""), "last_seen_country",
                                          default=""),
        "classification": _one_of(row.get("classification", ""), CLASSIFICATIONS,
                                  "classification", gettext_noop("classification")),
        "ncic_nic": row.get("ncic_nic", "").upper().replace(" ", ""),
        "ncic_status": _one_of(row.get("ncic_status", ""), NCIC_STATUS, "ncic_status",
                               gettext_noop("NCIC status")),
        "ncic_category": category,
        "ncic_entered_on": _date(row.get("ncic_entered_on"), "ncic_entered_on", today, order),
        "ori": row.get("ori", "").upper().replace(" ", ""),
        "local_agency": row.get("local_agency", "").upper(),
        "local_case_number": row.get("local_case_number", ""),
        "local_case_status": _one_of(row.get("local_case_status", ""), CASE_STATUS,
                                     "local_case_status", gettext_noop("local case status")),
        "guardian_name": row.get("guardian_name", ""),
        "custody": _one_of(row.get("custody", ""), CUSTODIES, "custody", gettext_noop("custody")),
        "risk_factors": [
            _one_of(item, RISK_FACTOR_CODES, "risk_factors", gettext_noop("risk factor"))
            for item in _list(row.get("risk_factors", ""))
        ],
    }
    if caution:
        clean["ncic_caution"] = True
    for name in ("reported_at", "ncic_entered_at", "ncmec_reported_at"):
        clean[name] = moment_text(parse_moment(row.get(name), name, reading.date_order))
    return clean


def soft_warnings(record: dict, on: dt.date) -> list[tuple[str, str]]:
    """What is odd about an accepted row, as (field, reason): reported, never a refusal.

    `on` is the list's date: a child who was already 18 then is worth a second look.
    """
    found = []
    status = record["ncic_status"]
    if status and not record["ncic_nic"]:
        found.append(("ncic_nic", _("ncic_status is '%(status)s' but no ncic_nic is given: no NCIC "
                                    "entry is recorded; the status is kept in the source record.")
                      % {"status": status}))
    if (record.get("ncic_category") or record.get("ncic_entered_on")
            or record.get("ncic_entered_at")) and not record["ncic_nic"]:
        found.append(("ncic_nic", _("an NCIC message key or entry date or time is given without "
                                    "an ncic_nic: kept in the source record only.")))
    if record.get("ncic_caution"):
        found.append(("ncic_category", _("the NCIC entry carries the caution flag (message key "
                                         "ending in C).")))
    if status == "cleared":
        found.append(("ncic_status", _("the NCIC entry is cleared on a list of missing "
                                       "children.")))
    elif status == "cancelled":
        found.append(("ncic_status", _("the NCIC entry is cancelled on a list of missing "
                                       "children.")))
    if record["local_case_status"] and not record["local_case_number"]:
        found.append(("local_case_number", _("local_case_status is given without a "
                                             "local_case_number: no local case is recorded; the "
                                             "status is kept in the source record.")))
    if record["local_case_status"] == "closed":
        found.append(("local_case_status", _("the local case is marked closed on a list of "
                                             "missing children.")))
    dob, contact = record["dob"], record["date_last_contact"]
    if dob and contact and latest(contact) < earliest(dob):
        found.append(("date_last_contact", _("date_last_contact %(contact)s is before the date "
                                             "of birth %(dob)s.")
                      % {"contact": contact, "dob": dob}))
    if dob:
        youngest_on = latest(dob)
        age = on.year - youngest_on.year - ((on.month, on.day) < (youngest_on.month,
                                                                  youngest_on.day))
        if age >= 18:
            found.append(("dob", _("born %(dob)s: %(age)s or older on %(date)s, the list's date, "
                                   "so no longer a minor.")
                          % {"dob": dob, "age": age, "date": on.isoformat()}))
    return found
