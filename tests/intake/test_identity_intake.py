"""Intake never merges records that clearly disagree on who the child is: it asks a person."""

import datetime as dt

import pytest
from django.db.models import Q

from reunite.audit.models import AuditEvent
from reunite.children.models import Child, MatchReview
from reunite.children.services import decide_review, pending_decisions
from reunite.core.errors import DomainError
from reunite.intake.services import run_intake
from reunite.operations.models import Target
from tests.merged import csv_bytes, merged_target

HEADER = ["record_id", "first_name", "last_name", "second_last_name", "sex", "dob", "address",
          "guardian_name", "ncic_nic", "local_agency", "local_case_number"]
DAY = dt.date(2021, 4, 30)


def ana(record_id, dob, **extra):
    row = {"record_id": record_id, "first_name": "Ana", "last_name": "García",
           "second_last_name": "López", "sex": "F", "dob": dob, "address": "",
           "guardian_name": "", "ncic_nic": "", "local_agency": "", "local_case_number": ""}
    row.update(extra)
    return [row[h] for h in HEADER]


def load(operation, agency, rows, name):
    return run_intake(operation, agency, csv_bytes(HEADER, rows), file_name=name,
                      received_on=DAY)


def listed(operation):
    return Target.objects.listed().filter(operation=operation).count()


def test_twins_of_different_sex_are_two_children_and_one_question(operation, agencies):
    twins = [["D-1", "Daniel", "Ruiz", "Ochoa", "M", "2008-06-14", "412 Calle del Sol",
              "Marisela Ochoa", "", "", ""],
             ["D-2", "Daniela", "Ruiz", "Ochoa", "F", "2008-06-14", "412 Calle del Sol",
              "Marisela Ochoa", "", "", ""]]
    batch = load(operation, agencies["LCPD"], twins, "twins.csv")

    assert listed(operation) == 2 and batch.new_children == 2
    review = MatchReview.objects.get()
    assert "a boy and a girl with different given names (Daniel and Daniela)" in review.reason


def test_a_chain_through_a_row_without_a_date_of_birth_joins_nobody(operation, agencies):
    rows = [ana("A-1", "2005-02-10", address="18 Calle Primavera"),
            ana("A-2", "2009-07-22", address="301 Desert Willow Dr"),
            ana("A-3", "")]
    load(operation, agencies["DASO"], rows, "daso.csv")

    assert listed(operation) == 3
    reasons = list(MatchReview.objects.values_list("reason", flat=True))
    assert reasons and all("4 years apart" in r for r in reasons)
    held = [r for r in reasons if r.startswith("Sure match held back")]
    assert len(held) == 2 and all("records that disagree: DASO A-1 and DASO A-2" in r
                                  for r in held)
    # Both held pairs are one question, named after the row that could be either Ana, and so
    # is the engine's own doubt about the two namesakes.
    x = Child.objects.get(source_records__record_id="A-3")
    chained = MatchReview.objects.filter(chain=f"child:{x.pk}")
    assert chained.count() == 3 == MatchReview.objects.count()
    assert sum(x.pk in (r.child_a_id, r.child_b_id) for r in chained) == 2


def test_a_row_that_could_be_either_namesake_is_one_decision_and_never_joins_them(
        operation, agencies, cast):
    rows = [ana("A-1", "2005-02-10", address="18 Calle Primavera"),
            ana("A-2", "2009-07-22", address="301 Desert Willow Dr"),
            ana("A-3", "")]
    batch = load(operation, agencies["DASO"], rows, "daso.csv")
    assert batch.review == 1  # what the import says it left for a person
    older, younger, either = (Child.objects.get(source_records__record_id=r)
                              for r in ("A-1", "A-2", "A-3"))
    assert pending_decisions(operation) == 1

    pair = MatchReview.objects.get(chain=f"child:{either.pk}",
                                   child_a__in=[older, either], child_b__in=[older, either])
    decide_review(pair, decision="same", user=cast["analyst"])

    # A-3 is the older Ana; it cannot also be the younger one, who clearly differs from her.
    either.refresh_from_db()
    assert either.merged_into_id == older.pk or older.merged_into_id == either.pk
    assert pending_decisions(operation) == 0
    closed = MatchReview.objects.filter(chain=f"child:{either.pk}", decision="different")
    assert closed.count() == 2
    assert all(younger.pk in (r.child_a_id, r.child_b_id) for r in closed)
    assert listed(operation) == 2
    for target in Target.objects.listed().filter(operation=operation):
        assert len({r["dob"] for r in target.child.source_records.values_list(
            "fields", flat=True) if r.get("dob")}) == 1
    decided = AuditEvent.objects.filter(action="review.decide")
    assert sorted(e.changes["decision"] for e in decided) == ["different", "different", "same"]


