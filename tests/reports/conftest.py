"""Operation Rescue Me replayed through the domain functions, as the seed press release tells it.

80 children aged 5–18 on the baseline list (May 1, 2021); 3 recovered, 75 located, 2 outstanding
by July 26; one located residing in Mexico; services offered to every child found; a few
screenings, one of concern; two child-sexual-abuse investigations (a relative, a family friend)
and one human-trafficking investigation led by HSI Deming; then two children added to the list
after the baseline closed.
"""

import datetime as dt
import sys
from dataclasses import dataclass, field

import pytest
from django.db import transaction

from reunite.agencies.models import Agency
from reunite.children.models import Child, LocalCase, NCICEntry
from reunite.demo.agencies import LEAD_AGENCIES, SEED_AGENCIES, create_seed_agencies
from reunite.operations.models import Target
from reunite.operations.services import (
    create_operation,
    offer_service,
    open_investigation,
    put_on_list,
    record_local_case_closed,
    record_ncic_cleared,
    record_outcome,
    record_screening,
)

START = dt.date(2021, 5, 1)
PRESS_RELEASE = dt.date(2021, 7, 26)

FIRST_NAMES = [
    "Xiomara", "Yesenia", "Itzel", "Marisol", "Anahí", "Guadalupe", "Jazmín", "Citlali",
    "Eduardo", "Joaquín", "Ezequiel", "Fermín", "Octavio", "Rosendo", "Aurelio", "Leonel",
]
LAST_NAMES = ["Zamarripa", "Villalobos", "Quintanilla", "Barraza", "Olivas", "Terrazas"]
SECOND_LAST_NAMES = ["Holguín", "Ochoa", "Lucero", "Carrasco", "Baca"]
# Places finer than a county, where children were found. (Las Cruces is left out on purpose:
# it is in public agency names, "Las Cruces Police Department", which the press release prints.)
CITIES = ["Mesilla", "Chaparral", "Hatch", "Santa Teresa", "Vado", "Organ", "Radium Springs"]
ABROAD_CITY = "Ciudad Juárez"


@dataclass
class Scenario:
    operation: object
    recovered: list = field(default_factory=list)
    located: list = field(default_factory=list)
    outstanding: list = field(default_factory=list)
    added: list = field(default_factory=list)
    abroad: object = None
    # What must never leave the system in the public report.
    names: set = field(default_factory=set)
    dobs: set = field(default_factory=set)
    identifiers: set = field(default_factory=set)
    cities: set = field(default_factory=set)

    @property
    def targets(self) -> list:
        return self.recovered + self.located + self.outstanding + self.added


def _dob(index: int, age: int) -> dt.date:
    """A birthday after May 1 in the year that makes the child `age` on May 1, 2021."""
    return dt.date(START.year - age - 1, 6 + index % 6, 1 + index % 27)


def _found_on(index: int) -> dt.date:
    return START + dt.timedelta(days=(index * 7) % (PRESS_RELEASE - START).days)


