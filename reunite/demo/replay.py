"""A replay of an operation like Rescue Me, to check that the merged list can be trusted.

80 synthetic children on six agencies' lists — an NCIC extract from the state police, four local
agencies' open cases and a clearinghouse list — with the families that make merging hard:
twins of the same and of different sex (Daniel and Daniela), siblings a year apart, cousins with
the same surnames, two unrelated girls with one common name four years apart (and a clearinghouse
row without a date of birth that resembles both). Some local rows say `ncic_status=active`
without the NIC, as local lists do; some children are tied across lists by nothing but their
details.

`make_replay()` is pure (seeded `random`, no Django); `run_replay()` imports the files with
`run_intake`, lets a person decide the review queue from the truth, records the outcomes
(3 recovered, 75 located, 2 outstanding) and returns what a user would check.
Used by tests/intake/test_replay.py and benchmarks/replay_bench.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass, field

from unidecode import unidecode

from reunite.demo.generate import KIDS_NAMES, NICKNAMED, REGIONAL_SURNAMES

SEED = 8
RECEIVED = dt.date(2021, 4, 30)
START = dt.date(2021, 5, 1)
HOMES = {"LCPD": 30, "DASO": 20, "APD": 15, "SPPD": 15}  # 80 open local cases
CITY = {"LCPD": ("Las Cruces", "88001"), "DASO": ("Chaparral", "88081"),
        "APD": ("Anthony", "88021"), "SPPD": ("Sunland Park", "88063")}
STREETS = ("Calle del Sol", "Mesquite St", "Yucca Ln", "Camino Alto", "Calle Primavera",
           "Desert Willow Dr", "Sierra Vista Rd", "Paseo de las Flores")
HEADER = ["record_id", "first_name", "middle_name", "last_name", "second_last_name", "aliases",
          "sex", "dob", "address", "postcode", "last_seen_city", "last_seen_state", "ncic_nic",
          "ncic_status", "local_agency", "local_case_number", "local_case_status",
          "guardian_name", "date_last_contact"]


@dataclass
class ReplayChild:
    key: str
    first: str
    last: str
    second: str
    sex: str
    dob: dt.date
    home: str  # the local agency with the open case
    case_number: str
    address: str
    guardian: str
    nickname: str = ""
    nic: str = ""  # entered in NCIC
    ncic_by_state: bool = False  # NMSP entered it under its own case: no OCA tying it to home
    family: str = ""  # what makes this child hard to tell apart: twin, sibling, cousin, namesake


@dataclass
class ReplayFile:
    agency: str
    name: str
    data: bytes
    truth: dict[str, str] = field(default_factory=dict)  # record_id → child key


@dataclass
class Replay:
    children: list[ReplayChild]
    files: list[ReplayFile]

    def truth(self) -> dict[tuple[str, str], str]:
        return {(f.agency, rid): key for f in self.files for rid, key in f.truth.items()}


def _names(rng: random.Random, sex: str) -> str:
    return rng.choice(KIDS_NAMES[(sex, rng.random() < 0.8)])


def _surname(rng: random.Random) -> str:
    names, weights = zip(*REGIONAL_SURNAMES.items(), strict=True)
    return rng.choices(names, weights)[0]


def _dob(rng: random.Random, low: int = 9, high: int = 17) -> dt.date:
    return START - dt.timedelta(days=rng.randint(365 * low, 365 * high))


def _families(rng: random.Random) -> list[ReplayChild]:
    """The children who are hard to tell apart, on purpose."""
    def child(key, first, last, second, sex, dob, home, family, address, guardian, **kw):
        return ReplayChild(key, first, last, second, sex, dob, home, "", address, guardian,
                           family=family, **kw)
    twins_mixed = dt.date(2008, 6, 14)
    twins_same = dt.date(2007, 2, 3)
    return [
        child("T1", "Daniel", "Ruiz", "Ochoa", "M", twins_mixed, "LCPD", "twin (Daniela)",
              "412 Calle del Sol", "Marisela Ochoa", nic="M210000101"),
        child("T2", "Daniela", "Ruiz", "Ochoa", "F", twins_mixed, "LCPD", "twin (Daniel)",
              "412 Calle del Sol", "Marisela Ochoa", nic="M210000102"),
        child("T3", "Valeria", "Torres", "Lucero", "F", twins_same, "DASO", "twin (Ximena)",
              "77 Yucca Ln", "Rosa Lucero"),
        child("T4", "Ximena", "Torres", "Lucero", "F", twins_same, "DASO", "twin (Valeria)",
              "77 Yucca Ln", "Rosa Lucero"),
        child("S1", "Brandon", "Chávez", "Baca", "M", dt.date(2006, 3, 14), "APD",
              "sibling a year apart", "9 Mesquite St", "Irma Baca", nic="M210000103"),
        child("S2", "Bryan", "Chávez", "Baca", "M", dt.date(2007, 5, 2), "APD",
              "sibling a year apart", "9 Mesquite St", "Irma Baca"),
        child("C1", "Alexis", "Martínez", "Peña", "M", dt.date(2009, 8, 21), "SPPD",
              "cousin, same surnames", "130 Camino Alto", "Laura Peña"),
        child("C2", "Alexa", "Martínez", "Peña", "F", dt.date(2010, 1, 9), "LCPD",
              "cousin, same surnames", "55 Sierra Vista Rd", "Norma Peña", nic="M210000104"),
        child("N1", "Ana", "García", "López", "F", dt.date(2005, 2, 10), "LCPD",
              "namesake, 4 years older", "18 Calle Primavera", "Sonia López"),
        child("N2", "Ana", "García", "López", "F", dt.date(2009, 7, 22), "DASO",
              "namesake, 4 years younger", "301 Desert Willow Dr", "Elena López"),
    ]


def make_children(seed: int = SEED) -> list[ReplayChild]:
    rng = random.Random(seed)
    children = _families(rng)
    homes = [agency for agency, n in HOMES.items() for _ in range(n)]
    for c in children:
        homes.remove(c.home)
    rng.shuffle(homes)
    seen = {(c.first, c.last, c.dob) for c in children}
    serial = 0
    for home in homes:
        serial += 1
        sex = rng.choice("MF")
        nickname = ""
        if rng.random() < 0.15:
            first, nickname = rng.choice(NICKNAMED[sex])
        else:
            first = _names(rng, sex)
        last, second = _surname(rng), _surname(rng)
        dob = _dob(rng)
        while (first, last, dob) in seen:
            dob = _dob(rng)
        seen.add((first, last, dob))
        children.append(ReplayChild(
            f"K{serial:02d}", first, last, second, sex, dob, home, "",
            f"{rng.randint(1, 999)} {rng.choice(STREETS)}",
            f"{_names(rng, 'F')} {second}", nickname=nickname))
    counters = dict.fromkeys(HOMES, 0)
    nic = 200
    for c in children:
        counters[c.home] += 1
        c.case_number = f"{c.home[:2]}21-{counters[c.home]:04d}"
        if not c.nic and rng.random() < 0.55:
            nic += 1
            c.nic = f"M21{nic:07d}"
            c.ncic_by_state = rng.random() < 0.2
    return children


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _us(day: dt.date) -> str:
    return f"{day.month:02d}/{day.day:02d}/{day.year}"


def _csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def _local_row(c: ReplayChild, rng: random.Random) -> dict:
    city, postcode = CITY[c.home]
    row = {
        "record_id": c.case_number, "first_name": c.first, "last_name": c.last,
        "second_last_name": c.second, "aliases": c.nickname, "sex": c.sex,
        "dob": _iso(c.dob), "address": c.address, "postcode": postcode,
        "last_seen_city": city, "last_seen_state": "NM", "local_agency": c.home,
        "local_case_number": c.case_number, "local_case_status": "open",
        "guardian_name": c.guardian, "date_last_contact": _iso(RECEIVED - dt.timedelta(
            days=rng.randint(20, 300))),
    }
    if c.nic:
        # A local list often says "entered in NCIC" without the number.
        if c.ncic_by_state or rng.random() < 0.5:
            row["ncic_status"] = "active"
        else:
            row["ncic_nic"], row["ncic_status"] = c.nic, "active"
    if rng.random() < 0.2:  # typed without accents
        row["first_name"], row["last_name"] = unidecode(c.first), unidecode(c.last)
    return row


def _ncic_row(c: ReplayChild) -> dict:
    """NCIC style: upper case, both surnames in the last name, no accents, US dates. The ORI and
    OCA (entering agency, its case number) tie it to the local case, unless NMSP entered it."""
    row = {
        "record_id": c.nic, "first_name": unidecode(c.first).upper(),
        "last_name": unidecode(f"{c.last} {c.second}").upper(), "sex": c.sex,
        "dob": _us(c.dob), "ncic_nic": c.nic, "ncic_status": "active",
        "last_seen_state": "NM",
    }
    if c.ncic_by_state:
        row["local_agency"], row["local_case_number"] = "NMSP", f"SP-{c.nic[-4:]}"
    else:
        row["local_agency"], row["local_case_number"] = c.home, c.case_number
    return row


def _clearinghouse_row(c: ReplayChild, rng: random.Random, number: int) -> dict:
    """A clearinghouse poster list: names as the family gave them, sometimes the nickname, the
    NIC when NCIC had it, a date of birth with the odd slip."""
    first = c.nickname if c.nickname and rng.random() < 0.6 else c.first
    dob = c.dob
    slip = rng.random()
    if slip < 0.1 and dob.day <= 12 and dob.day != dob.month:
        dob = dt.date(dob.year, dob.day, dob.month)  # day and month swapped
    row = {
        "record_id": f"NCMEC-{number:04d}", "first_name": first, "last_name": c.last,
        "second_last_name": c.second if rng.random() < 0.7 else "", "sex": c.sex,
        "dob": _iso(dob), "last_seen_city": CITY[c.home][0], "last_seen_state": "NM",
        "guardian_name": c.guardian if rng.random() < 0.5 else "",
    }
    if c.nic and not c.ncic_by_state and rng.random() < 0.6:
        row["ncic_nic"], row["ncic_status"] = c.nic, "active"
    return row


def make_replay(seed: int = SEED) -> Replay:
    rng = random.Random(seed + 1)
    children = make_children(seed)
    files: list[ReplayFile] = []
    for agency in HOMES:
        mine = [c for c in children if c.home == agency]
        rng.shuffle(mine)
        rows = [_local_row(c, rng) for c in mine]
        files.append(ReplayFile(agency, f"{agency.lower()}_open_cases.csv", _csv(rows),
                                {r["record_id"]: c.key for r, c in zip(rows, mine, strict=True)}))
    in_ncic = [c for c in children if c.nic]
    rng.shuffle(in_ncic)
    files.insert(0, ReplayFile("NMSP", "nmsp_ncic_extract.csv",
                               _csv([_ncic_row(c) for c in in_ncic]),
                               {c.nic: c.key for c in in_ncic}))
    posted = rng.sample([c for c in children if not c.family], 22) + [
        c for c in children if c.key in ("T1", "T2", "S1", "N1")]
    rng.shuffle(posted)
    rows, truth = [], {}
    for number, c in enumerate(posted, start=1):
        row = _clearinghouse_row(c, rng, number)
        rows.append(row)
        truth[row["record_id"]] = c.key
    # The row that joined two namesakes in the field: a common name, no date of birth.
    n2 = next(c for c in children if c.key == "N2")
    rows.append({"record_id": "NCMEC-0099", "first_name": "Ana", "last_name": "García",
                 "second_last_name": "López", "sex": "F", "last_seen_state": "NM"})
    truth["NCMEC-0099"] = n2.key
    files.append(ReplayFile("NCMEC", "ncmec_clearinghouse.csv", _csv(rows), truth))
    return Replay(children, files)


# --- running it through the product (Django) -------------------------------------------------

@dataclass
class ReplayResult:
    rows: int
    stored: int
    rejected: list[dict]
    decisions: int
    wrong_merges: list[set[str]]  # truth keys that ended up as one child
    split_children: list[str]  # truth keys that ended up as several children
    children: int
    report: dict
    review_reasons: list[str]


def run_replay(operation, *, seed: int = SEED, user=None) -> ReplayResult:
    """Import the six lists, decide the review queue as a careful person would (from the
    truth), record the outcomes, and report what a user would check."""
    from reunite.agencies.models import Agency
    from reunite.children.models import MatchReview, SourceRecord
    from reunite.children.services import decide_review
    from reunite.intake.services import run_intake
    from reunite.operations.models import Target
    from reunite.operations.services import record_outcome
    from reunite.reports.compute import build_report

    replay = make_replay(seed)
    truth = replay.truth()
    rows = rejected_count = 0
    rejected: list[dict] = []
    for file in replay.files:
        batch = run_intake(operation, Agency.objects.get(code=file.agency), file.data,
                           file_name=file.name, received_on=RECEIVED, user=user)
        rows += batch.rows
        rejected += [{**r, "agency": file.agency} for r in batch.rejected]
        rejected_count += len(batch.rejected)

    def keys_of(child_id) -> set[str]:
        return {truth[(code, rid)] for code, rid in SourceRecord.objects.filter(
            child_id=child_id).values_list("agency__code", "record_id")}

    decisions = 0
    reasons = []
    while True:
        review = MatchReview.objects.filter(operation=operation,
                                            decision=MatchReview.Decision.PENDING).first()
        if review is None:
            break
        reasons.append(review.reason)
        same = keys_of(review.child_a_id) == keys_of(review.child_b_id) and len(
            keys_of(review.child_a_id)) == 1
        decide_review(review, decision="same" if same else "different", user=user)
        decisions += 1

    listed = list(Target.objects.listed().filter(operation=operation).select_related("child"))
    by_key: dict[str, list[int]] = {}
    wrong = []
    for target in listed:
        keys = keys_of(target.child_id)
        if len(keys) > 1:
            wrong.append(keys)
        for key in keys:
            by_key.setdefault(key, []).append(target.pk)
    split = sorted(k for k, targets in by_key.items() if len(targets) > 1)

    # Outcomes: 3 recovered (active in NCIC), 2 left outstanding, the rest located.
    keys = {c.key: c for c in replay.children}
    order = sorted(by_key)
    recovered = [k for k in order if keys[k].nic and not keys[k].ncic_by_state][:3]
    outstanding = [k for k in order if k not in recovered][-2:]
    day = dt.date(2021, 6, 10)
    for key in order:
        if key in outstanding or len(by_key[key]) != 1:
            continue
        target = Target.objects.get(pk=by_key[key][0])
        if target.status != "outstanding":
            continue
        status = "recovered" if key in recovered else "located"
        try:
            record_outcome(target, status=status, date=day,
                           circumstance="returned_to_guardian" if status == "recovered"
                           else "returned_voluntarily",
                           agency=keys[key].home, city=CITY[keys[key].home][0], state="NM",
                           country="US", user=user)
        except Exception:  # noqa: BLE001 - a refused outcome shows in the report's numbers
            continue
    return ReplayResult(
        rows=rows, stored=SourceRecord.objects.count(), rejected=rejected, decisions=decisions,
        wrong_merges=wrong, split_children=split, children=len(listed),
        report=build_report(operation), review_reasons=reasons)
