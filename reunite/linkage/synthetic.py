"""Synthetic, region-shaped children's records with known truth (no Django, seeded).

A registry of families (mostly Hispanic names with two surnames, minors' dates of birth, siblings
and the odd pair of twins sharing surnames, guardian and address) and a query list: noisy copies
of registry children (typos, dropped accents, nicknames, swapped names, transposed dates, missing
or hyphenated surnames...) plus children who are not in the registry, a quarter of them siblings
of registry children. Used to train the shipped model, by the benchmark, the tests and the demo.
Generation is columnar with `random.choices`, so a million records take seconds, not minutes.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from faker.providers.address.en_US import Provider as UsAddress
from faker.providers.person.en_US import Provider as UsNames
from faker.providers.person.es_MX import Provider as MxNames

from reunite.linkage.settings import load_nicknames

# The most frequent Mexican surnames carry real-world weights (per cent), so namesakes happen as
# often as they do in the region; Faker's long tail shares the rest.
COMMON_MX_SURNAMES = {
    "Hernández": 5.0, "García": 4.2, "Martínez": 3.8, "López": 3.3, "González": 3.2,
    "Pérez": 2.2, "Rodríguez": 2.2, "Sánchez": 2.1, "Ramírez": 2.0, "Cruz": 1.5,
    "Flores": 1.4, "Gómez": 1.4, "Morales": 1.1, "Vázquez": 1.1, "Reyes": 1.1,
    "Jiménez": 1.0, "Torres": 1.0, "Díaz": 1.0, "Gutiérrez": 1.0, "Ruiz": 0.9,
    "Mendoza": 0.9, "Aguilar": 0.9, "Ortiz": 0.8, "Moreno": 0.8, "Castillo": 0.8,
    "Romero": 0.8, "Álvarez": 0.7, "Méndez": 0.7, "Chávez": 0.7, "Rivera": 0.7,
}
COMPOUND_FIRST_PARTS = ("María", "José", "Juan", "Ana", "Luis")
COLUMNS = (
    "record_id", "first_name", "middle_name", "last_name", "second_last_name", "aliases", "sex",
    "dob", "race", "ethnicity", "address", "postcode", "last_seen_city", "last_seen_state",
    "guardian_name", "ncic_nic", "local_agency", "local_case_number",
)
CITIES = (("Albuquerque", "NM", "871"), ("Las Cruces", "NM", "880"), ("El Paso", "TX", "799"),
          ("Santa Fe", "NM", "875"), ("Tucson", "AZ", "857"), ("Phoenix", "AZ", "850"))
HISPANIC_SHARE = 0.8
TWIN_SHARE = 0.02


@dataclass
class Person:
    first_name: str
    middle_name: str
    last_name: str
    second_last_name: str
    sex: str
    dob: date
    hispanic: bool
    address: str
    postcode: str
    city: str
    state: str
    guardian_name: str


@dataclass
class LinkageSample:
    """registry and queries in the intake format; truth holds (query_id, registry_id) pairs."""

    registry: dict[str, list[str | None]]
    queries: list[dict[str, str | None]]
    truth: set[tuple[str, str]] = field(default_factory=set)

    def registry_records(self) -> Iterator[dict[str, str | None]]:
        columns = list(self.registry)
        for values in zip(*(self.registry[c] for c in columns), strict=True):
            yield dict(zip(columns, values, strict=True))


def _weighted(names: dict[str, float] | list[str] | tuple[str, ...], rng: random.Random,
              skew: float = 1.0) -> tuple[list[str], list[float]]:
    if isinstance(names, dict):
        return list(names), list(names.values())
    shuffled = list(names)
    rng.shuffle(shuffled)  # a Zipf-like skew over a fixed random order: a few very common names
    return shuffled, [1.0 / (rank + 5) ** skew for rank in range(len(shuffled))]


class NamePool:
    def __init__(self, rng: random.Random):
        tail = [s for s in MxNames.last_names if s not in COMMON_MX_SURNAMES]
        tail_names, tail_weights = _weighted(tail, rng, 0.6)
        scale = 35.0 / sum(tail_weights)  # the long tail holds about a third of people
        self.mx_surnames = list(COMMON_MX_SURNAMES) + tail_names
        self.mx_surname_weights = list(COMMON_MX_SURNAMES.values()) + [w * scale for w in
                                                                       tail_weights]
        self.mx_male = _weighted(MxNames.first_names_male, rng)
        self.mx_female = _weighted(MxNames.first_names_female, rng)
        self.us_male = _weighted(dict(UsNames.first_names_male), rng)
        self.us_female = _weighted(dict(UsNames.first_names_female), rng)
        self.us_surnames = _weighted(dict(UsNames.last_names), rng)
        self.streets = [name for name in UsNames.last_names][:400]
        self.street_suffixes = list(UsAddress.street_suffixes)[:20]

    def given(self, rng: random.Random, sex: str, hispanic: bool) -> str:
        pool = (self.mx_male if sex == "M" else self.mx_female) if hispanic else (
            self.us_male if sex == "M" else self.us_female)
        return rng.choices(pool[0], pool[1])[0]

    def surname(self, rng: random.Random, hispanic: bool) -> str:
        if hispanic:
            return rng.choices(self.mx_surnames, self.mx_surname_weights)[0]
        return rng.choices(*self.us_surnames)[0]


def _child_names(pool: NamePool, rng: random.Random, sex: str, hispanic: bool) -> tuple[str, str]:
    """(first_name, middle_name). Compound Hispanic names sit in first_name ("María Fernanda")."""
    first = pool.given(rng, sex, hispanic)
    if hispanic and rng.random() < 0.15:
        prefix = "María" if sex == "F" else rng.choice(("José", "Juan", "Luis"))
        if prefix != first:
            first = f"{prefix} {first}"
    middle = pool.given(rng, sex, hispanic) if not hispanic and rng.random() < 0.5 else ""
    return first, middle


def _family(pool: NamePool, rng: random.Random, today: date) -> list[Person]:
    hispanic = rng.random() < HISPANIC_SHARE
    paternal = pool.surname(rng, hispanic)
    maternal = pool.surname(rng, hispanic) if hispanic else ""
    city, state, zip3 = rng.choice(CITIES)
    address = (f"{rng.randint(100, 9999)} {rng.choice(pool.streets)} "
               f"{rng.choice(pool.street_suffixes)}")
    guardian_sex = rng.choice("MF")
    guardian = f"{pool.given(rng, guardian_sex, hispanic)} {paternal}"
    if guardian_sex == "F" and hispanic:
        guardian = f"{pool.given(rng, 'F', hispanic)} {maternal}"
    postcode = f"{zip3}{rng.randint(0, 99):02d}"
    children: list[Person] = []
    used_names: set[str] = set()
    used_years: set[int] = set()
    for _ in range(rng.choices((1, 2, 3, 4), (0.45, 0.3, 0.17, 0.08))[0]):
        twin_of = children[-1] if children and rng.random() < TWIN_SHARE * 5 else None
        sex = rng.choice("MF")
        first, middle = _child_names(pool, rng, sex, hispanic)
        if first in used_names:
            continue  # parents do not give two children the same name
        if twin_of is not None:
            dob = twin_of.dob
        else:
            dob = today - timedelta(days=rng.randint(0, 17 * 365))
            if dob.year in used_years:
                continue
        used_names.add(first)
        used_years.add(dob.year)
        children.append(Person(first, middle, paternal, maternal, sex, dob, hispanic, address,
                               postcode, city, state, guardian))
    return children


def _record(person: Person, record_id: str, rng: random.Random) -> dict[str, str | None]:
    return {
        "record_id": record_id,
        "first_name": person.first_name,
        "middle_name": person.middle_name or None,
        "last_name": person.last_name,
        "second_last_name": person.second_last_name or None,
        "aliases": None,
        "sex": person.sex,
        "dob": person.dob.isoformat(),
        "race": "W" if person.hispanic else rng.choice("WBIA"),
        "ethnicity": "H" if person.hispanic else "N",
        "address": person.address,
        "postcode": person.postcode,
        "last_seen_city": person.city,
        "last_seen_state": person.state,
        "guardian_name": person.guardian_name,
        "ncic_nic": None,
        "local_agency": None,
        "local_case_number": None,
    }


# --- noise ------------------------------------------------------------------------------------

def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def typo(text: str, rng: random.Random) -> str:
    if len(text) < 4:
        return text
    i = rng.randint(1, len(text) - 2)
    letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
    kind = rng.choice(("substitute", "delete", "insert", "transpose"))
    if kind == "substitute":
        return text[:i] + letter + text[i + 1:]
    if kind == "delete":
        return text[:i] + text[i + 1:]
    if kind == "insert":
        return text[:i] + letter + text[i:]
    return text[:i] + text[i + 1] + text[i] + text[i + 2:]


def _nicknames_by_name() -> dict[str, list[str]]:
    by_name: dict[str, list[str]] = {}
    for nickname, name in load_nicknames():
        by_name.setdefault(strip_accents(name).lower(), []).append(nickname.capitalize())
    return by_name


def _transpose_day_month(iso: str) -> str | None:
    year, month, day = iso.split("-")
    if day == month or int(day) > 12:
        return None
    return f"{year}-{day}-{month}"


def _one_digit_wrong(iso: str, rng: random.Random) -> str:
    for _ in range(20):
        position = rng.choice((2, 3, 5, 6, 8, 9))  # not the century
        candidate = iso[:position] + str(rng.randint(0, 9)) + iso[position + 1:]
        try:
            if candidate != iso and date.fromisoformat(candidate).year <= date.today().year:
                return candidate
        except ValueError:
            continue
    return iso


def add_noise(record: dict[str, str | None], rng: random.Random,
              nicknames: dict[str, list[str]]) -> dict[str, str | None]:
    """One to three of the ways agencies spell the same child differently."""
    noisy = dict(record)
    first = noisy["first_name"] or ""
    kinds = ["typo_first", "typo_surname", "accents", "nickname", "swap_names", "dob_transposed",
             "dob_digit", "no_second_surname", "hyphenated", "run_together", "no_dob", "no_sex",
             "moved", "upper_case", "compound_part"]
    for kind in rng.sample(kinds, rng.choices((1, 2, 3), (0.5, 0.35, 0.15))[0]):
        if kind == "typo_first" and first:
            noisy["first_name"] = typo(noisy["first_name"] or first, rng)
        elif kind == "typo_surname" and noisy["last_name"]:
            noisy["last_name"] = typo(noisy["last_name"], rng)
        elif kind == "accents":
            noisy = {k: strip_accents(v) if isinstance(v, str) else v for k, v in noisy.items()}
        elif kind == "nickname":
            options = nicknames.get(strip_accents(first.split(" ")[-1]).lower())
            if options:
                noisy["first_name"] = rng.choice(options)
        elif kind == "swap_names":
            noisy["first_name"], noisy["last_name"] = noisy["last_name"], noisy["first_name"]
        elif kind == "dob_transposed" and noisy["dob"]:
            noisy["dob"] = _transpose_day_month(noisy["dob"]) or noisy["dob"]
        elif kind == "dob_digit" and noisy["dob"]:
            noisy["dob"] = _one_digit_wrong(noisy["dob"], rng)
        elif kind == "no_second_surname":
            noisy["second_last_name"] = None
        elif kind in ("hyphenated", "run_together") and noisy["second_last_name"]:
            joiner = "-" if kind == "hyphenated" else " "
            noisy["last_name"] = f"{noisy['last_name']}{joiner}{noisy['second_last_name']}"
            noisy["second_last_name"] = None
        elif kind == "no_dob":
            noisy["dob"] = None
        elif kind == "no_sex":
            noisy["sex"] = None
        elif kind == "moved":
            noisy["address"] = f"{rng.randint(100, 9999)} {typo(noisy['address'] or 'Main', rng)}"
            noisy["postcode"] = None
        elif kind == "upper_case":
            noisy = {k: v.upper() if isinstance(v, str) and k != "record_id" else v
                     for k, v in noisy.items()}
        elif kind == "compound_part" and " " in first:
            noisy["first_name"] = first.split(" ")[-1]
    if rng.random() < 0.3:  # agencies often leave the household out
        noisy["guardian_name"] = None
    if rng.random() < 0.3 and noisy["dob"]:
        year, month, day = noisy["dob"].split("-")
        noisy["dob"] = f"{month}/{day}/{year}"  # a US-formatted source
    return noisy


# --- public generators -----------------------------------------------------------------------

def generate(registry_size: int, query_size: int = 1000, *, seed: int = 42,
             member_share: float = 0.8, sibling_share_of_non_members: float = 0.25,
             today: date = date(2026, 1, 1)) -> LinkageSample:
    """A registry of `registry_size` children and `query_size` queries with their truth."""
    rng = random.Random(seed)
    pool = NamePool(rng)
    nicknames = _nicknames_by_name()
    registry: dict[str, list[str | None]] = {column: [] for column in COLUMNS}
    people: list[Person] = []
    outsiders: list[Person] = []  # siblings of registry children who are not in the registry
    families = 0
    while len(people) < registry_size:
        family = _family(pool, rng, today)
        families += 1
        if len(family) > 1 and rng.random() < 0.05:
            outsiders.append(family.pop())
        people.extend(family)
    del people[registry_size:]
    for index, person in enumerate(people):
        for column, value in _record(person, f"R{index:07d}", rng).items():
            registry[column].append(value)

    members = round(query_size * member_share)
    non_members = query_size - members
    siblings = round(non_members * sibling_share_of_non_members)
    queries: list[dict[str, str | None]] = []
    truth: set[tuple[str, str]] = set()
    for index in rng.sample(range(len(people)), members):
        query_id = f"Q{len(queries):05d}"
        queries.append(add_noise(_record(people[index], query_id, rng), rng, nicknames))
        truth.add((query_id, f"R{index:07d}"))
    for person in rng.sample(outsiders, min(siblings, len(outsiders))):
        queries.append(add_noise(_record(person, f"Q{len(queries):05d}", rng), rng, nicknames))
    while len(queries) < query_size:
        for person in _family(pool, rng, today)[:1]:
            queries.append(add_noise(_record(person, f"Q{len(queries):05d}", rng), rng,
                                     nicknames))
    return LinkageSample(registry=registry, queries=queries, truth=truth)
