"""A second, independent generator of border-region children's records, for "generalise, don't fit".

The shipped model is trained on reunite.linkage.synthetic. Data from the same generator flatters
it: the model learns that generator's error rates. This one was written separately, with its own
name frequencies, error rates, missing-field rates and record shapes, so the model can be scored
on data it was not tuned to (and trained on it, to be scored on the other):

- names drawn from Faker's es_MX, es_ES and en_US lists with its own Zipf weights, compound given
  names ("María José", "Juan Pablo"), English middle names, "de la Cruz"-style surnames;
- three record shapes: NCIC-style rows (UPPER CASE, accents dropped, both surnames in
  `last_name`, US dates MM/DD/YYYY), Spanish-locale rows (accents kept, dates already ISO from
  intake, often missing, year-only or year-and-month) and local agencies' rows;
- errors: nicknames (Lupita, Chuy, Pancho, Billy...), initials ("T" for Tyler), typos, a given
  name and surname swapped, one surname only, surnames in the other order, hyphenated surnames,
  particles dropped or run together, day/month swaps, a digit wrong in the date;
- true non-matches that look alike: twins (of the same and of different sex), siblings, and
  namesakes (same name and surnames, another date of birth and home).

Nothing here is read by the engine; its nickname list is its own, partly outside the shipped one.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from faker.providers.person.en_US import Provider as EnUs
from faker.providers.person.es_ES import Provider as EsEs
from faker.providers.person.es_MX import Provider as EsMx

COLUMNS = (
    "record_id", "first_name", "middle_name", "last_name", "second_last_name", "aliases", "sex",
    "dob", "race", "ethnicity", "address", "postcode", "last_seen_city", "last_seen_state",
    "guardian_name", "ncic_nic", "local_agency", "local_case_number",
)
# Origin of a family: Mexican, Spanish-named, or Anglo (one surname, middle names).
ORIGINS = (("mx", 0.55), ("es", 0.15), ("us", 0.30))
# Record shapes of a query row and their share.
SHAPES = (("ncic", 0.35), ("spanish", 0.30), ("local", 0.35))
PLACES = (("Las Cruces", "NM", ("88001", "88005", "88007", "88011", "88012")),
          ("Sunland Park", "NM", ("88063",)), ("Anthony", "NM", ("88021",)),
          ("Deming", "NM", ("88030",)), ("El Paso", "TX", ("79901", "79907", "79912", "79924",
                                                           "79936", "79938")),
          ("Socorro", "TX", ("79927",)), ("Alamogordo", "NM", ("88310",)))
STREETS = ("Calle del Sol", "Mesilla St", "Avenida de Mesilla", "Picacho Ave", "Valley Dr",
           "Solano Dr", "El Paseo Rd", "Montana Ave", "Dyer St", "Alameda Ave", "Zaragoza Rd",
           "Loma Verde Dr", "Lohman Ave", "Missouri Ave", "Doniphan Dr", "Camino Real",
           "Calle Bonita", "Sonoma Ranch Blvd", "Motel Blvd", "Stanton St", "Yarbrough Dr")
COMPOUND_GIVEN = {
    "F": ("María José", "María Fernanda", "Ana Sofía", "María Guadalupe", "Luz María",
          "Ana Paula", "María Elena", "María de los Ángeles"),
    "M": ("Juan Pablo", "José Luis", "Juan Carlos", "José Ángel", "Luis Fernando",
          "Miguel Ángel", "Jesús Alberto", "Juan de Dios"),
}
# This generator's own nickname habits; some are not in the shipped nickname list on purpose.
NICKNAMES = {
    "Guadalupe": ("Lupita", "Lupe"), "Jesús": ("Chuy", "Chucho"), "Francisco": ("Pancho", "Paco"),
    "José": ("Pepe",), "Alejandro": ("Alex", "Ale"), "Eduardo": ("Lalo",),
    "Guillermo": ("Memo",), "Roberto": ("Beto",), "Alberto": ("Beto",), "Ignacio": ("Nacho",),
    "Enrique": ("Kike",), "Rosario": ("Chayo",), "Concepción": ("Conchita",),
    "Dolores": ("Lola",), "Manuel": ("Manolo",), "Fernando": ("Fer",), "Daniela": ("Dani",),
    "Gabriela": ("Gaby",), "Alejandra": ("Ale",), "Santiago": ("Santi",), "Ramón": ("Moncho",),
    "William": ("Billy", "Will"), "Robert": ("Bobby", "Rob"), "Elizabeth": ("Liz", "Beth"),
    "Katherine": ("Katie", "Kate"), "Michael": ("Mike",), "Christopher": ("Chris",),
    "Jennifer": ("Jenny",), "Matthew": ("Matt",), "Nicholas": ("Nick",), "Joseph": ("Joey",),
    "Anthony": ("Tony",), "Samantha": ("Sam",), "Alexander": ("Alex",), "Rebecca": ("Becky",),
    "Margaret": ("Maggie",), "Benjamin": ("Ben",), "Zachary": ("Zach",),
}
PARTICLE_SURNAMES = ("de la Cruz", "de León", "del Río", "de la Rosa", "de los Santos",
                     "del Toro", "de la O", "Ponce de León")
REFERENCE = date(2026, 11, 1)


@dataclass
class BorderSample:
    """registry (columns) and queries in the intake format; truth holds (query_id, registry_id)."""

    registry: dict[str, list[str | None]]
    queries: list[dict[str, str | None]]
    truth: set[tuple[str, str]] = field(default_factory=set)


@dataclass
class Child:
    given: str
    middle: str
    surname1: str
    surname2: str
    sex: str
    dob: date
    origin: str
    address: str
    postcode: str
    city: str
    state: str
    guardian: str


class _Names:
    """Zipf-Mandelbrot draws (1/(rank+8)^0.9 over a seeded shuffle: the commonest name is ~2.5%
    of children, other weights than the project generator's) per origin."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.pools: dict[tuple[str, str], tuple[list[str], list[float]]] = {}
        sources = {"mx": EsMx, "es": EsEs, "us": EnUs}
        for origin, provider in sources.items():
            for key, attribute in (("M", "first_names_male"), ("F", "first_names_female"),
                                   ("S", "last_names")):
                names = [n for n in getattr(provider, attribute) if " " not in n]
                rng.shuffle(names)
                cumulative, total = [], 0.0
                for rank, _ in enumerate(names, start=1):
                    total += 1.0 / (rank + 8) ** 0.9
                    cumulative.append(total)
                self.pools[(origin, key)] = (names, cumulative)
        for sex in "MF":  # the nicknamed names must occur often enough to matter
            for origin in ("mx", "es", "us"):
                names, _ = self.pools[(origin, sex)]
                for name in NICKNAMES:
                    if name in names and self.rng.random() < 0.5:
                        names.remove(name)
                        names.insert(self.rng.randrange(0, 30), name)

    def draw(self, origin: str, key: str) -> str:
        names, cumulative = self.pools[(origin, key)]
        return self.rng.choices(names, cum_weights=cumulative)[0]


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word) - 1)  # a typist rarely gets the first letter wrong
    kind = rng.random()
    letter = rng.choice("aeiourlnsmtcdbgz")
    if kind < 0.3:
        return word[:i] + letter + word[i + 1:]
    if kind < 0.55:
        return word[:i] + word[i + 1:]
    if kind < 0.8:
        return word[:i] + letter + word[i:]
    return word[:i - 1] + word[i] + word[i - 1] + word[i + 1:]


