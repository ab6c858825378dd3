"""The review queue worth a person's time, and undoing a merge from the child's page."""

from reunite.audit.models import AuditEvent
from reunite.children.models import Child, MatchReview, SourceRecord
from reunite.operations.models import Target
from tests.merged import merged_target


def _pair(operation, make_target, *, a="T", b="Tyler", probability=0.9996, reason=""):
    one = make_target(first_name=a, last_name="Smith", second_last_name="")
    two = make_target(first_name=b, last_name="Smith", second_last_name="")
    return MatchReview.objects.create(operation=operation, child_a=one.child,
                                      child_b=two.child, match_probability=probability,
                                      reason=reason)


def test_the_queue_says_why_in_words_and_never_rounds_an_uncertain_pair_to_one(
        as_user, operation, make_target):
    _pair(operation, make_target,
          reason="Sure match held back: dates of birth 4 years apart (2005-02-10 and "
                 "2009-07-22)")
    text = as_user("analyst").get(f"/ops/{operation.slug}/review/").content.decode()
    assert "dates of birth 4 years apart" in text
    assert "Held back: the records clearly disagree" in text
    assert "Probability the model gave: 0.9996" in text and "1.00" not in text
    # "T" is an initial of "Tyler": close, not a disagreement.
    given = text[text.index("Given names"):text.index("Surnames")]
    assert "≈" in given and "✗" not in given


