"""What happens to the demo's children by 20 June 2021, decided up front (pure Python, seeded).

Seven weeks into the operation: 2 recovered, 50 located (one living in Ciudad Juárez), 28 still
outstanding; services offered to those found, CSE-IT screenings (some of concern, some owed and
not done), three investigations, and the leads and checks that led there.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from reunite.demo.generate import LOCAL_AGENCIES, SEED, START, DemoChild, Population

AS_OF = dt.date(2021, 6, 20)
RECOVERED = 2
LOCATED = 50
OUTSTANDING = 80 - RECOVERED - LOCATED

ABROAD = {"city": "Ciudad Juárez", "state": "Chihuahua", "country": "MX"}
ELSEWHERE = (("El Paso", "TX"), ("Albuquerque", "NM"), ("Deming", "NM"), ("Las Cruces", "NM"))

SERVICE_PROVIDERS = {
    "counseling": "CYFD Protective Services — family counseling",
    "substance_use": "Community behavioral-health clinic (adolescent outpatient)",
    "shelter": "County youth emergency shelter",
    "medical": "Family medical clinic",
    "advocacy": "Deliver Fund survivor advocate",
    "education": "School district homeless-education liaison",
}
CSE_IT = "CSE-IT"
# How a CSE-IT concern is written up (free text as the caseworker records it; restricted).
INDICATORS = (
    "older boyfriend or girlfriend", "unexplained money or gifts", "multiple phones",
    "runs away repeatedly", "contact with adults met online", "stays at unknown addresses",
    "signs of controlling relationship",
)
NOT_COMPLETED_REASONS = (
    "Lives with her father in Ciudad Juárez; a screening interview could not be arranged "
    "across the border.",
    "Youth declined to take part; guardian present. Caseworker will offer again.",
)

PLACES = (
    "Young Park", "the Mesilla Plaza", "the bus station on Picacho Ave", "a motel on Main St",
    "a friend's apartment near NMSU", "a convenience store on El Paseo Rd", "the Anthony "
    "flea market", "a park in Sunland Park", "a house party in Chaparral", "the Walmart on "
    "Valley Dr",
)


@dataclass
class Found:
    status: str  # recovered or located
    date: dt.date
    circumstance: str
    agency: str
    city: str
    state: str
    country: str = "US"
    follow_up_done: dt.date | None = None  # NCIC removal or local-case closure recorded


@dataclass
class Service:
    type: str
    offered_on: dt.date
    response: str


@dataclass
class ScreeningPlan:
    date: dt.date
    result: str
    indicators: list[str] = field(default_factory=list)
    reason: str = ""


@dataclass
class Lead:
    kind: str
    day: dt.date
    summary: str
    result: str
    by: str  # "field" (the assigned agency), "analyst" or "coordinator"


@dataclass
class InvestigationPlan:
    type: str
    lead_agency: str
    opened: dt.date
    suspect_relationship: str
    children: list[str]
    summary: str


@dataclass
class Story:
    found: dict[str, Found]
    services: dict[str, list[Service]]
    screenings: dict[str, ScreeningPlan]
    leads: dict[str, list[Lead]]
    investigations: list[InvestigationPlan]
    assigned_to_investigator: list[str]


def _day_in_operation(rng: random.Random, latest: dt.date = dt.date(2021, 6, 18)) -> dt.date:
    # Most finds come early (the easy ones first), then the pace slows.
    span = (latest - START).days - 2
    return START + dt.timedelta(days=2 + int(span * rng.random() ** 1.35))


def _cap(day: dt.date) -> dt.date:
    return min(day, AS_OF)


def plan_outcomes(population: Population, rng: random.Random) -> dict[str, Found]:
    baseline = population.baseline
    ncic_only = [c for c in baseline if c.home_agency == "NMSP"]
    recovered = [
        next((c for c in ncic_only if c.custody == "cyfd"), ncic_only[0]),
        next(c for c in baseline if c.home_agency == "LCPD" and c.nic and c.custody == "guardian"
             and not c.variants),
    ]
    found = {
        recovered[0].key: Found("recovered", dt.date(2021, 5, 12), "placed_with_cyfd", "USMS",
                                "Las Cruces", "NM", follow_up_done=dt.date(2021, 5, 13)),
        recovered[1].key: Found("recovered", dt.date(2021, 6, 3), "returned_to_guardian",
                                "LCPD", "Las Cruces", "NM"),
    }
    if recovered[0].custody != "cyfd":
        found[recovered[0].key].circumstance = "returned_to_guardian"
    locals_ = [c for c in baseline if c.home_agency in LOCAL_AGENCIES and c.key not in found]
    # Everyone the demo shows something about must be among the found.
    must = [c for c in locals_ if c.variants & {
        "fuzzy_only", "trafficking_indicators", "bad_eye_code", "bad_dob"} or c.second_case]
    rest = [c for c in locals_ if c not in must]
    located = must + rng.sample(rest, LOCATED - len(must))
    abroad = next(c for c in located if c.sex == "F" and c.hispanic and not c.variants
                  and c.age_on(START) >= 14)
    for child in sorted(located, key=lambda c: c.key):
        if child.key == abroad.key:
            day = dt.date(2021, 5, 27)
            found[child.key] = Found("located", day, "residing_elsewhere", "HSI-LC", **ABROAD,
                                     follow_up_done=dt.date(2021, 6, 2))
            continue
        day = _day_in_operation(rng)
        circumstance = rng.choices(
            ("returned_voluntarily", "with_friends", "with_relatives"), (50, 25, 25))[0]
        agency = rng.choices((child.home_agency, "USMS", "HSI-LC", "NMSP"), (70, 15, 10, 5))[0]
        city, state = child.city, "NM"
        if circumstance == "with_relatives" and rng.random() < 0.4:
            city, state = rng.choice(ELSEWHERE)
        closed = day + dt.timedelta(days=rng.randint(0, 9))
        found[child.key] = Found(
            "located", day, circumstance, agency, city, state,
            follow_up_done=closed if closed <= AS_OF and rng.random() < 0.8 else None,
        )
    # The trafficking case opens on 14 June: its two girls were found in the week before.
    flagged = sorted(c.key for c in located if "trafficking_indicators" in c.risk_factors)
    for key, day in zip(flagged, (dt.date(2021, 6, 4), dt.date(2021, 6, 8)), strict=False):
        found[key].date, found[key].circumstance = day, "with_friends"
        found[key].city, found[key].state = "Las Cruces", "NM"
        found[key].follow_up_done = None
    return found


def plan_services(found: dict[str, Found], children: dict[str, DemoChild],
                  rng: random.Random) -> dict[str, list[Service]]:
    """Everyone found by mid-June has been offered services (the seed: all were offered)."""
    services: dict[str, list[Service]] = {}
    for key, outcome in sorted(found.items()):
        if outcome.date > dt.date(2021, 6, 15):
            continue
        child = children[key]
        types = ["counseling"]
        risks = set(child.risk_factors)
        if "substance_abuse" in risks:
            types.append("substance_use")
        if "homelessness" in risks:
            types.append("shelter")
        if risks & {"online_enticement", "trafficking_indicators"}:
            types.append("advocacy")
        if rng.random() < 0.25:
            types.append(rng.choice(("medical", "education")))
        offers = []
        for kind in types:
            offered = _cap(outcome.date + dt.timedelta(days=rng.randint(0, 3)))
            response = rng.choices(("accepted", "declined", "pending"), (65, 25, 10))[0]
            if (AS_OF - offered).days < 4:
                response = "pending"
            offers.append(Service(kind, offered, response))
        services[key] = offers
    return services


def plan_screenings(found: dict[str, Found], children: dict[str, DemoChild],
                    concern: dict[str, str], rng: random.Random) -> dict[str, ScreeningPlan]:
    """About three in four of those found by 12 June were screened; the rest are owed one."""
    screenings: dict[str, ScreeningPlan] = {}
    reasons = iter(NOT_COMPLETED_REASONS)
    for key, outcome in sorted(found.items()):
        day = _cap(outcome.date + dt.timedelta(days=rng.randint(1, 5)))
        if key in concern:
            screenings[key] = ScreeningPlan(day, concern[key], rng.sample(INDICATORS, 3))
        elif outcome.country != "US":
            screenings[key] = ScreeningPlan(day, "not_completed", reason=next(reasons))
        elif outcome.date <= dt.date(2021, 6, 12) and rng.random() < 0.75:
            result = rng.choices(("no_concern", "possible_concern"), (85, 15))[0]
            indicators = rng.sample(INDICATORS, 1) if result == "possible_concern" else []
            screenings[key] = ScreeningPlan(day, result, indicators)
    declined = next(k for k, s in screenings.items() if s.result == "no_concern")
    screenings[declined] = ScreeningPlan(screenings[declined].date, "not_completed",
                                         reason=next(reasons))
    return screenings


def plan_investigations(found: dict[str, Found], children: dict[str, DemoChild]
                        ) -> tuple[list[InvestigationPlan], dict[str, str]]:
    """Two child-sexual-abuse cases (a relative, a family friend) and one trafficking case."""
    early = sorted(
        (k for k, f in found.items() if f.status == "located" and f.country == "US"
         and f.date <= dt.date(2021, 5, 25) and "trafficking_indicators" not in
         children[k].risk_factors),
        key=lambda k: (found[k].date, k),
    )
    csa = [k for k in early if 11 <= children[k].age_on(START) <= 15][:2]
    trafficking = sorted(k for k in found if "trafficking_indicators" in children[k].risk_factors)
    plans = [
        InvestigationPlan(
            "child_sexual_abuse", "HSI-LC", dt.date(2021, 6, 2), "relative", [csa[0]],
            "Disclosure during the CSE-IT screening after the child was located: abuse by an "
            "adult relative in the home, the reason given for running. Referred by CYFD; "
            "forensic interview scheduled; safety plan in place.",
        ),
        InvestigationPlan(
            "child_sexual_abuse", "HSI-LC", dt.date(2021, 6, 9), "family_friend", [csa[1]],
            "Child located at the home of an adult friend of the family; screening of clear "
            "concern. Phone extraction requested; the adult is not to contact the child.",
        ),
        InvestigationPlan(
            "human_trafficking", "HSI-DEM", dt.date(2021, 6, 14), "unknown", trafficking,
            "Two located girls were advertised on the same online site and moved between motels "
            "along I-10 between Las Cruces and Deming. HSI Deming leads, with NMAGO.",
        ),
    ]
    concern = {csa[0]: "clear_concern", csa[1]: "clear_concern"}
    concern.update({k: "clear_concern" for k in trafficking})
    return plans, concern


def plan_leads(population: Population, found: dict[str, Found],
               rng: random.Random) -> dict[str, list[Lead]]:
    """One to four leads and checks per child, before the child was found."""
    leads: dict[str, list[Lead]] = {}
    for child in population.children:
        outcome = found.get(child.key)
        first = START + dt.timedelta(days=1)
        if child.added_later:
            first = dt.date(2021, 6, 8)
        last = outcome.date if outcome else AS_OF
        if last <= first:
            continue
        entries = []
        for _ in range(rng.randint(1, 4 if outcome is None else 3)):
            day = first + dt.timedelta(days=rng.randint(0, (last - first).days - 1))
            entries.append(_lead(child, day, rng, positive=False))
        if outcome is not None:
            entries.append(_lead(child, outcome.date, rng, positive=True))
        leads[child.key] = sorted(entries, key=lambda lead: lead.day)
    return leads


def _lead(child: DemoChild, day: dt.date, rng: random.Random, *, positive: bool) -> Lead:
    name = child.aliases[0] if child.aliases else child.first_name
    place = rng.choice(PLACES)
    guardian = child.guardian_name if child.custody == "guardian" else "the foster placement"
    if positive:
        return rng.choice((
            Lead("tip", day, f"Caller reports {name} is staying with a friend's family; "
                 "address passed to the assigned agency.", "positive", "field"),
            Lead("address_check", day, f"Address check: {name} was at the address and agreed to "
                 "talk to officers.", "positive", "field"),
            Lead("interview", day, f"Spoke with {guardian}: {name} called home and gave a "
                 "location.", "positive", "field"),
        ))
    month = "March" if child.last_contact.month == 3 else child.last_contact.strftime("%B")
    return rng.choice((
        Lead("tip", day, f"Tip via the NCMEC hotline: {name} seen near {place}.",
             rng.choice(("open", "negative")), "analyst"),
        Lead("database_match", day, "Phone number on file linked to a new address in "
             f"{rng.choice(('Las Cruces', 'El Paso', 'Anthony', 'Chaparral'))} (commercial "
             "records database).", "open", "analyst"),
        Lead("address_check", day, f"Checked the last known address ({child.address}); the "
             f"resident says {name} has not been there since {month}.", "negative", "field"),
        Lead("interview", day, f"Spoke with {guardian}, who believes {name} is staying with "
             f"friends; last seen near {place}.", "open", "field"),
        Lead("social_media", day, f"Public social-media account active; recent posts near "
             f"{place}.", "open", "analyst"),
        Lead("note", day, "Reviewed at the weekly task-force meeting; risk factors: "
             f"{', '.join(child.risk_factors) or 'none recorded'}.", "", "coordinator"),
    ))


def make_story(population: Population, seed: int = SEED) -> Story:
    rng = random.Random(seed + 3)
    children = population.by_key()
    found = plan_outcomes(population, rng)
    investigations, concern = plan_investigations(found, children)
    lcpd = [c.key for c in population.baseline if c.home_agency == "LCPD"]
    return Story(
        found=found,
        services=plan_services(found, children, rng),
        screenings=plan_screenings(found, children, concern, rng),
        leads=plan_leads(population, found, rng),
        investigations=investigations,
        assigned_to_investigator=rng.sample(lcpd, 10),
    )
