"""The replay: an operation like Rescue Me, six agencies' lists, families that are hard to tell
apart. No wrong merge, few decisions, and the press release's numbers at the end."""

import pytest

from reunite.demo.replay import run_replay


@pytest.fixture(scope="module")
def replayed(django_db_setup, django_db_blocker):
    """One replay for the module's tests (it imports six lists: ~30 s)."""
    import datetime as dt

    from django.db import transaction

    from reunite.accounts.models import User
    from reunite.demo.agencies import create_seed_agencies
    from reunite.operations.services import create_operation

    with django_db_blocker.unblock(), transaction.atomic():
        agencies = {a.code: a for a in create_seed_agencies()}
        operation = create_operation(
            name="Operation Replay", area="Doña Ana County, New Mexico",
            start_date=dt.date(2021, 5, 1), lead_agencies=["HSI", "USMS"],
            agencies=[c for c in agencies if c not in ("HSI", "USMS")])
        user = User.objects.create_user(username="replay-coordinator", password="x-replay-2021",
                                        role="coordinator", agency=agencies["HSI"])
        result = run_replay(operation, user=user)
        transaction.set_rollback(True)  # nothing stays for the other tests
    return result


def test_no_two_children_become_one_and_no_child_becomes_two(replayed):
    assert replayed.wrong_merges == []
    assert replayed.split_children == []


def test_a_person_decides_at_most_ten_pairs_each_with_its_reason(replayed):
    assert 1 <= replayed.decisions <= 10
    assert all(reason for reason in replayed.review_reasons)
    # The clearinghouse row without a date of birth resembles both namesakes: held, not merged.
    assert any("dates of birth" in reason for reason in replayed.review_reasons)


def test_after_the_outcomes_the_report_says_3_recovered_75_located_2_outstanding(replayed):
    assert replayed.children == 80
    report = replayed.report
    assert (report["recovered"], report["located"], report["outstanding"]) == (3, 75, 2)


def test_every_source_row_goes_in(replayed):
    assert replayed.rejected == []
    assert replayed.stored == replayed.rows
