"""Records that clearly disagree on who the child is are never one child, whatever the score."""

from __future__ import annotations

from reunite.linkage import Match, clusters, conflicts, explain, plan_clusters
from reunite.linkage.identity import dob_agreement, given_agreement

ANA = {"record_id": "a", "first_name": "Ana", "last_name": "García", "second_last_name": "López",
       "sex": "F", "dob": "2005-02-10"}


def kinds(a, b):
    return [c.kind for c in conflicts(a, b)]


def test_dates_of_birth_conflict_unless_a_typo_or_a_day_month_swap():
    assert dob_agreement("2009-05-03", "2009-05-03") == "same"
    assert dob_agreement("2009-05-03", "2009-03-05") == "transposed"
    assert dob_agreement("2009-05-03", "2009-05-08") == "typo"  # one digit
    assert dob_agreement("2009-05-13", "2009-05-31") == "typo"  # two adjacent digits swapped
    assert dob_agreement("2009-05-03", "2013-01-17") == "different"
    assert dob_agreement("2009-05-03", "2010-06-03") == "different"


def test_partial_dates_compare_at_the_precision_both_know_and_missing_never_conflicts():
    assert dob_agreement("2009", "2009-05-03") == "same"
    assert dob_agreement("2009-05", "2009-05-28") == "same"
    assert dob_agreement("2009-05", "2009-03-05") == "transposed"
    assert dob_agreement("2009", "2013-05-03") == "different"
    assert dob_agreement("", "2013-05-03") == dob_agreement(None, "2013") == "missing"
    assert kinds(ANA, {**ANA, "record_id": "b", "dob": "2005"}) == []
    assert kinds(ANA, {**ANA, "record_id": "b", "dob": ""}) == []


def test_twins_of_different_sex_conflict_but_a_wrong_sex_on_one_record_does_not():
    daniel = {**ANA, "first_name": "Daniel", "sex": "M"}
    daniela = {**ANA, "record_id": "b", "first_name": "Daniela", "sex": "F"}
    assert kinds(daniel, daniela) == ["sex_and_given_name"]
    assert kinds(daniela, {**daniela, "record_id": "c", "sex": "M"}) == []


def test_given_names_agree_through_initials_nicknames_aliases_and_typos():
    assert given_agreement({"first_name": "T"}, {"first_name": "Tyler"}) == "initial"
    assert given_agreement({"first_name": "Lupe"}, {"first_name": "María Guadalupe"}) == \
        "nickname"
    assert given_agreement({"first_name": "Chuy"}, {"first_name": "Jesús"}) == "nickname"
    assert given_agreement({"first_name": "Pepa", "aliases": ["Yesenia"]},
                           {"first_name": "Yesenia"}) == "nickname"
    assert given_agreement({"first_name": "María"}, {"first_name": "María Guadalupe"}) == \
        "nickname"
    assert given_agreement({"first_name": "Jaqueline"}, {"first_name": "Jacqueline"}) == "typo"
    assert given_agreement({"first_name": "María Fernanda"},
                           {"first_name": "María Elena"}) == "different"
    assert given_agreement({"first_name": "Karla"}, {"first_name": "Karina"}) == "different"
    assert kinds({**ANA, "first_name": "Valeria"}, {**ANA, "first_name": "Ximena"}) == [
        "given_name"]


def test_two_ncic_numbers_or_two_open_cases_of_one_agency_conflict():
    one = {**ANA, "ncic_nic": "M123456789", "local_agency": "LCPD", "local_case_number": "21-1"}
    other = {**one, "record_id": "b", "ncic_nic": "m-123-456-780", "local_case_number": "21-2"}
    assert kinds(one, other) == ["ncic_nic", "local_case"]
    closed = {**other, "ncic_nic": "", "local_case_status": "closed"}
    assert kinds(one, closed) == []
    elsewhere = {**other, "ncic_nic": "", "local_agency": "DASO"}
    assert kinds(one, elsewhere) == []


def test_a_chain_of_sure_pairs_never_joins_namesakes_through_a_record_without_a_date():
    records = {"a": ANA, "x": {**ANA, "dob": ""}, "b": {**ANA, "dob": "2009-07-22"}}
    matches = [Match("a", "x", 0.999, "match"), Match("x", "b", 0.998, "match")]
    assert clusters(records, matches) == [{"a", "b", "x"}]  # without records: plain components
    assert clusters(records, matches, records) == [{"a"}, {"b"}, {"x"}]
    plan = plan_clusters({k: [{**v, "record_id": k}] for k, v in records.items()}, matches)
    assert {(h.left, h.right) for h in plan.held} == {("a", "x"), ("x", "b")}
    assert all("4 years apart" in h.reason for h in plan.held)
    # One question for a person: both links name x, the record that could be either child.
    assert {h.chain for h in plan.held} == {"x"}


def test_a_chain_whose_ends_conflict_is_held_once_and_the_surest_link_is_kept():
    records = {"a": {**ANA, "ncic_nic": "M1"}, "x": {**ANA, "dob": ""},
               "b": {**ANA, "dob": "2005-02-10", "ncic_nic": "M2"}, "y": {**ANA, "dob": ""}}
    # x belongs with a (surest), y with b; y ~ x would bridge the two NICs.
    matches = [Match("a", "x", 0.999, "match"), Match("b", "y", 0.998, "match"),
               Match("x", "y", 0.97, "match")]
    plan = plan_clusters({k: [{**v, "record_id": k}] for k, v in records.items()}, matches)
    assert plan.clusters == [{"a", "x"}, {"b", "y"}]
    assert len(plan.held) == 1 and "two different NCIC numbers" in plan.held[0].reason
    assert plan.held[0].chain == ""  # a plain held pair, no one record between two children


def test_rules_join_whatever_identity_says_and_the_conflict_is_reported():
    records = {"a": {**ANA, "ncic_nic": "M1"}, "b": {**ANA, "ncic_nic": "M1", "dob": "2011-01-01"}}
    plan = plan_clusters({k: [{**v, "record_id": k}] for k, v in records.items()},
                         [Match("a", "b", 1.0, "match", rule=True)])
    assert plan.clusters == [{"a", "b"}] and plan.held == []
    assert [c.kind for c in plan.rule_conflicts] == ["dob"]


def test_two_children_already_on_file_are_never_joined_by_a_new_record():
    nodes = {"child:1": [{**ANA, "record_id": "s1"}], "child:2": [{**ANA, "record_id": "s2"}],
             "new:0": [{**ANA, "record_id": "n0", "dob": ""}]}
    plan = plan_clusters(nodes, [Match("new:0", "child:1", 0.99, "match"),
                                 Match("new:0", "child:2", 0.98, "match")],
                         distinct=["child:1", "child:2"])
    assert {"child:1", "child:2"} not in [c & {"child:1", "child:2"} for c in plan.clusters]
    assert len(plan.held) == 1


def test_the_reason_for_review_is_in_words():
    older = {**ANA, "dob": "2009-05-03"}
    assert explain(older, {**older, "dob": "2013-05-03"}) == (
        "same name and surnames; dates of birth 4 years apart")
    tyler = {"first_name": "Tyler", "last_name": "Smith", "dob": "2009-05-03"}
    assert explain({**tyler, "first_name": "T"}, tyler).startswith("initial T agrees with Tyler")
