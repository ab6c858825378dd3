"""Deterministic rules, dedupe within one list, and clusters."""

from __future__ import annotations

from reunite.linkage import MATCH, Match, clusters, dedupe, link

A = {"record_id": "a", "first_name": "Valeria", "last_name": "Núñez", "second_last_name": "Soto",
     "dob": "2010-02-03", "sex": "F"}


def test_same_ncic_number_is_a_match_whatever_the_names_say():
    query = [{"record_id": "q", "first_name": "Unknown", "ncic_nic": "M-123 456 789"}]
    dataset = [{**A, "ncic_nic": "m123456789"}, {**A, "record_id": "b", "ncic_nic": "M999"}]
    matches = link(query, dataset)
    assert [(m.left_id, m.right_id, m.match_probability, m.decision) for m in matches] == [
        ("q", "a", 1.0, MATCH)]


def test_same_agency_and_case_number_is_a_match():
    query = [{"record_id": "q", "last_name": "Smith", "local_agency": "Albuquerque PD",
              "local_case_number": "24-0017"}]
    dataset = [{**A, "local_agency": "ALBUQUERQUE  P.D.", "local_case_number": "240017"},
               {**A, "record_id": "b", "local_agency": "Santa Fe PD",
                "local_case_number": "24-0017"}]
    assert [(m.right_id, m.decision) for m in link(query, dataset)] == [("a", MATCH)]


def test_dedupe_finds_the_same_child_twice_in_one_list_with_lower_id_left():
    records = [
        {**A, "record_id": "z9"},
        {**A, "record_id": "c3", "first_name": "VALERIA", "last_name": "Nunez-Soto",
         "second_last_name": None, "dob": "02/03/2010"},
        {**A, "record_id": "x1", "first_name": "Camila", "dob": "2013-08-19"},  # her sister
    ]
    matches = dedupe(records)
    assert [(m.left_id, m.right_id, m.decision) for m in matches] == [("c3", "z9", MATCH)]


def test_clusters_join_sure_matches_transitively_and_ignore_review_pairs():
    matches = [Match("a", "b", 0.99, "match", {}), Match("b", "c", 0.97, "match", {}),
               Match("d", "e", 0.5, "review", {})]
    assert clusters(["a", "b", "c", "d", "e", "f"], matches) == [
        {"a", "b", "c"}, {"d"}, {"e"}, {"f"}]


def test_empty_inputs_give_no_matches():
    assert link([], [A]) == []
    assert dedupe([A]) == []


def test_linkage_package_does_not_import_django():
    import subprocess
    import sys

    code = ("import sys, reunite.linkage, reunite.linkage.cli, reunite.linkage.synthetic, "
            "reunite.linkage.train; assert 'django' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)
