"""Rows as the region's agencies really write them: NCIC upper case with both surnames in one
column and US dates, Spanish-locale rows with partial dates, initials. The same child is found,
and what agrees is shown as agreeing."""

from __future__ import annotations

import pytest

from reunite.linkage import MATCH, Match, link
from reunite.linkage.synthetic import generate

TYLER = {"record_id": "K-1", "first_name": "Tyler", "middle_name": "James", "last_name": "Brooks",
         "sex": "M", "dob": "2011-09-02", "address": "14 Alameda Ave", "postcode": "88001"}
ANGEL = {"record_id": "K-2", "first_name": "Miguel Ángel", "last_name": "Anguiano",
         "second_last_name": "Mercado", "sex": "M", "dob": "2012-03-04",
         "address": "7212 Lohman Ave", "guardian_name": "Daniela Anguiano"}
XIMENA = {"record_id": "K-3", "first_name": "Ximena", "last_name": "Quiñones",
          "second_last_name": "Córdova", "sex": "F", "dob": "2015-10-07"}
JAVIER = {"record_id": "K-4", "first_name": "Javier", "middle_name": "Adam", "last_name": "Rogers",
          "sex": "M", "dob": "2014-02-10"}
VERONICA = {"record_id": "K-5", "first_name": "Verónica", "last_name": "Baeza",
            "second_last_name": "Reyna", "sex": "F", "dob": "2013-08-18"}
KNOWN = [TYLER, ANGEL, XIMENA, JAVIER, VERONICA]


def row(base: dict, record_id: str, **changes: str | None) -> dict:
    return {**base, "record_id": record_id, **changes}


QUERIES = {
    # "T" for Tyler: the initial agrees with the name that starts with it.
    "initial of the given name": row(TYLER, "Q1", first_name="T", middle_name=None),
    "middle name as its initial": row(JAVIER, "Q2", middle_name="A"),
    # NCIC: upper case, accents dropped, both surnames in last_name, US date, one part of a
    # compound given name.
    "NCIC row, one part of a compound name": {
        "record_id": "Q3", "first_name": "ANGEL", "last_name": "ANGUIANO MERCADO", "sex": "M",
        "dob": "03/04/2012", "ncic_nic": "M123456789"},
    # The NCIC clerk swapped day and month (April 3rd read as March 4th), in US order.
    "NCIC row, day and month swapped": {
        "record_id": "Q4", "first_name": "MIGUEL ANGEL", "last_name": "ANGUIANO MERCADO",
        "sex": "M", "dob": "04/03/2012"},
    # Spanish-locale rows: intake keeps a partial date at the precision it was given.
    "year of birth only": row(XIMENA, "Q5", dob="2015"),
    "year and month of birth only": row(XIMENA, "Q6", dob="2015-10"),
    "typo in the maternal surname": row(VERONICA, "Q7", second_last_name="Reina"),
}
EXPECTED = {"Q1": "K-1", "Q2": "K-4", "Q3": "K-2", "Q4": "K-2", "Q5": "K-3", "Q6": "K-3",
            "Q7": "K-5"}


@pytest.fixture(scope="module")
def known_children() -> list[dict]:
    return KNOWN + list(generate(300, 0, seed=11).registry_records())


@pytest.fixture(scope="module")
def matches(known_children: list[dict]) -> list[Match]:
    return link(list(QUERIES.values()), known_children)


def pair(matches: list[Match], left: str, right: str) -> Match | None:
    found = [m for m in matches if (m.left_id, m.right_id) == (left, right)]
    return found[0] if found else None


@pytest.mark.parametrize("case", list(QUERIES))
def test_the_same_child_in_the_regions_record_shapes_is_a_sure_match(case, matches):
    query_id = QUERIES[case]["record_id"]
    found = pair(matches, query_id, EXPECTED[query_id])
    assert found is not None and found.decision == MATCH, found


def test_they_match_nobody_else(matches):
    assert [m for m in matches if m.decision == MATCH and EXPECTED[m.left_id] != m.right_id] == []


def test_an_initial_is_shown_as_agreeing_with_the_name(matches):
    assert pair(matches, "Q1", "K-1").agreements["given_name"] == "agree"


@pytest.mark.parametrize("query_id", ["Q5", "Q6"])
def test_a_partial_date_of_birth_agrees_at_its_precision(query_id, matches):
    assert pair(matches, query_id, "K-3").agreements["dob"] == "agree"


def test_a_partial_date_of_birth_that_contradicts_is_a_disagreement(known_children):
    """"2013" against a child born in 2015: not "unknown", a different year; the same name and
    surnames do not make it a sure match."""
    other_year = row(XIMENA, "Q8", dob="2013")
    found = pair(link([other_year], known_children), "Q8", "K-3")
    assert found is None or (found.decision != MATCH and found.agreements["dob"] == "disagree")


def test_a_month_known_only_to_one_side_is_never_held_against_the_pair(known_children):
    """"2015" against "2015-10-07": the missing month and day are not a disagreement."""
    found = pair(link([row(XIMENA, "Q9", dob="2015", sex=None)], known_children), "Q9", "K-3")
    assert found is not None and found.agreements["dob"] == "agree"
    assert "disagree" not in found.agreements.values()
