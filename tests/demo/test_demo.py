"""`reunite demo`: the synthetic Operation Rescue Me, seven weeks in.

The demo is built once for this module (it runs the real intake and matching on five files) inside
a transaction that is rolled back at the end, so other tests never see it.
"""

import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from reunite.accounts.models import User
from reunite.audit.models import AuditEvent
from reunite.children.models import Child, LocalCase, NCICEntry, SourceRecord
from reunite.core.dates import age_on
from reunite.demo import scenario
from reunite.demo.generate import make_population
from reunite.intake.models import ImportBatch
from reunite.operations.models import FollowUp, Investigation, Outcome, ServiceOffer, Target


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """Given `reunite demo` was run once on an empty database."""
    data_dir = tmp_path_factory.mktemp("reunite-data")
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(DATA_DIR=data_dir,
                                                        PASSWORD_HASHERS=hashers):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            out = io.StringIO()
            call_command("demo", stdout=out)
            yield {"operation": scenario.demo_operation(), "output": out.getvalue(),
                   "data_dir": data_dir}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def operation_(demo, db):
    return demo["operation"]


def listed(operation, **filters):
    return Target.objects.listed().filter(operation=operation, **filters)


def test_the_baseline_list_holds_80_children_aged_5_to_18(operation_):
    baseline = listed(operation_, on_baseline=True).select_related("child")

    ages = [age_on(t.child.dob, operation_.start_date) for t in baseline]
    assert len(ages) == 80
    assert (min(ages), max(ages)) == (5, 18)
    assert listed(operation_, on_baseline=False).count() == 2


def test_each_child_is_on_the_list_once(operation_):
    children = [t.child for t in listed(operation_)]
    nics = NCICEntry.objects.filter(child__in=children).values_list("nic", "child")
    cases = LocalCase.objects.filter(child__in=children).values_list(
        "agency__code", "case_number", "child")

    assert len({c.pk for c in children}) == len(children) == 82
    assert all(c.merged_into_id is None for c in children)
    # No identifier is held by two children on the list.
    assert len({nic for nic, _ in nics}) == len(nics)
    assert len({(agency, number) for agency, number, _ in cases}) == len(cases)


def test_the_same_child_in_ncic_and_a_local_list_is_one_child(operation_):
    # NCIC spells without accents and often with one surname; the entering agency's case
    # number ties the rows. Two were tied by the linkage engine alone (no shared number).
    ncic_rows = SourceRecord.objects.filter(agency__code="NMSP", batch__operation=operation_)
    by_rule = Counter(ncic_rows.values_list("matched_by", flat=True))

    assert ncic_rows.count() == 48
    assert by_rule[SourceRecord.MatchedBy.NEW] == 10  # 8 known only to NCIC, 2 rejected locally
    assert by_rule[SourceRecord.MatchedBy.PROBABILISTIC] + by_rule[
        SourceRecord.MatchedBy.REVIEW] == 2
    both = [t.child for t in listed(operation_) if t.child.source_records.count() >= 3]
    assert len(both) == 2  # on LCPD's and DASO's lists and in NCIC


def test_bad_rows_were_rejected_with_row_field_and_reason(operation_):
    rejected = [
        (batch.agency.code, reject)
        for batch in ImportBatch.objects.filter(operation=operation_)
        for reject in batch.rejected
    ]

    assert sorted(code for code, _ in rejected) == ["APD", "DASO"]
    fields = {code: reject["field"] for code, reject in rejected}
    assert fields == {"APD": "dob", "DASO": "eye_color"}
    for _, reject in rejected:
        assert reject["row"] >= 2 and reject["record_id"] and reject["reason"]


def test_the_operation_is_part_way_through(operation_):
    baseline = Counter(listed(operation_, on_baseline=True).values_list("status", flat=True))
    added = Counter(listed(operation_, on_baseline=False).values_list("status", flat=True))
    outcomes = Outcome.objects.filter(target__operation=operation_)

    assert baseline == {"recovered": 2, "located": 50, "outstanding": 28}
    assert added == {"outstanding": 2}
    assert operation_.end_date is None
    assert min(o.date for o in outcomes) >= dt.date(2021, 5, 1)
    assert max(o.date for o in outcomes) <= dt.date(2021, 6, 20)
    assert {o.date.month for o in outcomes} == {5, 6}


