"""When two records clearly disagree on who the child is, whatever the model's score.

The model weighs evidence; this module names the facts no amount of agreement elsewhere can
outweigh, so that a merge — from one sure pair or from a chain of them (A ~ X, X ~ B) — never
joins two children:

- dates of birth that differ by more than one typo (one digit wrong, two adjacent digits
  swapped) or a day/month swap, compared at the precision both records know (`YYYY`, `YYYY-MM`,
  `YYYY-MM-DD`);
- a boy's and a girl's record whose given names differ (twins Daniel and Daniela);
- given names that are clearly different (not a nickname, alias, initial, typo or a given name
  swapped with the surname): twins of the same sex share everything else;
- two different NCIC numbers;
- two open cases of the same agency with different case numbers.

A missing value never conflicts. Pure Python: records are intake-format mappings.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler
from unidecode import unidecode

from reunite.linkage.settings import (
    FILLER_GIVEN_NAMES,
    JOINED_SURNAME_PARTICLES,
    SURNAME_PARTICLES,
    load_nicknames,
)

DOB, SEX_AND_NAME, GIVEN_NAME, NCIC, LOCAL_CASE = (
    "dob", "sex_and_given_name", "given_name", "ncic_nic", "local_case")
OPEN_CASE = ("", "open")


@dataclass(frozen=True)
class IdentityConflict:
    """Two records that cannot be one child: which field, and why in words."""

    kind: str  # DOB, SEX_AND_NAME, GIVEN_NAME, NCIC or LOCAL_CASE
    reason: str
    left_id: str = ""
    right_id: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "reason": self.reason, "left": self.left_id,
                "right": self.right_id}


# --- values ----------------------------------------------------------------------------------

def _text(record: Mapping[str, Any], key: str) -> str:
    value = record.get(key)
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    if isinstance(value, float) and value != value:  # NaN from pandas
        return ""
    return str(value).strip()


def _fold(text: str) -> str:
    return re.sub(r"[^a-z]+", " ", unidecode(text).lower()).strip()


def _code(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper())


_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def parse_dob(value: Any) -> tuple[int, ...] | None:
    """(year,), (year, month) or (year, month, day); None when missing or unreadable."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return (value.year, value.month, value.day)
    text = str(value).strip()[:10] if "T" not in str(value) else str(value).split("T")[0]
    match = _ISO.match(text)
    if match:
        return tuple(int(part) for part in match.groups() if part is not None)
    for pattern in ("%m/%d/%Y", "%Y%m%d"):
        try:
            day = dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        return (day.year, day.month, day.day)
    return None


def _digits(parts: tuple[int, ...]) -> str:
    return "".join(f"{p:04d}" if i == 0 else f"{p:02d}" for i, p in enumerate(parts))


def _show(parts: tuple[int, ...]) -> str:
    return "-".join(f"{p:04d}" if i == 0 else f"{p:02d}" for i, p in enumerate(parts))


def dob_agreement(a: Any, b: Any) -> str:
    """'missing', 'same', 'transposed' (day and month), 'typo' (one digit, or two adjacent
    swapped) or 'different', at the precision both dates know."""
    left, right = parse_dob(a), parse_dob(b)
    if left is None or right is None:
        return "missing"
    shared = min(len(left), len(right))
    l_cut, r_cut = left[:shared], right[:shared]
    if l_cut == r_cut:
        return "same"
    # A day/month swap: 2009-03-05 for 2009-05-03 (also against a date known to the month).
    for full, other in ((left, right), (right, left)):
        if len(full) == 3 and full[1] <= 12 and full[2] <= 12:
            swapped = (full[0], full[2], full[1])[:len(other)]
            if swapped == other[:3]:
                return "transposed"
    if DamerauLevenshtein.distance(_digits(l_cut), _digits(r_cut)) <= 1:
        return "typo"
    return "different"


def dob_gap(a: Any, b: Any) -> str:
    """How far apart two dates of birth are, in words a reviewer reads at a glance."""
    left, right = parse_dob(a), parse_dob(b)
    if left is None or right is None:
        return ""
    if len(left) == 3 and len(right) == 3:
        try:
            days = abs((dt.date(*left) - dt.date(*right)).days)
        except ValueError:
            days = None
        if days is not None:
            if days >= 365:
                years = round(days / 365.25)
                return f"{years} year{'s' if years != 1 else ''} apart"
            if days >= 60:
                months = round(days / 30.44)
                return f"{months} months apart"
            return f"{days} day{'s' if days != 1 else ''} apart"
    years = abs(left[0] - right[0])
    if years:
        return f"about {years} year{'s' if years != 1 else ''} apart"
    return f"{_show(left)} and {_show(right)}"


# --- names -----------------------------------------------------------------------------------

@cache
def _nickname_index() -> dict[str, frozenset[str]]:
    """Every folded name → the names it may stand for (itself, its full forms, its nicknames)."""
    related: dict[str, set[str]] = {}
    for nickname, name in load_nicknames():
        n, m = _fold(nickname).split(), _fold(name).split()
        if not n or not m:
            continue
        related.setdefault(n[0], {n[0]}).add(m[0])
        related.setdefault(m[0], {m[0]}).add(n[0])
    return {k: frozenset(v) for k, v in related.items()}


