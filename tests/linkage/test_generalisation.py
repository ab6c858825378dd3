"""Issue 8: comparisons that hold on data shaped unlike the training generator's."""

from __future__ import annotations

import itertools

import pytest

from reunite.linkage import MATCH, REVIEW, link

GIVEN = ("Sofía", "Camila", "Valeria", "Ximena", "Regina", "Renata", "Daniela", "Victoria",
         "Mateo", "Santiago", "Sebastián", "Leonardo", "Emiliano", "Diego", "Gael", "Tomás")
SURNAMES = ("Ramírez", "Torres", "Flores", "Rivera", "Gómez", "Díaz", "Reyes", "Cruz", "Morales",
            "Ortiz", "Gutiérrez", "Chávez", "Ramos", "Ruiz", "Mendoza", "Aguilar", "Castillo",
            "Vargas", "Romero", "Herrera")


def _registry() -> list[dict]:
    """3,000 children with ordinary names, 40 "Guadalupe Hernández García" born on 40 days,
    one "Mireia Peiró Pastor"."""
    rows = []
    names = itertools.cycle(itertools.product(GIVEN, SURNAMES, SURNAMES))
    for n in range(3000):
        given, first, second = next(names)
        rows.append({"record_id": f"R{n}", "first_name": given, "last_name": first,
                     "second_last_name": second,
                     "dob": f"{2008 + n % 17}-{1 + n % 12:02d}-{1 + n % 28:02d}"})
    for n in range(40):
        rows.append({"record_id": f"H{n}", "first_name": "Guadalupe", "last_name": "Hernández",
                     "second_last_name": "García", "dob": f"{2009 + n % 15}-05-{1 + n % 28:02d}",
                     "sex": "F"})
    rows.append({"record_id": "RARE", "first_name": "Mireia", "last_name": "Peiró",
                 "second_last_name": "Pastor", "dob": "2014-03-27", "sex": "F"})
    rows.append({"record_id": "FLOR", "first_name": "Florencia", "last_name": "Montenegro",
                 "second_last_name": "Rojo", "dob": "2021-08-27", "sex": "F"})
    rows.append({"record_id": "MAURICE", "first_name": "Maurice", "middle_name": "Zachary",
                 "last_name": "Chase", "dob": "2016-04-29", "sex": "M"})
    rows.append({"record_id": "ITZEL", "first_name": "Itzel", "last_name": "Rael",
                 "second_last_name": "Dueñas", "dob": "2020-05-20", "sex": "F"})
    rows.append({"record_id": "BENJAMIN", "first_name": "Benjamín", "last_name": "López",
                 "second_last_name": "Barrios", "dob": "2016-10-02", "sex": "M",
                 "guardian_name": "Evelio López"})
    return rows


@pytest.fixture(scope="module")
def registry() -> list[dict]:
    return _registry()


def _decisions(query: dict, registry: list[dict]) -> dict[str, str]:
    return {m.right_id: m.decision for m in link([query], registry)}


def test_a_rare_full_name_counts_more_than_a_common_one(registry: list[dict]):
    """No date of birth: the only "Mireia Peiró Pastor" is the child; one of forty "Guadalupe
    Hernández García" is not a sure match for any of them."""
    rare = _decisions({"record_id": "Q1", "first_name": "MIREIA", "last_name": "PEIRO PASTOR",
                       "sex": "F"}, registry)
    common = _decisions({"record_id": "Q2", "first_name": "Guadalupe", "last_name": "Hernández",
                         "second_last_name": "García", "sex": "F"}, registry)

    assert rare == {"RARE": MATCH}
    assert MATCH not in common.values()


def test_ncic_row_with_the_surnames_in_the_other_order_is_found(registry: list[dict]):
    found = _decisions({"record_id": "Q3", "first_name": "FLORENCIA",
                        "last_name": "ROJO MONTENEGRO", "dob": "08/27/2021", "sex": "F"},
                       registry)
    assert found.get("FLOR") in (MATCH, REVIEW)


def test_a_typo_in_the_year_still_finds_the_child(registry: list[dict]):
    found = _decisions({"record_id": "Q4", "first_name": "Itzel", "last_name": "Rael",
                        "second_last_name": "Dueñas", "dob": "2080-05-20", "sex": "F"}, registry)
    assert found.get("ITZEL") in (MATCH, REVIEW)


def test_a_typo_in_the_first_name_with_the_middle_initial_agrees(registry: list[dict]):
    found = _decisions({"record_id": "Q5", "first_name": "Muurice", "middle_name": "Z",
                        "last_name": "Chase", "dob": "2016-04-29", "sex": "M"}, registry)
    assert found == {"MAURICE": MATCH}


def test_a_name_swapped_with_the_surname_needs_the_maternal_surnames_to_agree(
        registry: list[dict]):
    """"López Benjamín Vallejo" is not Benjamín López Barrios, whatever the guardian's name."""
    found = _decisions({"record_id": "Q6", "first_name": "López", "last_name": "Benjamín",
                        "second_last_name": "Vallejo", "sex": "M",
                        "guardian_name": "Evelio López"}, registry)
    assert MATCH not in found.values()