def test_some_ncic_removals_and_case_closures_are_still_pending(operation_):
    follow_ups = FollowUp.objects.filter(target__operation=operation_)
    for kind in (FollowUp.Kind.NCIC_REMOVAL, FollowUp.Kind.LOCAL_CASE_CLOSURE):
        of_kind = follow_ups.filter(kind=kind)
        assert of_kind.filter(done_on__isnull=False).exists()
        assert of_kind.filter(done_on__isnull=True).exists()


def test_one_child_was_found_living_in_mexico(operation_):
    abroad = Outcome.objects.filter(target__operation=operation_).exclude(country="US")

    assert [(o.country, o.city, o.circumstance) for o in abroad] == [
        ("MX", "Ciudad Juárez", "residing_elsewhere")]


def test_services_were_offered_and_screenings_recorded(operation_):
    found = listed(operation_).exclude(status="outstanding")
    offers = ServiceOffer.objects.filter(target__in=found)
    results = Counter(
        s.result for t in found for s in t.screenings.all()
    )
    owed = FollowUp.objects.filter(target__in=found, kind=FollowUp.Kind.SCREENING,
                                   done_on__isnull=True)

    assert offers.values("target").distinct().count() >= 45
    assert set(offers.values_list("response", flat=True)) == {"accepted", "declined", "pending"}
    assert results["clear_concern"] >= 3 and results["possible_concern"] >= 1
    assert results["not_completed"] == 2
    assert owed.count() >= 5  # screenings owed and not done are visible


def test_three_investigations_two_for_abuse_one_for_trafficking_by_hsi_deming(operation_):
    investigations = Investigation.objects.filter(operation=operation_)

    assert sorted((i.type, i.lead_agency.code, i.suspect_relationship)
                  for i in investigations) == [
        ("child_sexual_abuse", "HSI-LC", "family_friend"),
        ("child_sexual_abuse", "HSI-LC", "relative"),
        ("human_trafficking", "HSI-DEM", "unknown"),
    ]
    assert all(i.targets.exists() for i in investigations)


def test_one_user_per_role_signs_in_with_the_printed_password(demo, operation_):
    output = demo["output"]

    assert "http://127.0.0.1:8000/" in output
    users = {u.username: u for u in User.objects.select_related("agency")}
    for row in scenario.logins():
        assert row["username"] in output
        user = users[row["username"]]
        assert user.check_password(scenario.PASSWORD) and user.is_active
        assert (user.role, user.agency.code) == (row["role"], row["agency"])
    assert sorted(u.role for u in users.values()) == sorted(r[1] for r in scenario.USERS)
    assert "es" in {u.language for u in users.values()}
    admin = users["administrator"]
    assert admin.is_staff and not admin.is_superuser  # an administrator, not a break-glass account
    assert admin.has_perm("accounts.change_user")


def test_the_files_the_agencies_sent_are_kept(demo, operation_):
    names = sorted(p.name for p in (demo["data_dir"] / "demo").iterdir())

    assert len(names) == 6
    assert any(n.endswith(".xlsx") for n in names)
    assert any(n.startswith("nmsp_ncic") for n in names)


def test_running_the_demo_again_changes_nothing(demo, operation_):
    before = (AuditEvent.objects.count(), Child.objects.count(), Target.objects.count(),
              SourceRecord.objects.count())
    out = io.StringIO()

    call_command("demo", stdout=out)

    after = (AuditEvent.objects.count(), Child.objects.count(), Target.objects.count(),
             SourceRecord.objects.count())
    assert after == before
    assert "already loaded" in out.getvalue()
    assert "http://127.0.0.1:8000/" in out.getvalue()


def test_the_synthetic_files_are_the_same_every_time():
    first, second = make_population(), make_population()

    assert [f.data for f in first.files] == [f.data for f in second.files]
    assert first.additions.data == second.additions.data


def test_the_demo_is_shown_as_of_its_own_day(demo, operation_):
    from reunite.reports.compute import build_report

    assert operation_.as_of == dt.date(2021, 6, 20)
    report = build_report(operation_, public=True)
    # counted to 20 June 2021, not to today: seven weeks, not years of empty weeks
    assert report["days_elapsed"] == 50
    assert len(report["timeline"]) <= 8
    # the printout gives both scopes, as the dashboard does
    assert "Baseline list (the results report): 2 recovered, 50 located, 28 outstanding" \
        in demo["output"]
    assert "Everyone on the list (the dashboard): 2 recovered, 50 located, 30 outstanding" \
        in demo["output"]