@pytest.fixture(scope="module")
def rescue_me(django_db_setup, django_db_blocker) -> Scenario:
    """Built once per test module inside a transaction that is rolled back at the module's end;
    each test runs in its own savepoint within it, so tests cannot see each other's changes."""
    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
        try:
            scenario = replay_rescue_me()
        except BaseException:
            outer.__exit__(*sys.exc_info())
            raise
    # Between setup and teardown the database stays closed to tests that do not ask for it.
    yield scenario
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def replay_rescue_me() -> Scenario:
    create_seed_agencies()
    operation = create_operation(
        name="Operation Rescue Me", area="Doña Ana County, New Mexico", start_date=START,
        lead_agencies=LEAD_AGENCIES,
        agencies=[code for code, *_ in SEED_AGENCIES if code not in LEAD_AGENCIES],
    )
    scenario = Scenario(operation=operation)
    numbers = iter(range(1, 10_000))

    def child(index: int, *, ncic: str | None, case: str | None, case_agency="LCPD") -> Target:
        """A child on the list, as the root conftest's make_target makes one."""
        age = 5 + index % 14  # 5 … 18, each age several times
        person = Child.objects.create(
            first_name=FIRST_NAMES[index % len(FIRST_NAMES)],
            last_name=LAST_NAMES[index % len(LAST_NAMES)],
            second_last_name=SECOND_LAST_NAMES[index % len(SECOND_LAST_NAMES)],
            dob=_dob(index, age), sex="FM"[index % 2],
        )
        n = next(numbers)
        if ncic:
            NCICEntry.objects.create(child=person, nic=f"M{n:09d}", status=ncic,
                                     entered_on=dt.date(2021, 3, 1))
            scenario.identifiers.add(f"M{n:09d}")
        if case:
            LocalCase.objects.create(child=person, agency=Agency.objects.get(code=case_agency),
                                     case_number=f"21-{n:05d}", status=case)
            scenario.identifiers.add(f"21-{n:05d}")
        scenario.names.add(person.full_name)
        scenario.dobs.add(person.dob)
        return put_on_list(operation, person, added_on=dt.date(2021, 4, 28))

    # The baseline list: 3 with an active NCIC entry only, 75 with an open local case (some also
    # in NCIC, as the release says), 2 who will not be found.
    scenario.recovered = [child(i, ncic="active", case=None) for i in range(3)]
    scenario.located = [
        child(i, ncic="active" if i % 4 == 0 else None, case="open",
              case_agency=["LCPD", "DASO", "APD", "SPPD"][i % 4])
        for i in range(3, 78)
    ]
    scenario.outstanding = [child(i, ncic="active", case="open") for i in range(78, 80)]

    for n, target in enumerate(scenario.recovered):
        record_outcome(
            target, status="recovered", date=_found_on(n),
            circumstance=["returned_to_guardian", "placed_with_cyfd"][n % 2],
            city=CITIES[n % len(CITIES)], state="NM", agency="USMS",
        )
    scenario.abroad = scenario.located[10]
    for n, target in enumerate(scenario.located):
        abroad = target is scenario.abroad
        record_outcome(
            target, status="located", date=_found_on(n + 3),
            circumstance="residing_elsewhere" if abroad else
            ["returned_voluntarily", "with_friends", "with_relatives"][n % 3],
            city=ABROAD_CITY if abroad else CITIES[n % len(CITIES)],
            state="Chihuahua" if abroad else "NM",
            country="MX" if abroad else "",
            agency=["LCPD", "DASO", "NMSP", "HSI"][n % 4],
        )
    scenario.cities = set(CITIES) | {ABROAD_CITY}

    # Follow-ups: every NCIC entry removed but one recovered child's; seventy of the 75 local
    # cases closed. (A located child who was also in NCIC owes an NCIC removal too.)
    for target in scenario.recovered[:2]:
        record_ncic_cleared(target, date=_found_on(5) + dt.timedelta(days=1))
    for target in scenario.located:
        if target.child.ncic_entries.exists():
            record_ncic_cleared(target, date=PRESS_RELEASE)
    for target in scenario.located[:70]:
        record_local_case_closed(target, date=PRESS_RELEASE)

    found = scenario.recovered + scenario.located
    for n, target in enumerate(found):
        offer_service(
            target, type=["screening", "counseling", "advocacy"][n % 3], provider="CYFD",
            offered_on=PRESS_RELEASE, response=["accepted", "declined", "pending"][n % 3],
        )
    for n, target in enumerate(found[:5]):
        record_screening(
            target, instrument="CSE-IT", version="2.0", date=PRESS_RELEASE,
            result="clear_concern" if n == 0 else "no_concern",
            indicators=["restricted indicator"] if n == 0 else [],
        )

    open_investigation(
        operation, type="child_sexual_abuse", lead_agency="HSI-LC", opened=dt.date(2021, 6, 14),
        targets=[scenario.located[20]], suspect_relationship="relative",
    )
    open_investigation(
        operation, type="child_sexual_abuse", lead_agency="HSI-LC", opened=dt.date(2021, 6, 30),
        targets=[scenario.located[31]], suspect_relationship="family_friend",
    )
    open_investigation(
        operation, type="human_trafficking", lead_agency="HSI-DEM", opened=dt.date(2021, 7, 2),
        targets=[scenario.recovered[1]], suspect_relationship="unknown",
    )

    # The first outcome closed the baseline: children put on the list now are "added later".
    operation.refresh_from_db()
    scenario.added = [child(i, ncic=None, case="open") for i in range(80, 82)]
    record_outcome(
        scenario.added[0], status="located", date=dt.date(2021, 7, 20),
        circumstance="with_relatives", city="Hatch", state="NM", agency="DASO",
    )

    return scenario
