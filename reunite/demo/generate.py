"""The demo operation's children, all synthetic, and the five files the agencies send about them.

Pure Python, no Django: Faker and `random`, both seeded, so every run writes the same people and
the same bytes. Nobody here is real. The population is shaped like Doña Ana County, New Mexico:
mostly Hispanic names with two surnames (paternal, then the mother's paternal surname), accents,
compound given names and the nicknames families use, some English names.

Who is on which list (the truth the demo and its tests rely on):

- 72 children have an open case on one of four local agencies' lists (LCPD 31, DASO 19, APD 10,
  SPPD 12); 8 more are known only from NCIC, entered by the New Mexico State Police.
- The NCIC extract comes from NMSP: the Department of Public Safety, of which NMSP is part, is New
  Mexico's NCIC control agency and runs the state's missing-persons clearinghouse, so it is who can
  extract every active juvenile entry made by Doña Ana County agencies. Each NCIC row carries the
  entering agency and its case number (NCIC's ORI and OCA), which ties it to that agency's list
  however the names are spelled.
- Two LCPD children also have a DASO case (the DASO rows carry the NIC). Two children are tied only
  by their names and details: NMSP entered them in NCIC under its own case number, and their local
  agency's list does not carry the NIC, so only the linkage engine can tell they are one child.
- Rows that cannot be read are rejected with a reason (a DASO eye colour "BRN", which is not an
  NCIC code; an APD date of birth of February 30); those children still arrive through NCIC.
- Two more LCPD children arrive in June, after the baseline list froze.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import random
import zipfile
import zlib
from dataclasses import dataclass, field

from faker import Faker
from unidecode import unidecode

SEED = 2021
START = dt.date(2021, 5, 1)  # the operation's start: ages are counted on this day
EXTRACT_DAY = dt.date(2021, 4, 30)  # the lists were pulled the day before the operation began
ADDITIONS_DAY = dt.date(2021, 6, 7)

LOCAL_AGENCIES = ("LCPD", "DASO", "APD", "SPPD")
# How many children each source knows. "in_ncic": entered in NCIC by the agency itself.
SLOTS = {
    "LCPD": {"children": 31, "in_ncic": 24},
    "DASO": {"children": 19, "in_ncic": 8},
    "APD": {"children": 10, "in_ncic": 3},
    "SPPD": {"children": 12, "in_ncic": 3},
    "NMSP": {"children": 8, "in_ncic": 8},
}
BASELINE = sum(slot["children"] for slot in SLOTS.values())  # 80
ADDED_LATER = 2

# city: (postcodes, the agency with jurisdiction over a child who lives there)
CITIES = {
    "Las Cruces": (("88001", "88005", "88007", "88011", "88012"), "LCPD"),
    "Mesilla": (("88046",), "DASO"),
    "Chaparral": (("88081",), "DASO"),
    "Hatch": (("87937",), "DASO"),
    "Vado": (("88072",), "DASO"),
    "Santa Teresa": (("88008",), "DASO"),
    "Anthony": (("88021",), "APD"),
    "Sunland Park": (("88063",), "SPPD"),
}

# Surnames common along the New Mexico border, weighted; Faker's Mexican list adds the long tail.
REGIONAL_SURNAMES = {
    "García": 5, "Hernández": 5, "Martínez": 5, "Chávez": 4, "Sánchez": 4, "Rodríguez": 4,
    "López": 4, "González": 4, "Torres": 3, "Ramírez": 3, "Lucero": 3, "Montoya": 3, "Baca": 2,
    "Trujillo": 2, "Gallegos": 2, "Apodaca": 2, "Ortiz": 2, "Domínguez": 2, "Peña": 2,
    "Carrasco": 2, "Holguín": 2, "Olivas": 2, "Provencio": 1, "Téllez": 1, "Barraza": 2,
    "Sáenz": 1, "Armendáriz": 1, "Ontiveros": 1, "Salazar": 2, "Villa": 1, "Herrera": 2,
    "Madrid": 1, "Muñoz": 2, "Nájera": 1, "Ávila": 1, "Durán": 1, "Jáquez": 1,
}
# Misspellings and jokes in Faker's Mexican lists, left out.
FAKER_QUIRKS = {"Rodrígez", "Rodríquez", "Garica", "Gollum", "Hernádez", "Hernandes", "Jimínez",
                "Bétancourt", "de la Crúz", "Sanches", "Peres", "Jos", "José Manuél", "Rafaél",
                "Óliver"}
# Given names of Hispanic and of other children born in the region 2003-2016.
KIDS_NAMES = {
    ("F", True): (
        "Valeria", "Ximena", "Camila", "Daniela", "Andrea", "Alondra", "Jasmine", "Ashley",
        "Melanie", "Karla", "Vanessa", "Yesenia", "Marisol", "Araceli", "Jacqueline", "Itzel",
        "Abigail", "Natalia", "Alejandra", "Esmeralda", "Brianna", "Mariana", "Paola", "Leslie",
        "Nayeli", "Fernanda", "Diana", "Adriana", "Sofía", "Génesis", "Yareli", "Dulce",
        "Evelyn", "Alexa", "Mía", "Renata", "Anahí", "Jimena", "Mónica", "Griselda",
    ),
    ("M", True): (
        "Ángel", "Diego", "Adrián", "Alexis", "Sebastián", "Isaac", "Christian", "Jonathan",
        "Kevin", "Brandon", "Bryan", "Iván", "Emiliano", "Mateo", "Santiago", "Fernando",
        "Julián", "Andrés", "Óscar", "Alan", "Érick", "Joel", "Omar", "Israel", "Gael",
        "Damián", "Uriel", "Manuel", "Mario", "Ricardo", "Daniel", "Carlos", "Miguel", "Jorge",
        "Rubén", "Héctor", "Raúl", "Marcos",
    ),
    ("F", False): (
        "Madison", "Hailey", "Kayla", "Destiny", "Brittany", "Emily", "Savannah", "Taylor",
        "Alyssa", "Kaitlyn", "Jordan", "Hannah", "Amber", "Megan", "Chloe",
    ),
    ("M", False): (
        "Tyler", "Ethan", "Jacob", "Logan", "Austin", "Dylan", "Hunter", "Caleb", "Cody",
        "Aiden", "Noah", "Wyatt", "Trevor", "Jayden",
    ),
}
COMPOUND_GIVEN = {
    "F": ("María Guadalupe", "María Fernanda", "Ana Sofía", "María José", "Ana Karen",
          "María de los Ángeles"),
    "M": ("Juan Carlos", "José Luis", "Luis Ángel", "José Ángel", "Juan Pablo", "José Manuel"),
}
# Given names with the nickname the family uses (the linkage engine's nickname list knows these).
NICKNAMED = {
    "F": (("Guadalupe", "Lupe"), ("Leticia", "Lety"), ("Rocío", "Chío"), ("Dolores", "Lola"),
          ("Rosario", "Chayo"), ("Graciela", "Chela")),
    "M": (("Jesús", "Chuy"), ("Guillermo", "Memo"), ("Alberto", "Beto"), ("Roberto", "Beto"),
          ("Francisco", "Paco"), ("Ignacio", "Nacho"), ("Eduardo", "Lalo"), ("José", "Pepe")),
}
COMPOUND_NICKNAMES = {"María Guadalupe": "Lupe", "José Luis": "Pepe"}
STREETS = (
    "Calle del Sol", "Camino del Río", "Paseo de las Flores", "Calle Primavera", "Camino Alto",
    "Calle Encantada", "Desert Willow Dr", "Mesquite St", "Yucca Ln", "Sierra Vista Rd",
    "Pecan Dr", "Cottonwood Ln", "Ocotillo Ave", "Piñon Ct", "Chamisa Loop", "Acequia Rd",
)
MARKS = (
    "Tattoo of a rose on left forearm", "Scar above right eyebrow", "Nose piercing",
    "Birthmark on back of neck", "Tattoo 'Mom' on right wrist", "Burn scar on left hand",
    "Braces on upper teeth", "Pierced ears, several earrings",
)
RISK_WEIGHTS = (
    ("prior_runaway", 0.45), ("difficult_home", 0.35), ("substance_abuse", 0.2),
    ("homelessness", 0.12), ("online_enticement", 0.12), ("mental_health", 0.08),
    ("gang_involvement", 0.05),
)
# Ages on the start date: the seed's range is 5 to 18, most are 15 to 17 (NCMEC: 77% of
# endangered runaways are 15-17).
BASELINE_AGES = (
    [5, 7, 9, 10, 11, 12, 12, 13, 13, 13, 13] + [14] * 11 + [15] * 17 + [16] * 21 + [17] * 19
    + [18]
)
ADDED_AGES = [15, 16]


@dataclass
class DemoChild:
    """One synthetic child: identity, where they are known, and the lists that name them."""

    key: str
    first_name: str
    middle_name: str
    last_name: str
    second_last_name: str
    aliases: list[str]
    sex: str
    dob: dt.date
    hispanic: bool
    race: str
    ethnicity: str
    height: str
    weight: str
    eye_color: str
    hair_color: str
    marks: str
    address: str
    postcode: str
    city: str
    guardian_name: str
    custody: str
    risk_factors: list[str]
    classification: str
    last_contact: dt.date
    home_agency: str  # LCPD, DASO, APD, SPPD, or NMSP for children known only from NCIC
    case_number: str
    nic: str = ""
    ncic_agency: str = ""  # who entered the NCIC record (its ORI)
    ncic_case: str = ""  # that agency's case number (its OCA)
    second_case: tuple[str, str] | None = None  # another local agency's case
    added_later: bool = False
    variants: set[str] = field(default_factory=set)

    @property
    def given(self) -> str:
        return " ".join(p for p in (self.first_name, self.middle_name) if p)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given, self.last_name, self.second_last_name) if p)

    def age_on(self, day: dt.date) -> int:
        return day.year - self.dob.year - ((day.month, day.day) < (self.dob.month, self.dob.day))


@dataclass
class DemoFile:
    """A file as an agency sends it; `sources` maps each good row's record_id to its child key."""

    agency: str
    name: str
    data: bytes
    sources: dict[str, str]