def test_the_count_goes_down_as_pairs_are_decided(as_user, operation, make_target):
    first = _pair(operation, make_target)
    _pair(operation, make_target, a="Lupe", b="Guadalupe")
    client = as_user("analyst")
    assert "2 pairs wait" in client.get(f"/ops/{operation.slug}/review/").content.decode()
    response = client.post(f"/review/{first.pk}/decide/", {"decision": "different"},
                           HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert 'id="review-count"' in text and 'hx-swap-oob="true"' in text
    assert "1 pair waits" in text


def test_the_review_page_shows_every_record_of_each_side_with_clear_labels(as_user, operation,
                                                                        agencies, make_target):
    target = merged_target(operation, agencies)
    other = make_target(first_name="Yesenia", last_name="Olivas", second_last_name="Baca")
    MatchReview.objects.create(operation=operation, child_a=target.child, child_b=other.child,
                               match_probability=0.6, reason="same name and surnames")
    text = as_user("analyst").get(f"/ops/{operation.slug}/review/").content.decode()
    for record_id in ("L-1", "M210000001", "M210000002"):
        assert f"· {record_id}</strong>" in text
    assert 'data-label="Child A"' in text and 'data-label="Child B"' in text
    assert "split them into a new child" in text


def test_a_reviewer_splits_a_wrong_merge_from_the_childs_page(as_user, operation, agencies):
    target = merged_target(operation, agencies)
    karina = SourceRecord.objects.get(record_id="M210000002")
    client = as_user("analyst")
    page = client.get(f"/children/{target.pk}/").content.decode()
    assert "Undo a merge: split this child" in page and f'value="{karina.pk}"' in page

    response = client.post(f"/children/{target.pk}/split/", {"sources": [karina.pk]})

    new = Target.objects.exclude(pk=target.pk).get(operation=operation)
    assert response.status_code == 302 and response["Location"] == f"/children/{new.pk}/"
    assert list(new.child.source_records.values_list("record_id", flat=True)) == ["M210000002"]
    assert AuditEvent.objects.filter(action="child.split").count() == 1


def test_a_split_is_refused_with_the_reason_and_only_for_reviewers(as_user, operation, agencies):
    target = merged_target(operation, agencies)
    everything = list(target.child.source_records.values_list("pk", flat=True))
    client = as_user("analyst")
    response = client.post(f"/children/{target.pk}/split/", {"sources": everything},
                           follow=True)
    assert "leave at least one" in response.content.decode()
    assert Target.objects.filter(operation=operation).count() == 1

    investigator = as_user("investigator")
    assert "Undo a merge" not in investigator.get(f"/children/{target.pk}/").content.decode()
    assert investigator.post(f"/children/{target.pk}/split/",
                             {"sources": everything[:1]}).status_code == 403


def test_the_reason_reads_in_spanish(as_user, cast, operation, make_target):
    _pair(operation, make_target,
          reason="Sure match held back: a boy and a girl with different given names (Daniel "
                 "and Daniela); dates of birth 4 years apart (2005-02-10 and 2009-07-22)")
    cast["analyst"].language = "es"
    cast["analyst"].save()
    text = as_user("analyst").get(f"/ops/{operation.slug}/review/").content.decode()
    assert ("Coincidencia segura retenida: un niño y una niña con nombres distintos (Daniel y "
            "Daniela); fechas de nacimiento con 4 años de diferencia (2005-02-10 y 2009-07-22)"
            ) in text
    assert "Probabilidad que dio el modelo: 0.9996" in text


def test_the_probability_is_never_rounded_up_to_certainty():
    from reunite.web.templatetags.review_tags import model_probability

    assert model_probability(0.71) == "0.71"
    assert model_probability(0.996) == "0.996"
    assert model_probability(0.99999) == "> 0.9999"
    assert model_probability(1.0) == "1"


def test_an_identity_warning_from_the_linkage_engine_reads_in_spanish():
    from django.utils import translation

    from reunite.web.templatetags.review_tags import warning_text

    reason = "joined by a shared identifier, but dates of birth 4 years apart (2010 and 2014)"
    with translation.override("es"):
        shown = warning_text(reason)
        kept = warning_text("ya traducido por la importación")
    assert shown.startswith("unidos por un identificador común, pero ")
    assert "años" in shown and "2010" in shown and "2014" in shown
    assert "joined" not in shown
    assert kept == "ya traducido por la importación"


def _chain(operation, agencies):
    """Two Anas four years apart and a third without a date of birth, who could be either."""
    from tests.intake.test_identity_intake import ana, load

    load(operation, agencies["DASO"], [ana("A-1", "2005-02-10"), ana("A-2", "2009-07-22"),
                                       ana("A-3", "")], "daso.csv")
    return {r: Child.objects.get(source_records__record_id=r) for r in ("A-1", "A-2", "A-3")}


def test_a_record_that_could_be_either_child_is_one_card_with_the_three_records(
        as_user, operation, agencies):
    _chain(operation, agencies)
    text = as_user("analyst").get(f"/ops/{operation.slug}/review/").content.decode()

    assert text.count('class="panel review-item"') == 1
    assert "1 pair waits" in text
    assert "This record could be either child; they clearly differ:" in text
    assert "dates of birth 4 years apart" in text
    for record_id in ("A-1", "A-2", "A-3"):
        assert f"· {record_id}</strong>" in text
    assert "It is child 1" in text and "It is child 2" in text and "None of them" in text


def test_choosing_one_child_merges_it_and_closes_the_other_as_different(as_user, operation,
                                                                        agencies):
    children = _chain(operation, agencies)
    either, older = children["A-3"], children["A-1"]
    pair = MatchReview.objects.get(child_a__in=[either, older], child_b__in=[either, older])
    client = as_user("analyst")

    response = client.post(f"/review/{pair.pk}/decide/", {"decision": "same", "card": "7"},
                           HTTP_HX_REQUEST="true")

    text = response.content.decode()
    assert 'id="review-7"' in text
    assert "the same child" in text and "different children" in text
    assert "Every pair has been decided." in text
    assert MatchReview.objects.filter(decision="pending").count() == 0
    survivor = older if older.pk < either.pk else either
    records = set(survivor.source_records.values_list("record_id", flat=True))
    assert records == {"A-1", "A-3"}


def test_a_chain_card_reads_in_spanish(as_user, cast, operation, agencies):
    _chain(operation, agencies)
    cast["analyst"].language = "es"
    cast["analyst"].save()
    text = as_user("analyst").get(f"/ops/{operation.slug}/review/").content.decode()
    assert "Este registro podría ser cualquiera de los dos niños" in text
    assert "fechas de nacimiento con 4 años de diferencia" in text
    assert "Es el niño 1" in text and "Ninguno de ellos" in text