class BorderGenerator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.names = _Names(self.rng)

    # --- people ----------------------------------------------------------------------------

    def given_name(self, origin: str, sex: str) -> tuple[str, str]:
        rng = self.rng
        if origin != "us" and rng.random() < 0.22:
            return rng.choice(COMPOUND_GIVEN[sex]), ""
        given = self.names.draw(origin, sex)
        middle = self.names.draw(origin, sex) if origin == "us" and rng.random() < 0.45 else ""
        return given, middle if middle != given else ""

    def surname(self, origin: str) -> str:
        if origin != "us" and self.rng.random() < 0.02:
            return self.rng.choice(PARTICLE_SURNAMES)
        return self.names.draw(origin, "S")

    def family(self) -> list[Child]:
        rng = self.rng
        origin = rng.choices([o for o, _ in ORIGINS], weights=[w for _, w in ORIGINS])[0]
        surname1 = self.surname(origin)
        surname2 = self.surname(origin) if origin != "us" else ""
        if origin == "us" and rng.random() < 0.05:
            surname1 = f"{surname1}-{self.surname('mx')}"
        city, state, codes = rng.choice(PLACES)
        address = f"{rng.randrange(100, 9999)} {rng.choice(STREETS)}"
        guardian_sex = rng.choice("MF")
        guardian = f"{self.given_name(origin, guardian_sex)[0]} {surname1}"
        size = rng.choices((1, 2, 3, 4, 5), weights=(40, 30, 17, 9, 4))[0]
        children: list[Child] = []
        first_dob = REFERENCE - timedelta(days=rng.randrange(200, 18 * 365))
        for index in range(size):
            sex = rng.choice("MF")
            if index and rng.random() < 0.06:  # twins: same day, another name (maybe same sex)
                dob = children[-1].dob
            else:
                dob = first_dob + timedelta(days=rng.randrange(330, 1500)) * index
                if dob >= REFERENCE:
                    dob = REFERENCE - timedelta(days=rng.randrange(30, 300))
            used = {c.given for c in children}
            given, middle = self.given_name(origin, sex)
            while given in used:
                given, middle = self.given_name(origin, sex)
            children.append(Child(given, middle, surname1, surname2, sex, dob, origin, address,
                                  rng.choice(codes), city, state, guardian))
        return children

    def namesake(self, child: Child) -> Child:
        """Another child with the same name and surnames: born elsewhere, another year."""
        rng = self.rng
        years = rng.choice((-5, -4, -3, -2, -1, 1, 2, 3, 4, 5))
        dob = child.dob + timedelta(days=365 * years + rng.randrange(-150, 150))
        dob = min(dob, REFERENCE - timedelta(days=20))
        city, state, codes = rng.choice(PLACES)
        return Child(child.given, child.middle, child.surname1, child.surname2, child.sex, dob,
                     child.origin, f"{rng.randrange(100, 9999)} {rng.choice(STREETS)}",
                     rng.choice(codes), city, state,
                     f"{self.given_name(child.origin, 'F')[0]} {child.surname1}")

    # --- records ---------------------------------------------------------------------------

    def registry_row(self, record_id: str, child: Child) -> dict[str, str | None]:
        rng = self.rng
        return {
            "record_id": record_id, "first_name": child.given, "middle_name": child.middle or None,
            "last_name": child.surname1, "second_last_name": child.surname2 or None,
            "aliases": None, "sex": child.sex, "dob": child.dob.isoformat(),
            "race": None, "ethnicity": "Hispanic" if child.origin != "us" else None,
            "address": child.address if rng.random() < 0.9 else None,
            "postcode": child.postcode, "last_seen_city": child.city,
            "last_seen_state": child.state,
            "guardian_name": child.guardian if rng.random() < 0.7 else None,
            "ncic_nic": None, "local_agency": None, "local_case_number": None,
        }

    def noisy_given(self, child: Child) -> tuple[str, str]:
        rng = self.rng
        given, middle = child.given, child.middle
        roll = rng.random()
        parts = given.split(" ")
        if len(parts) > 1 and roll < 0.3:  # "María José" known as "María" or "José" or "Majo"
            given = rng.choice((parts[0], parts[-1], parts[-1], given.replace(" ", "-")))
        elif given in NICKNAMES and roll < 0.45:
            given = rng.choice(NICKNAMES[given])
        elif roll < 0.06:
            given = _typo(given, rng)
        elif roll < 0.085:
            given = given[0]  # an initial only ("T" for Tyler)
        if middle and rng.random() < 0.5:
            middle = middle[0] if rng.random() < 0.5 else ""
        return given, middle

    def noisy_surnames(self, child: Child) -> tuple[str, str]:
        rng = self.rng
        s1, s2 = child.surname1, child.surname2
        roll = rng.random()
        if s2 and roll < 0.14:
            s2 = ""  # only the paternal surname
        elif s2 and roll < 0.17:
            s1, s2 = s2, s1
        elif s2 and roll < 0.20:
            s1, s2 = f"{s1}-{s2}", ""
        elif roll < 0.26:
            s1 = _typo(s1, rng)
        elif s2 and roll < 0.29:
            s2 = _typo(s2, rng)
        if s1.lower().startswith(("de ", "del ")) and rng.random() < 0.5:
            s1 = s1.replace(" ", "") if rng.random() < 0.3 else s1.split(" ")[-1]
        return s1, s2

    def noisy_dob(self, child: Child, shape: str) -> str | None:
        rng = self.rng
        dob = child.dob
        roll = rng.random()
        if roll < (0.12 if shape == "spanish" else 0.04):
            return None
        if shape == "spanish" and roll < 0.20:
            return str(dob.year)
        if shape == "spanish" and roll < 0.25:
            return f"{dob.year:04d}-{dob.month:02d}"
        text = dob.isoformat()
        roll = rng.random()
        if roll < 0.035 and dob.day <= 12 and dob.day != dob.month:
            text = date(dob.year, dob.day, dob.month).isoformat()
        elif roll < 0.075:
            position = rng.choice((2, 3, 5, 6, 8, 9))
            digit = str(rng.choice([d for d in "0123456789" if d != text[position]]))
            candidate = text[:position] + digit + text[position + 1:]
            try:
                date.fromisoformat(candidate)
                text = candidate
            except ValueError:
                pass
        if shape == "ncic":
            year, month, day = text.split("-")
            return f"{month}/{day}/{year}"
        return text

    def query_row(self, record_id: str, child: Child) -> dict[str, str | None]:
        rng = self.rng
        shape = rng.choices([s for s, _ in SHAPES], weights=[w for _, w in SHAPES])[0]
        given, middle = self.noisy_given(child)
        surname1, surname2 = self.noisy_surnames(child)
        if rng.random() < 0.02:
            given, surname1 = surname1, given
        sex: str | None = child.sex if rng.random() < 0.92 else None
        if sex and rng.random() < 0.01:
            sex = "F" if sex == "M" else "M"
        moved = rng.random() < 0.45
        row: dict[str, str | None] = {
            "record_id": record_id, "first_name": given, "middle_name": middle or None,
            "last_name": surname1, "second_last_name": surname2 or None, "aliases": None,
            "sex": sex, "dob": self.noisy_dob(child, shape), "race": None, "ethnicity": None,
            "address": None if moved or rng.random() < 0.4 else child.address,
            "postcode": None if rng.random() < 0.35 else (
                rng.choice(rng.choice(PLACES)[2]) if moved else child.postcode),
            "last_seen_city": child.city, "last_seen_state": child.state,
            "guardian_name": child.guardian if rng.random() < 0.35 else None,
            "ncic_nic": None, "local_agency": None, "local_case_number": None,
        }
        if shape == "ncic":
            row["ncic_nic"] = f"M{rng.randrange(10**8, 10**9)}"
            row["last_name"] = " ".join(p for p in (surname1, surname2) if p)
            row["second_last_name"] = None
            for key in ("first_name", "middle_name", "last_name", "address", "guardian_name",
                        "last_seen_city"):
                if row[key]:
                    row[key] = _strip_accents(str(row[key])).upper()
        elif shape == "local":
            row["local_agency"] = rng.choice(("LCPD", "DASO", "EPPD", "SPD"))
            row["local_case_number"] = f"{rng.randrange(20, 27)}-{rng.randrange(1, 99999):05d}"
            if rng.random() < 0.5:
                for key in ("first_name", "middle_name", "last_name", "second_last_name"):
                    if row[key]:
                        row[key] = _strip_accents(str(row[key]))
        return row


