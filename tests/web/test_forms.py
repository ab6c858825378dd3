"""Forms that teach the rules: the outcome form says what the facts allow and refuses with why."""

import datetime as dt

from reunite.operations.models import Activity, FollowUp, TargetStatus

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_outcome_form_says_which_outcome_the_facts_allow(as_user, make_target):
    target = make_target(ncic=None, case="open")
    page = as_user("investigator").get(f"/children/{target.pk}/outcome/", **HTMX)
    text = " ".join(page.content.decode().split())
    assert "Recovered means the child was active in NCIC" in text
    assert "Not allowed for this child. No active NCIC entry." in text
    assert "Allowed for this child. Open local case: LCPD" in text


def test_a_refused_outcome_shows_the_rule_next_to_the_field_and_changes_nothing(
        as_user, make_target):
    # given a child with an open local case but no NCIC entry
    target = make_target(ncic=None, case="open")
    # when an investigator records "recovered"
    response = as_user("investigator").post(f"/children/{target.pk}/outcome/", {
        "status": "recovered", "date": "2021-06-01", "circumstance": "returned_to_guardian",
        "agency": "LCPD"}, **HTMX)
    # then the form comes back with the domain's reason next to the status
    text = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_status_error"' in text
    assert "no NCIC entry that was active on 2021-06-01" in text
    target.refresh_from_db()
    assert target.status == TargetStatus.OUTSTANDING


def test_an_accepted_outcome_redraws_the_case_with_its_follow_ups(as_user, make_target):
    target = make_target(ncic=None, case="open")
    response = as_user("investigator").post(f"/children/{target.pk}/outcome/", {
        "status": "located", "date": "2021-06-01", "circumstance": "with_relatives",
        "agency": "LCPD", "city": "Juárez", "country": "MX"}, **HTMX)
    assert response["HX-Retarget"] == "#case"
    text = response.content.decode()
    assert "Outcome recorded." in text
    assert "Close local case" in text
    target.refresh_from_db()
    assert target.status == TargetStatus.LOCATED
    assert target.outcomes.get().country == "MX"


def test_without_javascript_the_form_posts_and_redirects(as_user, make_target):
    target = make_target(ncic="active", case=None)
    client = as_user("investigator")
    refused = client.post(f"/children/{target.pk}/outcome/", {
        "status": "located", "date": "2021-06-01", "circumstance": "with_relatives",
        "agency": "LCPD"})
    assert refused.status_code == 422
    accepted = client.post(f"/children/{target.pk}/outcome/", {
        "status": "recovered", "date": "2021-06-01", "circumstance": "returned_to_guardian",
        "agency": "LCPD"})
    assert accepted.status_code == 302 and accepted["Location"] == f"/children/{target.pk}/"


def test_an_unreadable_date_is_refused_by_the_form(as_user, make_target):
    target = make_target()
    response = as_user("investigator").post(f"/children/{target.pk}/outcome/", {
        "status": "recovered", "date": "2021-13-45", "circumstance": "returned_to_guardian",
        "agency": "LCPD"}, **HTMX)
    assert 'id="id_date_error"' in response.content.decode()


def test_roles_without_the_capability_cannot_record_an_outcome(as_user, make_target):
    target = make_target()
    response = as_user("analyst").post(f"/children/{target.pk}/outcome/", {
        "status": "recovered", "date": "2021-06-01", "circumstance": "returned_to_guardian",
        "agency": "LCPD"})
    assert response.status_code == 403


def test_a_note_in_two_clicks(as_user, make_target):
    target = make_target()
    response = as_user("analyst").post(f"/children/{target.pk}/activity/", {
        "kind": "database_match", "summary": "Phone linked to an address in Anthony",
        "result": "open"}, **HTMX)
    assert "Phone linked to an address in Anthony" in response.content.decode()
    activity = Activity.objects.get(target=target)
    assert activity.author.username == "analyst" and activity.kind == "database_match"


def test_a_note_marked_restricted_is_read_only_by_those_who_may(as_user, make_target):
    target = make_target()
    as_user("caseworker").post(f"/children/{target.pk}/activity/", {
        "kind": "note", "summary": "Screening at intake raised a concern",
        "result": "", "restricted": "screening_indicators"}, **HTMX)
    assert Activity.objects.get(target=target).restricted == "screening_indicators"
    assert "Screening at intake raised a concern" in \
        as_user("caseworker").get(f"/children/{target.pk}/").content.decode()
    page = as_user("investigator").get(f"/children/{target.pk}/").content.decode()
    assert "Screening at intake raised a concern" not in page
    assert "Restricted: shown only to roles with the need to know" in page


