"""A child's page: everything known about the child, restricted parts shown as restricted."""

import datetime as dt

from reunite.audit.models import AuditEvent
from reunite.children.models import SourceRecord
from reunite.operations.services import open_investigation, record_screening


def test_the_page_shows_sources_side_by_side_with_provenance(as_user, make_target, agencies):
    target = make_target(first_name="Guadalupe", last_name="Hernández")
    for agency, spelling in (("NMSP", "Hernandes"), ("LCPD", "Hernández")):
        SourceRecord.objects.create(
            child=target.child, agency=agencies[agency], record_id=f"{agency}-7",
            file_name=f"{agency.lower()}.csv", row_number=4, content_hash=agency, data={},
            fields={"first_name": "Guadalupe", "last_name": spelling})
    page = as_user("investigator").get(f"/children/{target.pk}/").content.decode()
    assert "NMSP · NMSP-7" in page and "LCPD · LCPD-7" in page
    assert "nmsp.csv" in page and "row 4" in page
    assert "Hernandes" in page
    assert "differs" in page          # the surnames disagree between the two sources
    assert "M000000001" in page       # the NCIC entry
    assert "LCPD case" in page        # the local case


def test_viewing_a_child_is_recorded(as_user, make_target):
    target = make_target()
    as_user("investigator").get(f"/children/{target.pk}/")
    event = AuditEvent.objects.get(action="target.view")
    assert (event.actor_username, event.child_id) == ("investigator", target.child_id)


def test_foster_care_and_trafficking_indicators_are_restricted_for_analysts(
        as_user, make_target):
    target = make_target()
    target.child.custody = "cyfd"
    target.child.risk_factors = ["trafficking_indicators", "homelessness"]
    target.child.save()
    analyst_page = as_user("analyst").get(f"/children/{target.pk}/").content.decode()
    assert "Child welfare (CYFD)" not in analyst_page
    assert "Trafficking indicators" not in analyst_page
    assert "restricted" in analyst_page and "Homelessness" in analyst_page


def test_the_coordinator_sees_foster_care_status(as_user, make_target):
    target = make_target()
    target.child.custody = "cyfd"
    target.child.save()
    page = as_user("coordinator").get(f"/children/{target.pk}/").content.decode()
    assert "Child welfare (CYFD)" in page


def test_investigation_details_and_screening_indicators_only_to_those_who_need_them(
        as_user, found_target, operation, cast):
    open_investigation(operation, type="human_trafficking", lead_agency="HSI",
                       opened=dt.date(2021, 6, 2), targets=[found_target],
                       summary="Suspect met the child online")
    record_screening(found_target, instrument="CSE-IT", date=dt.date(2021, 6, 3),
                     result="possible_concern", indicators=["exchange of sex for shelter"])
    url = f"/children/{found_target.pk}/"
    investigator = as_user("investigator").get(url).content.decode()
    assert "Suspect met the child online" in investigator
    assert "exchange of sex for shelter" not in investigator
    caseworker = as_user("caseworker").get(url).content.decode()
    assert "Suspect met the child online" not in caseworker
    assert "A linked investigation exists" in caseworker
    assert "exchange of sex for shelter" in caseworker


def test_the_timeline_holds_outcomes_and_notes(as_user, found_target, cast):
    from reunite.operations.services import log_activity

    log_activity(found_target, kind="tip", summary="Seen at the bus station", user=cast["analyst"])
    page = as_user("investigator").get(f"/children/{found_target.pk}/").content.decode()
    assert "Seen at the bus station" in page
    assert "Recovered: Returned to guardian" in page


def test_a_child_outside_the_users_operations_is_not_found(client, make_target, agencies):
    from reunite.accounts.models import User
    from reunite.agencies.models import Agency

    target = make_target()
    elsewhere = Agency.objects.create(code="ELPD", name="El Paso PD", kind="local_le")
    client.force_login(User.objects.create_user(username="x", password="y" * 12,
                                                role="coordinator", agency=elsewhere))
    assert client.get(f"/children/{target.pk}/").status_code == 404


def test_the_childs_page_costs_the_same_queries_however_much_is_on_file(
        as_user, found_target, cast, django_assert_max_num_queries):
    from reunite.operations.services import log_activity, offer_service

    client = as_user("coordinator")
    url = f"/children/{found_target.pk}/"
    with django_assert_max_num_queries(40) as before:
        client.get(url)
    for n in range(10):
        log_activity(found_target, kind="note", summary=f"note {n}", user=cast["coordinator"])
        offer_service(found_target, type="counseling", offered_on=dt.date(2021, 6, 2))
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(url)


def test_description_codes_read_as_words_and_the_timeline_says_who_did_what(
        as_user, cast, found_target):
    child = found_target.child
    child.race, child.ethnicity, child.eye_color, child.hair_color = "W", "H", "BRO", "BLK"
    child.height, child.weight = "509", "147"
    child.save()
    page = as_user("coordinator").get(f"/children/{found_target.pk}/").content.decode()
    assert "White (W) / Hispanic (H)" in page
    assert "5 ft 9 in (175 cm) / 147 lb (67 kg)" in page
    assert "Brown (BRO) / Black (BLK)" in page
    # the outcome was recorded by an LCPD investigator, found by LCPD: both named as such
    assert "found by LCPD · recorded by investigator (LCPD)" in page