def test_neither_answers_the_whole_chain_and_different_leaves_the_rest_pending(
        operation, agencies, cast):
    rows = [ana("A-1", "2005-02-10", address="18 Calle Primavera"),
            ana("A-2", "2009-07-22", address="301 Desert Willow Dr"),
            ana("A-3", "")]
    load(operation, agencies["DASO"], rows, "daso.csv")
    either = Child.objects.get(source_records__record_id="A-3")
    first, second = MatchReview.objects.filter(
        Q(child_a=either) | Q(child_b=either), chain=f"child:{either.pk}").order_by("pk")

    decide_review(first, decision="different", user=cast["analyst"])
    second.refresh_from_db()
    assert second.decision == "pending" and pending_decisions(operation) == 1

    decide_review(second, decision="neither", user=cast["analyst"])
    assert pending_decisions(operation) == 0 and listed(operation) == 3
    audit = AuditEvent.objects.filter(action="review.decide").order_by("id")
    assert [e.changes.get("asked") for e in audit] == [None, "neither", "neither"]


def test_neither_is_refused_for_a_pair_on_its_own(operation, cast, make_target):
    one, two = make_target(first_name="Lupe"), make_target(first_name="Guadalupe")
    pair = MatchReview.objects.create(operation=operation, child_a=one.child, child_b=two.child,
                                      match_probability=0.7)
    with pytest.raises(DomainError) as refused:
        decide_review(pair, decision="neither", user=cast["analyst"])
    assert refused.value.code == "not_a_chain"


def test_a_new_row_does_not_join_a_known_child_whose_records_disagree_with_it(operation,
                                                                               agencies):
    # Ana (2005) is known from LCPD, and from the clearinghouse without her date of birth.
    load(operation, agencies["LCPD"], [ana("L-1", "2005-02-10", address="18 Calle Primavera")],
         "lcpd.csv")
    load(operation, agencies["NCMEC"], [ana("N-1", "", address="18 Calle Primavera")],
         "ncmec.csv")
    assert listed(operation) == 1
    # Another Ana, four years younger, at the address the clearinghouse gave.
    batch = load(operation, agencies["DASO"],
                 [ana("D-1", "2009-07-22", address="18 Calle Primavera")], "daso.csv")

    assert listed(operation) == 2 and batch.new_children == 1
    review = MatchReview.objects.get()
    assert "dates of birth 4 years apart" in review.reason
    assert {review.child_a.dob, review.child_b.dob} == {dt.date(2005, 2, 10),
                                                       dt.date(2009, 7, 22)}


def test_a_rule_join_that_brings_in_a_conflict_is_accepted_and_said(operation, agencies):
    target = merged_target(operation, agencies)  # a second NCIC entry shares LCPD's case
    assert Child.objects.filter(merged_into__isnull=True).count() == 1
    assert target.child.ncic_entries.count() == 2
    from reunite.audit.models import AuditEvent

    event = AuditEvent.objects.filter(action="intake.import").order_by("-id").first()
    warnings = {w["record_id"]: w for w in event.changes["identity_warnings"]}
    warning = warnings["M210000002"]
    assert warning["field"] == "identity" and warning["row"] == 3
    assert "two different NCIC numbers" in warning["reason"]
    assert "dates of birth 3 years apart" in warning["reason"]