@dataclass
class Population:
    children: list[DemoChild]
    files: list[DemoFile]  # the baseline files, in the order they are imported
    additions: DemoFile  # the small file that arrives after the baseline froze

    @property
    def baseline(self) -> list[DemoChild]:
        return [c for c in self.children if not c.added_later]

    def by_key(self) -> dict[str, DemoChild]:
        return {c.key: c for c in self.children}

    def truth(self) -> dict[tuple[str, str], str]:
        """(agency code, record_id) → child key, over every file."""
        return {
            (f.agency, record_id): key
            for f in [*self.files, self.additions]
            for record_id, key in f.sources.items()
        }


# ---------------------------------------------------------------------------------------------
# People


class _People:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.mx = Faker("es_MX")
        self.mx.seed_instance(seed)
        self.us = Faker("en_US")
        self.us.seed_instance(seed + 1)
        self.used_nics: set[str] = set()
        self.used_cases: set[str] = set()
        self.used_names: set[tuple[str, str]] = set()

    def surname(self) -> str:
        if self.rng.random() < 0.6:
            names, weights = zip(*REGIONAL_SURNAMES.items(), strict=True)
            return self.rng.choices(names, weights)[0]
        while (name := self.mx.last_name()) in FAKER_QUIRKS or " " in name:
            pass
        return name

    def adult_first_name(self, sex: str | None = None) -> str:
        pick = {"F": self.mx.first_name_female, "M": self.mx.first_name_male}.get(
            sex or "", self.mx.first_name)
        while (name := pick()) in FAKER_QUIRKS:
            pass
        return name

    def kid_name(self, sex: str, hispanic: bool) -> str:
        return self.mx.random_element(KIDS_NAMES[(sex, hispanic)])

    def hispanic_given(self, sex: str) -> tuple[str, str, list[str]]:
        roll = self.rng.random()
        if roll < 0.2:
            compound = self.rng.choice(COMPOUND_GIVEN[sex])
            first, _, middle = compound.partition(" ")
            alias = COMPOUND_NICKNAMES.get(compound)
            return first, middle, [alias] if alias else []
        if roll < 0.4:
            name, nickname = self.rng.choice(NICKNAMED[sex])
            return name, "", [nickname]
        return self.kid_name(sex, True), "", []

    def child(self, key: str, age: int, home_agency: str) -> DemoChild:
        rng = self.rng
        sex = "F" if rng.random() < 0.56 else "M"
        hispanic = rng.random() < 0.85
        for _ in range(20):  # no two children share a name in this small county list
            if hispanic:
                first, middle, aliases = self.hispanic_given(sex)
                last, second = self.surname(), self.surname()
            else:
                first, middle, aliases = self.kid_name(sex, False), "", []
                # Mixed families: an English given name with a Spanish surname is common here.
                last, second = (self.surname(), "") if rng.random() < 0.5 else (
                    self.us.last_name(), "")
            if last != second and (first, last) not in self.used_names:
                break
        self.used_names.add((first, last))
        dob = _dob_for_age(age, rng)
        city = self._city_for(home_agency)
        postcodes = CITIES[city][0]
        custody = "cyfd" if rng.random() < 0.15 else "guardian"
        last_contact = _last_contact(dob, rng)
        return DemoChild(
            key=key, first_name=first, middle_name=middle, last_name=last,
            second_last_name=second, aliases=aliases, sex=sex, dob=dob, hispanic=hispanic,
            race=rng.choices("WIBU", (85, 5, 4, 6))[0],
            ethnicity="H" if hispanic else rng.choice("NNU"),
            height=_height(age, sex, rng), weight=_weight(age, sex, rng),
            eye_color=rng.choices(("BRO", "HAZ", "BLK", "GRN", "BLU"), (70, 12, 10, 4, 4))[0],
            hair_color=rng.choices(("BLK", "BRO", "BLN", "RED"), (55, 38, 5, 2))[0],
            marks=rng.choice(MARKS) if rng.random() < 0.15 else "",
            address=f"{rng.randint(100, 5999)} {rng.choice(STREETS)}",
            postcode=rng.choice(postcodes), city=city,
            guardian_name=self._guardian(custody, last, second, hispanic),
            custody=custody,
            risk_factors=[name for name, p in RISK_WEIGHTS if rng.random() < p],
            classification=_classification(age, rng),
            last_contact=last_contact, home_agency=home_agency,
            case_number=self.case_number(home_agency, last_contact),
        )

    def _city_for(self, agency: str) -> str:
        if agency == "NMSP":
            return self.rng.choice(list(CITIES))
        cities = [c for c, (_, owner) in CITIES.items() if owner == agency]
        return self.rng.choice(cities)

    def _guardian(self, custody: str, last: str, second: str, hispanic: bool) -> str:
        if custody == "cyfd":
            return "CYFD Protective Services (foster care)"
        if hispanic and second and self.rng.random() < 0.7:
            # The mother: her paternal surname is the child's second surname.
            return f"{self.adult_first_name('F')} {second} {self.surname()}"
        first = self.us.first_name() if not hispanic else self.adult_first_name()
        return f"{first} {last}"

    def nic(self) -> str:
        while True:
            nic = f"M{self.rng.randint(100_000_000, 999_999_999)}"
            if nic not in self.used_nics:
                self.used_nics.add(nic)
                return nic

    def case_number(self, agency: str, opened: dt.date) -> str:
        yy = opened.strftime("%y")
        formats = {
            "LCPD": lambda n: f"{yy}-{n:06d}",
            "DASO": lambda n: f"DA{yy}-{n:05d}",
            "APD": lambda n: f"APD{yy}-{n:04d}",
            "SPPD": lambda n: f"SP-{yy}-{n:04d}",
            "NMSP": lambda n: f"NMSP{yy}-{n:05d}",
        }
        while True:
            number = formats[agency](self.rng.randint(100, 9999 if agency in ("APD", "SPPD")
                                                      else 29999))
            if number not in self.used_cases:
                self.used_cases.add(number)
                return number


