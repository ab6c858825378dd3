"""What an analyst notices: the same child spelt differently is found, relatives are not merged."""

from __future__ import annotations

import pytest

from reunite.linkage import MATCH, REVIEW, THRESHOLDS, Match, link
from reunite.linkage.synthetic import generate

LUPE = {
    "record_id": "K-1", "first_name": "María Guadalupe", "last_name": "Hernández",
    "second_last_name": "García", "sex": "F", "dob": "2012-03-04",
    "address": "123 Calle Luna", "postcode": "87101", "guardian_name": "Rosa García",
}
CHUY = {"record_id": "K-2", "first_name": "Jesús", "last_name": "Ramírez", "second_last_name":
        "Torres", "sex": "M", "dob": "2010-11-20", "address": "9 Elm St"}
MEMO = {"record_id": "K-3", "first_name": "Guillermo", "last_name": "Ortiz", "second_last_name":
        "Salas", "sex": "M", "dob": "2009-06-15"}
BETO = {"record_id": "K-4", "first_name": "Roberto", "last_name": "Vega", "second_last_name":
        "Durán", "sex": "M", "dob": "2013-01-30"}
BILL = {"record_id": "K-5", "first_name": "William", "middle_name": "James", "last_name":
        "Parker", "sex": "M", "dob": "2011-09-02"}
JOSE_LUIS = {"record_id": "K-6", "first_name": "José Luis", "last_name": "Hernández",
             "second_last_name": "López", "sex": "M", "dob": "2011-05-06",
             "address": "77 Pine Rd"}
KNOWN = [LUPE, CHUY, MEMO, BETO, BILL, JOSE_LUIS]


@pytest.fixture(scope="module")
def known_children() -> list[dict]:
    """The special children among 300 ordinary registry records, the size of an intake."""
    background = list(generate(300, 0, seed=5).registry_records())
    return KNOWN + background


def variant(base: dict, record_id: str, **changes: str | None) -> dict:
    return {**base, "record_id": record_id, **changes}


def decision_between(matches: list[Match], left: str, right: str) -> str | None:
    found = [m.decision for m in matches if (m.left_id, m.right_id) == (left, right)]
    return found[0] if found else None


NOISY_COPIES = {
    "accents and case dropped": variant(
        LUPE, "Q1", first_name="MARIA GUADALUPE", last_name="HERNANDEZ", second_last_name="GARCIA"),
    "nickname Lupe": variant(LUPE, "Q2", first_name="Lupe"),
    "hyphenated surnames": variant(LUPE, "Q3", last_name="Hernández-García",
                                   second_last_name=None),
    "surnames run together": variant(LUPE, "Q4", last_name="Hernandez Garcia",
                                     second_last_name=None),
    "second surname missing": variant(LUPE, "Q5", second_last_name=None, address=None),
    "first and last name swapped": variant(LUPE, "Q6", first_name="Hernández",
                                           last_name="María Guadalupe"),
    "day and month transposed": variant(LUPE, "Q7", dob="2012-04-03"),
    "one digit wrong in the date": variant(LUPE, "Q8", dob="2013-03-04"),
    "US date format": variant(LUPE, "Q9", dob="03/04/2012"),
    "nickname Chuy": variant(CHUY, "Q10", first_name="Chuy", last_name="Ramirez"),
    "nickname Memo, no household": variant(MEMO, "Q11", first_name="Memo"),
    "nickname Beto": variant(BETO, "Q12", first_name="Beto", second_last_name="Duran"),
    "English nickname Bill": variant(BILL, "Q13", first_name="Bill", middle_name=None),
    "typo in first name": variant(MEMO, "Q14", first_name="Guillremo"),
    "only names and date": {"record_id": "Q15", "first_name": "guadalupe",
                            "last_name": "hernandez garcia", "dob": "2012-03-04"},
    "alias recorded": variant(CHUY, "Q16", first_name="Jesse", aliases="Chuy;El Güero"),
    # Same given name, both surnames and home: a clearly wrong date is a data error.
    "date of birth wrong, same name and home": variant(LUPE, "Q17", dob="2011-08-21"),
    # Intake keeps aliases as a list: every one of them counts, not only the first.
    "aliases as intake keeps them": variant(CHUY, "Q18", first_name="Flaco",
                                            aliases=["Güero", "Chuy"]),
}
EXPECTED_PARTNER = {
    "Q1": "K-1", "Q2": "K-1", "Q3": "K-1", "Q4": "K-1", "Q5": "K-1", "Q6": "K-1", "Q7": "K-1",
    "Q8": "K-1", "Q9": "K-1", "Q10": "K-2", "Q11": "K-3", "Q12": "K-4", "Q13": "K-5",
    "Q14": "K-3", "Q15": "K-1", "Q16": "K-2", "Q17": "K-1", "Q18": "K-2",
}


