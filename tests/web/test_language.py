"""Spanish and English, chosen per user and remembered on the account."""


def test_a_user_with_spanish_on_the_account_gets_spanish_pages(as_user, cast, operation):
    cast["investigator"].language = "es"
    cast["investigator"].save()
    page = as_user("investigator").get(f"/ops/{operation.slug}/children/")
    assert page["Content-Language"] == "es"
    assert '<html lang="es">' in page.content.decode()
    assert "Niños en la lista" in page.content.decode()


def test_switching_language_is_saved_on_the_account(as_user, cast, operation):
    client = as_user("coordinator")
    response = client.post("/language/", {"language": "es", "next": "/"})
    assert response.status_code == 302
    cast["coordinator"].refresh_from_db()
    assert cast["coordinator"].language == "es"
    assert client.get(f"/ops/{operation.slug}/")["Content-Language"] == "es"


def test_dates_are_written_the_spanish_way(as_user, cast, operation):
    cast["coordinator"].language = "es"
    cast["coordinator"].save()
    text = as_user("coordinator").get(f"/ops/{operation.slug}/").content.decode()
    assert "1 de mayo de 2021" in text


def test_an_unknown_language_or_foreign_next_is_ignored(as_user, cast):
    client = as_user("coordinator")
    response = client.post("/language/", {"language": "xx", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    cast["coordinator"].refresh_from_db()
    assert cast["coordinator"].language == ""


def test_the_rule_texts_match_the_domains_wording():
    from reunite.operations import services
    from reunite.web.rules import RULES

    assert RULES["recovered"] == services.RULE_RECOVERED
    assert RULES["located"] == services.RULE_LOCATED


def test_numeric_dates_read_the_same_in_both_languages(as_user, cast, operation, found_target):
    # found on 1 June 2021: never 01/06/2021 in one language and 06/01/2021 in the other
    client = as_user("coordinator")
    english = client.get(f"/children/{found_target.pk}/").content.decode()
    client.post("/language/", {"language": "es", "next": "/"})
    spanish = client.get(f"/children/{found_target.pk}/").content.decode()
    for text in (english, spanish):
        assert "2021-06-01" in text
        assert "06/01/2021" not in text and "01/06/2021" not in text