def _dob_for_age(age: int, rng: random.Random) -> dt.date:
    """A birthday that makes the child exactly `age` on the start date."""
    latest = dt.date(START.year - age, START.month, START.day)
    return latest - dt.timedelta(days=rng.randint(0, 364))


def _last_contact(dob: dt.date, rng: random.Random) -> dt.date:
    # Most went missing in the ten months before the operation; a few are long-term missing.
    days_before = rng.randint(3, 300) if rng.random() < 0.9 else rng.randint(300, 700)
    return max(START - dt.timedelta(days=days_before), dob + dt.timedelta(days=365 * 4))


def _height(age: int, sex: str, rng: random.Random) -> str:
    inches = min(44 + 2.6 * (min(age, 16) - 5), 64 if sex == "F" else 69) + rng.randint(-2, 3)
    feet, rest = divmod(int(inches), 12)
    return f"{feet}{rest:02d}"  # NCIC HGT: feet then inches, "504" is 5 ft 4 in


def _weight(age: int, sex: str, rng: random.Random) -> str:
    base = 40 + 7.5 * (min(age, 17) - 5) + (8 if sex == "M" and age > 12 else 0)
    return str(int(base + rng.randint(-8, 18)))


def _classification(age: int, rng: random.Random) -> str:
    if age <= 9:
        return "family_abduction"
    return rng.choices(("runaway", "endangered_runaway", "lost_injured_missing"), (72, 26, 2))[0]