@pytest.fixture(scope="module")
def noisy_matches(known_children: list[dict]) -> list[Match]:
    return link(list(NOISY_COPIES.values()), known_children)


@pytest.mark.parametrize("case", list(NOISY_COPIES))
def test_noisy_copy_of_a_known_child_is_a_sure_match(case: str, noisy_matches: list[Match]):
    query_id = NOISY_COPIES[case]["record_id"]
    assert decision_between(noisy_matches, query_id, EXPECTED_PARTNER[query_id]) == MATCH


def test_noisy_copies_match_nobody_else(noisy_matches: list[Match]):
    wrong = [m for m in noisy_matches
             if m.decision == MATCH and EXPECTED_PARTNER[m.left_id] != m.right_id]
    assert wrong == []


RELATIVES = {
    # Same surnames, guardian and address; different first name and date of birth.
    "sibling": variant(LUPE, "N1", first_name="Ana Sofía", dob="2014-07-10"),
    "younger brother": variant(LUPE, "N2", first_name="Diego", sex="M", dob="2016-02-11"),
    # Same date of birth and household, different first name.
    "twin sister": variant(LUPE, "N3", first_name="María Fernanda"),
    "twin brother": variant(LUPE, "N4", first_name="José Alberto", sex="M"),
    # Same common name, different second surname or date of birth.
    "namesake, other second surname": variant(JOSE_LUIS, "N5", second_last_name="Martínez",
                                              address="5 Oak Ave"),
    "namesake, other date of birth": variant(JOSE_LUIS, "N6", dob="2008-10-23", address=None),
    # His twin's first name is his middle name: a shared token, not a shared name.
    "twin sharing a middle name": variant(BILL, "N7", first_name="James", middle_name="Robert"),
    # A sister at the same home whose date of birth is unknown.
    "sister, no date of birth": variant(LUPE, "N8", first_name="María Fernanda", dob=None),
}


@pytest.fixture(scope="module")
def relative_matches(known_children: list[dict]) -> list[Match]:
    return link(list(RELATIVES.values()), known_children)


@pytest.mark.parametrize("case", list(RELATIVES))
def test_relatives_and_namesakes_are_never_merged(case: str, relative_matches: list[Match]):
    query_id = RELATIVES[case]["record_id"]
    assert [m for m in relative_matches if m.left_id == query_id and m.decision == MATCH] == []


# Issue 8: another given name in the same family is a brother, sister or twin, not a question
# for a person (twins share every other field, so the model alone would score them high).
@pytest.mark.parametrize("case", ["sibling", "younger brother", "twin sister", "twin brother",
                                  "twin sharing a middle name"])
def test_siblings_and_twins_do_not_even_reach_review(case: str, relative_matches: list[Match]):
    query_id = RELATIVES[case]["record_id"]
    assert [m for m in relative_matches if m.left_id == query_id] == []


def test_review_pairs_show_what_agrees_and_what_does_not(relative_matches: list[Match]):
    namesake = [m for m in relative_matches if m.left_id == "N6"]
    assert namesake, "a namesake born another year should at least be shown to a person"
    (pair,) = namesake
    assert pair.decision == REVIEW
    assert THRESHOLDS[REVIEW] <= pair.match_probability
    assert pair.agreements["given_name"] == "agree"
    assert pair.agreements["dob"] == "disagree"
    assert pair.agreements["surnames"] == "agree"
    assert set(pair.agreements.values()) <= {"agree", "close", "disagree", "missing"}