def generate(registry_size: int, query_size: int, *, seed: int = 1,
             match_share: float = 0.8) -> BorderSample:
    """`registry_size` registry children and `query_size` queries, `match_share` of them noisy
    copies of registry children; the rest are twins, siblings or namesakes of registry children
    (the hard non-matches) or children from elsewhere."""
    generator = BorderGenerator(seed)
    rng = generator.rng
    people: list[Child] = []
    while len(people) < registry_size:
        people.extend(generator.family())
    people = people[:registry_size]
    # Namesakes in the registry too: 1% of children share a name with another child.
    for _ in range(registry_size // 100):
        people[rng.randrange(registry_size)] = generator.namesake(rng.choice(people))
    registry_rows = [generator.registry_row(f"B{i:07d}", child)
                     for i, child in enumerate(people)]
    registry = {c: [row[c] for row in registry_rows] for c in COLUMNS}
    queries: list[dict[str, str | None]] = []
    truth: set[tuple[str, str]] = set()
    matched = int(query_size * match_share)
    chosen = rng.sample(range(registry_size), matched)
    for n, index in enumerate(chosen):
        query_id = f"Q{n:05d}"
        queries.append(generator.query_row(query_id, people[index]))
        truth.add((query_id, f"B{index:07d}"))
    for n in range(matched, query_size):
        query_id = f"Q{n:05d}"
        kind = rng.random()
        relative = people[rng.randrange(registry_size)]
        if kind < 0.35:  # a brother or sister (or twin) not in the registry
            sibling = generator.family()[0]
            sibling.surname1, sibling.surname2 = relative.surname1, relative.surname2
            sibling.address, sibling.guardian = relative.address, relative.guardian
            sibling.postcode, sibling.origin = relative.postcode, relative.origin
            while sibling.given == relative.given:
                sibling.given, sibling.middle = generator.given_name(relative.origin,
                                                                    sibling.sex)
            if rng.random() < 0.4:
                sibling.dob = relative.dob
            child = sibling
        elif kind < 0.65:
            child = generator.namesake(relative)
        else:
            child = generator.family()[0]
        queries.append(generator.query_row(query_id, child))
    order = list(range(query_size))
    rng.shuffle(order)
    return BorderSample(registry, [queries[i] for i in order], truth)