def make_children(seed: int = SEED) -> list[DemoChild]:
    people = _People(seed)
    rng = people.rng
    assert len(BASELINE_AGES) == BASELINE
    ages = BASELINE_AGES[:]
    rng.shuffle(ages)
    children: list[DemoChild] = []
    for agency, slot in SLOTS.items():
        for i in range(slot["children"]):
            child = people.child(f"C{len(children) + 1:02d}", ages[len(children)], agency)
            if i < slot["in_ncic"]:
                child.nic = people.nic()
                child.ncic_agency, child.ncic_case = agency, child.case_number
            children.append(child)
    for age in ADDED_AGES:
        child = people.child(f"C{len(children) + 1:02d}", age, "LCPD")
        child.added_later = True
        child.last_contact = ADDITIONS_DAY - dt.timedelta(days=rng.randint(4, 12))
        child.case_number = people.case_number("LCPD", child.last_contact)
        child.nic = people.nic()
        child.ncic_agency, child.ncic_case = "LCPD", child.case_number
        children.append(child)
    _assign_variants(children, people)
    return children


def _of(children, agency, in_ncic=True):
    return [c for c in children if c.home_agency == agency and bool(c.nic) == in_ncic
            and not c.added_later]


def _assign_variants(children: list[DemoChild], people: _People) -> None:
    """Pick who carries each kind of overlap and spelling difference (fixed, see module doc)."""
    lcpd = _of(children, "LCPD")
    # Two with a family nickname are also on DASO's list, under DASO's own case number.
    lcpd.sort(key=lambda c: not c.aliases)
    for child in lcpd[:2]:
        child.second_case = ("DASO", people.case_number("DASO", child.last_contact))
        child.variants.add("nickname_on_daso")
    lcpd[2].variants.add("ncic_hyphenated")
    lcpd[3].variants.add("ncic_hyphenated")
    for child in lcpd[4:14]:
        child.variants.add("ncic_one_surname")
    for child in lcpd[::2]:
        child.variants.add("lcpd_lists_nic")
    daso = _of(children, "DASO")
    daso[3].variants.add("bad_eye_code")
    daso[1].variants.add("ncic_one_surname")
    apd = _of(children, "APD")
    apd[2].variants.add("bad_dob")
    _transposable_dob(apd[1])
    apd[1].variants.add("ncic_day_month")
    sppd = _of(children, "SPPD")
    sppd[0].variants.add("ncic_one_surname")
    sppd[1].variants.add("exact_copy")
    lcpd[5].variants.add("exact_copy")
    # Trafficking indicators are rare: two older girls, preferably ones whose lists already show
    # online enticement or homelessness (they then show online enticement at least).
    flagged = [c for c in children if not c.added_later and c.sex == "F" and c.age_on(START) >= 15
               and c.home_agency in ("DASO", "SPPD", "APD") and not c.variants]
    flagged.sort(key=lambda c: not {"online_enticement", "homelessness"} & set(c.risk_factors))
    for child in flagged[:2]:
        if "online_enticement" not in child.risk_factors:
            child.risk_factors.append("online_enticement")
        child.risk_factors.append("trafficking_indicators")
        child.variants.add("trafficking_indicators")
    # Tied by nothing but names and details: NMSP entered them under its own case number.
    for child in (_of(children, "APD", in_ncic=False)[0], _of(children, "SPPD", in_ncic=False)[0]):
        child.nic = people.nic()
        child.ncic_agency = "NMSP"
        child.ncic_case = people.case_number("NMSP", child.last_contact)
        child.variants.add("fuzzy_only")
        # Keep the difference to what clearly is one child: accents and a missing surname.
        if child.aliases and child.aliases[0] in ("Lupe", "Pepe"):
            child.aliases = []


