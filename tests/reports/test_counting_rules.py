"""What counts on the list, and how an operation's dates show, on small hand-made lists."""

import datetime as dt

from reunite.children.services import merge_children
from reunite.operations.services import close_operation, record_outcome
from reunite.reports.compute import build_report


def test_an_entry_set_aside_by_a_merge_is_not_counted(make_target):
    # given the same child on the list twice, and one entry found
    first = make_target(first_name="Itzel", last_name="Barraza")
    second = make_target(first_name="Itzel", last_name="Barraza")
    record_outcome(first, status="located", date=dt.date(2021, 5, 3),
                   circumstance="with_friends", agency="LCPD")
    assert build_report(first.operation)["baseline"] == 2

    # when the two turn out to be one child
    merge_children(first.child, second.child, reason="same_record")

    # then the list counts the child once
    report = build_report(first.operation)
    assert (report["baseline"], report["located"], report["outstanding"]) == (1, 1, 0)


def test_a_closed_operation_is_not_ongoing(operation):
    close_operation(operation, dt.date(2021, 7, 31))

    report = build_report(operation)

    assert report["ongoing"] is False and report["ended"] == "2021-07-31"
    assert report["days_elapsed"] == 91
    assert report["as_of"] == "2021-07-31"


def test_an_empty_operation_reports_zeros(operation):
    report = build_report(operation)

    assert (report["baseline"], report["found"], report["age_min"]) == (0, 0, None)
    assert report["timeline"] == [] and report["investigations"] == {}
