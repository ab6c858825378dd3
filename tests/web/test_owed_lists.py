"""Every count on the dashboard leads to its list: what is shown, of how many, and where the rest
are."""

import datetime as dt

from reunite.operations.services import record_outcome
from reunite.web.views import dashboard


def _found(target, user, status="recovered"):
    circumstance = "returned_to_guardian" if status == "recovered" else "with_relatives"
    record_outcome(target, status=status, date=dt.date(2021, 6, 1), circumstance=circumstance,
                   agency="LCPD", user=user)


def test_the_list_filters_children_owed_a_screening_or_a_follow_up(
        as_user, operation, make_target, cast):
    owes_both = make_target(first_name="Ana", last_name="Ruiz", ncic="active", case=None)
    owes_closure = make_target(first_name="Berta", last_name="Sosa", ncic=None, case="open")
    make_target(first_name="Carla", last_name="Tovar")
    _found(owes_both, cast["investigator"])
    _found(owes_closure, cast["investigator"], status="located")
    client = as_user("coordinator")
    url = f"/ops/{operation.slug}/children/"

    screening = client.get(url, {"owes": "screening"}).content.decode()
    assert "Ana Ruiz" in screening and "Berta Sosa" in screening
    assert "Carla Tovar" not in screening

    removal = client.get(url, {"owes": "ncic_removal"}).content.decode()
    assert "Ana Ruiz" in removal and "Berta Sosa" not in removal

    closure = client.get(url, {"owes": "local_case_closure"}).content.decode()
    assert "Berta Sosa" in closure and "Ana Ruiz" not in closure


def test_the_dashboard_says_when_a_list_is_cut_short_and_links_to_all(
        as_user, operation, make_target, cast, monkeypatch):
    monkeypatch.setattr(dashboard, "FOLLOW_UPS_SHOWN", 2)
    for n in range(3):
        _found(make_target(first_name=f"Niña{n}", ncic="active", case=None),
               cast["investigator"])
    page = as_user("coordinator").get(f"/ops/{operation.slug}/").content.decode()
    # six follow-ups owed (three removals, three screenings), two shown
    assert "Showing the 2 oldest of 6 follow-ups." in page
    assert "?owes=follow_up" in page
    assert "3 found children have not been screened yet." in page
    assert "?owes=screening" in page


def test_the_ncic_clock_lists_every_overdue_child(as_user, operation, make_target, monkeypatch):
    from reunite.children.models import LocalCase
    from reunite.operations import compliance

    monkeypatch.setattr(compliance, "SHOWN", 1)
    reported = dt.datetime(2021, 4, 1, 9, 30, tzinfo=dt.UTC)  # long past the 2-hour deadline
    for name in ("Dulce", "Elena"):
        target = make_target(first_name=name, ncic=None, case="open")
        LocalCase.objects.filter(child=target.child).update(reported_at=reported)
    client = as_user("coordinator")
    page = client.get(f"/ops/{operation.slug}/").content.decode()
    assert "Showing 1 of 2." in page and "?owes=ncic_entry" in page
    listed = client.get(f"/ops/{operation.slug}/children/", {"owes": "ncic_entry"})
    text = listed.content.decode()
    assert "Dulce" in text and "Elena" in text


def test_the_dashboard_explains_its_numbers_against_the_reports(
        as_user, operation, make_target):
    make_target(first_name="Ana")
    make_target(first_name="Berta", on_baseline=False)
    page = as_user("coordinator").get(f"/ops/{operation.slug}/").content.decode()
    assert "including 1 child added after the baseline was set" in page
    assert "The results report counts the baseline list of 1: 0 recovered, 0 located, " \
        "1 outstanding." in page


def test_the_dashboards_figures_change_as_soon_as_a_child_is_found(
        as_user, operation, make_target, cast):
    target = make_target(ncic="active", case=None)
    client = as_user("coordinator")
    before = client.get(f"/ops/{operation.slug}/").context
    assert before["counts"]["recovered"] == 0
    assert client.get(f"/ops/{operation.slug}/").context["counts"]["recovered"] == 0  # cached
    _found(target, cast["investigator"])
    after = client.get(f"/ops/{operation.slug}/").context
    assert after["counts"]["recovered"] == 1
    assert after["follow_up_counts"]["screening"] == 1


def test_reading_pages_keeps_the_dashboards_figures_but_a_change_does_not(
        as_user, operation, make_target, cast, django_assert_max_num_queries):
    from reunite.web.views.dashboard import data_version

    target = make_target(ncic="active", case=None)
    client = as_user("coordinator")
    client.get(f"/ops/{operation.slug}/")
    version = data_version()
    # People reading children, lists and searches (each read audited) change no figure...
    client.get(f"/children/{target.pk}/")
    client.get(f"/ops/{operation.slug}/children/?q={target.child.last_name}")
    assert data_version() == version
    # ...so the dashboard answers from the figures already counted.
    with django_assert_max_num_queries(12):
        assert client.get(f"/ops/{operation.slug}/").status_code == 200
    _found(target, cast["investigator"])
    assert data_version() != version