def _transposable_dob(child: DemoChild) -> None:
    """Give the child a birthday whose day and month can be swapped (the same age on START)."""
    age = child.age_on(START)
    for day in range(1, 13):
        candidate = child.dob.replace(day=day)
        if day != candidate.month and DemoChild.age_on(
                dataclasses.replace(child, dob=candidate), START) == age:
            child.dob = candidate
            return
    raise ValueError(f"{child.key}: no birthday in the month can be transposed")


# ---------------------------------------------------------------------------------------------
# Rows: one child as each source writes it


def _ascii(text: str) -> str:
    return unidecode(text or "")


def _us(day: dt.date) -> str:
    return day.strftime("%m/%d/%Y")


def reported_at(child: DemoChild) -> dt.datetime:
    """When the home agency took the report: the evening after the last contact, at an hour
    fixed by the case number (no random draw, so the rest of the demo stays as it was)."""
    spread = zlib.crc32(child.case_number.encode())
    return dt.datetime.combine(child.last_contact, dt.time(17 + spread % 6, (spread // 6) % 60))


def ncic_entered_at(child: DemoChild) -> dt.datetime:
    """Most entries within the 2 hours the law allows; about one in six later (a gap the
    dashboard's clock shows)."""
    spread = zlib.crc32(child.nic.encode())
    late = spread % 6 == 0
    minutes = 180 + spread % 1500 if late else 15 + spread % 100
    return reported_at(child) + dt.timedelta(minutes=minutes)


def local_row(child: DemoChild, agency: str, case_number: str) -> dict:
    """The child in the intake format as a local agency holds it (accents, both surnames)."""
    return {
        "record_id": case_number, "first_name": child.first_name,
        "middle_name": child.middle_name, "last_name": child.last_name,
        "second_last_name": child.second_last_name, "aliases": ";".join(child.aliases),
        "sex": child.sex, "dob": child.dob, "race": child.race, "ethnicity": child.ethnicity,
        "height": child.height, "weight": child.weight, "eye_color": child.eye_color,
        "hair_color": child.hair_color, "marks": child.marks,
        "date_last_contact": child.last_contact, "address": child.address,
        "postcode": child.postcode, "last_seen_city": child.city, "last_seen_state": "NM",
        "classification": child.classification, "local_case_number": case_number,
        "local_case_status": "open", "guardian_name": child.guardian_name,
        "custody": child.custody, "risk_factors": ";".join(child.risk_factors),
        "ncic_nic": "",
    }


def ncic_row(child: DemoChild) -> dict:
    """The child as the NCIC extract has it: no accents, often one surname, the ORI's case."""
    first, middle = _ascii(child.first_name), _ascii(child.middle_name)
    last, second = _ascii(child.last_name), _ascii(child.second_last_name)
    if "ncic_hyphenated" in child.variants and second:
        last, second = f"{last}-{second}", ""
    if "ncic_one_surname" in child.variants:
        second = ""
    dob = child.dob
    if "ncic_day_month" in child.variants:
        dob = dt.date(dob.year, dob.day, dob.month)
    return {
        "record_id": child.nic, "nic": child.nic, "ncic_status": "active",
        "mke": "EME" if child.classification in ("endangered_runaway", "family_abduction")
        else "EMJ",
        "agency": child.ncic_agency, "oca": child.ncic_case,
        "last_name": last, "second_last_name": second, "first_name": first,
        "middle_name": middle, "sex": child.sex, "rac": child.race, "eth": child.ethnicity,
        "dob": dob.isoformat(), "hgt": child.height, "wgt": child.weight,
        "eye": child.eye_color, "hai": child.hair_color, "smt": _ascii(child.marks),
        "dlc": child.last_contact.isoformat(), "city": child.city, "state": "NM",
        "address": _ascii(child.address), "zip": child.postcode,
        "guardian": _ascii(child.guardian_name),
        "ncic_entered_at": ncic_entered_at(child).strftime("%Y-%m-%d %H:%M"),
    }


def _csv(header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


DETECTIVES = ("Det. R. Gallegos", "Det. M. Olivas", "Det. A. Lucero", "Det. S. Baca",
              "Det. K. Morris")


def _detective(child: DemoChild) -> str:
    return DETECTIVES[int(child.key[1:]) % len(DETECTIVES)]


# LCPD exports its records-management system: its own header names, US dates.
LCPD_HEADER = [
    "Record ID", "Case Number", "Last Name", "Second Last Name", "First Name", "Middle Name",
    "Aliases", "Sex", "DOB", "Race", "Ethnicity", "Height", "Weight", "Eyes", "Hair",
    "Last Contact", "Address", "Zip", "City", "State", "Classification", "NIC", "Case Status",
    "Guardian", "Custody", "Risk", "Assigned Detective", "Reported At",
]


def _lcpd_line(child: DemoChild) -> list:
    row = local_row(child, "LCPD", child.case_number)
    nic = child.nic if ("lcpd_lists_nic" in child.variants or child.second_case
                        or child.added_later) else ""
    return [
        row["record_id"], row["local_case_number"], row["last_name"], row["second_last_name"],
        row["first_name"], row["middle_name"], row["aliases"], row["sex"], _us(child.dob),
        row["race"], row["ethnicity"], row["height"], row["weight"], row["eye_color"],
        row["hair_color"], _us(child.last_contact), row["address"], row["postcode"],
        row["last_seen_city"], "NM", row["classification"], nic, "open", row["guardian_name"],
        row["custody"], row["risk_factors"], _detective(child),
        reported_at(child).strftime("%m/%d/%Y %H:%M"),
    ]


def lcpd_file(children: list[DemoChild]) -> DemoFile:
    ours = [c for c in children if c.home_agency == "LCPD" and not c.added_later]
    lines, sources = [], {}
    for child in ours:
        line = _lcpd_line(child)
        lines.append(line)
        sources[child.case_number] = child.key
        if "exact_copy" in child.variants:
            lines.append(list(line))  # exported twice: the same row, word for word
    return DemoFile("LCPD", "lcpd_open_missing_juveniles_2021-04-30.csv",
                    _csv(LCPD_HEADER, lines), sources)


def lcpd_additions_file(children: list[DemoChild]) -> DemoFile:
    """June: two new cases, and one case LCPD had already sent, unchanged."""
    added = [c for c in children if c.added_later]
    resent = next(c for c in children if c.home_agency == "LCPD" and not c.added_later)
    lines = [_lcpd_line(resent)] + [_lcpd_line(c) for c in added]
    sources = {c.case_number: c.key for c in added}
    sources[resent.case_number] = resent.key
    return DemoFile("LCPD", f"lcpd_new_cases_{ADDITIONS_DAY.isoformat()}.csv",
                    _csv(LCPD_HEADER, lines), sources)


DASO_HEADER = [
    "ID", "Case No", "Last Name", "Second Surname", "First Name", "Middle", "Alias", "Sex",
    "Date of Birth", "Race", "Eth", "HGT", "WGT", "Eye", "Hair", "Date Missing", "Address",
    "Zip Code", "City", "State", "Classification", "NCIC", "Case Status", "Guardian", "Custody",
    "Risk Factors", "Deputy Notes",
]
DASO_NOTES = ("", "", "Checked school, not enrolled since March", "Mother works nights",
              "Known to stay with cousins in Chaparral", "Possible boyfriend in El Paso")


def daso_file(children: list[DemoChild], rng: random.Random) -> DemoFile:
    """DASO sends a spreadsheet: real date cells, its own headers, its own case numbers."""
    from openpyxl import Workbook

    entries = [(c, c.case_number) for c in children if c.home_agency == "DASO"]
    entries += [(c, c.second_case[1]) for c in children if c.second_case]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Open missing juveniles"
    sheet.append(DASO_HEADER)
    sources = {}
    for child, case_number in entries:
        row = local_row(child, "DASO", case_number)
        first, aliases = row["first_name"], row["aliases"]
        if "nickname_on_daso" in child.variants and child.aliases:
            first, aliases = child.aliases[0], ""  # the deputy wrote down what the family says
        eye = "BRN" if "bad_eye_code" in child.variants else row["eye_color"]
        nic = child.nic if child.second_case or rng.random() < 0.5 else ""
        sheet.append([
            case_number.replace("DA", "D"), case_number, row["last_name"],
            row["second_last_name"], first, row["middle_name"], aliases, row["sex"], child.dob,
            row["race"], row["ethnicity"], row["height"], row["weight"], eye,
            row["hair_color"], child.last_contact, row["address"], row["postcode"],
            row["last_seen_city"], "NM", row["classification"], nic, "Open",
            row["guardian_name"], row["custody"], row["risk_factors"], rng.choice(DASO_NOTES),
        ])
        if "bad_eye_code" not in child.variants:
            sources[case_number.replace("DA", "D")] = child.key
    workbook.properties.creator = "DASO Records"
    return DemoFile("DASO", "daso_missing_juveniles_2021-04-30.xlsx", _xlsx_bytes(workbook),
                    sources)


class _StampedZip(zipfile.ZipFile):
    """A zip whose entries all carry one fixed time (zipfile stamps the current time)."""

    stamp = (2021, 4, 30, 16, 45, 0)

    def writestr(self, zinfo_or_arcname, data, *args, **kwargs):
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=self.stamp)
            zinfo_or_arcname.compress_type = zipfile.ZIP_DEFLATED
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename, arcname=None, *args, **kwargs):  # openpyxl writes sheets this way
        with open(filename, "rb") as handle:
            self.writestr(str(arcname or filename), handle.read())


def _xlsx_bytes(workbook) -> bytes:
    """The workbook's bytes, the same on every run (openpyxl's save() stamps the time)."""
    from openpyxl.writer.excel import ExcelWriter

    stamp = dt.datetime(*_StampedZip.stamp)
    workbook.properties.created = workbook.properties.modified = stamp
    buffer = io.BytesIO()
    ExcelWriter(workbook, _StampedZip(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    return buffer.getvalue()


INTAKE_HEADER = [
    "record_id", "first_name", "middle_name", "last_name", "second_last_name", "aliases", "sex",
    "dob", "race", "ethnicity", "height", "weight", "eye_color", "hair_color", "marks",
    "date_last_contact", "address", "postcode", "last_seen_city", "last_seen_state",
    "classification", "ncic_nic", "local_case_number", "local_case_status", "guardian_name",
    "custody", "risk_factors",
]


def _intake_line(row: dict, date_format) -> list:
    values = dict(row)
    values["dob"] = date_format(row["dob"]) if isinstance(row["dob"], dt.date) else row["dob"]
    values["date_last_contact"] = date_format(row["date_last_contact"])
    return [values[h] for h in INTAKE_HEADER]


def apd_file(children: list[DemoChild]) -> DemoFile:
    """APD uses the intake template, US dates, and a system without accents."""
    lines, sources = [], {}
    for child in (c for c in children if c.home_agency == "APD"):
        row = {k: _ascii(v) if isinstance(v, str) else v
               for k, v in local_row(child, "APD", child.case_number).items()}
        if "bad_dob" in child.variants:
            row["dob"] = f"02/30/{child.dob.year}"  # typed by hand: there is no 30 February
        else:
            sources[child.case_number] = child.key
        lines.append(_intake_line(row, _us))
    return DemoFile("APD", "apd_open_cases_2021-04-30.csv", _csv(INTAKE_HEADER, lines), sources)


def sppd_file(children: list[DemoChild]) -> DemoFile:
    """SPPD uses the intake template with ISO dates; one row was pasted twice."""
    lines, sources = [], {}
    for child in (c for c in children if c.home_agency == "SPPD"):
        row = local_row(child, "SPPD", child.case_number)
        if child.nic and child.ncic_agency == "SPPD":
            row["ncic_nic"] = child.nic
        line = _intake_line(row, dt.date.isoformat)
        lines.append(line)
        if "exact_copy" in child.variants:
            lines.append(list(line))
        sources[child.case_number] = child.key
    return DemoFile("SPPD", "sppd_missing_minors_2021-04-30.csv",
                    _csv(INTAKE_HEADER, lines), sources)


NCIC_HEADER = [
    "record_id", "nic", "ncic_status", "mke", "agency", "oca", "last_name", "second_last_name",
    "first_name", "middle_name", "sex", "rac", "eth", "dob", "hgt", "wgt", "eye", "hai", "smt",
    "dlc", "address", "zip", "city", "state", "guardian", "ncic_entered_at",
]


def ncic_file(children: list[DemoChild]) -> DemoFile:
    """NMSP's extract of active NCIC juvenile entries made by Doña Ana County agencies."""
    ours = sorted((c for c in children if c.nic and not c.added_later), key=lambda c: c.nic)
    rows = [ncic_row(c) for c in ours]
    return DemoFile(
        "NMSP", f"nmsp_ncic_juvenile_extract_{EXTRACT_DAY.isoformat()}.csv",
        _csv(NCIC_HEADER, [[r[h] for h in NCIC_HEADER] for r in rows]),
        {c.nic: c.key for c in ours},
    )


def make_population(seed: int = SEED) -> Population:
    children = make_children(seed)
    rng = random.Random(seed + 2)
    # Local lists first: their spellings (accents, both surnames) become the children's names;
    # the NCIC extract then ties to them by NIC or by the entering agency's case number.
    files = [
        lcpd_file(children), daso_file(children, rng), apd_file(children),
        sppd_file(children), ncic_file(children),
    ]
    return Population(children, files, lcpd_additions_file(children))