def _given_tokens(record: Mapping[str, Any]) -> list[str]:
    return _fold(" ".join((_text(record, "first_name"), _text(record, "middle_name")))).split()


def _alias_tokens(record: Mapping[str, Any]) -> list[str]:
    value = record.get("aliases")
    aliases = value if isinstance(value, (list, tuple)) else _text(record, "aliases").split(";")
    return [tokens[0] for alias in aliases if (tokens := _fold(str(alias)).split())]


def _name_keys(record: Mapping[str, Any]) -> set[str]:
    """The names a child may be called by: given names (a filler such as María only when it is
    the only one), aliases, and what each is a nickname of."""
    given = _given_tokens(record)
    meaningful = [t for t in given if t not in FILLER_GIVEN_NAMES] or given[:1]
    keys: set[str] = set()
    for token in [*meaningful, *_alias_tokens(record)]:
        if len(token) > 1:
            keys |= _nickname_index().get(token, frozenset({token}))
    return keys


_JOINED = re.compile(rf"^(?:{'|'.join(JOINED_SURNAME_PARTICLES)})([a-z]{{4,}})$")


def _surname_tokens(text: str) -> list[str]:
    """Folded surname words without particles, as reunite.linkage.normalise reads them."""
    return [t for t in (_JOINED.sub(r"\1", w) for w in _fold(text).split())
            if t not in SURNAME_PARTICLES]


def _surname1(record: Mapping[str, Any]) -> str:
    tokens = _surname_tokens(_text(record, "last_name") or _text(record, "second_last_name"))
    return tokens[0] if tokens else ""


def _gendered_pair(a: str, b: str) -> bool:
    """A boy's and a girl's form of one name: Daniel/Daniela, Fernando/Fernanda."""
    if len(a) > len(b):
        a, b = b, a
    if b == a + "a" and len(a) >= 3:
        return True
    return len(a) == len(b) >= 4 and a[:-1] == b[:-1] and {a[-1], b[-1]} == {"a", "o"}


def given_agreement(a: Mapping[str, Any], b: Mapping[str, Any]) -> str:
    """'missing', 'same', 'initial' ("T" for "Tyler"), 'nickname' (or alias, or a shared given
    name), 'typo', 'swapped' (given name and surname exchanged), 'gendered' (Daniel/Daniela) or
    'different'."""
    left, right = _given_tokens(a), _given_tokens(b)
    if not left or not right:
        return "missing"
    if left == right:
        return "same"
    for one, other in ((left, right), (right, left)):
        if len(one[0]) == 1 and any(t.startswith(one[0]) for t in other):
            return "initial"
    l_main = [t for t in left if t not in FILLER_GIVEN_NAMES] or left
    r_main = [t for t in right if t not in FILLER_GIVEN_NAMES] or right
    if any(_gendered_pair(x, y) for x in l_main[:1] for y in r_main[:1]):
        return "gendered"
    if _name_keys(a) & _name_keys(b):
        return "nickname"
    if set(left) <= set(right) or set(right) <= set(left):
        return "nickname"  # a shorter form: "María" for "María Guadalupe"
    l_full, r_full = " ".join(left), " ".join(right)
    distance = DamerauLevenshtein.distance(l_full, r_full)
    if distance <= 1 or (distance <= 2 and JaroWinkler.similarity(l_full, r_full) >= 0.9):
        return "typo"
    l_sur, r_sur = _surname1(a), _surname1(b)
    if (l_sur and r_sur and DamerauLevenshtein.distance(left[0], r_sur) <= 1
            and DamerauLevenshtein.distance(l_sur, right[0]) <= 1):
        return "swapped"
    return "different"


def _display_given(record: Mapping[str, Any]) -> str:
    return " ".join(p for p in (_text(record, "first_name"), _text(record, "middle_name")) if p)


def _sex(record: Mapping[str, Any]) -> str:
    value = _text(record, "sex").upper()[:1]
    return {"H": "M"}.get(value, value) if value in ("M", "F", "H") else ""


# --- identifiers -----------------------------------------------------------------------------

def _open_case(record: Mapping[str, Any]) -> tuple[str, str] | None:
    number = _code(_text(record, "local_case_number"))
    agency = _code(_text(record, "local_agency"))
    if not number or not agency:
        return None
    if _text(record, "local_case_status").lower() not in OPEN_CASE:
        return None
    return agency, number


# --- the rule --------------------------------------------------------------------------------

