"""The intake format (DESIGN.md §5): its columns, their aliases and how each value is read.

`clean_row()` turns one raw row into the intake format or raises DomainError naming the field.
"""

import datetime as dt

from unidecode import unidecode

from reunite.children.models import RISK_FACTORS, Classification, Custody
from reunite.core.dates import parse_date
from reunite.core.errors import DomainError
from reunite.core.moments import moment_text, parse_moment
from reunite.core.validation import country_code

COLUMNS = [
    "record_id", "first_name", "middle_name", "last_name", "second_last_name", "aliases", "sex",
    "dob", "race", "ethnicity", "height", "weight", "eye_color", "hair_color", "marks",
    "date_last_contact", "address", "postcode", "last_seen_city", "last_seen_state",
    "last_seen_country", "classification", "ncic_nic", "ncic_status", "local_agency",
    "local_case_number", "local_case_status", "guardian_name", "custody", "risk_factors",
    # Exact moments for the compliance clocks (date and time of day; local time without offset).
    "reported_at", "ncic_entered_at", "ncmec_reported_at",
]

ALIASES = {
    "id": "record_id", "source_id": "record_id", "record": "record_id", "recordid": "record_id",
    "first": "first_name", "given_name": "first_name", "firstname": "first_name",
    "nombre": "first_name",
    "middle": "middle_name", "middlename": "middle_name",
    "last": "last_name", "surname": "last_name", "family_name": "last_name",
    "lastname": "last_name", "paternal_surname": "last_name", "apellido_paterno": "last_name",
    "second_surname": "second_last_name", "maternal_surname": "second_last_name",
    "apellido_materno": "second_last_name", "second_lastname": "second_last_name",
    "alias": "aliases", "aka": "aliases", "nicknames": "aliases",
    "gender": "sex",
    "date_of_birth": "dob", "birth_date": "dob", "birthdate": "dob", "fecha_de_nacimiento": "dob",
    "rac": "race", "eth": "ethnicity", "hgt": "height", "wgt": "weight",
    "eye": "eye_color", "eyes": "eye_color", "hai": "hair_color", "hair": "hair_color",
    "smt": "marks", "scars_marks_tattoos": "marks",
    "dlc": "date_last_contact", "last_contact": "date_last_contact",
    "date_missing": "date_last_contact", "missing_since": "date_last_contact",
    "zip": "postcode", "zip_code": "postcode", "postal_code": "postcode",
    "city": "last_seen_city", "state": "last_seen_state", "country": "last_seen_country",
    "nic": "ncic_nic", "ncic_number": "ncic_nic", "ncic": "ncic_nic",
    "agency": "local_agency", "case_number": "local_case_number", "case_no": "local_case_number",
    "oca": "local_case_number", "case_status": "local_case_status",
    "guardian": "guardian_name", "risk": "risk_factors",
    "date_reported": "reported_at", "ncic_entry_time": "ncic_entered_at",
    "ncmec_report_time": "ncmec_reported_at",
}

SEX = {"m": "M", "male": "M", "f": "F", "female": "F", "x": "X", "u": "U", "unknown": "U",
       "h": "M", "hombre": "M", "mujer": "F"}
RACE = {"a": "A", "asian": "A", "b": "B", "black": "B", "i": "I", "indian": "I",
        "american indian": "I", "native american": "I", "w": "W", "white": "W", "u": "U",
        "unknown": "U"}
ETHNICITY = {"h": "H", "hispanic": "H", "n": "N", "non-hispanic": "N", "not hispanic": "N",
             "u": "U", "unknown": "U"}
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


def canonical_header(name: str) -> str:
    key = unidecode(str(name or "")).strip().lower().replace(" ", "_").replace("-", "_")
    return ALIASES.get(key, key)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _lookup(table: dict, value: str, field: str, what: str) -> str:
    if not value:
        return ""
    found = table.get(value.lower())
    if found is None:
        raise DomainError(
            f"invalid_{field}", f"'{value}' is not a known {what}.", field
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
        f"'{value}' is not an NCIC {field.replace('_', ' ')} code ({', '.join(table)}) "
        "or a plain colour word.",
        field,
    )


def _one_of(value: str, options, field: str, what: str) -> str:
    if not value:
        return ""
    key = value.strip().lower().replace(" ", "_").replace("-", "_")
    if key not in options:
        raise DomainError(
            f"invalid_{field}", f"'{value}' is not a known {what}: use {', '.join(options)}.",
            field,
        )
    return key


