"""Issue 8: record shapes other lists write are still found among thousands of children."""

from __future__ import annotations

import pytest

from reunite.linkage import MATCH, REVIEW, link
from tests.linkage.test_generalisation import _registry


@pytest.fixture(scope="module")
def registry() -> list[dict]:
    return [*_registry(),
            {"record_id": "MONICA", "first_name": "Mónica", "last_name": "Ponce de León",
             "second_last_name": "Arteaga", "dob": "2022-07-05", "sex": "F"},
            {"record_id": "PAOLA", "first_name": "Paola", "last_name": "de los Santos",
             "second_last_name": "Matos", "dob": "2019-07-13", "sex": "F"},
            {"record_id": "JULIE", "first_name": "Julie", "last_name": "Patton",
             "dob": "2014-08-17", "sex": "F", "guardian_name": "Darryl Patton"},
            {"record_id": "ELIZABETH", "first_name": "Elizabeth", "middle_name": "Cindy",
             "last_name": "Barr", "dob": "2018-09-25", "sex": "F"}]


def _decisions(query: dict, registry: list[dict]) -> dict[str, str]:
    return {m.right_id: m.decision for m in link([query], registry)}


def test_an_ncic_row_with_a_compound_paternal_surname_is_the_child(registry: list[dict]):
    found = _decisions({"record_id": "Q1", "first_name": "MONICA",
                        "last_name": "PONCE DE LEON ARTEAGA", "dob": "07/05/2022", "sex": "F"},
                       registry)
    assert found == {"MONICA": MATCH}


def test_surname_particles_written_together_are_the_same_surname(registry: list[dict]):
    for written in ("delosSantos", "DELOSSANTOS"):
        found = _decisions({"record_id": "Q2", "first_name": "Paola", "last_name": written,
                            "second_last_name": "Matos", "dob": "2019-07-13", "sex": "F"},
                           registry)
        assert found == {"PAOLA": MATCH}, written


def test_a_year_only_date_with_a_typo_in_the_surname_is_still_compared(registry: list[dict]):
    """"2014" meets none of the rules that need the whole date: the child is found by the year
    and the first name, and the guardian settles it."""
    found = _decisions({"record_id": "Q3", "first_name": "Julie", "last_name": "Pagton",
                        "dob": "2014", "sex": "F", "guardian_name": "Darryl Patton"}, registry)
    assert found.get("JULIE") in (MATCH, REVIEW)


def test_the_middle_name_left_out_is_not_weighed_as_a_nickname(registry: list[dict]):
    found = _decisions({"record_id": "Q4", "first_name": "Elizabeth", "last_name": "Barr",
                        "dob": "2018-09-25", "sex": "F"}, registry)
    assert found == {"ELIZABETH": MATCH}