def conflicts(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[IdentityConflict]:
    """Every reason records `a` and `b` cannot be the same child (empty: they may be)."""
    ids = (_text(a, "record_id"), _text(b, "record_id"))
    found: list[IdentityConflict] = []
    if dob_agreement(a.get("dob"), b.get("dob")) == "different":
        found.append(IdentityConflict(
            DOB, f"dates of birth {dob_gap(a.get('dob'), b.get('dob'))} "
                 f"({_text(a, 'dob')} and {_text(b, 'dob')})", *ids))
    given = given_agreement(a, b)
    names = f"{_display_given(a)} and {_display_given(b)}"
    sex_a, sex_b = _sex(a), _sex(b)
    if sex_a and sex_b and sex_a != sex_b and given not in ("same", "initial", "nickname"):
        found.append(IdentityConflict(
            SEX_AND_NAME, f"a boy and a girl with different given names ({names})", *ids))
    elif given in ("different", "gendered"):
        found.append(IdentityConflict(GIVEN_NAME, f"different given names ({names})", *ids))
    nic_a, nic_b = _code(_text(a, "ncic_nic")), _code(_text(b, "ncic_nic"))
    if nic_a and nic_b and nic_a != nic_b:
        found.append(IdentityConflict(
            NCIC, f"two different NCIC numbers ({_text(a, 'ncic_nic')} and "
                  f"{_text(b, 'ncic_nic')})", *ids))
    case_a, case_b = _open_case(a), _open_case(b)
    if case_a and case_b and case_a[0] == case_b[0] and case_a[1] != case_b[1]:
        found.append(IdentityConflict(
            LOCAL_CASE, f"two open {_text(a, 'local_agency')} cases with different numbers "
                        f"({_text(a, 'local_case_number')} and "
                        f"{_text(b, 'local_case_number')})", *ids))
    return found


def group_conflicts(left: Iterable[Mapping[str, Any]],
                    right: Iterable[Mapping[str, Any]]) -> list[IdentityConflict]:
    """Conflicts between any record of one group and any record of the other."""
    right = list(right)
    return [c for a in left for b in right for c in conflicts(a, b)]


# --- in words, for the review queue ----------------------------------------------------------

GIVEN_WORDS = {
    "same": "same given name", "initial": "an initial that fits the given name",
    "nickname": "given names that are a nickname, alias or shorter form of each other",
    "typo": "given names one typo apart", "swapped": "given name and surname swapped",
    "gendered": "a boy's and a girl's form of one given name", "different":
    "different given names", "missing": "a given name missing on one side",
}


def surname_agreement(a: Mapping[str, Any], b: Mapping[str, Any]) -> str:
    """'missing', 'same' (both surnames, wherever they were written), 'shared' (one surname in
    common), 'typo' or 'different'."""
    def both(record):
        return list(dict.fromkeys(_surname_tokens(
            " ".join((_text(record, "last_name"), _text(record, "second_last_name"))))))
    left, right = both(a), both(b)
    if not left or not right:
        return "missing"
    if left == right or set(left) == set(right):
        return "same"
    if set(left) & set(right):
        return "shared"
    if DamerauLevenshtein.distance(" ".join(left), " ".join(right)) <= 2:
        return "typo"
    return "different"


SURNAME_WORDS = {"missing": "surnames missing on one side", "same": "same surnames",
                 "shared": "one surname shared", "typo": "surnames one typo apart",
                 "different": "different surnames"}


def _surname_words(a: Mapping[str, Any], b: Mapping[str, Any]) -> str:
    return SURNAME_WORDS[surname_agreement(a, b)]


def explain(a: Mapping[str, Any], b: Mapping[str, Any]) -> str:
    """Why a pair is uncertain, in words: "same name and surnames; dates of birth 4 years
    apart". What agrees comes first, then what does not, then what is missing."""
    given = given_agreement(a, b)
    surnames = _surname_words(a, b)
    if given == "same" and surnames == "same surnames":
        names = "same name and surnames"
    else:
        names = f"{GIVEN_WORDS[given]}, {surnames}"
        if given == "initial":
            short = next(t for t in (_given_tokens(a)[:1] + _given_tokens(b)[:1]) if len(t) == 1)
            full = _display_given(b) if len(_given_tokens(a)[0]) == 1 else _display_given(a)
            names = f"initial {short.upper()} agrees with {full}, {surnames}"
    clauses = [names]
    dob = dob_agreement(a.get("dob"), b.get("dob"))
    clauses.append({
        "same": "same date of birth",
        "transposed": "dates of birth with day and month swapped",
        "typo": "dates of birth one digit apart",
        "missing": "date of birth missing on one side",
    }.get(dob) or f"dates of birth {dob_gap(a.get('dob'), b.get('dob'))}")
    sex_a, sex_b = _sex(a), _sex(b)
    if sex_a and sex_b and sex_a != sex_b:
        clauses.append("different sex")
    nic_a, nic_b = _code(_text(a, "ncic_nic")), _code(_text(b, "ncic_nic"))
    if nic_a and nic_b:
        clauses.append("same NCIC number" if nic_a == nic_b else "different NCIC numbers")
    case_a, case_b = _open_case(a), _open_case(b)
    if case_a and case_b and case_a[0] == case_b[0]:
        clauses.append("same agency case" if case_a == case_b
                       else f"two open {_text(a, 'local_agency')} cases")
    return "; ".join(clauses)