def _list(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _date(value, field: str, today: dt.date) -> str:
    day = parse_date(value, field)
    if day is None:
        return ""
    if day > today:
        raise DomainError("invalid_date", f"{field} {day.isoformat()} is in the future.", field)
    if day.year < 1900:
        raise DomainError("invalid_date", f"{field} {day.isoformat()} is too far back.", field)
    return day.isoformat()


def clean_row(raw: dict, today: dt.date | None = None) -> dict:
    """Read one row (already keyed by canonical headers) into the intake format."""
    today = today or dt.date.today()
    row = {key: _text(value) if not isinstance(value, dt.date) else value
           for key, value in raw.items()}
    record_id = row.get("record_id", "")
    if not record_id:
        raise DomainError("required", "Every row needs a record_id.", "record_id")
    if not (row.get("first_name") or row.get("last_name")):
        raise DomainError("required", "A row needs at least a first or a last name.", "first_name")
    clean = {
        "record_id": record_id,
        "first_name": row.get("first_name", ""),
        "middle_name": row.get("middle_name", ""),
        "last_name": row.get("last_name", ""),
        "second_last_name": row.get("second_last_name", ""),
        "aliases": _list(row.get("aliases", "")),
        "sex": _lookup(SEX, row.get("sex", ""), "sex", "sex (M, F, X or U)") or "U",
        "dob": _date(row.get("dob"), "dob", today),
        "race": _lookup(RACE, row.get("race", ""), "race", "NCIC race code (A, B, I, W, U)"),
        "ethnicity": _lookup(ETHNICITY, row.get("ethnicity", ""), "ethnicity",
                             "ethnicity code (H, N, U)"),
        "height": row.get("height", ""),
        "weight": row.get("weight", ""),
        "eye_color": _color(EYE, row.get("eye_color", ""), "eye_color"),
        "hair_color": _color(HAIR, row.get("hair_color", ""), "hair_color"),
        "marks": row.get("marks", ""),
        "date_last_contact": _date(row.get("date_last_contact"), "date_last_contact", today),
        "address": row.get("address", ""),
        "postcode": row.get("postcode", ""),
        "last_seen_city": row.get("last_seen_city", ""),
        "last_seen_state": row.get("last_seen_state", ""),
        "last_seen_country": country_code(row.get("last_seen_country", ""), "last_seen_country",
                                          default=""),
        "classification": _one_of(row.get("classification", ""), Classification.values,
                                  "classification", "classification"),
        "ncic_nic": row.get("ncic_nic", "").upper().replace(" ", ""),
        "ncic_status": _one_of(row.get("ncic_status", ""), NCIC_STATUS, "ncic_status",
                               "NCIC status"),
        "local_agency": row.get("local_agency", "").upper(),
        "local_case_number": row.get("local_case_number", ""),
        "local_case_status": _one_of(row.get("local_case_status", ""), CASE_STATUS,
                                     "local_case_status", "local case status"),
        "guardian_name": row.get("guardian_name", ""),
        "custody": _one_of(row.get("custody", ""), Custody.values, "custody", "custody"),
        "risk_factors": [
            _one_of(item, list(RISK_FACTORS), "risk_factors", "risk factor")
            for item in _list(row.get("risk_factors", ""))
        ],
    }
    for name in ("reported_at", "ncic_entered_at", "ncmec_reported_at"):
        clean[name] = moment_text(parse_moment(row.get(name), name))
    if clean["ncic_entered_at"] and not clean["ncic_nic"]:
        raise DomainError("required", "ncic_entered_at is given without an ncic_nic.", "ncic_nic")
    if clean["dob"] and clean["date_last_contact"] and clean["date_last_contact"] < clean["dob"]:
        raise DomainError(
            "invalid_date", "date_last_contact is before the date of birth.", "date_last_contact"
        )
    if clean["ncic_status"] and not clean["ncic_nic"]:
        raise DomainError("required", "ncic_status is given without an ncic_nic.", "ncic_nic")
    if clean["local_case_status"] and not clean["local_case_number"]:
        raise DomainError(
            "required", "local_case_status is given without a local_case_number.",
            "local_case_number",
        )
    return clean