def test_services_and_screening_for_a_found_child(as_user, found_target):
    client = as_user("caseworker")
    client.post(f"/children/{found_target.pk}/service/", {
        "type": "counseling", "provider": "La Casa", "offered_on": "2021-06-02",
        "response": "accepted"}, **HTMX)
    client.post(f"/children/{found_target.pk}/screening/", {
        "instrument": "CSE-IT", "version": "2.0", "date": "2021-06-03",
        "result": "no_concern"}, **HTMX)
    assert found_target.services.get().provider == "La Casa"
    assert not FollowUp.objects.filter(target=found_target, kind="screening",
                                       done_on__isnull=True).exists()


def test_services_for_an_outstanding_child_are_refused_with_the_reason(as_user, make_target):
    target = make_target()
    response = as_user("caseworker").post(f"/children/{target.pk}/service/", {
        "type": "counseling", "offered_on": "2021-06-02", "response": "pending"}, **HTMX)
    assert "still outstanding" in response.content.decode()


def test_a_screening_not_completed_needs_a_reason(as_user, found_target):
    response = as_user("caseworker").post(f"/children/{found_target.pk}/screening/", {
        "instrument": "CSE-IT", "date": "2021-06-03", "result": "not_completed"}, **HTMX)
    assert 'id="id_reason_error"' in response.content.decode()


def test_follow_ups_are_recorded_from_the_childs_page(as_user, found_target):
    as_user("investigator").post(f"/children/{found_target.pk}/ncic-cleared/",
                                 {"date": "2021-06-05"}, **HTMX)
    follow_up = FollowUp.objects.get(target=found_target, kind="ncic_removal")
    assert follow_up.done_on == dt.date(2021, 6, 5)


def test_assign_to_an_agency_and_a_person(as_user, make_target, cast):
    target = make_target()
    as_user("coordinator").post(f"/children/{target.pk}/assign/", {
        "agency": "LCPD", "assignee": cast["investigator"].pk}, **HTMX)
    target.refresh_from_db()
    assert (target.assigned_agency.code, target.assignee.username) == ("LCPD", "investigator")


def test_open_an_investigation_from_the_childs_page(as_user, found_target):
    as_user("investigator").post(f"/children/{found_target.pk}/investigation/", {
        "type": "child_sexual_abuse", "lead_agency": "HSI", "opened": "2021-06-04",
        "suspect_relationship": "relative"}, **HTMX)
    investigation = found_target.investigations.get()
    assert (investigation.type, investigation.suspect_relationship) == (
        "child_sexual_abuse", "relative")


def test_a_refusal_is_in_words_never_an_internal_code(as_user, cast, operation, make_target):
    target = make_target(ncic="active", case=None)
    client = as_user("investigator")
    page = client.post(f"/children/{target.pk}/outcome/", {
        "status": "recovered", "date": "2021-06-01", "circumstance": "with_relatives",
        "agency": "LCPD"}).content.decode()
    assert "this circumstance does not fit the outcome chosen" in page
    assert "with_relatives" not in page.split("<select")[0]
    assert "circumstance_not_allowed" not in page
    cast["investigator"].language = "es"
    cast["investigator"].save()
    page = client.post(f"/children/{target.pk}/outcome/", {
        "status": "located", "date": "2021-06-01", "circumstance": "with_relatives",
        "agency": "LCPD"}).content.decode()
    assert "no_open_local_case" not in page


def test_each_outcome_carries_the_circumstances_that_fit_it(as_user, operation, make_target):
    # the page's script narrows the circumstance list to the outcome chosen
    target = make_target(ncic=None, case=None)
    page = as_user("investigator").get(f"/children/{target.pk}/outcome/").content.decode()
    assert 'value="recovered"' in page
    assert 'data-circumstances="returned_to_guardian placed_with_cyfd"' in page
    assert 'data-circumstances="returned_voluntarily with_friends with_relatives ' \
        'residing_elsewhere"' in page
